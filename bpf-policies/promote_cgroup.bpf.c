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
 *   sysctl kernel.numa_balancing=2
 *   mmpolicy load promote_cgroup --set default_threshold=-1
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
__u64 nr_calls;

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

SEC(".struct_ops.link")
struct mm_promote_ops promote_cgroup = {
	.promote	= (void *)promote_cgroup_hint,
	.name		= "promote_cgroup",
};
