# topology: tiered
# debug: skip the promotion hook path is taken on the debug kernel by 22
# promote_cgroup's burst_faults: a set on slow node 1 whose hint faults come
# all at once (read whole every 100 ms) is promoted from the 256th fault of
# a scan pass on, while one read as a trickle (1 page a millisecond, always
# on the CPU, so hinted often) is asked about and stays, and so does a set
# read like the first in a cgroup whose threshold is 0 (never). The
# kernel's own hot threshold is 0, so every promotion is the policy's.
. "$REPO/selftests/lib.sh"

NB=/sys/kernel/debug/sched/numa_balancing
HOTSET=$BIN/hotset
[ -f /proc/sys/kernel/numa_balancing ] || fail "kernel without NUMA_BALANCING"
[ -d $NB ] || fail "no $NB (SCHED_DEBUG)"
node_of() { field "node$1" "$2"; }
th0=$(cat $NB/hot_threshold_ms) sd0=$(cat $NB/scan_delay_ms) sp0=$(cat $NB/scan_period_min_ms)
restore() {
	echo 0 > /proc/sys/kernel/numa_balancing
	echo "$th0" > $NB/hot_threshold_ms
	echo "$sd0" > $NB/scan_delay_ms
	echo "$sp0" > $NB/scan_period_min_ms
	mmpolicy unload promotion >/dev/null 2>&1
	rmdir /sys/fs/cgroup/trickle /sys/fs/cgroup/burst /sys/fs/cgroup/never 2>/dev/null
}
trap restore EXIT

echo 100 > $NB/scan_delay_ms
echo 100 > $NB/scan_period_min_ms
# No page is hot to the kernel: latency < 0 never holds, and the kernel's
# own adjustment of it moves it in steps of 2/16 of 0 (numa_balancing
# going from 0 to 2 resets the adjusted threshold).
echo 0 > $NB/hot_threshold_ms
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/trickle /sys/fs/cgroup/burst /sys/fs/cgroup/never
mmpolicy load promote_cgroup --set burst_faults=256 || fail "load promote_cgroup"
"$BPFTOOL" map update name cgroup_threshol key $(le_bytes "$(stat -c %i /sys/fs/cgroup/never)" 8) \
	value $(le_bytes 0 4) || fail "map update"
echo 0 > /proc/sys/kernel/numa_balancing
echo 2 > /proc/sys/kernel/numa_balancing || fail "numa_balancing=2"

# A trickle: at most 100 hint faults in any 100 ms, under the 256 that
# make a burst, however often its pages are hinted.
c0=$(hookstat promotion hint/calls) o0=$(hookstat promotion hint/overrides)
in_cgroup trickle "$HOTSET" -m 16 -d 1 -i 1 -n 1 -b -t 30 >/tmp/trickle.out ||
	fail "hotset: $(cat /tmp/trickle.out)"
calls=$(( $(hookstat promotion hint/calls) - c0 ))
ovr=$(( $(hookstat promotion hint/overrides) - o0 ))
cat /tmp/trickle.out
tf=$(grep '^final' /tmp/trickle.out)
echo "trickle: hint faults asked +$calls, overrides +$ovr"
check "the trickle started on node 1" grep -q 'placed: pages=4096 node1=4096$' /tmp/trickle.out
check "its pages were hinted and the policy asked ($calls times)" [ "$calls" -ge 100 ]
check "and it promoted none of them (overrides +$ovr)" [ "$ovr" -eq 0 ]
check "the trickle is all still on node 1 ($(node_of 1 "$tf") of 4096)" [ "$(node_of 1 "$tf")" -eq 4096 ]

# A burst: a scan pass marks the whole set and the next read takes its
# 4096 hint faults together. Until 90% is back, at most 240 s (when a new
# process's first scan pass comes depends on its CPU time); beside it the
# same in the never cgroup, as long and at least 20 s.
c0=$(hookstat promotion hint/calls) o0=$(hookstat promotion hint/overrides)
rm -f /tmp/never.stop
t0=$(date +%s)
in_cgroup burst "$HOTSET" -m 16 -d 1 -i 100 -t 240 -u 0:90 >/tmp/burst.out &
b=$!
in_cgroup never "$HOTSET" -m 16 -d 1 -i 100 -t 260 -s /tmp/never.stop >/tmp/never.out &
n=$!
wait $b || fail "hotset: $(cat /tmp/burst.out)"
while [ $(( $(date +%s) - t0 )) -lt 20 ]; do sleep 1; done
touch /tmp/never.stop
wait $n || fail "hotset: $(cat /tmp/never.out)"
calls=$(( $(hookstat promotion hint/calls) - c0 ))
ovr=$(( $(hookstat promotion hint/overrides) - o0 ))
cat /tmp/burst.out /tmp/never.out
bf=$(grep '^final' /tmp/burst.out) nf=$(grep '^final' /tmp/never.out)
echo "burst and never: hint faults asked +$calls, overrides +$ovr"
check "the burst set started on node 1" grep -q 'placed: pages=4096 node1=4096$' /tmp/burst.out
check "(and the never set)" grep -q 'placed: pages=4096 node1=4096$' /tmp/never.out
check "never: all still on node 1 ($(node_of 1 "$nf") of 4096)" [ "$(node_of 1 "$nf")" -eq 4096 ]
check "the policy promoted it (overrides +$ovr)" [ "$ovr" -gt 0 ]
check "at least 90% back on node 0 ($(node_of 0 "$bf") of 4096)" [ "$(node_of 0 "$bf")" -ge 3687 ]
check "no answer invalid" [ "$(hookstat promotion hint/invalid)" -eq 0 ]
