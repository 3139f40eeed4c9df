# topology: tiered
# The fault member picks the folio order, mTHP included. thp_orders holds
# cgroup "small" to 64 KiB folios and "base" to base pages (64 KiB enabled:
# a "defer" is base pages, not the next size down) and leaves "big" the
# kernel's 2 MiB. The context lists the orders the kernel allows, the PMD
# order alone for a read fault; an order outside them is counted invalid
# and the fault gets the kernel's choice.
. "$REPO/selftests/lib.sh"

M64=$THP/hugepages-64kB
[ -d $M64/stats ] || skip "no 64 KiB mTHP size"
mthp() { cat $M64/stats/anon_fault_alloc; }
pmd() { vmstat thp_fault_alloc; }
cgid() { stat -c %i "/sys/fs/cgroup/$1"; }

thp_setup
echo always > $M64/enabled
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
for cg in small big base; do mkdir -p /sys/fs/cgroup/$cg; done

# run CGROUP: 4 ranges written whole; prints "m64=+N pmd=+N report ...".
# The ranges are 128 folios of 64 KiB or 4 of 2 MiB; thptouch's own heap
# and the shell around it may take a few 64 KiB folios of their own, where
# the kernel decides.
run() {
	local m0 p0 rep
	m0=$(mthp) p0=$(pmd)
	rep=$(in_cgroup "$1" "$THPTOUCH" -n 4 touch:0-3:512 report | grep '^report')
	echo "m64=+$(( $(mthp) - m0 )) pmd=+$(( $(pmd) - p0 )) $rep"
}

none=$(run big)
echo "no policy:  $none"
m64() { field m64 "$1" | tr -d +; }
check "no policy: the kernel gives 2 MiB at first fault" grep -q 'pmd=+4 .*huge_kb=8192' <<<"$none"
check "(and 64 KiB only outside the ranges: $(m64 "$none"))" [ "$(m64 "$none")" -lt 16 ]

mmpolicy load thp_orders || fail "load thp_orders"
"$BPFTOOL" map update name cgroup_orders key $(le_bytes "$(cgid small)" 8) value $(le_bytes 4 4) || fail "map update"
"$BPFTOOL" map update name cgroup_orders key $(le_bytes "$(cgid base)" 8) value $(le_bytes 0 4) || fail "map update"
# The shell and tools of the test, in the root cgroup, get base pages too:
# the counts below are then the ranges' alone.
"$BPFTOOL" map update name cgroup_orders key $(le_bytes "$(stat -c %i /sys/fs/cgroup)" 8) value $(le_bytes 0 4) || fail "map update"
o0=$(hookstat thp fault/overrides)
s=$(run small) b=$(run big) z=$(run base)
echo "small: $s"
echo "big:   $b"
echo "base:  $z"
check "small: no 2 MiB page" grep -q 'pmd=+0 .*huge_kb=0$' <<<"$s"
# thptouch's own heap is in the cgroup too: a few more.
check "small: 128 folios of 64 KiB for the ranges ($(m64 "$s"))" [ "$(m64 "$s")" -ge 128 -a "$(m64 "$s")" -lt 144 ]
check "big: the kernel's 2 MiB pages" grep -q 'pmd=+4 .*huge_kb=8192' <<<"$b"
check "big: 64 KiB only outside the ranges ($(m64 "$b"))" [ "$(m64 "$b")" -lt 16 ]
check "base: base pages although 64 KiB is enabled, for every fault of the cgroup" grep -q 'm64=+0 pmd=+0 .*huge_kb=0$' <<<"$z"
ovr=$(( $(hookstat thp fault/overrides) - o0 ))
# small: one override a range, where the PMD path sent it to 64 KiB; later
# faults in it are offered 64 KiB only, and get it. base: every fault.
check "overrides counted ($ovr)" [ "$ovr" -ge 8 ]
mmpolicy unload thp || fail "unload"

# 32 KiB is not enabled: an answer of order 3 is outside every fault's set.
mmpolicy load "$BPFO/thp_bad_order.bpf.o" || fail "load thp_bad_order"
bss() { "$BPFTOOL" map dump name thp_bad_.bss | grep -o "\"$1\": [0-9]*" | grep -o '[0-9]*$'; }
# Every process's faults ask this policy now, the shell's too: read the
# two counters with builtins, which fault nothing in between.
p0=$(pmd) m0=$(mthp)
read -r c0 <$HOOKS/thp/fault/calls; read -r i0 <$HOOKS/thp/fault/invalid
"$THPTOUCH" -n 8 touch:0-3:1 read:4-7:1 report >/tmp/bad.out
read -r c1 <$HOOKS/thp/fault/calls; read -r i1 <$HOOKS/thp/fault/invalid
grep '^report' /tmp/bad.out
calls=$((c1 - c0)) inv=$((i1 - i0))
echo "calls +$calls, invalid +$inv, pmd +$(( $(pmd) - p0 )), 64k +$(( $(mthp) - m0 )); offered: write $(bss write_orders), read $(bss read_orders)"
# 8 first faults in the ranges, and the 64 KiB faults of the test's own
# processes.
check "the 8 first faults asked, at least ($calls)" [ "$calls" -ge 8 ]
check "every answer invalid ($inv)" [ "$inv" -eq "$calls" ]
check "writes fell back to the kernel's 2 MiB" [ $(( $(pmd) - p0 )) -eq 4 ]
check "write faults offered 2 MiB and 64 KiB (orders 0x210)" [ "$(bss write_orders)" -eq $(( (1 << 9) | (1 << 4) )) ]
check "read faults offered 2 MiB only (orders 0x200)" [ "$(bss read_orders)" -eq $(( 1 << 9 )) ]
check "the policy is still attached" grep -q thp_bad_order "$HOOKS/thp/policy"
echo never > $M64/enabled
for cg in small big base; do rmdir /sys/fs/cgroup/$cg; done
