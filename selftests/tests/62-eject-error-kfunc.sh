# topology: tiered
# A policy can report an error itself: its hook's error kfunc ejects it with
# the policy's message. Each error kfunc is offered to its own hook only,
# and an ops with no member is refused.
. "$REPO/selftests/lib.sh"

thp_setup
mmpolicy load "$BPFO/thp_error.bpf.o" || fail "load thp_error"
"$THPTOUCH" -n 8 touch:0-7:1 >/dev/null || fail "thptouch"
# The ejection itself runs from a work item: give it 10 s.
for i in $(seq 100); do [ "$(hookstat thp state)" = ejected ] && break; sleep 0.1; done
reason=$(hookstat thp exit_reason)
echo "exit_reason: $reason"
check "the THP policy was ejected" [ "$(hookstat thp state)" = ejected ]
check "with its own message" [ "$reason" = "thp_error: policy error: thp_error cannot decide" ]
check "one kernel log line" \
	[ "$(dmesg | grep -c "bpf_mm: thp policy 'thp_error' ejected: policy error: thp_error cannot decide")" -eq 1 ]
calls=$(hookstat thp fault/calls)
"$THPTOUCH" -n 8 touch:0-7:1 >/dev/null
check "not called after ejection (fault calls stay $calls)" [ "$(hookstat thp fault/calls)" -eq "$calls" ]
check "the other hooks are untouched" \
	[ "$(hookstat demotion state)" = none -a "$(hookstat compaction state)" = none ]
mmpolicy unload thp

out=$(mmpolicy load "$BPFO/wrong_error_kfunc.bpf.o" 2>&1); rc=$?
echo "demotion policy calling bpf_mm_thp_error: rc=$rc"
echo "$out" | sed 's/^/  /'
check "the verifier refuses another hook's error kfunc" [ $rc -ne 0 ]
check "and says which call" grep -q 'bpf_mm_thp_error' <<<"$out"
check "nothing attached" [ "$(policy_of demotion)" = none ]

out=$(mmpolicy load "$BPFO/empty_ops.bpf.o" 2>&1); rc=$?
echo "a THP policy with no member: rc=$rc: $out"
check "the kernel refuses it" [ $rc -ne 0 -a "$(policy_of thp)" = none ]
check "as a policy without members" grep -q 'at least one member' <<<"$out"
