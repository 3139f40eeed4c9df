// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy for the THP guards: base pages at every first fault, counted
 * by kind (read or write), and "collapse" for every range khugepaged scans
 * once the test sets go[0], which the kernel must decline where the range
 * has swap entries and too few referenced pages. Until then "not yet", so
 * that khugepaged cannot collapse a range the test is still setting up.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} go SEC(".maps");

__u64 nr_read_faults;
__u64 nr_write_faults;
__u64 nr_scans;
__u64 nr_scans_swapped;	/* ranges seen with swap entries */

SEC("struct_ops/fault")
int BPF_PROG(thp_guard_fault, struct mm_thp_fault_ctx *fault)
{
	if (fault->write)
		MM_POLICY_COUNT_CALL(nr_write_faults);
	else
		MM_POLICY_COUNT_CALL(nr_read_faults);
	return MM_THP_DEFER;
}

SEC("struct_ops/scan")
int BPF_PROG(thp_guard_scan, struct mm_thp_scan_ctx *range)
{
	u32 key = 0, *set = bpf_map_lookup_elem(&go, &key);

	if (!set || !*set)
		return MM_THP_DEFER;
	MM_POLICY_COUNT_CALL(nr_scans);
	if (range->nr_swap)
		MM_POLICY_COUNT_CALL(nr_scans_swapped);
	return MM_THP_HUGE;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_guard = {
	.fault	= (void *)thp_guard_fault,
	.scan	= (void *)thp_guard_scan,
	.name	= "thp_guard",
};
