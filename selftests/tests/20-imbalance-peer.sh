# topology: flat
# debug: skip the same-tier rule is taken on the debug kernel by 21
# Two same-tier nodes: the tier code gives node 0 no demotion target, so an
# overloaded node 0 swaps. With most_free(allow_peers) attached, reclaim on
# node 0 demotes to its peer, node 1, instead.
. "$REPO/selftests/lib.sh"

[ -b /dev/vda ] || skip "no swap disk"
mkswap -q /dev/vda >/dev/null && swapon /dev/vda || fail "swapon"
enable_demotion
for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
	echo "$(basename "$t"): $(cat "$t/nodelist")"
done

settle
s0=$(vmstat pswpout) d0=$(pgdemote)
r=$(hog 640 0)
s1=$(vmstat pswpout) d1=$(pgdemote)
echo "no policy: pswpout +$((s1 - s0)), pgdemote +$((d1 - d0)), $r"
check "without a policy node 0 cannot demote (pgdemote +$((d1 - d0)))" [ $((d1 - d0)) -eq 0 ]
check "and swaps instead (pswpout +$((s1 - s0)))" [ $((s1 - s0)) -gt 10000 ]
# Empty the swap for the second run (it must have swap to avoid).
swapoff /dev/vda && swapon /dev/vda || fail "swap off and on again"

settle
mmpolicy load most_free --set allow_peers=1 || fail "load most_free"
s0=$(vmstat pswpout) d0=$(pgdemote)
r=$(hog 640 0)
s1=$(vmstat pswpout) d1=$(pgdemote)
n1=$(field node1 "$r")
echo "most_free(allow_peers): pswpout +$((s1 - s0)), pgdemote +$((d1 - d0)), $r"
check "node 0 demotes to its peer (pgdemote +$((d1 - d0)))" [ $((d1 - d0)) -gt 10000 ]
check "the pages are on node 1 ($n1)" [ "$n1" -gt 10000 ]
check "swap-out mostly avoided (+$((s1 - s0)) vs +$((d1 - d0)) demoted)" [ $(( (s1 - s0) * 10 )) -lt $((d1 - d0)) ]
swapoff /dev/vda || fail "swapoff"
