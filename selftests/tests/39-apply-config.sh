# topology: tiered
# debug: skip user space only (mmpolicy apply and restore)
# mmpolicy apply makes the hooks what a configuration file says: a wrong
# file changes nothing; a second apply changes nothing; an edit swaps only
# the hook it touches; map entries are exactly the file's; a hook left out
# goes back to the kernel; restore detaches everything.
. "$REPO/selftests/lib.sh"

mkdir -p /sys/fs/cgroup/batch /sys/fs/cgroup/web
id_batch=$(stat -c %i /sys/fs/cgroup/batch) id_web=$(stat -c %i /sys/fs/cgroup/web)
conf=/tmp/mmpolicy.conf
seq_of() { hookstat "$1" attach_seq; }

# --- A wrong file changes nothing ------------------------------------------
bad() { # bad WANT-RC WANT-MESSAGE: apply $conf, expect a refusal
	local out rc
	out=$(mmpolicy apply "$conf" 2>&1); rc=$?
	echo "$out"
	check "refused with exit $1 (got $rc)" [ "$rc" -eq "$1" ]
	check "saying '$2'" grep -qF -- "$2" <<<"$out"
	check "nothing attached" [ "$(policy_of demotion)$(policy_of thp)" = nonenone ]
}
printf '[demotion]\npolicy = one_node\n[swap]\npolicy = x\n' > $conf
bad 2 "mmpolicy.conf:3: unknown hook 'swap'"
printf '[demotion]\nset = target_node=2\n' > $conf
bad 2 "[demotion] has no 'policy = ...'"
printf '[demotion]\npolicy = one_node\nset = target_node=x\n' > $conf
bad 2 "target_node"
printf '[demotion]\npolicy = memcg_map\nentry memcg_tragets 1 = 2\n' > $conf
bad 2 "mmpolicy.conf:3: policy 'memcg_map' has no map 'memcg_tragets'"
printf '[demotion]\npolicy = memcg_map\nentry memcg_targets /sys/fs/cgroup/nope = 2\n' > $conf
bad 2 "cgroup '/sys/fs/cgroup/nope'"
printf '[demotion]\npolicy = %s\n' "$BPFO/two_kinds.bpf.o" > $conf
bad 2 "has a thp policy too: give [thp] the same policy"
printf '[thp]\npolicy = thp_reserve\n[demotion]\npolicy = /nonexistent.bpf.o\n' > $conf
bad 3 "/nonexistent.bpf.o"

# --- Apply, then apply again ------------------------------------------------
cat > $conf <<EOF
# two hooks, two cgroups
[demotion]
policy = memcg_map
entry memcg_targets /sys/fs/cgroup/batch = 2   # batch goes to the far node
entry memcg_targets /sys/fs/cgroup/web = 1

[thp]
policy = thp_reserve
set = max_zero=128
entry zero_limits $id_web = 64
EOF
out=$(mmpolicy apply $conf 2>&1) || fail "apply: $out"
echo "$out"
check "demotion has memcg_map" [ "$(policy_of demotion)" = memcg_map ]
check "thp has thp_reserve" [ "$(policy_of thp)" = thp_reserve ]
check "memcg_targets holds the file's entries" \
	[ "$(map_kv memcg_targets)" = "$(echo "$id_batch=2 $id_web=1" | tr ' ' '\n' | sort | xargs)" ]
check "zero_limits too" [ "$(map_kv zero_limits)" = "$id_web=64" ]
check "the tunable was set" grep -q 'set max_zero=128' <<<"$(mmpolicy status)"
s_dem=$(seq_of demotion) s_thp=$(seq_of thp)
out=$(mmpolicy apply $conf 2>&1) || fail "second apply: $out"
echo "$out"
check "a second apply leaves demotion as it is" grep -q "demotion: 'memcg_map' unchanged" <<<"$out"
check "and thp" grep -q "thp: 'thp_reserve' unchanged" <<<"$out"
check "and the entries" grep -q "map memcg_targets: 0 set, 2 unchanged, 0 removed" <<<"$out"
check "nothing was attached or swapped (attach_seq $s_dem, $s_thp)" \
	[ "$(seq_of demotion) $(seq_of thp)" = "$s_dem $s_thp" ]

# --- An edit swaps what it touches, and only that ----------------------------
sed -i -e 's/max_zero=128/max_zero=200/' -e '/web = 1/d' $conf
out=$(mmpolicy apply $conf 2>&1) || fail "apply after the edit: $out"
echo "$out"
check "thp was swapped for the new tunable" grep -q "thp: swapped 'thp_reserve' -> 'thp_reserve'" <<<"$out"
check "demotion was not (attach_seq $s_dem)" [ "$(seq_of demotion)" = "$s_dem" ]
check "the entry left out was removed" [ "$(map_kv memcg_targets)" = "$id_batch=2" ]
check "thp's entries survived the swap" [ "$(map_kv zero_limits)" = "$id_web=64" ]
check "the new tunable is recorded" grep -q 'set max_zero=200' <<<"$(mmpolicy status)"

# --- A hook the file leaves out goes back to the kernel ------------------------
printf '[demotion]\npolicy = memcg_map\nentry memcg_targets %s = 2\n' "$id_batch" > $conf
out=$(mmpolicy apply $conf 2>&1) || fail "apply without thp: $out"
echo "$out"
check "thp is back to the kernel" [ "$(policy_of thp)" = none ]
check "saying why" grep -q "thp: not in $conf: the kernel decides" <<<"$out"
check "demotion stays" [ "$(seq_of demotion)" = "$s_dem" ]

# --- A policy attached by another tool is replaced, not trusted ----------------
mmpolicy unload demotion >/dev/null
mkdir -p /sys/fs/bpf/by-hand
"$BPFTOOL" struct_ops register "$BPFO/memcg_map.bpf.o" /sys/fs/bpf/by-hand >/dev/null ||
	fail "bpftool register"
check "bpftool's memcg_map has no record" grep -q 'another tool' <<<"$(mmpolicy status)"
out=$(mmpolicy apply $conf 2>&1) || fail "apply over bpftool's policy: $out"
echo "$out"
check "the same name without mmpolicy's record: swapped" grep -q "demotion: swapped 'memcg_map' -> 'memcg_map'" <<<"$out"
check "and recorded now" grep -q 'from memcg_map' <<<"$(mmpolicy status)"
check "with the file's entries" [ "$(map_kv memcg_targets)" = "$id_batch=2" ]

# --- restore --------------------------------------------------------------------
out=$(mmpolicy restore 2>&1) || fail "restore: $out"
echo "$out"
check "restore detached every policy" [ "$(policy_of demotion)$(policy_of thp)" = nonenone ]
check "and removed the pins" [ -z "$(ls /sys/fs/bpf/mm_policy 2>/dev/null)" ]
rm -rf /sys/fs/bpf/by-hand
rmdir /sys/fs/cgroup/batch /sys/fs/cgroup/web
