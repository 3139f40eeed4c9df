# topology: flat
# Two same-tier nodes told to demote to each other, both under pressure:
# the kernel declines a peer without clearly more free memory, so reclaim
# finishes (swap takes the rest) instead of passing folios back and forth.
. "$REPO/selftests/lib.sh"

[ -b /dev/vda ] || skip "no swap disk"
mkswap -q /dev/vda >/dev/null && swapon /dev/vda || fail "swapon"
enable_demotion
settle
mmpolicy load "$BPFO/peer_swap.bpf.o" || fail "load peer_swap"
d0=$(pgdemote) s0=$(vmstat pswpout) dec0=$(hookstat demotion declined)
start=$(date +%s)
"$MEMHOG" -m 600 -b 0 >/tmp/h0.out & h0=$!
"$MEMHOG" -m 600 -b 1 >/tmp/h1.out & h1=$!
timeout 400 bash -c "wait $h0; wait $h1" 2>/dev/null
while kill -0 $h0 2>/dev/null || kill -0 $h1 2>/dev/null; do
	[ $(( $(date +%s) - start )) -lt 400 ] || { kill -9 $h0 $h1; fail "reclaim did not finish in 400 s"; }
	sleep 1
done
d1=$(pgdemote) s1=$(vmstat pswpout)
echo "node 0 hog: $(cat /tmp/h0.out)"
echo "node 1 hog: $(cat /tmp/h1.out)"
dec=$(( $(hookstat demotion declined) - dec0 )) calls=$(hookstat demotion calls)
echo "$(( $(date +%s) - start )) s; pgdemote +$((d1 - d0)), pswpout +$((s1 - s0)); calls $calls, declined $dec"
check "both hogs finished" grep -q mib=600 /tmp/h0.out
check "(node 1 too)" grep -q mib=600 /tmp/h1.out
check "the kernel declined peers without room ($dec)" [ "$dec" -gt 0 ]
check "swap took what demotion could not (pswpout +$((s1 - s0)))" [ $((s1 - s0)) -gt 0 ]
check "demotion did not outrun the memory moved: pgdemote +$((d1 - d0)) < 2 x 1200 MiB" \
	[ $((d1 - d0)) -lt $((2 * 1200 * 256)) ]
swapoff /dev/vda || fail "swapoff"
