# topology: tiered
# thp_adaptive keys what it learns on the pid and the process's start time
# together: a new process given the pid of one that learnt (clone3's
# set_tid) starts deferred, as every new process does.
. "$REPO/selftests/lib.sh"

thp_setup
mmpolicy load thp_adaptive --set threshold=256 --set learn_after=2 || fail "load"
"$THPTOUCH" -n 3 touch:0-1:300 wait:0:60 wait:1:60 touch:2:1 report >/tmp/a.out &
a=$!
wait $a || fail "thptouch: $(cat /tmp/a.out)"
cat /tmp/a.out
check "the first process learnt: a 1-page range got a huge page at fault" \
	grep -q 'r2=2048' /tmp/a.out
"$BIN/withpid" "$a" "$THPTOUCH" -n 1 touch:0:1 report >/tmp/b.out || fail "withpid $a: $(cat /tmp/b.out)"
cat /tmp/b.out
check "a new process with the same pid ($a) starts deferred: no huge page for its 1-page range" \
	grep -q 'r0=0 ' /tmp/b.out
