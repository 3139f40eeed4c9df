# topology: tiered
# debug: skip the named-node mask is built on the path 12 and 19 take on the debug kernel
# A node the policy names is that node, whether or not the kernel's random
# pick was the same: with node 1 named and full, nothing spills to node 2
# (before the fix about half the batches, those where node 1 was also the
# random default, could fall back to node 2). What cannot go to node 1
# cannot be reclaimed at all here (no swap): the hog is stopped after 60 s
# and node 2's memory is what tells.
. "$REPO/selftests/lib.sh"

# Node 1's own reclaim asks too (and one_node leaves it to the kernel): the
# decision tracepoint tells node 0's migrations from node 1's.
T=/sys/kernel/tracing
E=$T/events/bpf_mm_policy/bpf_mm_policy_decision
overrun() { cat $T/per_cpu/cpu*/stats | awk '/^overrun:/ { n += $2 } END { print n + 0 }'; }
echo 16384 > $T/buffer_size_kb
echo 'decision == "migrate" && subject == 0' > $E/filter

enable_demotion
settle
# Fill node 1 with memory that cannot leave it (no swap, no lower tier).
"$MEMHOG" -m 440 -b 1 -s 600 >/tmp/fill.out 2>&1 &
fill=$!
trap 'kill $fill 2>/dev/null' EXIT
while [ ! -s /tmp/fill.out ]; do sleep 0.2; done
free1=$(awk '/Node 1 MemFree/ { print $4 }' /sys/devices/system/node/node1/meminfo)
echo "node 1 filled: $(cat /tmp/fill.out); MemFree ${free1} kB"

# Pages on node 2's LRU lists: where demoted pages would be. MemUsed also
# moves with the kernel's own allocations falling back to node 2.
node2_used() { awk '/(Active|Inactive)\((anon|file)\)/ { n += $4 } END { print n }' /sys/devices/system/node/node2/meminfo; }
mmpolicy load one_node --set target_node=1 || fail "load one_node"
u0=$(node2_used)
c0=$(hookstat demotion migrate/calls)
i0=$(hookstat demotion invalid)
echo > $T/trace
lost0=$(overrun)
echo 1 > $E/enable
timeout -s KILL 60 "$MEMHOG" -m 640 -b 0 >/dev/null 2>&1
echo 0 > $E/enable
u1=$(node2_used)
echo "node 2 LRU pages: ${u0} kB -> ${u1} kB"
calls=$(( $(hookstat demotion migrate/calls) - c0 ))
n0=$(grep -c 'bpf_mm_policy_decision:' $T/trace)
ovr=$(grep -c 'bpf_mm_policy_decision:.* answer=1 verdict=override' $T/trace)
echo "migrate decisions: $calls in all, $n0 for node 0, of which $ovr named node 1"
lost=$(( $(overrun) - lost0 ))
echo 0 > $E/filter
echo > $T/trace
echo 1408 > $T/buffer_size_kb	# the default
check "node 0 migrated, and the trace lost none of it ($n0 events, overrun $lost)" [ "$n0" -gt 0 -a "$lost" -eq 0 ]
check "the policy named node 1 at every migration from node 0 ($ovr of $n0)" [ "$ovr" -eq "$n0" ]
check "nothing spilled to node 2 (+$((u1 - u0)) kB)" [ $((u1 - u0)) -lt 8192 ]
check "no answer was invalid" [ "$(hookstat demotion invalid)" -eq "$i0" ]
kill $fill; wait $fill 2>/dev/null
trap - EXIT
exit 0
