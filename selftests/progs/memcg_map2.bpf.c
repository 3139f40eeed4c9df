// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: a second memcg_map, another object with a map of the same
 * name and shape. `mmpolicy swap` onto it must carry memcg_targets over
 * (entries kept) but take its .bss/.rodata from this object.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* node, or NUMA_NO_NODE */
} memcg_targets SEC(".maps");

const volatile __u32 generation = 1;	/* tunable, only to be read back */
__u64 nr_calls;

SEC("struct_ops/demote_target")
int BPF_PROG(memcg_map2_demote_target, struct mm_demotion_ctx *req)
{
	u64 memcg_id = req->memcg_id;
	s32 *target;

	MM_POLICY_COUNT_CALL(nr_calls);
	target = bpf_map_lookup_elem(&memcg_targets, &memcg_id);
	if (!generation || !target || *target == req->nid)
		return MM_DEMOTE_DEFAULT;
	return *target;
}

SEC(".struct_ops.link")
struct mm_demotion_ops memcg_map2 = {
	.demote_target	= (void *)memcg_map2_demote_target,
	.name		= "memcg_map2",
};
