# topology: tiered
# thp_threshold=256 (THP reservations): with THP=always, ranges touched once
# get no huge page; a range with 300 of 512 pages in use is collapsed by
# khugepaged, one with 200 is not.
. "$REPO/selftests/lib.sh"

thp_setup
r=$("$THPTOUCH" -n 8 touch:0-7:1 report)
echo "no policy: $r"
check "without a policy each touched range gets a huge page" grep -q 'huge_kb=16384' <<<"$r"

c0=$(hookstat thp calls) o0=$(hookstat thp overrides)
mmpolicy load thp_threshold --set threshold=256 || fail "load"
r=$("$THPTOUCH" -n 8 touch:0-7:1 report touch:0:300 touch:1:200 wait:0:60 sleep:3 report)
echo "$r"
last=$(grep '^report' <<<"$r" | tail -1)
check "threshold=256: 1 page per range gets no huge page" grep -q '^report:.*huge_kb=0$' <<<"$(grep '^report' <<<"$r" | head -1)"
check "the range with 300 pages in use was collapsed" grep -q 'r0=2048' <<<"$last"
check "the range with 200 was not" grep -q 'r1=0' <<<"$last"
check "nor the ranges with 1" grep -q 'huge_kb=2048$' <<<"$last"
calls=$(( $(hookstat thp calls) - c0 )) ovr=$(( $(hookstat thp overrides) - o0 ))
echo "hook: calls +$calls overrides +$ovr invalid $(hookstat thp invalid)"
check "every first fault asked the policy ($calls calls for 8 faults + scans)" [ "$calls" -ge 8 ]
check "8 faults deferred + 1 collapse forced count as overrides ($ovr)" [ "$ovr" -ge 9 ]
check "no invalid answers" [ "$(hookstat thp invalid)" -eq 0 ]
# The policy counts its own calls; the kernel must have counted the same.
own=$("$BPFTOOL" map dump name thp_thre.bss -j | grep -o '"nr_calls":[0-9]*' | cut -d: -f2)
calls=$(( $(hookstat thp calls) - c0 ))
check "every decision accounted: policy counted $own, kernel $calls" [ "$own" -eq "$calls" ]
