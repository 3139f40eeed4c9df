# topology: tiered
# debug: skip link updates run on the debug kernel under load in 30
# swap is a compare-and-swap: it replaces only the policy the operator
# expects, and a policy loaded by one process is swapped by another.
. "$REPO/selftests/lib.sh"

mmpolicy load one_node --set target_node=2 || fail "load"
map=$(mmpolicy status --json | grep -o '"map_id":[0-9]*' | head -1 | cut -d: -f2)
echo "one_node is map $map"
mmpolicy status

# Keep one_node's map alive after it is swapped out, so the stale
# expectation below reaches the kernel's own compare-and-swap (-EPERM).
"$BPFTOOL" map pin id "$map" /sys/fs/bpf/cas-old || fail "pin old map"
out=$(mmpolicy swap most_free --expect "$map" 2>&1); rc=$?
echo "$out"
check "swap with the right expectation succeeds" [ $rc -eq 0 ]
check "most_free is attached" [ "$(policy_of demotion)" = most_free ]

out=$(mmpolicy swap kernel_default --expect "$map" 2>&1); rc=$?
echo "$out"
check "a stale expectation loses the compare-and-swap (exit 5)" [ $rc -eq 5 ]
check "and says so" grep -q "compare-and-swap" <<<"$out"
check "most_free is still attached" [ "$(policy_of demotion)" = most_free ]
rm /sys/fs/bpf/cas-old
out=$(mmpolicy swap kernel_default --expect "$map" 2>&1); rc=$?
echo "$out"
check "an expectation whose map is gone loses too (exit 5)" [ $rc -eq 5 ]

out=$(mmpolicy swap kernel_default --expect one_node 2>&1); rc=$?
check "expecting by name checks the name too (exit $rc)" [ $rc -eq 5 ]
out=$(mmpolicy swap kernel_default --expect most_free --set nonexistent=1 2>&1); rc=$?
echo "$out"
check "a swap with an unknown tunable fails as a usage error (exit $rc)" [ $rc -eq 2 ]
check "and names the tunable" grep -q "no tunable 'nonexistent'" <<<"$out"
check "a failed swap changes nothing" [ "$(policy_of demotion)" = most_free ]
mmpolicy swap kernel_default --expect most_free || fail "swap by name"
check "kernel_default is attached" [ "$(policy_of demotion)" = kernel_default ]
check "status shows where it came from" grep -q "from kernel_default" <<<"$(mmpolicy status)"
