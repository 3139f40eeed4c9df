# topology: tiered
# The operator's kill switch: one write ejects one hook's policy, another
# write ejects every hook's.
. "$REPO/selftests/lib.sh"

mmpolicy load one_node || fail "load one_node"
mmpolicy load thp_threshold || fail "load thp_threshold"
mmpolicy load skip_pinned || fail "load skip_pinned"

echo 1 > $HOOKS/demotion/eject || fail "write demotion/eject"
check "demotion ejected" [ "$(hookstat demotion state)" = ejected ]
check "by the operator" grep -q '^one_node: ejected through sysfs by ' <<<"$(hookstat demotion exit_reason)"
check "the others still attached" \
	[ "$(hookstat thp state)" = attached -a "$(hookstat compaction state)" = attached ]
echo 0 > $HOOKS/thp/eject
check "writing 0 ejects nothing" [ "$(hookstat thp state)" = attached ]

echo 1 > $HOOKS/eject || fail "write bpf_policy/eject"
for h in demotion thp compaction; do
	check "$h ejected by the global switch" [ "$(hookstat $h state)" = ejected ]
done
check "exit reasons say sysfs" [ "$(cat $HOOKS/*/exit_reason | grep -c 'ejected through sysfs')" -eq 3 ]
check "three kernel log lines" [ "$(dmesg | grep -c 'bpf_mm: .* ejected: ejected through sysfs')" -eq 3 ]
echo 1 > $HOOKS/eject || fail "a second write"
check "ejecting nothing is fine" [ "$(dmesg | grep -c 'ejected: ejected through sysfs')" -eq 3 ]

mmpolicy unload all
for h in demotion thp compaction; do
	check "$h: links removed, state none" [ "$(hookstat $h state)" = none ]
done
check "no struct_ops link left" [ -z "$("$BPFTOOL" link show 2>/dev/null | grep struct_ops)" ]
