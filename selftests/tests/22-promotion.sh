# topology: tiered
# Hot-page promotion (NUMA balancing, tiering mode): a working set moved to
# slow node 1 and read every 100 ms comes back to node 0 for a cgroup whose
# promote_cgroup threshold is eager, and stays on node 1 for one whose
# threshold is 0 (never), side by side. Then the rate limit holds against
# the policy: at 1 MB/s, with the kernel's hot threshold at 1 ms so that it
# would promote nothing itself, every promotion is the policy's and the
# kernel refuses those over the limit (declined).
. "$REPO/selftests/lib.sh"

NB=/sys/kernel/debug/sched/numa_balancing
HOTSET=$BIN/hotset
[ -f /proc/sys/kernel/numa_balancing ] || fail "kernel without NUMA_BALANCING"
[ -d $NB ] || fail "no $NB (SCHED_DEBUG)"
cgid() { stat -c %i "/sys/fs/cgroup/$1"; }
node_of() { field "node$1" "$2"; }
th0=$(cat $NB/hot_threshold_ms) rl0=$(cat /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps)
sd0=$(cat $NB/scan_delay_ms) sp0=$(cat $NB/scan_period_min_ms)
restore() {
	echo 0 > /proc/sys/kernel/numa_balancing
	echo "$th0" > $NB/hot_threshold_ms
	echo "$sd0" > $NB/scan_delay_ms
	echo "$sp0" > $NB/scan_period_min_ms
	echo "$rl0" > /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps
	rmdir /sys/fs/cgroup/eager /sys/fs/cgroup/never 2>/dev/null
}
trap restore EXIT

# NUMA scans come every scan period of the task's own CPU time, and a
# process that mostly sleeps between reads runs little: scan sooner.
echo 100 > $NB/scan_delay_ms
echo 100 > $NB/scan_period_min_ms
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/eager /sys/fs/cgroup/never
mmpolicy load promote_cgroup || fail "load promote_cgroup"
"$BPFTOOL" map update name cgroup_threshol key $(le_bytes "$(cgid eager)" 8) value $(le_bytes 100000 4) || fail "map update"
"$BPFTOOL" map update name cgroup_threshol key $(le_bytes "$(cgid never)" 8) value $(le_bytes 0 4) || fail "map update"
echo 2 > /proc/sys/kernel/numa_balancing || fail "numa_balancing=2"

c0=$(hookstat promotion hint/calls) p0=$(vmstat pgpromote_success)
# The eager set runs until it is back (at most 240 s: when a new process's
# first scan pass comes depends on its CPU time, and the debug kernel scans
# slowly); the never set beside it, as long and at least 20 s.
rm -f /tmp/never.stop
t0=$(date +%s)
in_cgroup eager "$HOTSET" -m 16 -d 1 -i 100 -t 240 -u 0:95 >/tmp/eager.out &
e=$!
in_cgroup never "$HOTSET" -m 16 -d 1 -i 100 -t 260 -s /tmp/never.stop >/tmp/never.out &
n=$!
wait $e || fail "hotset: $(cat /tmp/eager.out)"
while [ $(( $(date +%s) - t0 )) -lt 20 ]; do sleep 1; done
touch /tmp/never.stop
wait $n || fail "hotset: $(cat /tmp/never.out)"
cat /tmp/eager.out /tmp/never.out
ef=$(grep '^final' /tmp/eager.out) nf=$(grep '^final' /tmp/never.out)
calls=$(( $(hookstat promotion hint/calls) - c0 ))
echo "hint faults asked: $calls, pgpromote_success +$(( $(vmstat pgpromote_success) - p0 ))"
check "both sets started on node 1" grep -q 'placed: pages=4096 node1=4096$' /tmp/eager.out
check "(and the other)" grep -q 'placed: pages=4096 node1=4096$' /tmp/never.out
check "the policy was asked ($calls)" [ "$calls" -gt 0 ]
check "eager: at least 90% back on node 0 ($(node_of 0 "$ef") of 4096)" [ "$(node_of 0 "$ef")" -ge 3687 ]
check "never: all still on node 1 ($(node_of 1 "$nf") of 4096)" [ "$(node_of 1 "$nf")" -eq 4096 ]
check "no answer invalid" [ "$(hookstat promotion hint/invalid)" -eq 0 ]

# The rate limit is a guard the policy cannot lift: 1 MB/s is 256 pages a
# second; the kernel's own threshold (1 ms) leaves every page to the policy.
echo 1 > $NB/hot_threshold_ms
echo 1 > /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps
o0=$(hookstat promotion hint/overrides) d0=$(hookstat promotion hint/declined) p0=$(vmstat pgpromote_success)
t0=$(date +%s%N)
# Until the first pages are back (2%, one NUMA scan's worth at this
# limit), at most 240 s: when a new process's first scan comes varies.
in_cgroup eager "$HOTSET" -m 32 -d 1 -i 100 -t 240 -u 0:2 >/tmp/rl.out || fail "hotset: $(cat /tmp/rl.out)"
secs=$(( ($(date +%s%N) - t0 + 999999999) / 1000000000 ))
promoted=$(( $(vmstat pgpromote_success) - p0 ))
ovr=$(( $(hookstat promotion hint/overrides) - o0 )) dec=$(( $(hookstat promotion hint/declined) - d0 ))
cat /tmp/rl.out
echo "in ${secs}s: promoted $promoted pages, overrides +$ovr, declined +$dec"
check "promotions within the rate limit: $promoted <= 256 x ($secs + 1)" [ "$promoted" -le $(( 256 * (secs + 1) )) ]
check "the policy promoted pages the kernel would not (overrides +$ovr)" [ "$ovr" -gt 0 ]
check "and the rate limit refused some of its answers (declined +$dec)" [ "$dec" -gt 0 ]
check "some pages did come back ($(node_of 0 "$(grep '^final' /tmp/rl.out)"))" [ "$(node_of 0 "$(grep '^final' /tmp/rl.out)")" -gt 0 ]
