// SPDX-License-Identifier: GPL-2.0
/*
 * thp_cgroup: a promotion threshold per memory cgroup, from the map
 * thp_thresholds (cgroup id -> threshold). A threshold of 1 is today's
 * eager behaviour; cgroups not in the map get default_threshold. Lets one
 * workload keep eager huge pages while another only gets them for ranges
 * it fills.
 *
 *   mmpolicy load thp_cgroup --set default_threshold=256
 *   bpftool map update name thp_thresholds key <cgroup id, 8 bytes> value 1 0 0 0
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, u32);	/* threshold, 1..512 */
} thp_thresholds SEC(".maps");

const volatile __u32 default_threshold = 1;	/* tunable */
__u64 nr_calls;

static u32 threshold_of(u64 memcg_id)
{
	u32 *t = bpf_map_lookup_elem(&thp_thresholds, &memcg_id);

	return t ? *t : default_threshold;
}

SEC("struct_ops/fault")
int BPF_PROG(thp_cgroup_fault, struct mm_thp_fault_ctx *fault)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	return threshold_of(fault->memcg_id) <= 1 ? MM_THP_DEFAULT : MM_THP_DEFER;
}

SEC("struct_ops/scan")
int BPF_PROG(thp_cgroup_scan, struct mm_thp_scan_ctx *scan)
{
	u32 t = threshold_of(scan->memcg_id);

	MM_POLICY_COUNT_CALL(nr_calls);
	if (t <= 1)
		return MM_THP_DEFAULT;
	return scan->nr_present >= t ? MM_THP_HUGE : MM_THP_DEFER;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_cgroup = {
	.fault	= (void *)thp_cgroup_fault,
	.scan	= (void *)thp_cgroup_scan,
	.name	= "thp_cgroup",
};
