# topology: tiered
# Room for promotions on the top tier: kswapd, balancing node 0 in
# memory-tiering mode after a memhog bound there pushed it past its
# watermarks, stops at the promotion watermark without a policy, and only
# once room_mb (96 MiB) more of node 0 is free with promote_cgroup's room
# member. Promotions that then take over half of that room wake kswapd to
# make all of it again: with the memhog still holding node 0, a set
# promoted from node 1 (at an eager threshold) that leaves less than half
# the room free (24 MiB above the watermark) is followed by kswapd demoting
# cold memhog pages until most of the room is free again (64 MiB), where
# without the wake-up kswapd would sleep on with the room gone.
# An answer above a quarter of the node, from a policy whose only member is
# room, is counted invalid and changes nothing.
. "$REPO/selftests/lib.sh"

HOTSET=$BIN/hotset
[ -f /proc/sys/kernel/numa_balancing ] || fail "kernel without NUMA_BALANCING"
NB=/sys/kernel/debug/sched/numa_balancing
[ -d $NB ] || fail "no $NB (SCHED_DEBUG)"
sd0=$(cat $NB/scan_delay_ms) sp0=$(cat $NB/scan_period_min_ms)
HOG= SET=
restore() {
	[ -n "$HOG" ] && kill "$HOG" 2>/dev/null
	[ -n "$SET" ] && kill "$SET" 2>/dev/null
	echo 0 > /proc/sys/kernel/numa_balancing
	echo "$sd0" > $NB/scan_delay_ms
	echo "$sp0" > $NB/scan_period_min_ms
}
trap restore EXIT
free_kb() { awk '/MemFree/ { print $4 }' /sys/devices/system/node/node0/meminfo; }
# still_free: node 0's MemFree in kB once it holds still (less than 1 MiB
# over a second, at most 60 s): kswapd goes on after the last fault.
still_free() {
	local a b i
	a=$(free_kb)
	for i in $(seq 60); do
		sleep 1
		b=$(free_kb)
		[ $(( b > a ? b - a : a - b )) -lt 1024 ] && break
		a=$b
	done
	echo "$b"
}
# fill: start a memhog bound to node 0 that touches 600 MiB of it (node 0
# has 512 MiB: the rest is demoted) and holds them; returns once touched.
fill() {
	local i
	# The shell truncates the file in the child: a report left by the last
	# run must not be read as this one's.
	rm -f /tmp/room.out
	"$MEMHOG" -m 600 -b 0 -s 600 >/tmp/room.out &
	HOG=$!
	for i in $(seq 3000); do grep -qs '^mib=' /tmp/room.out && break; sleep 0.1; done
	grep -qs '^mib=' /tmp/room.out ||
		fail "memhog did not finish touching after $i polls: state $(awk '/^State/ { print $2 }' /proc/$HOG/status), $(cat /tmp/room.out); node 0 MemFree $(free_kb) kB; $(cat /proc/$HOG/stack 2>/dev/null | head -8 | tr '\n' ' ')"
}
unfill() {
	kill "$HOG"; wait "$HOG" 2>/dev/null; HOG=
	settle
}
# left_free: node 0's MemFree in kB once kswapd is done after fill.
left_free() {
	local b
	fill
	b=$(still_free)
	echo "memhog: $(cat /tmp/room.out); node 0 MemFree ${b} kB" >&2
	unfill
	echo "$b"
}
# kb NAME VALUE: fail with what left_free said if VALUE is not a number.
kb() { [[ $2 =~ ^[0-9]+$ ]] || fail "$1: $2"; }
# promo_kb: node 0's promotion watermarks, summed over its zones, in kB.
promo_kb() {
	awk '/^Node 0, zone/ { n = 1; next } /^Node/ { n = 0 } n && $1 == "promo" { s += $2 }
		END { print s * 4 }' /proc/zoneinfo
}

enable_demotion
echo 2 > /proc/sys/kernel/numa_balancing || fail "numa_balancing=2"
settle
base=$(left_free)
kb "no policy" "$base"

