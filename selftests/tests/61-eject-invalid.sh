# topology: tiered
# debug: skip ejection runs on the debug kernel in 62 and 63
# A policy that keeps answering nonsense is ejected: after max_invalid_run
# (100) invalid answers in a row the kernel takes it off the hook, says why
# in sysfs, the kernel log and a tracepoint, decides on its own again, and
# leaves the link for user space to remove.
. "$REPO/selftests/lib.sh"

T=/sys/kernel/tracing
echo 1 > $T/events/bpf_mm_policy/bpf_mm_policy_lifecycle/enable
echo > $T/trace

enable_demotion
settle
check "max_invalid_run defaults to 100" \
	[ "$(cat /sys/module/bpf_mm_policy/parameters/max_invalid_run)" = 100 ]
mmpolicy load "$BPFO/bad_target.bpf.o" || fail "load bad_target"
inv0=$(hookstat demotion invalid) calls0=$(hookstat demotion calls)
link=$(hookstat demotion link_id)
seq=$(hookstat demotion attach_seq)
check "attached: state, link id $link, attach_seq $seq" \
	[ "$(hookstat demotion state)" = attached -a "$link" -gt 0 -a "$seq" -gt 0 ]
d0=$(pgdemote)
r=$(hog 640 0)
d1=$(pgdemote)
sleep 1
inv=$(( $(hookstat demotion invalid) - inv0 )) calls=$(( $(hookstat demotion calls) - calls0 ))
echo "pgdemote +$((d1 - d0)); calls $calls, invalid $inv"
check "state is ejected" [ "$(hookstat demotion state)" = ejected ]
check "no policy decides" [ "$(policy_of demotion)" = none ]
reason=$(hookstat demotion exit_reason)
echo "exit_reason: $reason"
check "exit_reason names the policy and the run" \
	grep -q '^bad_target: 100 invalid answers in a row' <<<"$reason"
check "every answer was invalid (calls $calls = invalid $inv)" [ "$calls" -eq "$inv" ]
# The work item that ejects may wait behind reclaim on its CPU: the bound
# is loose, but a policy ejected nowhere near the limit still fails.
check "ejected at the limit, plus calls until the ejection work ran ($inv)" [ "$inv" -ge 100 -a "$inv" -le 1000 ]
check "demotion went on the kernel's way (pgdemote +$((d1 - d0)))" [ $((d1 - d0)) -gt 10000 ]
check "one kernel log line says so" \
	[ "$(dmesg | grep -c "bpf_mm: demotion policy 'bad_target' ejected: 100 invalid answers")" -eq 1 ]
check "the lifecycle tracepoint fired" \
	grep -q "hook=demotion policy=bad_target event=eject link=$link seq=$seq" $T/trace
grep bpf_mm_policy_lifecycle $T/trace | sed 's/^ */  trace: /'
check "the link is still there" grep -q struct_ops <<<"$("$BPFTOOL" link show id "$link" 2>&1)"

calls0=$(hookstat demotion calls)
hog 640 0 >/dev/null
check "the ejected policy is not called any more" [ "$(hookstat demotion calls)" -eq "$calls0" ]

out=$(mmpolicy swap one_node 2>&1); rc=$?
echo "swap onto the ejected hook: rc=$rc: $out"
check "swap refuses, naming the ejection" grep -q 'ejected' <<<"$out"
mmpolicy status | sed 's/^/  /'
check "status shows the ejection" grep -q 'EJECTED by the kernel: bad_target' <<<"$(mmpolicy status)"

mmpolicy load one_node || fail "load after ejection"
check "a new policy attaches over the ejected one" \
	[ "$(hookstat demotion state)" = attached -a "$(policy_of demotion)" = one_node ]
check "the ejected link was removed" not "$BPFTOOL" link show id "$link" 2>/dev/null
check "a new attach sequence number" [ "$(hookstat demotion attach_seq)" -gt "$seq" ]
mmpolicy unload demotion
check "unloaded: state none" [ "$(hookstat demotion state)" = none ]

# max_invalid_run=0: invalid answers are only counted.
echo 0 > /sys/module/bpf_mm_policy/parameters/max_invalid_run
mmpolicy load "$BPFO/bad_target.bpf.o" || fail "reload bad_target"
inv0=$(hookstat demotion invalid)
hog 640 0 >/dev/null
check "with max_invalid_run=0 it stays attached ($(( $(hookstat demotion invalid) - inv0 )) invalid)" \
	[ "$(hookstat demotion state)" = attached -a $(( $(hookstat demotion invalid) - inv0 )) -gt 100 ]
echo 0 > $T/events/bpf_mm_policy/bpf_mm_policy_lifecycle/enable
