// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: one map whose name is longer than the kernel keeps (15
 * characters): it is "cgroup_threshol" in the kernel. long_map_names
 * swapped onto it must not let two of its maps take this one over.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* node, or NUMA_NO_NODE */
} cgroup_thresholds SEC(".maps");

SEC("struct_ops/demote_target")
int BPF_PROG(long_map_name_demote_target, struct mm_demotion_ctx *req)
{
	u64 memcg_id = req->memcg_id;
	s32 *target;

	target = bpf_map_lookup_elem(&cgroup_thresholds, &memcg_id);
	if (!target || *target == req->nid)
		return MM_DEMOTE_DEFAULT;
	return *target;
}

SEC(".struct_ops.link")
struct mm_demotion_ops long_map_name = {
	.demote_target	= (void *)long_map_name_demote_target,
	.name		= "long_map_name",
};
