# topology: tiered
# thp_threshold=256 (THP reservations): with THP=always, ranges touched once
# get no huge page; a range with 300 of 512 pages in use is collapsed by
# khugepaged, one with 200 is not.
. "$REPO/selftests/lib.sh"

thp_setup
r=$("$THPTOUCH" -n 8 touch:0-7:1 report)
echo "no policy: $r"
check "without a policy each touched range gets a huge page" grep -q 'huge_kb=16384' <<<"$r"

c0=$(hookstat thp calls) o0=$(hookstat thp overrides) i0=$(hookstat thp invalid)
mmpolicy load thp_threshold --set threshold=256 || fail "load"
rm -f /tmp/touched /tmp/scanned
"$THPTOUCH" -n 8 touch:0-7:1 report touch:0:300 touch:1:200 signal:/tmp/touched \
	wait:0:60 await:/tmp/scanned report >/tmp/thp.out 2>&1 &
tt=$!
for i in $(seq 600); do [ -e /tmp/touched ] && break; kill -0 $tt 2>/dev/null || break; sleep 0.1; done
[ -e /tmp/touched ] || fail "thptouch: $(cat /tmp/thp.out)"
# "r1 is not collapsed" means something only if khugepaged looked at r1
# after its 200 pages were touched: a full scan that was under way at the
# touch may have passed it already, the next one cannot.
f0=$(cat $THP/khugepaged/full_scans)
for i in $(seq 600); do [ "$(cat $THP/khugepaged/full_scans)" -ge $((f0 + 2)) ] && break; sleep 0.1; done
check "khugepaged scanned every range since the touches (full_scans $f0 -> $(cat $THP/khugepaged/full_scans))" \
	[ "$(cat $THP/khugepaged/full_scans)" -ge $((f0 + 2)) ]
touch /tmp/scanned
wait $tt || fail "thptouch: $(cat /tmp/thp.out)"
r=$(cat /tmp/thp.out)
echo "$r"
last=$(grep '^report' <<<"$r" | tail -1)
check "threshold=256: 1 page per range gets no huge page" grep -q '^report:.*huge_kb=0$' <<<"$(grep '^report' <<<"$r" | head -1)"
check "the range with 300 pages in use was collapsed" grep -q 'r0=2048' <<<"$last"
check "the range with 200 was not" grep -q 'r1=0' <<<"$last"
check "nor the ranges with 1" grep -q 'huge_kb=2048$' <<<"$last"
calls=$(( $(hookstat thp calls) - c0 )) ovr=$(( $(hookstat thp overrides) - o0 ))
inv=$(( $(hookstat thp invalid) - i0 ))
echo "hook: calls +$calls overrides +$ovr invalid +$inv"
check "every first fault asked the policy ($calls calls for 8 faults + scans)" [ "$calls" -ge 8 ]
check "8 faults deferred + 1 collapse forced count as overrides ($ovr)" [ "$ovr" -ge 9 ]
check "no invalid answers (+$inv)" [ "$inv" -eq 0 ]
# The policy counts its own calls; the kernel must have counted the same.
# khugepaged goes on scanning the VM's other processes meanwhile, so the
# policy's count is read between two of the kernel's; a call the program
# has counted but the kernel not yet (one a CPU) may be in flight.
k1=$(( $(hookstat thp calls) - c0 ))
own=$("$BPFTOOL" map dump name thp_thre.bss -j | grep -o '"nr_calls":[0-9]*' | cut -d: -f2)
k2=$(( $(hookstat thp calls) - c0 ))
check "every decision accounted: kernel $k1 <= policy $own <= kernel $k2 + 2" [ "$own" -ge "$k1" -a "$own" -le $((k2 + 2)) ]
