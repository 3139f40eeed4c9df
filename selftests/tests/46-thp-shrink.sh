# topology: flat
# thp_reserve at the deferred-split shrinker. Huge pages come at the first
# fault, as without a policy; when a cgroup's memory is reclaimed, a huge
# page with more than max_zero zero-filled subpages is split and they are
# freed, a dense one stays huge, and a cgroup whose zero_limits entry is 512
# keeps its sparse ones, and khugepaged does not collapse the split ranges
# back. Without a policy, at max_ptes_none's default of 511, the kernel
# splits nothing. The shrinker considers a huge page once,
# so the kernel's run and the policy's use processes of their own.
. "$REPO/selftests/lib.sh"

CG=/sys/fs/cgroup
# rss_kb CGROUP: the resident set of the one process in CGROUP.
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' /proc/"$(cat $CG/$1/cgroup.procs)"/status; }
# Proactive reclaim of a cgroup: nothing here is reclaimable but what the
# shrinker frees (no swap), so it runs down to the lowest priority.
reclaim() { echo 256M > "$CG/$1/memory.reclaim" 2>/dev/null || true; }

thp_setup
echo 511 > $THP/khugepaged/max_ptes_none
echo 1 > $THP/shrink_underused
echo +memory > $CG/cgroup.subtree_control || fail "memory controller"
mkdir -p $CG/sparse $CG/dense $CG/keep

# The kernel alone: 16 ranges with one page each.
hold base sparse -n 16 touch:0-15:1
s0=$(vmstat thp_underused_split_page) r0=$(rss_kb sparse)
reclaim sparse
r1=$(rss_kb sparse)
release base
wait
echo "no policy: rss ${r0} -> ${r1} kB, huge $(huge_kb base 1) -> $(huge_kb base 2) kB"
check "no policy, max_ptes_none=511: the kernel splits nothing ($(( $(vmstat thp_underused_split_page) - s0 )))" \
	[ "$(vmstat thp_underused_split_page)" -eq "$s0" ]
check "and the sparse ranges stay huge" [ "$(huge_kb base 2)" -eq 32768 ]

mmpolicy load thp_reserve >/dev/null || fail "load thp_reserve"
"$BPFTOOL" map update name zero_limits key $(le_bytes "$(stat -c %i $CG/keep)" 8) \
	value $(le_bytes 512 4) || fail "map update"
c0=$(hookstat thp/shrink calls) o0=$(hookstat thp/shrink overrides)
i0=$(hookstat thp/shrink invalid) s0=$(vmstat thp_underused_split_page)
hold sparse sparse -n 16 touch:0-15:1
hold dense dense -n 8 touch:0-7:512
hold keep keep -n 8 touch:0-7:1
r0=$(rss_kb sparse)
for g in sparse dense keep; do reclaim $g; done
r1=$(rss_kb sparse)
# khugepaged must not undo the splits: let it scan everything twice.
f0=$(cat $THP/khugepaged/full_scans)
for i in $(seq 300); do [ "$(cat $THP/khugepaged/full_scans)" -ge $((f0 + 2)) ] && break; sleep 0.1; done
check "khugepaged scanned the ranges twice since" [ "$(cat $THP/khugepaged/full_scans)" -ge $((f0 + 2)) ]
for p in sparse dense keep; do release $p; done
wait
calls=$(( $(hookstat thp/shrink calls) - c0 )) ovr=$(( $(hookstat thp/shrink overrides) - o0 ))
split=$(( $(vmstat thp_underused_split_page) - s0 ))
echo "thp_reserve: shrink calls=$calls overrides=$ovr thp_underused_split_page=+$split"
for p in sparse dense keep; do echo "$p: huge $(huge_kb $p 1) -> $(huge_kb $p 2) kB"; done
echo "sparse: rss $r0 -> $r1 kB"

check "the sparse ranges were huge at first fault ($(huge_kb sparse 1) kB)" [ "$(huge_kb sparse 1)" -eq 32768 ]
check "the policy was asked about every huge page ($calls of 32)" [ "$calls" -ge 32 ]
check "sparse: all 16 split ($(huge_kb sparse 2) kB huge left)" [ "$(huge_kb sparse 2)" -eq 0 ]
check "the kernel counted the splits ($split)" [ "$split" -ge 16 ]
check "each a split the kernel's rule would not make ($ovr)" [ "$ovr" -ge 16 ]
check "sparse: RSS fell by the zero-filled pages ($r0 -> $r1 kB)" [ $((r0 - r1)) -ge $((16 * 2000)) ]
check "dense: every huge page kept" [ "$(huge_kb dense 2)" -eq 16384 ]
check "keep (zero_limits 512): every huge page kept" [ "$(huge_kb keep 2)" -eq 16384 ]
check "no invalid answers" [ "$(hookstat thp/shrink invalid)" -eq "$i0" ]
mmpolicy unload thp >/dev/null
rmdir $CG/sparse $CG/dense $CG/keep
