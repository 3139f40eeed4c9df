// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: a memcg_targets map twice the size of memcg_map's. A swap
 * from memcg_map cannot carry it over: refused unless --fresh.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2048);
	__type(key, u64);
	__type(value, s32);
} memcg_targets SEC(".maps");

SEC("struct_ops/demote_target")
int BPF_PROG(memcg_map_big_demote_target, struct mm_demotion_ctx *req)
{
	u64 memcg_id = req->memcg_id;
	s32 *target;

	target = bpf_map_lookup_elem(&memcg_targets, &memcg_id);
	if (!target || *target == req->nid)
		return MM_DEMOTE_DEFAULT;
	return *target;
}

SEC(".struct_ops.link")
struct mm_demotion_ops memcg_map_big = {
	.demote_target	= (void *)memcg_map_big_demote_target,
	.name		= "memcg_map_big",
};
