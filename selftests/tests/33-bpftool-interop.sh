# topology: tiered
# debug: skip user space only (bpftool and mmpolicy)
# A policy registered with bpftool is seen and managed by mmpolicy, and a
# policy loaded by mmpolicy survives the loader's exit.
. "$REPO/selftests/lib.sh"

mkdir -p /sys/fs/bpf/bpftool-links
"$BPFTOOL" struct_ops register "$BPFO/one_node.bpf.o" /sys/fs/bpf/bpftool-links || fail "bpftool register"
st=$(mmpolicy status)
echo "$st"
check "mmpolicy sees bpftool's policy" grep -q '^demotion *one_node' <<<"$st"
check "and says another tool attached it" grep -q 'another tool' <<<"$st"
out=$(mmpolicy load most_free 2>&1); rc=$?
check "loading over it is refused (exit $rc)" [ $rc -eq 5 ]
mmpolicy swap most_free || fail "swap bpftool's policy"
check "mmpolicy swapped it" [ "$(policy_of demotion)" = most_free ]
mmpolicy unload demotion || fail "unload"
check "and detached it" [ "$(policy_of demotion)" = none ]
rm -rf /sys/fs/bpf/bpftool-links

mmpolicy load one_node || fail "load"
check "the loader has exited; the policy stays" [ "$(policy_of demotion)" = one_node ]
check "its link is pinned" [ -e /sys/fs/bpf/mm_policy/demotion ]
mmpolicy unload all || fail "unload all"
check "unload removed the pin" [ ! -e /sys/fs/bpf/mm_policy/demotion ]
check "and the policy" [ "$(policy_of demotion)" = none ]
