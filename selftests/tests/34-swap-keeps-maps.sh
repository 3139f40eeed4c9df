# topology: tiered
# debug: skip user space only (map reuse across swaps); swaps run on the debug kernel in 30
# swap carries the attached policy's maps over: a memcg_map entry survives
# a swap to itself and to another object with a map of the same name, and
# the kernel still demotes by it; the new object's .bss and .rodata are its
# own; a map of the same name but another size is refused (exit 5,
# nothing changed); --fresh starts with empty maps.
. "$REPO/selftests/lib.sh"

targets() { attached_map demotion memcg_targets; }

echo +memory > /sys/fs/cgroup/cgroup.subtree_control || fail "memory controller"
mkdir -p /sys/fs/cgroup/keep
id=$(stat -c %i /sys/fs/cgroup/keep)
enable_demotion

mmpolicy load memcg_map || fail "load memcg_map"
m0=$(targets) b0=$(attached_map demotion memcg_ma.bss)
echo "memcg_targets is map $m0, .bss map $b0; cgroup keep is $id"
[ -n "$m0" ] && [ -n "$b0" ] || fail "maps of memcg_map not found"
"$BPFTOOL" map update id "$m0" key $(le_bytes "$id" 8) value $(le_bytes 1 4) || fail "map update"
check "one entry before the swaps" [ "$(map_entries "$m0")" -eq 1 ]

# To itself: the same map, the same entry; a new .bss.
out=$(mmpolicy swap memcg_map 2>&1); rc=$?
echo "$out"
check "swap memcg_map -> memcg_map succeeds" [ $rc -eq 0 ]
check "and says memcg_targets was carried over" grep -q "maps carried over: memcg_targets (map $m0)" <<<"$out"
check "the new policy uses map $m0 ($(targets))" [ "$(targets)" = "$m0" ]
check "which still has its entry" [ "$(map_entries "$m0")" -eq 1 ]
b1=$(attached_map demotion memcg_ma.bss)
check "the new policy's .bss is its own (map $b1, not $b0)" [ -n "$b1" -a "$b1" != "$b0" ]

# To another object with a map of the same name, and a tunable of its own.
out=$(mmpolicy swap "$BPFO/memcg_map2.bpf.o" --set generation=7 2>&1); rc=$?
echo "$out"
check "swap memcg_map -> memcg_map2 succeeds" [ $rc -eq 0 ]
check "memcg_map2 is attached" [ "$(policy_of demotion)" = memcg_map2 ]
check "and uses map $m0 ($(targets))" [ "$(targets)" = "$m0" ]
check "with the entry" [ "$(map_entries "$m0")" -eq 1 ]
ro=$(attached_map demotion memcg_ma.rodata)
check "its tunables come from the new object (generation = 7 in map $ro)" \
	grep -q '"generation": 7' <<<"$("$BPFTOOL" map dump id "$ro")"

# The kernel agrees: the carried-over entry sends cgroup keep to node 1.
settle
r=$(in_cgroup keep "$MEMHOG" -m 640 -b 0) || fail "memhog in keep"
echo "keep: $r"
check "cgroup keep demoted to node 1 ($(field node1 "$r"))" [ "$(field node1 "$r")" -gt 10000 ]
check "and not to node 2 ($(field node2 "$r"))" [ "$(field node2 "$r")" -eq 0 ]

# The same name, another size: refused, nothing changed.
out=$(mmpolicy swap "$BPFO/memcg_map_big.bpf.o" 2>&1); rc=$?
echo "$out"
check "a memcg_targets of another size is refused (exit $rc)" [ $rc -eq 5 ]
check "and the message says why" grep -q "map 'memcg_targets' cannot be carried over: max_entries is 1024 in the attached policy (map $m0), 2048 in the new one" <<<"$out"
check "and points at --fresh" grep -q -- "--fresh" <<<"$out"
check "memcg_map2 is still attached" [ "$(policy_of demotion)" = memcg_map2 ]
check "on map $m0 with its entry" [ "$(targets)" = "$m0" -a "$(map_entries "$m0")" -eq 1 ]

# --fresh: empty maps, whatever the attached policy had.
out=$(mmpolicy swap "$BPFO/memcg_map_big.bpf.o" --fresh 2>&1); rc=$?
echo "$out"
check "--fresh swaps (exit $rc)" [ $rc -eq 0 ]
check "and says the maps start empty" grep -q "maps start empty (--fresh)" <<<"$out"
check "carrying nothing over" not grep -q "carried over" <<<"$out"
m2=$(targets)
check "memcg_targets is a new map ($m2, not $m0)" [ -n "$m2" -a "$m2" != "$m0" ]
check "with no entries" [ "$(map_entries "$m2")" -eq 0 ]
settle
r=$(in_cgroup keep "$MEMHOG" -m 640 -b 0) || fail "memhog in keep"
echo "keep, empty map: $r"
check "cgroup keep now gets the kernel's choice: node 2 too ($(field node2 "$r"))" [ "$(field node2 "$r")" -gt 1000 ]
rmdir /sys/fs/cgroup/keep
