# topology: tiered
# debug: skip the promotion hook path is taken on the debug kernel by 22
# promote_twice promotes a page at its second hint fault within window_ms,
# never at its first. With a 1 ms window no second fault is ever close
# enough: a working set moved to slow node 1 and read every 100 ms stays
# there, every page of it, though the policy is asked (its refusals are
# overrides where the kernel's own threshold, which the kernel adjusts as it
# goes, would have promoted). With the default window (60 s), or a longer
# one, the same set comes back to node 0 once a second scan pass has found
# it hot again.
. "$REPO/selftests/lib.sh"

NB=/sys/kernel/debug/sched/numa_balancing
HOTSET=$BIN/hotset
[ -f /proc/sys/kernel/numa_balancing ] || fail "kernel without NUMA_BALANCING"
[ -d $NB ] || fail "no $NB (SCHED_DEBUG)"
sd0=$(cat $NB/scan_delay_ms) sp0=$(cat $NB/scan_period_min_ms)
restore() {
	echo 0 > /proc/sys/kernel/numa_balancing
	echo "$sd0" > $NB/scan_delay_ms
	echo "$sp0" > $NB/scan_period_min_ms
}
trap restore EXIT
# bss NAME: the attached promotion policy's .bss variable NAME.
bss() {
	"$BPFTOOL" map dump id "$(attached_map promotion promote_.bss)" |
		grep -o "\"$1\": [0-9]*" | grep -o '[0-9]*$'
}

# As in 22: a process that mostly sleeps between reads runs little, and
# NUMA scans come every scan period of its own CPU time.
echo 100 > $NB/scan_delay_ms
echo 100 > $NB/scan_period_min_ms
echo 2 > /proc/sys/kernel/numa_balancing || fail "numa_balancing=2"

mmpolicy load promote_twice --set window_ms=1 >/dev/null || fail "load promote_twice"
c0=$(hookstat promotion hint/calls) o0=$(hookstat promotion hint/overrides) p0=$(vmstat pgpromote_success)
# Until the policy has been asked about most of the set (a scan pass hints
# every page once), at most 150 s: when a new process's first scan pass
# comes depends on its CPU time, and a slow or busy machine gives it less.
rm -f /tmp/t24.stop
t0=$(date +%s)
"$HOTSET" -m 16 -d 1 -i 100 -t 150 -s /tmp/t24.stop >/tmp/t24.out &
h=$!
while kill -0 $h 2>/dev/null &&
      [ $(( $(hookstat promotion hint/calls) - c0 )) -lt 3072 ]; do
	sleep 1
done
# and a second more, so that the pass's last faults come in
sleep 1
touch /tmp/t24.stop
wait $h || fail "hotset: $(cat /tmp/t24.out)"
r=$(cat /tmp/t24.out)
echo "$r"
calls=$(( $(hookstat promotion hint/calls) - c0 )) ovr=$(( $(hookstat promotion hint/overrides) - o0 ))
prom=$(( $(vmstat pgpromote_success) - p0 ))
echo "window 1 ms: hint faults asked $calls, overrides $ovr, pgpromote_success +$prom; $(( $(date +%s) - t0 )) s"
check "the set started on node 1" grep -q 'placed: pages=4096 node1=4096$' <<<"$r"
check "the policy was asked about 3/4 of the set or more ($calls)" [ "$calls" -ge 3072 ]
check "nothing was promoted ($prom)" [ "$prom" -eq 0 ]
check "all of it still on node 1" grep -q '^final: pages=4096 node1=4096 ' <<<"$r"

# Scan passes come seconds to tens of seconds apart (the scan period grows
# while nothing migrates, up to 60 s): on the debug kernel a pass over the
# set takes longer than that, so the default 60 s window sees a page's two
# hints too far apart for a quarter of the set. A 300 s window is the
# same rule with room for the slower kernel; the run gives it 300 s for
# two passes and the slower machines' margin.
mmpolicy swap promote_twice --set window_ms=300000 >/dev/null || fail "swap to a 300 s window"
c0=$(hookstat promotion hint/calls) t0=$(date +%s)
r=$("$HOTSET" -m 16 -d 1 -i 100 -t 300 -u 0:90) || fail "hotset: $r"
echo "$r"
calls=$(( $(hookstat promotion hint/calls) - c0 ))
final=$(grep '^final' <<<"$r")
echo "window 300 s: hint faults asked $calls; second hints $(bss nr_second); $(( $(date +%s) - t0 )) s"
check "at least 90% back on node 0 ($(field node0 "$final") of 4096)" [ "$(field node0 "$final")" -ge 3687 ]
check "promoted at second hint faults ($(bss nr_second))" [ "$(bss nr_second)" -gt 0 ]
check "no answer invalid" [ "$(hookstat promotion hint/invalid)" -eq 0 ]
mmpolicy unload promotion >/dev/null
