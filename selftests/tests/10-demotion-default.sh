# topology: tiered
# debug: skip the demotion hook path is taken on the debug kernel by 12, 13, 19 and 30
# No policy: reclaim on node 0 demotes to the kernel's preferred targets,
# nodes 1 and 2, picking randomly between them (6.12 behaviour).
. "$REPO/selftests/lib.sh"

check "no demotion policy attached" [ "$(policy_of demotion)" = none ]
for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
	echo "$(basename "$t"): $(cat "$t/nodelist")"
done
enable_demotion
settle
calls0=$(hookstat demotion calls) fb0=$(hookstat demotion fallbacks)
d0=$(pgdemote)
r=$(hog 640 0)
d1=$(pgdemote)
n1=$(field node1 "$r") n2=$(field node2 "$r")
echo "pgdemote +$((d1 - d0)); pages on node1=$n1 node2=$n2"
check "reclaim demoted pages (pgdemote rose by $((d1 - d0)))" [ $((d1 - d0)) -gt 10000 ]
check "some landed on node 1 ($n1)" [ "$n1" -gt 1000 ]
check "some landed on node 2 ($n2)" [ "$n2" -gt 1000 ]
check "the hook was not consulted" [ "$(hookstat demotion calls)" -eq "$calls0" ]
check "nor entered without a policy (fallbacks $fb0 -> $(hookstat demotion fallbacks))" \
	[ "$(hookstat demotion fallbacks)" -eq "$fb0" ]
