# topology: tiered
# The operator's kill switch: one write ejects one hook's policy, another
# write ejects every hook's, and it works on a hook busy under reclaim.
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

# Under reclaim: the switch takes a policy off a busy hook, and reclaim goes
# on the kernel's way.
enable_demotion
settle
mmpolicy load one_node --set target_node=2 >/dev/null || fail "load one_node"
rm -f /tmp/stop
( while [ ! -e /tmp/stop ]; do "$MEMHOG" -m 640 -b 0 >/dev/null 2>&1 || break; done ) &
load=$!
trap 'touch /tmp/stop; wait $load 2>/dev/null' EXIT
c0=$(hookstat demotion calls)
for i in $(seq 1200); do [ "$(hookstat demotion calls)" -gt $((c0 + 200)) ] && break; sleep 0.1; done
check "one_node decides under reclaim ($(( $(hookstat demotion calls) - c0 )) calls)" \
	[ "$(hookstat demotion calls)" -gt $((c0 + 200)) ]
echo 1 > $HOOKS/eject || fail "write bpf_policy/eject under reclaim"
check "ejected under reclaim" [ "$(hookstat demotion state)" = ejected ]
# Calls that were already running when the switch flipped finish first.
sleep 1
c1=$(hookstat demotion calls) d1=$(pgdemote)
for i in $(seq 1200); do [ "$(pgdemote)" -gt $((d1 + 2000)) ] && break; sleep 0.1; done
d2=$(pgdemote) c2=$(hookstat demotion calls)
touch /tmp/stop
wait $load
trap - EXIT
echo "after the switch: pgdemote +$((d2 - d1)), hook calls +$((c2 - c1))"
check "reclaim went on demoting" [ $((d2 - d1)) -gt 2000 ]
check "without asking the ejected policy" [ "$c2" -eq "$c1" ]
mmpolicy unload demotion >/dev/null
check "unloaded: state none" [ "$(hookstat demotion state)" = none ]
