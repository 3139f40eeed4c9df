// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: two maps whose names differ only after the 15 characters
 * the kernel keeps: both are "cgroup_threshol" in the kernel. A swap from
 * long_map_name must refuse rather than give both its one map.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* node, or NUMA_NO_NODE */
} cgroup_thresholds_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* a second opinion, same shape */
} cgroup_thresholds_b SEC(".maps");

SEC("struct_ops/demote_target")
int BPF_PROG(long_map_names_demote_target, struct mm_demotion_ctx *req)
{
	u64 memcg_id = req->memcg_id;
	s32 *a, *b;

	a = bpf_map_lookup_elem(&cgroup_thresholds_a, &memcg_id);
	b = bpf_map_lookup_elem(&cgroup_thresholds_b, &memcg_id);
	if (!a || *a == req->nid || (b && *b != *a))
		return MM_DEMOTE_DEFAULT;
	return *a;
}

SEC(".struct_ops.link")
struct mm_demotion_ops long_map_names = {
	.demote_target	= (void *)long_map_names_demote_target,
	.name		= "long_map_names",
};
