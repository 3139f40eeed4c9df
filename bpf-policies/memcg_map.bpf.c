// SPDX-License-Identifier: GPL-2.0
/*
 * memcg_map: each memory cgroup demotes to the node an operator assigns it.
 *
 * The map is keyed by cgroup id (the inode number of the cgroup's directory
 * in cgroupfs, `stat -c %i /sys/fs/cgroup/NAME`); the value is a node id,
 * or -1 to keep that cgroup's pages out of slow memory altogether (reclaim
 * swaps them instead). Cgroups not in the map get the kernel's choice.
 *
 *   mmpolicy load memcg_map
 *   bpftool map update name memcg_targets key $(id as 8 bytes) value 2 0 0 0
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* node, or NUMA_NO_NODE */
} memcg_targets SEC(".maps");

__u64 nr_calls;
__u64 nr_query_hits;	/* answers from the map, per decision */
__u64 nr_migrate_hits;

SEC("struct_ops/demote_target")
int BPF_PROG(memcg_map_demote_target, struct mm_demotion_ctx *req)
{
	/* Copies: map keys must not point into the kernel, and one load
	 * instruction cannot serve both the context and a map value. */
	u64 memcg_id = req->memcg_id;
	s32 *target;

	MM_POLICY_COUNT_CALL(nr_calls);
	/*
	 * A query names the cgroup about to be scanned, so the same answer
	 * there and at the migration keeps reclaim from scanning memory only
	 * to refuse it. Cgroup id 0 asks about the node as a whole.
	 */
	target = bpf_map_lookup_elem(&memcg_targets, &memcg_id);
	if (!target || *target == req->nid)
		return MM_DEMOTE_DEFAULT;
	if (req->reason == MM_DEMOTE_QUERY)
		MM_POLICY_COUNT_CALL(nr_query_hits);
	else
		MM_POLICY_COUNT_CALL(nr_migrate_hits);
	return *target;
}

SEC(".struct_ops.link")
struct mm_demotion_ops memcg_map = {
	.demote_target	= (void *)memcg_map_demote_target,
	.name		= "memcg_map",
};
