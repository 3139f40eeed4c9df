# topology: tiered
# debug: skip user space (the loader's companion programs); the THP paths are taken by 40, 45, 47 and 48
# thp_adaptive forgets a process when it exits: mmpolicy attaches the
# object's tracepoint program with the policy and shows it, a swap brings
# the new object's (on the carried-over map), a failed swap keeps the old
# one, a swap to a policy without one detaches it, unload detaches it.
# The learning process hands over to a second thread and its leader exits
# first: the entry must outlive the leader's exit (other threads live)
# and go at the last thread's, which is not the leader.
. "$REPO/selftests/lib.sh"

PIN=/sys/fs/bpf/mm_policy/thp-progs/thp_adaptive_exit
# gone ID: the kernel no longer has link ID (a pin's last reference is
# dropped from a workqueue).
gone() {
	local i
	for i in $(seq 50); do
		"$BPFTOOL" link show id "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}
# learns NAME: a process that has one range promoted, then goes on in a
# second thread while its first (the group leader) exits; prints how many
# entries the policy's map holds for its pid while it lives and once it
# has exited. (Other processes have theirs: khugepaged promotes what it
# finds dense, in any process.)
learns() {
	local m i n pid
	hold "$1" "" -n 1 touch:0:300 wait:0:60 handover
	pid=$(pgrep -n -x thptouch)
	m=$(attached_map thp promoted)
	[ -n "$m" ] || fail "no map 'promoted' in the attached policy"
	echo "pid=$pid alive=$(entries_of "$m" "$pid")"
	release "$1"
	for i in $(seq 100); do
		n=$(entries_of "$m" "$pid")
		[ "$n" -eq 0 ] && break
		sleep 0.1
	done
	echo "exited=$n"
}

thp_setup
info=$(mmpolicy info thp_adaptive)
echo "$info"
check "info lists the program besides the policy" \
	grep -q 'program thp_adaptive_exit (SEC("tp_btf/sched_process_exit"))' <<<"$info"
out=$(mmpolicy load thp_adaptive --set threshold=256 --set learn_after=2) || fail "load: $out"
echo "$out"
check "load attaches it with the policy" grep -q "thp: with program 'thp_adaptive_exit'" <<<"$out"
check "and pins its link" [ -e "$PIN" ]
json=$(mmpolicy status --json)
link=$(jq -r '.thp.companions[0].link_id' <<<"$json")
prog=$(jq -r '.thp.companions[0].prog_id' <<<"$json")
mmpolicy status | grep -A3 '^thp'
check "status names it (link $link, prog $prog)" grep -q "with program thp_adaptive_exit (link $link, prog $prog)" <<<"$(mmpolicy status)"
check "the kernel has that link: the program on the sched_process_exit tracepoint" \
	jq -e ".prog_id == $prog and .type == \"raw_tracepoint\" and .tp_name == \"sched_process_exit\"" \
	<<<"$("$BPFTOOL" link show id "$link" -j)"

r=$(learns a)
echo "$r"
check "a learning process has its entry while it lives" grep -q ' alive=1$' <<<"$r"
check "and none once it has exited" grep -q '^exited=0$' <<<"$r"

map0=$(attached_map thp promoted)
out=$(mmpolicy swap thp_adaptive --set threshold=256 --set learn_after=2) || fail "swap: $out"
echo "$out"
link2=$(mmpolicy status --json | jq -r '.thp.companions[0].link_id')
check "a swap attaches the new object's program" [ -n "$link2" -a "$link2" != null -a "$link2" != "$link" ]
check "and detaches the old one's" gone "$link"
check "on the map carried over" [ "$(attached_map thp promoted)" = "$map0" ]
r=$(learns b)
echo "$r"
check "the new program forgets an exited process too" grep -q ' alive=1$' <<<"$r"
check "(none left)" grep -q '^exited=0$' <<<"$r"

# A swap that loses its compare-and-swap keeps the old program, and
# leaves no new one behind.
nlinks() { "$BPFTOOL" link show -j | jq '[.[] | select(.tp_name == "sched_process_exit")] | length'; }
out=$(mmpolicy swap thp_adaptive --expect 1 2>&1); rc=$?
echo "$out"
check "a swap with a stale expectation fails (exit 5, got $rc)" [ $rc -eq 5 ]
check "and keeps the old program's link" [ "$(mmpolicy status --json | jq -r '.thp.companions[0].link_id')" = "$link2" ]
check "and no other on the tracepoint ($(nlinks))" [ "$(nlinks)" -eq 1 ]

out=$(mmpolicy swap thp_threshold) || fail "swap to thp_threshold: $out"
check "a swap to a policy without the program detaches it" gone "$link2"
check "and removes its pin" [ ! -e "$PIN" -a ! -e "${PIN%/*}" ]
check "status lists none" [ "$(mmpolicy status --json | jq '.thp.companions | length')" -eq 0 ]
out=$(mmpolicy swap thp_adaptive) || fail "swap back: $out"
link3=$(mmpolicy status --json | jq -r '.thp.companions[0].link_id')

mmpolicy unload thp || fail "unload"
check "unload removes its pin" [ ! -e "$PIN" -a ! -e "${PIN%/*}" ]
check "and the kernel's link" gone "$link3"
