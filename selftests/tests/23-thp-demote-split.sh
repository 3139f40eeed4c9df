# topology: tiered
# A huge page on its way to a slower tier: the kernel moves it whole, zero
# pages and all; thp_reserve's demote member has a sparse one split first,
# so only its pages that hold data land on the slow nodes and the rest are
# freed, while a dense one still moves whole. The deferred-split shrinker
# is off (shrink_underused=0), so that what splits a huge page here is
# demotion and nothing else. An answer outside the enum is invalid and falls
# back to the kernel's behaviour. The ranges are made cold (MADV_COLD) so that
# one memory.reclaim of their cgroup demotes them.
. "$REPO/selftests/lib.sh"

CG=/sys/fs/cgroup
USED=32		# base pages written in each 2 MiB range of a sparse process
# demote CGROUP: reclaim the cgroup; with no swap, demotion is all it can do.
demote() { echo 64M > "$CG/$1/memory.reclaim" 2>/dev/null || true; }
# slow NAME N: base pages of NAME's ranges on nodes 1 and 2, in its Nth
# nodes line (1: before reclaim, 2: after).
slow() { echo $(( $(report_field "$1" nodes "$2" node1) + $(report_field "$1" nodes "$2" node2) )); }
nodes_line() { grep '^nodes:' /tmp/"$1".out | sed -n "$2p"; }

thp_setup
echo 0 > $THP/shrink_underused
enable_demotion
echo +memory > $CG/cgroup.subtree_control || fail "memory controller"
mkdir -p $CG/base $CG/sparse $CG/dense
settle

# The kernel alone: 8 sparse ranges move whole.
d0=$(pgdemote)
hold base base -n 8 touch:0-7:$USED cold:0-7
demote base
release base
wait
d1=$(pgdemote)
echo "no policy: $(nodes_line base 1) -> $(nodes_line base 2); huge $(huge_kb base 1) -> $(huge_kb base 2) kB; pgdemote +$((d1 - d0))"
check "the ranges were huge first ($(huge_kb base 1) kB)" [ "$(huge_kb base 1)" -eq 16384 ]
check "and on node 0 ($(report_field base nodes 1 node0) pages of 4096)" \
	[ "$(report_field base nodes 1 node0)" -eq 4096 ]
check "no policy: every subpage went to a slow node, zeros included ($(slow base 2) of 4096)" \
	[ "$(slow base 2)" -eq 4096 ]
check "moved whole: still 16384 kB huge ($(huge_kb base 2))" [ "$(huge_kb base 2)" -eq 16384 ]

mmpolicy load thp_reserve >/dev/null || fail "load thp_reserve"
c0=$(hookstat thp/demote calls) o0=$(hookstat thp/demote overrides)
i0=$(hookstat thp/demote invalid) s0=$(vmstat thp_split_page)
d0=$(pgdemote)
hold sparse sparse -n 8 touch:0-7:$USED cold:0-7
hold dense dense -n 4 touch:0-3:512 cold:0-3
demote sparse
demote dense
release sparse
release dense
wait
d1=$(pgdemote)
calls=$(( $(hookstat thp/demote calls) - c0 )) ovr=$(( $(hookstat thp/demote overrides) - o0 ))
split=$(( $(vmstat thp_split_page) - s0 ))
echo "thp_reserve: demote calls=$calls overrides=$ovr thp_split_page=+$split pgdemote=+$((d1 - d0))"
for p in sparse dense; do
	echo "$p: $(nodes_line $p 1) -> $(nodes_line $p 2); huge $(huge_kb $p 1) -> $(huge_kb $p 2) kB"
done

check "asked about every huge page ($calls, at least 12)" [ "$calls" -ge 12 ]
check "each sparse one a split the kernel would not make ($ovr of 8)" [ "$ovr" -eq 8 ]
check "the kernel split them ($split)" [ "$split" -ge 8 ]
check "sparse: only its used pages are on slow nodes ($(slow sparse 2) of $((8 * USED)))" \
	[ "$(slow sparse 2)" -eq $((8 * USED)) ]
check "sparse: none left on node 0 ($(report_field sparse nodes 2 node0))" \
	[ "$(report_field sparse nodes 2 node0)" -eq 0 ]
check "sparse: the zero-filled ones map the zero page ($(report_field sparse nodes 2 zero))" \
	[ "$(report_field sparse nodes 2 zero)" -eq $((8 * (512 - USED))) ]
check "sparse: no huge page left ($(huge_kb sparse 2) kB)" [ "$(huge_kb sparse 2)" -eq 0 ]
check "dense: every page on slow nodes ($(slow dense 2) of 2048)" [ "$(slow dense 2)" -eq 2048 ]
check "dense: moved whole ($(huge_kb dense 2) kB of 8192 still huge)" [ "$(huge_kb dense 2)" -eq 8192 ]
# Beyond the ranges, reclaim demotes each process's own few dozen pages
# (stack, heap); freed zero pages counted as demoted would add 3840.
check "pgdemote counts what moved, not the freed zero pages (+$((d1 - d0)), ranges $((8 * USED + 2048)))" \
	[ $((d1 - d0)) -ge $((8 * USED + 2048)) -a $((d1 - d0)) -le $((8 * USED + 2048 + 256)) ]
check "no invalid answers" [ "$(hookstat thp/demote invalid)" -eq "$i0" ]
mmpolicy unload thp >/dev/null

# An answer outside the enum: invalid each time, and the kernel's behaviour.
mmpolicy load "$BPFO/thp_bad_demote.bpf.o" >/dev/null || fail "load thp_bad_demote"
c0=$(hookstat thp/demote calls) i0=$(hookstat thp/demote invalid)
hold bad sparse -n 8 touch:0-7:$USED cold:0-7
demote sparse
release bad
wait
calls=$(( $(hookstat thp/demote calls) - c0 )) inv=$(( $(hookstat thp/demote invalid) - i0 ))
echo "thp_bad_demote: demote calls=$calls invalid=$inv; $(nodes_line bad 1) -> $(nodes_line bad 2); huge $(huge_kb bad 2) kB"
check "asked about every huge page ($calls, at least 8)" [ "$calls" -ge 8 ]
check "every answer counted invalid ($inv of $calls)" [ "$inv" -eq "$calls" ]
check "and each fell back: moved whole ($(slow bad 2) of 4096 on slow nodes, $(huge_kb bad 2) kB huge)" \
	[ "$(slow bad 2)" -eq 4096 ]
check "still huge ($(huge_kb bad 2) kB of 16384)" [ "$(huge_kb bad 2)" -eq 16384 ]
check "the policy is still attached" grep -q thp_bad_demote "$HOOKS/thp/policy"
mmpolicy unload thp >/dev/null
rmdir $CG/base $CG/sparse $CG/dense
