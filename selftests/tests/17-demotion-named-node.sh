# topology: tiered
# A node the policy names is that node, whether or not the kernel's random
# pick was the same: with node 1 named and full, nothing spills to node 2
# (before the fix about half the batches, those where node 1 was also the
# random default, could fall back to node 2).
. "$REPO/selftests/lib.sh"

enable_demotion
settle
# Fill node 1 with memory that cannot leave it (no swap, no lower tier).
"$MEMHOG" -m 440 -b 1 -s 600 >/tmp/fill.out &
fill=$!
while [ ! -s /tmp/fill.out ]; do sleep 0.2; done
free1=$(awk '/Node 1 MemFree/ { print $4 }' /sys/devices/system/node/node1/meminfo)
echo "node 1 filled: $(cat /tmp/fill.out); MemFree ${free1} kB"

mmpolicy load one_node --set target_node=1 || fail "load one_node"
r=$("$MEMHOG" -m 640 -b 0) || true
echo "memhog on node 0: $r"
n2=$(field node2 "$r")
ovr=$(hookstat demotion migrate/overrides) calls=$(hookstat demotion migrate/calls)
echo "migrate decisions: calls $calls, overrides $ovr"
check "the policy named node 1 at every migration ($ovr of $calls)" [ "$calls" -gt 0 -a "$ovr" -eq "$calls" ]
check "nothing spilled to node 2 (${n2:-?} pages)" [ "${n2:-1}" -eq 0 ]
check "no answer was invalid" [ "$(hookstat demotion invalid)" -eq 0 ]
kill $fill; wait $fill 2>/dev/null
