# topology: tiered
# boot: bpf_mm_policy.disable=1
# For a machine a policy made unusable: booted with bpf_mm_policy.disable=1,
# the kernel refuses every attach, through the loader and bpftool alike.
. "$REPO/selftests/lib.sh"

check "the parameter is set" [ "$(cat /sys/module/bpf_mm_policy/parameters/disable)" = Y ]
out=$(mmpolicy load one_node 2>&1); rc=$?
echo "mmpolicy load: rc=$rc: $out"
check "the loader is refused with exit 4" [ $rc -eq 4 ]
check "and says why" grep -q 'attaching is disabled (bpf_mm_policy.disable=1' <<<"$out"
out=$("$BPFTOOL" struct_ops register "$BPFO/thp_threshold.bpf.o" /sys/fs/bpf 2>&1); rc=$?
echo "bpftool: rc=$rc"
check "bpftool is refused too" [ $rc -ne 0 ]
for h in demotion thp compaction; do
	check "$h: nothing attached" [ "$(policy_of $h)" = none -a "$(hookstat $h state)" = none ]
done
check "no struct_ops link left" [ -z "$("$BPFTOOL" link show 2>/dev/null | grep struct_ops)" ]

echo 0 > /sys/module/bpf_mm_policy/parameters/disable
mmpolicy load one_node || fail "load after lifting the switch"
check "writing 0 allows attaching again" [ "$(policy_of demotion)" = one_node ]
