# topology: tiered
# debug: skip policy logic; the demotion path is taken on the debug kernel by 12, 13, 19 and 30
# memcg_map: cgroup "fast" demotes to node 1, cgroup "slow" to node 2,
# through the policy's map keyed by cgroup id.
. "$REPO/selftests/lib.sh"

echo +memory > /sys/fs/cgroup/cgroup.subtree_control || fail "memory controller"
mkdir -p /sys/fs/cgroup/fast /sys/fs/cgroup/slow
id_fast=$(stat -c %i /sys/fs/cgroup/fast) id_slow=$(stat -c %i /sys/fs/cgroup/slow)
echo "cgroup ids: fast=$id_fast slow=$id_slow"

enable_demotion
mmpolicy load memcg_map || fail "load memcg_map"
"$BPFTOOL" map update name memcg_targets key $(le_bytes "$id_fast" 8) value $(le_bytes 1 4) || fail "map update"
"$BPFTOOL" map update name memcg_targets key $(le_bytes "$id_slow" 8) value $(le_bytes 2 4) || fail "map update"
"$BPFTOOL" map dump name memcg_targets


settle
r=$(in_cgroup fast "$MEMHOG" -m 640 -b 0) || fail "memhog in fast"
echo "fast: $r"
check "cgroup fast demoted to node 1 ($(field node1 "$r"))" [ "$(field node1 "$r")" -gt 10000 ]
check "and not to node 2 ($(field node2 "$r"))" [ "$(field node2 "$r")" -eq 0 ]

settle
r=$(in_cgroup slow "$MEMHOG" -m 640 -b 0) || fail "memhog in slow"
echo "slow: $r"
check "cgroup slow demoted to node 2 ($(field node2 "$r"))" [ "$(field node2 "$r")" -gt 10000 ]
check "and not to node 1 ($(field node1 "$r"))" [ "$(field node1 "$r")" -eq 0 ]
rmdir /sys/fs/cgroup/fast /sys/fs/cgroup/slow
