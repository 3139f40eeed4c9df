# topology: tiered
# Room for promotions on the top tier: kswapd, balancing node 0 in
# memory-tiering mode after a memhog bound there pushed it past its
# watermarks, stops at the promotion watermark without a policy, and only
# once room_mb (96 MiB) more of node 0 is free with promote_cgroup's room
# member.
# An answer above a quarter of the node, from a policy whose only member is
# room, is counted invalid and changes nothing.
. "$REPO/selftests/lib.sh"

[ -f /proc/sys/kernel/numa_balancing ] || fail "kernel without NUMA_BALANCING"
HOG=
restore() {
	[ -n "$HOG" ] && kill "$HOG" 2>/dev/null
	echo 0 > /proc/sys/kernel/numa_balancing
}
trap restore EXIT
free_kb() { awk '/MemFree/ { print $4 }' /sys/devices/system/node/node0/meminfo; }
# left_free: node 0's MemFree in kB once kswapd is done after a memhog bound
# to node 0 touched 600 MiB of it (node 0 has 512 MiB: the rest is demoted).
left_free() {
	local a b i
	# The shell truncates the file in the child: a report left by the last
	# run must not be read as this one's.
	rm -f /tmp/room.out
	"$MEMHOG" -m 600 -b 0 -s 600 >/tmp/room.out &
	HOG=$!
	for i in $(seq 3000); do grep -qs '^mib=' /tmp/room.out && break; sleep 0.1; done
	grep -qs '^mib=' /tmp/room.out ||
		fail "memhog did not finish touching after $i polls: state $(awk '/^State/ { print $2 }' /proc/$HOG/status), $(cat /tmp/room.out); node 0 MemFree $(free_kb) kB; $(cat /proc/$HOG/stack 2>/dev/null | head -8 | tr '\n' ' ')"
	# kswapd goes on after the last fault: wait until node 0's free memory
	# holds still (less than 1 MiB over a second), at most 60 s.
	a=$(free_kb)
	for i in $(seq 60); do
		sleep 1
		b=$(free_kb)
		[ $(( b > a ? b - a : a - b )) -lt 1024 ] && break
		a=$b
	done
	kill "$HOG"; wait "$HOG" 2>/dev/null; HOG=
	echo "memhog: $(cat /tmp/room.out); node 0 MemFree ${b} kB" >&2
	settle
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
