# topology: tiered
# A node the policy names is that node, whether or not the kernel's random
# pick was the same: with node 1 named and full, nothing spills to node 2
# (before the fix about half the batches, those where node 1 was also the
# random default, could fall back to node 2). What cannot go to node 1
# cannot be reclaimed at all here (no swap): the hog is stopped after 60 s
# and node 2's memory is what tells.
. "$REPO/selftests/lib.sh"

enable_demotion
settle
# Fill node 1 with memory that cannot leave it (no swap, no lower tier).
"$MEMHOG" -m 440 -b 1 -s 600 >/tmp/fill.out 2>&1 &
fill=$!
trap 'kill $fill 2>/dev/null' EXIT
while [ ! -s /tmp/fill.out ]; do sleep 0.2; done
free1=$(awk '/Node 1 MemFree/ { print $4 }' /sys/devices/system/node/node1/meminfo)
echo "node 1 filled: $(cat /tmp/fill.out); MemFree ${free1} kB"

node2_used() { awk '/MemUsed/ { print $4 }' /sys/devices/system/node/node2/meminfo; }
mmpolicy load one_node --set target_node=1 || fail "load one_node"
u0=$(node2_used)
c0=$(hookstat demotion migrate/calls) o0=$(hookstat demotion migrate/overrides)
i0=$(hookstat demotion invalid)
timeout -s KILL 60 "$MEMHOG" -m 640 -b 0 >/dev/null 2>&1
u1=$(node2_used)
echo "node 2 MemUsed: ${u0} kB -> ${u1} kB"
ovr=$(( $(hookstat demotion migrate/overrides) - o0 )) calls=$(( $(hookstat demotion migrate/calls) - c0 ))
echo "migrate decisions: calls $calls, overrides $ovr"
check "the policy named node 1 at every migration ($ovr of $calls)" [ "$calls" -gt 0 -a "$ovr" -eq "$calls" ]
check "nothing spilled to node 2 (+$((u1 - u0)) kB)" [ $((u1 - u0)) -lt 8192 ]
check "no answer was invalid" [ "$(hookstat demotion invalid)" -eq "$i0" ]
kill $fill; wait $fill 2>/dev/null
trap - EXIT
exit 0
