# topology: tiered
# debug: skip user space only (mmpolicy refusing bad input)
# Every bad input gets its exit code and a clear message, and leaves
# nothing attached or pinned.
. "$REPO/selftests/lib.sh"

# expect RC PATTERN CMD...: CMD exits RC and says PATTERN (on stderr).
expect() {
	local rc=$1 pat=$2 out got
	shift 2
	out=$("$@" 2>&1); got=$?
	echo "\$ ${*#$MMPOLICY}: exit $got"
	echo "$out" | sed 's/^/    /' | tail -8
	[ $got -eq "$rc" ] || fail "expected exit $rc, got $got"
	grep -q -- "$pat" <<<"$out" || fail "expected message matching '$pat'"
	[ "$(policy_of demotion)" = none ] || fail "a policy was left attached"
	[ -z "$(ls /sys/fs/bpf/mm_policy 2>/dev/null)" ] || fail "a pin was left behind"
	pass "exit $rc: $pat"
}

printf 'not an object\n' >/tmp/junk.o
head -c 200 "$BPFO/one_node.bpf.o" >/tmp/truncated.o
expect 3 "cannot open '/nonexistent.bpf.o'" "$MMPOLICY" load /nonexistent.bpf.o
expect 3 "no_such_policy.*not a built-in policy" "$MMPOLICY" load no_such_policy
expect 3 "is not an ELF file" "$MMPOLICY" load /tmp/junk.o
expect 3 "ELF file but not a BPF object" "$MMPOLICY" load /bin/true
expect 3 "not a valid BPF object" "$MMPOLICY" load /tmp/truncated.o
expect 3 "contains no memory policy" "$MMPOLICY" load "$BPFO/no_policy.bpf.o"
expect 3 "has two demotion policies (dup_kind_a, dup_kind_b)" "$MMPOLICY" load "$BPFO/dup_kind.bpf.o"
expect 3 'SEC(".struct_ops.link")' "$MMPOLICY" load "$BPFO/legacy_map.bpf.o"
expect 3 '.name "sixteen_chars_xx" is 16 characters or more: the kernel takes at most 15' \
	"$MMPOLICY" load "$BPFO/long_policy_name.bpf.o"
expect 1 "only read is supported" "$MMPOLICY" load "$BPFO/writes_ctx.bpf.o"
expect 1 "verifier rejected" "$MMPOLICY" load "$BPFO/sleepable.bpf.o"
expect 1 "attaching program 'bad_companion_probe' (SEC(\"kprobe/mm_policy_no_such_function\")) failed" \
	"$MMPOLICY" load "$BPFO/bad_companion.bpf.o"
expect 2 "no tunable 'nope'" "$MMPOLICY" load one_node --set nope=1
expect 2 "not a number" "$MMPOLICY" load one_node --set target_node=two
expect 2 "unknown policy kind" "$MMPOLICY" unload memory
expect 5 "no demotion policy is attached: nothing to swap" "$MMPOLICY" swap most_free
# A kernel without the patch, and no bpffs: shown in a private mount namespace.
expect 4 "CONFIG_BPF_MM_POLICY" unshare -m sh -c "mount -t tmpfs none /sys/kernel/mm && exec $MMPOLICY load one_node"
expect 4 "bpffs is not mounted" unshare -m sh -c "umount /sys/fs/bpf && exec $MMPOLICY load one_node"

# The kernel itself refuses the legacy (link-less) registration.
out=$("$BPFTOOL" struct_ops register "$BPFO/legacy_map.bpf.o" 2>&1); rc=$?
echo "bpftool register of a .struct_ops map: exit $rc: $(tail -1 <<<"$out")"
check "the kernel refuses a link-less registration" [ $rc -ne 0 -a "$(policy_of demotion)" = none ]
check "with EOPNOTSUPP" grep -q 'Operation not supported' <<<"$out"

# An object of two kinds, one of which is taken: neither kind is attached,
# and the policy that holds the taken hook is untouched.
mmpolicy load thp_threshold >/dev/null || fail "load thp_threshold"
seq0=$(cat "$HOOKS/thp/attach_seq")
out=$("$MMPOLICY" load "$BPFO/two_kinds.bpf.o" 2>&1); rc=$?
echo "two_kinds with thp taken: exit $rc: $out"
check "is refused with exit 5" [ $rc -eq 5 ]
check "naming the taken hook" grep -q 'a thp policy is already attached' <<<"$out"
check "its demotion half was not attached" [ "$(policy_of demotion)" = none ]
check "nor pinned" [ ! -e /sys/fs/bpf/mm_policy/demotion ]
check "thp_threshold is still attached, never re-attached" \
	[ "$(policy_of thp)" = thp_threshold -a "$(cat "$HOOKS/thp/attach_seq")" = "$seq0" ]
