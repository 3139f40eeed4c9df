# topology: tiered
# A policy answering a node that does not exist: the kernel counts every
# answer as invalid and demotes where it would have anyway. Ejection is
# switched off here (max_invalid_run=0) to see the fallback alone; test 61
# covers ejection.
. "$REPO/selftests/lib.sh"

echo 0 > /sys/module/bpf_mm_policy/parameters/max_invalid_run
enable_demotion
settle
mmpolicy load "$BPFO/bad_target.bpf.o" || fail "load bad_target"
inv0=$(hookstat demotion invalid) ovr0=$(hookstat demotion overrides)
calls0=$(hookstat demotion calls)
d0=$(pgdemote)
r=$(hog 640 0)
d1=$(pgdemote)
n1=$(field node1 "$r") n2=$(field node2 "$r")
counts() { echo "$(( $(hookstat demotion invalid) - inv0 )) $(( $(hookstat demotion calls) - calls0 ))"; }
read -r inv calls <<<"$(settled counts)"
echo "pgdemote +$((d1 - d0)); node1=$n1 node2=$n2; calls +$calls, invalid +$inv"
check "every answer counted invalid ($inv of $calls)" [ "$inv" -gt 0 -a "$inv" -eq "$calls" ]
check "in both decisions" [ "$(hookstat demotion query/invalid)" -gt 0 -a "$(hookstat demotion migrate/invalid)" -gt 0 ]
check "no answer overrode the kernel" [ "$(hookstat demotion overrides)" -eq "$ovr0" ]
check "demotion fell back to the default (pgdemote +$((d1 - d0)))" [ $((d1 - d0)) -gt 10000 ]
check "default spread: node 1 ($n1) and node 2 ($n2)" [ "$n1" -gt 1000 -a "$n2" -gt 1000 ]
check "still attached" [ "$(hookstat demotion state)" = attached ]
