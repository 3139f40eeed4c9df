# topology: tiered
# debug: skip the THP fault and scan paths are taken on the debug kernel by 40, 45, 47 and 48
# thp_adaptive learns per process: ranges are deferred at first fault until
# khugepaged has promoted learn_after=2 ranges of the process (one is not
# enough); its next faults get huge pages at once again, and another
# process's do not.
. "$REPO/selftests/lib.sh"

thp_setup
mmpolicy load thp_adaptive --set threshold=256 --set learn_after=2 || fail "load"
# One range filled and promoted, a 1-page fault (learn_after=2: still
# deferred), the second range filled and promoted, a 1-page fault again.
r=$("$THPTOUCH" -n 6 touch:4:1 report touch:0:300 wait:0:60 touch:2:1 report \
	touch:1:300 wait:1:60 touch:5:1 report)
echo "$r"
first=$(grep '^report' <<<"$r" | sed -n 1p) mid=$(grep '^report' <<<"$r" | sed -n 2p)
last=$(grep '^report' <<<"$r" | sed -n 3p)
check "before learning, a 1-page range gets no huge page" grep -q 'r4=0' <<<"$first"
check "after one promotion (r0) a 1-page fault is still deferred: learn_after is 2, not 1" \
	grep -q 'r0=2048 .*r2=0' <<<"$mid"
check "khugepaged promoted the two filled ranges" grep -q 'r0=2048 r1=2048' <<<"$last"
check "after two promotions the process faults huge pages again" grep -q 'r5=2048' <<<"$last"
check "the early 1-page ranges stay small" grep -q 'r2=0 .*r4=0' <<<"$last"
# What was learned belongs to that process: a new one starts deferred.
r=$("$THPTOUCH" -n 1 touch:0:1 report | grep '^report')
echo "a new process: $r"
check "a new process does not inherit the learning" grep -q 'r0=0 ' <<<"$r"
