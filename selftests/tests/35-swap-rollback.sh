# topology: tiered
# debug: skip user space only (mmpolicy rollback); swaps run on the debug kernel in 30
# A swap of an object with two kinds (demotion and thp) is all or nothing:
# when thp's compare-and-swap fails after demotion was swapped, demotion is
# swapped back to the policy it had; when a kind has nothing attached,
# nothing is touched. --expect is per kind and parsed strictly.
. "$REPO/selftests/lib.sh"

TWO=$BPFO/two_kinds.bpf.o
ids() { mmpolicy status --json | jq -r ".$1 | \"\(.link_id) \(.map_id)\""; }
seq_of() { hookstat "$1" attach_seq; }

# swap_expect RC PATTERN ARGS...: mmpolicy swap ARGS exits RC and says
# PATTERN; its output is left in $out.
swap_expect() {
	local rc=$1 pat=$2 got
	shift 2
	out=$(mmpolicy swap "$@" 2>&1); got=$?
	echo "\$ mmpolicy swap $*: exit $got"
	echo "$out" | sed 's/^/    /'
	[ $got -eq "$rc" ] || fail "expected exit $rc, got $got"
	grep -q -- "$pat" <<<"$out" || fail "expected a message matching '$pat'"
	pass "exit $rc: $pat"
}

mmpolicy load one_node --set target_node=2 || fail "load one_node"
mmpolicy load thp_threshold || fail "load thp_threshold"
dem=$(ids demotion) thp_old=$(ids thp)
echo "demotion: link/map $dem; thp: link/map $thp_old"
# Keep thp_threshold's map alive once it is swapped out, so that an
# expectation naming it reaches the kernel's compare-and-swap (-EPERM).
"$BPFTOOL" map pin id "${thp_old#* }" /sys/fs/bpf/rollback-old || fail "pin old thp map"
mmpolicy swap thp_adaptive >/dev/null || fail "swap thp to thp_adaptive"
thp=$(ids thp)

# 1. demotion swaps, then thp loses its compare-and-swap: demotion goes back.
s0=$(seq_of demotion)
swap_expect 5 "the thp compare-and-swap lost" "$TWO" --expect "thp=${thp_old#* }"
check "the message says demotion was rolled back" grep -q "demotion: rolled back to 'one_node'" <<<"$out"
check "and that nothing was swapped" grep -q "nothing swapped" <<<"$out"
check "one_node is attached again" [ "$(policy_of demotion)" = one_node ]
check "the same link and map ($(ids demotion) = $dem)" [ "$(ids demotion)" = "$dem" ]
check "after a real swap and swap back (attach_seq $s0 -> $(seq_of demotion))" [ "$(seq_of demotion)" -gt "$s0" ]
log=$(dmesg)
check "the kernel saw one_node replaced by two_kinds_dem" grep -q "demotion policy 'one_node' replaced by 'two_kinds_dem'" <<<"$log"
check "and two_kinds_dem replaced by one_node" grep -q "demotion policy 'two_kinds_dem' replaced by 'one_node'" <<<"$log"
check "thp keeps thp_adaptive ($(ids thp) = $thp)" [ "$(policy_of thp)" = thp_adaptive -a "$(ids thp)" = "$thp" ]
check "status still says where one_node came from" grep -q "from one_node" <<<"$(mmpolicy status)"
rm /sys/fs/bpf/rollback-old

# 2. nothing attached to thp: refused before anything is touched.
mmpolicy unload thp >/dev/null || fail "unload thp"
s0=$(seq_of demotion)
swap_expect 5 "no thp policy is attached" "$TWO"
check "demotion is untouched (one_node, attach_seq $s0 -> $(seq_of demotion))" \
	[ "$(policy_of demotion)" = one_node -a "$(seq_of demotion)" = "$s0" -a "$(ids demotion)" = "$dem" ]

# 3. --expect per kind: both right, both swap.
mmpolicy load thp_threshold >/dev/null || fail "load thp_threshold"
thp=$(ids thp)
swap_expect 0 "thp: swapped 'thp_threshold' -> 'two_kinds_thp'" "$TWO" \
	--expect demotion=one_node --expect "thp=${thp#* }"
check "demotion: two_kinds_dem" [ "$(policy_of demotion)" = two_kinds_dem ]
check "thp: two_kinds_thp" [ "$(policy_of thp)" = two_kinds_thp ]

# 4. --expect is parsed strictly: exit 2, nothing changed.
s0=$(seq_of demotion)
swap_expect 2 "several kinds: name the kind" "$TWO" --expect two_kinds_dem
swap_expect 2 "'4294967297' is not a map id" "$TWO" --expect demotion=4294967297
swap_expect 2 "'0' is not a map id" "$TWO" --expect demotion=0
swap_expect 2 "'-1' is neither a map id nor a policy name" "$TWO" --expect demotion=-1
swap_expect 2 "'' is neither a map id nor a policy name" "$TWO" --expect demotion=
swap_expect 2 "'abc' is not a map id" "$TWO" --expect demotion=id:abc
swap_expect 2 "unknown policy kind 'memory'" "$TWO" --expect memory=1
swap_expect 2 "the object has no compaction policy" "$TWO" --expect compaction=1
swap_expect 2 "the demotion policy is expected twice" "$TWO" --expect demotion=1 --expect demotion=2
check "nothing was swapped by any of them (attach_seq $s0 -> $(seq_of demotion))" \
	[ "$(seq_of demotion)" = "$s0" -a "$(policy_of demotion)" = two_kinds_dem ]

# 5. The single-kind form, and a policy whose name is all digits.
mmpolicy unload all >/dev/null
mmpolicy load "$BPFO/digits_name.bpf.o" >/dev/null || fail "load digits_name"
check "policy 1234 is attached" [ "$(policy_of demotion)" = 1234 ]
swap_expect 5 "map 1234" kernel_default --expect 1234
check "digits are a map id: 1234 is still attached" [ "$(policy_of demotion)" = 1234 ]
swap_expect 0 "swapped '1234' -> 'kernel_default'" kernel_default --expect name:1234
d=$(ids demotion)
swap_expect 0 "swapped 'kernel_default' -> 'one_node'" one_node --expect "id:${d#* }"
