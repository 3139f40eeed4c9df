# topology: tiered
# thp_adaptive learns per process: ranges are deferred at first fault until
# khugepaged has promoted learn_after=2 ranges of the process; its next
# faults get huge pages at once again.
. "$REPO/selftests/lib.sh"

thp_setup
mmpolicy load thp_adaptive --set threshold=256 --set learn_after=2 || fail "load"
r=$("$THPTOUCH" -n 6 touch:4:1 report touch:0-1:300 wait:0:60 wait:1:60 touch:5:1 report)
echo "$r"
first=$(grep '^report' <<<"$r" | head -1) last=$(grep '^report' <<<"$r" | tail -1)
check "before learning, a 1-page range gets no huge page" grep -q 'r4=0' <<<"$first"
check "khugepaged promoted the two filled ranges" grep -q 'r0=2048 r1=2048' <<<"$last"
check "after two promotions the process faults huge pages again" grep -q 'r5=2048' <<<"$last"
check "the early 1-page range stays small" grep -q 'r4=0' <<<"$last"
