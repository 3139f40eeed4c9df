# topology: tiered
# debug: skip the demotion query path is taken on the debug kernel by 12, 13, 19 and 30
# A per-cgroup policy is asked about the same cgroup when reclaim checks
# whether a node may demote and when it migrates. memcg_map keeps cgroup
# "keep" out of slow memory: under global reclaim its anonymous memory must
# be refused at the query, never scanned only to be refused at migration.
. "$REPO/selftests/lib.sh"

bss() { "$BPFTOOL" map dump name memcg_ma.bss | grep -o "\"$1\": [0-9]*" | grep -o '[0-9]*$'; }

echo +memory > /sys/fs/cgroup/cgroup.subtree_control || fail "memory controller"
mkdir -p /sys/fs/cgroup/keep
id=$(stat -c %i /sys/fs/cgroup/keep)
enable_demotion
mmpolicy load memcg_map || fail "load memcg_map"
"$BPFTOOL" map update name memcg_targets key $(le_bytes "$id" 8) value $(le_bytes -1 4) || fail "map update"

settle
d0=$(pgdemote)
# Global reclaim on node 0 (no cgroup limit); with no swap and no demotion
# the hog cannot fit and is OOM-killed: that is expected.
timeout -s KILL 60 bash -c 'echo $$ > /sys/fs/cgroup/keep/cgroup.procs && exec "$0" -m 640 -b 0' "$MEMHOG" >/dev/null 2>&1
d1=$(pgdemote)
# The cgroup's own count: other cgroups' pages (the root's page cache) may
# be demoted meanwhile, and should be.
kd=$(awk '/^pgdemote_/ { n += $2 } END { print n + 0 }' /sys/fs/cgroup/keep/memory.stat)
q=$(bss nr_query_hits) m=$(bss nr_migrate_hits)
echo "pgdemote +$((d1 - d0)) system-wide, $kd of cgroup keep; the map answered $q queries and $m migrations for it"
check "queries named cgroup keep ($q)" [ "${q:-0}" -gt 0 ]
check "no migration was asked for it ($m)" [ "${m:-1}" -eq 0 ]
check "none of its memory was demoted ($kd pages)" [ "$kd" -eq 0 ]
rmdir /sys/fs/cgroup/keep
