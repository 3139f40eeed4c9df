# topology: tiered
# Detaching restores the default: after one_node(2) is unloaded, demotion
# again spreads over nodes 1 and 2, and the hook is no longer called.
. "$REPO/selftests/lib.sh"

enable_demotion
settle
mmpolicy load one_node --set target_node=2 || fail "load"
mmpolicy unload demotion || fail "unload"
check "sysfs shows no policy" [ "$(policy_of demotion)" = none ]
check "the link pin is gone" [ ! -e /sys/fs/bpf/mm_policy/demotion ]
calls0=$(hookstat demotion calls) fb0=$(hookstat demotion fallbacks)
r=$(hog 640 0)
n1=$(field node1 "$r") n2=$(field node2 "$r")
check "node 1 receives demoted pages again ($n1)" [ "$n1" -gt 1000 ]
check "node 2 too ($n2)" [ "$n2" -gt 1000 ]
check "the hook was not called after detach" [ "$(hookstat demotion calls)" -eq "$calls0" ]
check "nor entered without a policy (fallbacks $fb0 -> $(hookstat demotion fallbacks))" \
	[ "$(hookstat demotion fallbacks)" -eq "$fb0" ]
