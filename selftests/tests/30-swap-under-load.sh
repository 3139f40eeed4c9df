# topology: tiered
# Hot swap under load: 1000 swaps between one_node and most_free while a
# workload keeps reclaim (and the hook) busy. Every decision is made by
# exactly one of the two policies (their own counts add up to the kernel's),
# none without a policy (fallbacks stay 0), and the kernel stays healthy
# (the runner fails the test on any WARNING/BUG in dmesg).
. "$REPO/selftests/lib.sh"

enable_demotion
settle
rm -f /tmp/stop
( while [ ! -e /tmp/stop ]; do "$MEMHOG" -m 640 -b 0 >/dev/null || break; done ) &
load=$!
# Start swapping once reclaim is demoting, so the swaps meet busy hooks.
d0=$(pgdemote)
for i in $(seq 100); do [ "$(pgdemote)" -gt $((d0 + 1000)) ] && break; sleep 0.1; done
echo "demotion under way: pgdemote +$(( $(pgdemote) - d0 ))"
# At least 1000 swaps, and on until the hook has been called 1000 times.
r=$("$BIN/swapstorm" -n 1000 -d 3000 -c 1000 -t 120) || { touch /tmp/stop; wait; fail "swapstorm"; }
touch /tmp/stop
wait $load
echo "$r"
k=$(field kernel_calls "$r") a=$(field one_node_calls "$r") b=$(field most_free_calls "$r")
check "1000 swaps or more done" [ "$(field swaps "$r")" -ge 1000 ]
check "the hook was busy during the swaps ($k calls)" [ "$k" -gt 1000 ]
check "both policies made decisions ($a, $b)" [ "$a" -gt 0 -a "$b" -gt 0 ]
check "every call accounted to exactly one policy ($a + $b = $k)" [ $((a + b)) -eq "$k" ]
check "no call found no policy (fallbacks $(field fallbacks "$r"))" [ "$(field fallbacks "$r")" -eq 0 ]
check "nothing left attached" [ "$(policy_of demotion)" = none ]
