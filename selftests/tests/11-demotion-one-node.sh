# topology: tiered
# debug: skip one_node answers through the path 12, 13 and 19 take on the debug kernel
# one_node pointed at node 2: everything demoted lands on node 2, none on 1.
. "$REPO/selftests/lib.sh"

enable_demotion
settle
mmpolicy load one_node --set target_node=2 || fail "load one_node"
check "sysfs names the policy" [ "$(policy_of demotion)" = one_node ]
calls0=$(hookstat demotion calls) ovr0=$(hookstat demotion overrides)
inv0=$(hookstat demotion invalid)
d0=$(pgdemote)
r=$(hog 640 0)
d1=$(pgdemote)
n1=$(field node1 "$r") n2=$(field node2 "$r")
calls=$(( $(hookstat demotion calls) - calls0 ))
ovr=$(( $(hookstat demotion overrides) - ovr0 ))
echo "pgdemote +$((d1 - d0)); node1=$n1 node2=$n2; hook calls +$calls overrides +$ovr"
mmpolicy status
check "reclaim demoted pages (pgdemote +$((d1 - d0)))" [ $((d1 - d0)) -gt 10000 ]
check "demoted pages landed on node 2 ($n2)" [ "$n2" -gt 10000 ]
check "none landed on node 1 ($n1)" [ "$n1" -eq 0 ]
check "the policy was consulted ($calls calls)" [ "$calls" -gt 0 ]
check "it overrode the kernel's choice ($ovr times)" [ "$ovr" -gt 0 ]
# The counters are cumulative since boot: compare with before the hog.
check "no invalid answers (+$(( $(hookstat demotion invalid) - inv0 )))" [ "$(hookstat demotion invalid)" -eq "$inv0" ]