mmpolicy load promote_cgroup --set room_mb=96 || fail "load promote_cgroup"
c0=$(hookstat promotion room/calls) o0=$(hookstat promotion room/overrides)
i0=$(hookstat promotion room/invalid)
roomy=$(left_free)
kb "room_mb=96" "$roomy"
calls=$(( $(hookstat promotion room/calls) - c0 ))
ovr=$(( $(hookstat promotion room/overrides) - o0 ))
inv=$(( $(hookstat promotion room/invalid) - i0 ))
echo "room: calls +$calls, overrides +$ovr, invalid +$inv"
check "kswapd asked the policy for room ($calls times)" [ "$calls" -gt 0 ]
check "and kept it ($ovr answers other than 0)" [ "$ovr" -gt 0 ]
check "no room answer invalid" [ "$inv" -eq 0 ]
# With room kswapd stops 96 MiB past the promotion watermark, or a batch
# (about a high watermark) beyond. Without it, kswapd stops at the
# watermark, but direct reclaim of the bound memhog may free more: 24 to
# 44 MiB more here, so "no room" is anything below the room.
promo=$(promo_kb)
echo "node 0's promotion watermark: $promo kB"
check "kswapd stopped 96 MiB past the watermark: $roomy kB free >= $promo + 90 MiB" \
	[ "$roomy" -ge $((promo + 90 * 1024)) -a "$roomy" -le $((promo + 128 * 1024)) ]
check "without a policy it did not: $base kB < $promo + 90 MiB" [ "$base" -lt $((promo + 90 * 1024)) ]

# The room taken by promotions is made again. As in 22, scans every 100 ms
# of a task's CPU time, so that a set read every 100 ms is found hot; and
# every page hinted within 60 s of its scan is promoted (the same room):
# on the debug kernel a read of the whole set takes long enough that the
# kernel's 1 s threshold leaves a quarter of it behind.
echo 100 > $NB/scan_delay_ms
echo 100 > $NB/scan_period_min_ms
mmpolicy swap promote_cgroup --set room_mb=96 --set default_threshold=60000 >/dev/null ||
	fail "swap to promote_cgroup default_threshold=60000"
fill
full=$(still_free)
kb "room_mb=96, held" "$full"
# What is free above the watermark, less 24 MiB: once 90% of it is back on
# node 0, under 48 MiB of the room is left, wherever in the 90-128 MiB above
# the watermark kswapd stopped. The set is held (and read) while kswapd
# works: its exit would give the room back.
mib=$(( (full - promo) / 1024 - 24 ))
[ "$mib" -ge 32 ] || fail "only $((full - promo)) kB free above the watermark with the room made"
want=$((mib * 256 * 9 / 10))
p0=$(vmstat pgpromote_success) d0=$(pgdemote)
rm -f /tmp/t25.stop /tmp/t25.out
"$HOTSET" -m "$mib" -d 1 -i 100 -t 300 -r 1 -s /tmp/t25.stop >/tmp/t25.out &
SET=$!
back=0
while kill -0 $SET 2>/dev/null; do
	back=$(field node0 "$(grep '^t=' /tmp/t25.out | tail -n 1)")
	[ "${back:-0}" -ge "$want" ] && break
	sleep 1
done
prom=$(( $(vmstat pgpromote_success) - p0 ))
taken=$(free_kb)
again=$(still_free)
dem=$(( $(pgdemote) - d0 ))
touch /tmp/t25.stop
wait $SET || fail "hotset: $(cat /tmp/t25.out)"
SET=
echo "$(grep -v '^t=' /tmp/t25.out)"
echo "node 0 MemFree: $full kB with the room made, $taken kB once ${back:-0} of $((mib * 256)) pages ($mib MiB) came back, $again kB after; pgpromote_success +$prom, pgdemote +$dem"
unfill
check "the set came back to node 0 (${back:-0} of $((mib * 256)) pages)" [ "${back:-0}" -ge "$want" ]
# Without the wake-up the set leaves node 0 about 34 MiB above the
# watermark (17 MiB in the run that checked it); with it kswapd makes the
# room again: 97 to 121 MiB above in five runs, 84 in a sixth.
check "promotions woke kswapd, which made room again: $again kB free >= $promo + 64 MiB" \
	[ "$again" -ge $((promo + 64 * 1024)) ]
check "demoting to make it ($dem pages)" [ "$dem" -gt 0 ]
mmpolicy unload promotion >/dev/null || fail "unload"

mmpolicy load "$BPFO/promote_bad_room.bpf.o" || fail "load promote_bad_room"
i0=$(hookstat promotion room/invalid)
bad=$(left_free)
kb "bad_room" "$bad"
inv=$(( $(hookstat promotion room/invalid) - i0 ))
echo "bad room: invalid +$inv, state $(hookstat promotion state)"
check "an answer above a quarter of the node is invalid (+$inv)" [ "$inv" -gt 0 ]
check "and leaves no room: $bad kB < $promo + 90 MiB" [ "$bad" -lt $((promo + 90 * 1024)) ]
mmpolicy unload promotion >/dev/null || fail "unload"
