# topology: tiered
# debug: skip the THP fault path is taken on the debug kernel by 40, 42, 47 and 48
# thp_threshold=1 is today's behaviour: every touched range gets a huge page
# at its first fault, exactly as with no policy.
. "$REPO/selftests/lib.sh"

thp_setup
base=$("$THPTOUCH" -n 8 touch:0-7:1 report | grep '^report')
mmpolicy load thp_threshold --set threshold=1 || fail "load"
c0=$(hookstat thp calls) o0=$(hookstat thp overrides)
with=$("$THPTOUCH" -n 8 touch:0-7:1 report | grep '^report')
echo "no policy:     $base"
echo "threshold=1:   $with"
check "same huge-page coverage as no policy" [ "${base##*huge_kb=}" = "${with##*huge_kb=}" ]
check "which is every range" grep -q 'huge_kb=16384' <<<"$with"
check "the policy was asked ($(( $(hookstat thp calls) - c0 )) calls)" [ $(( $(hookstat thp calls) - c0 )) -ge 8 ]
check "and never overrode the kernel" [ "$(hookstat thp overrides)" -eq "$o0" ]
