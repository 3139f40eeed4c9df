# topology: tiered
# A policy cannot send memory up: a slow node naming the fast node 0 as its
# target is invalid, every time, and nothing moves.
. "$REPO/selftests/lib.sh"

bss() { "$BPFTOOL" map dump name upward.bss | grep -o "\"$1\": [0-9]*" | grep -o '[0-9]*$'; }

echo 0 > /sys/module/bpf_mm_policy/parameters/max_invalid_run
enable_demotion
settle
mmpolicy load "$BPFO/upward.bpf.o" || fail "load upward"
inv0=$(hookstat demotion invalid) d0=$(pgdemote)
# Reclaim on node 1; it has no swap and no lower tier, so the hog ends in
# the OOM killer: expected (the timeout is for a kernel that never gets
# there; on the debug kernel the OOM kill comes after about 50 s).
timeout -s KILL 240 "$MEMHOG" -m 640 -b 1 >/dev/null 2>&1
d1=$(pgdemote)
counts() { echo "$(bss nr_upward) $(( $(hookstat demotion invalid) - inv0 ))"; }
read -r up inv <<<"$(settled counts)"
echo "node 1 answered node 0 $up times; invalid +$inv; pgdemote +$((d1 - d0))"
check "the policy was asked on node 1 ($up)" [ "${up:-0}" -gt 0 ]
check "every upward answer was invalid ($inv = $up)" [ "$inv" -eq "$up" ]
check "nothing was demoted" [ $((d1 - d0)) -eq 0 ]
