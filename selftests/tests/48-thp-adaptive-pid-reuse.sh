# topology: tiered
# thp_adaptive keys what it learns on the pid and the process's start time
# together: a new process given the pid of one that learnt (clone3's
# set_tid) starts deferred, as every new process does. Without the
# program that forgets a process at exit (test 49), so that the dead
# process's entry is still there to be found by pid alone.
. "$REPO/selftests/lib.sh"

thp_setup
mmpolicy load thp_adaptive --set threshold=256 --set learn_after=2 || fail "load"
exit_link=$(mmpolicy status --json | jq -r '.thp.companions[0].link_id')
rm /sys/fs/bpf/mm_policy/thp-progs/thp_adaptive_exit || fail "no exit program pinned"
# A pin's last reference is dropped from a workqueue.
for i in $(seq 50); do "$BPFTOOL" link show id "$exit_link" >/dev/null 2>&1 || break; sleep 0.1; done
check "its link is gone" not "$BPFTOOL" link show id "$exit_link"
"$THPTOUCH" -n 3 touch:0-1:300 wait:0:60 wait:1:60 touch:2:1 report >/tmp/a.out &
a=$!
wait $a || fail "thptouch: $(cat /tmp/a.out)"
cat /tmp/a.out
check "the first process learnt: a 1-page range got a huge page at fault" \
	grep -q 'r2=2048' /tmp/a.out
check "and its entry outlived it" [ "$(entries_of "$(attached_map thp promoted)" "$a")" -eq 1 ]
"$BIN/withpid" "$a" "$THPTOUCH" -n 1 touch:0:1 report >/tmp/b.out || fail "withpid $a: $(cat /tmp/b.out)"
cat /tmp/b.out
check "a new process with the same pid ($a) starts deferred: no huge page for its 1-page range" \
	grep -q 'r0=0 ' /tmp/b.out
