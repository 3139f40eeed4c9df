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

# The kernel is the truth: a record left by a policy detached with another
# tool attributes nothing, and its stale pin does not block the next load.
mmpolicy load one_node --set target_node=2 >/dev/null || fail "load one_node"
"$BPFTOOL" link detach pinned /sys/fs/bpf/mm_policy/demotion || fail "bpftool link detach"
check "detached behind mmpolicy's back" [ "$(policy_of demotion)" = none ]
mkdir -p /sys/fs/bpf/bpftool-links
"$BPFTOOL" struct_ops register "$BPFO/most_free.bpf.o" /sys/fs/bpf/bpftool-links || fail "bpftool register"
st=$(mmpolicy status)
echo "$st"
check "status names what the kernel has" grep -q '^demotion *most_free' <<<"$st"
check "as another tool's" grep -q 'another tool' <<<"$st"
check "not as the old record's one_node" not grep -q 'from one_node' <<<"$st"
mmpolicy unload demotion >/dev/null || fail "unload bpftool's policy"
rm -rf /sys/fs/bpf/bpftool-links

mmpolicy load one_node >/dev/null || fail "load one_node"
"$BPFTOOL" link detach pinned /sys/fs/bpf/mm_policy/demotion || fail "bpftool link detach"
check "its pin is left behind" [ -e /sys/fs/bpf/mm_policy/demotion ]
out=$(mmpolicy load most_free 2>&1); rc=$?
echo "$out"
check "a stale pin does not block load (exit $rc)" [ $rc -eq 0 ]
check "load says it removed it" grep -q 'removed a stale pin at /sys/fs/bpf/mm_policy/demotion' <<<"$out"
check "most_free is attached" [ "$(policy_of demotion)" = most_free ]

# Commands that change hooks take turns: one waits for the other's lock.
rm -f /tmp/locked
flock /run/mm_policy/lock sh -c 'touch /tmp/locked; exec sleep 2' &
for i in $(seq 100); do [ -e /tmp/locked ] && break; sleep 0.1; done
t0=$(date +%s%N)
out=$(mmpolicy unload all 2>&1) || fail "unload while locked: $out"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "$out (after $ms ms)"
check "unload waited for the lock" grep -q 'waiting for another mmpolicy command' <<<"$out"
check "until it was free ($ms ms)" [ $ms -ge 1000 ]
check "then detached" [ "$(policy_of demotion)" = none ]
wait
