// SPDX-License-Identifier: GPL-2.0
/*
 * promote_cgroup: a hot threshold per memory cgroup for NUMA balancing's
 * tiering mode, from the map cgroup_thresholds (cgroup id -> threshold in
 * ms): a page on a slow tier is promoted at a hint fault if it was touched
 * within that time of the NUMA scan that marked it. 0 never promotes the
 * cgroup's pages; a large value promotes every page it touches. Cgroups not
 * in the map get default_threshold, where -1 is the kernel's own threshold.
 * The kernel's rate limit applies to every promotion all the same.
 *
 * A promotion that finds node 0 full fails and waits for the next NUMA
 * scan, so a hot set that moved comes back only as fast as kswapd makes
 * room: room_mb keeps that much of each top-tier node free beyond its
 * promotion watermarks (at most a quarter of the node; 0 is the kernel's
 * 0.1% step).
 *
 *   sysctl kernel.numa_balancing=2
 *   mmpolicy load promote_cgroup --set default_threshold=-1 --set room_mb=64
 *   bpftool map update name cgroup_threshol key <cgroup id, 8 bytes> value 0 0 0 0
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* threshold in ms; 0: never */
} cgroup_thresholds SEC(".maps");

const volatile __s32 default_threshold = -1;	/* tunable */
const volatile __u32 room_mb;			/* tunable */
__u64 nr_calls;

/* 4 KiB pages: the project targets x86-64. */
#define MB_PAGES	256

SEC("struct_ops/promote")
int BPF_PROG(promote_cgroup_hint, struct mm_promote_ctx *hint)
{
	u64 memcg_id = hint->memcg_id;
	s32 *t = bpf_map_lookup_elem(&cgroup_thresholds, &memcg_id);
	s32 threshold = t ? *t : default_threshold;

	MM_POLICY_COUNT_CALL(nr_calls);
	if (threshold < 0)
		return MM_PROMOTE_DEFAULT;
	return hint->latency_ms < threshold ? MM_PROMOTE_NOW : MM_PROMOTE_NOT_NOW;
}

SEC("struct_ops/room")
int BPF_PROG(promote_cgroup_room, struct mm_promote_room_ctx *node)
{
	u64 room = (u64)room_mb * MB_PAGES;

	/* A small node gets what it can give, not an invalid answer. */
	return room < node->max_pages ? room : node->max_pages;
}

SEC(".struct_ops.link")
struct mm_promote_ops promote_cgroup = {
	.promote	= (void *)promote_cgroup_hint,
	.room		= (void *)promote_cgroup_room,
	.name		= "promote_cgroup",
};
