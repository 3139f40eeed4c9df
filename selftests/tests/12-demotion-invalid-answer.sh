# topology: tiered
# A policy answering a node that does not exist: the kernel counts the
# answer as invalid and demotes where it would have anyway.
. "$REPO/selftests/lib.sh"

enable_demotion
settle
mmpolicy load "$BPFO/bad_target.bpf.o" || fail "load bad_target"
inv0=$(hookstat demotion invalid) ovr0=$(hookstat demotion overrides)
d0=$(pgdemote)
r=$(hog 640 0)
d1=$(pgdemote)
n1=$(field node1 "$r") n2=$(field node2 "$r")
inv=$(( $(hookstat demotion invalid) - inv0 ))
echo "pgdemote +$((d1 - d0)); node1=$n1 node2=$n2; invalid answers +$inv"
check "every answer counted invalid ($inv)" [ "$inv" -gt 0 ]
check "no answer overrode the kernel" [ "$(hookstat demotion overrides)" -eq "$ovr0" ]
check "demotion fell back to the default (pgdemote +$((d1 - d0)))" [ $((d1 - d0)) -gt 10000 ]
check "default spread: node 1 ($n1) and node 2 ($n2)" [ "$n1" -gt 1000 -a "$n2" -gt 1000 ]
