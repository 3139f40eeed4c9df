# topology: flat
# What a THP policy is told and what it cannot overrule: the fault context
# tells read faults (the huge zero page would cost nothing) from write
# faults; and a "collapse" answer at khugepaged's scan does not lift the
# kernel's guard against swap-in storms (swap entries and fewer than half
# of the pages referenced). Flat topology: it has the swap disk.
. "$REPO/selftests/lib.sh"

bss() { "$BPFTOOL" map dump name thp_guar.bss | grep -o "\"$1\": [0-9]*" | grep -o '[0-9]*$'; }

mkswap -q /dev/vda >/dev/null && swapon /dev/vda || fail "swapon"
thp_setup
mmpolicy load "$BPFO/thp_guard.bpf.o" || fail "load thp_guard"

c0=$(hookstat thp fault/calls)
"$THPTOUCH" -n 8 read:0-3:1 touch:4-7:1 >/dev/null || fail "thptouch read/write"
r=$(bss nr_read_faults) w=$(bss nr_write_faults) c=$(( $(hookstat thp fault/calls) - c0 ))
echo "first faults: $r reads, $w writes; the kernel counted $c"
check "4 read faults seen as reads ($r)" [ "$r" -eq 4 ]
check "4 write faults seen as writes ($w)" [ "$w" -eq 4 ]
check "the kernel asked 8 times ($c)" [ "$c" -eq 8 ]

# Both ranges: every page touched, all made cold (young bits cleared), 100
# read again (referenced). Range 0 then has 32 of them swapped out: swap
# entries and 68 referenced pages, under half, the guarded case. Range 1,
# the same without swap entries, shows that khugepaged did scan and
# collapse meanwhile.
# The policy says "not yet" to khugepaged until the ranges are set up: a
# collapse in between would make range 0 one young huge page again.
s0=$(hookstat thp scan/declined) sw0=$(vmstat pswpin)
f0=$(cat $THP/khugepaged/full_scans)
rm -f /tmp/ready /tmp/go
"$THPTOUCH" -n 2 touch:0-1:512 cold:0-1 read:0-1:100 pageout:0:32 \
	signal:/tmp/ready await:/tmp/go wait:1:60 sleep:2 report >/tmp/guard.out 2>&1 &
tt=$!
for i in $(seq 600); do [ -e /tmp/ready ] && break; kill -0 $tt 2>/dev/null || break; sleep 0.1; done
[ -e /tmp/ready ] || fail "thptouch: $(cat /tmp/guard.out)"
"$BPFTOOL" map update name go key 0 0 0 0 value 1 0 0 0 || fail "map update"
touch /tmp/go
wait $tt || fail "thptouch: $(cat /tmp/guard.out)"
out=$(cat /tmp/guard.out)
echo "$out"
declined=$(( $(hookstat thp scan/declined) - s0 ))
echo "scan: declined +$declined, swapped ranges seen $(bss nr_scans_swapped), khugepaged full scans +$(( $(cat $THP/khugepaged/full_scans) - f0 )), pswpin +$(( $(vmstat pswpin) - sw0 ))"
rep=$(grep '^report' <<<"$out")
check "khugepaged collapsed the range without swap entries" grep -q 'r1=2048' <<<"$rep"
check "the policy asked to collapse the swapped range ($(bss nr_scans_swapped) times)" [ "$(bss nr_scans_swapped)" -gt 0 ]
check "the kernel declined it ($declined)" [ "$declined" -gt 0 ]
check "the swapped range stayed base pages" grep -q 'r0=0 ' <<<"$rep"
check "nothing was swapped in for it (pswpin +$(( $(vmstat pswpin) - sw0 )))" [ $(( $(vmstat pswpin) - sw0 )) -eq 0 ]
