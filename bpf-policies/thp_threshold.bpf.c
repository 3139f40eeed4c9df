// SPDX-License-Identifier: GPL-2.0
/*
 * thp_threshold: THP reservations. A range gets a huge page only once at
 * least `threshold` of its 512 base pages are in use: faults map base
 * pages, and khugepaged collapses the range when it sees enough present.
 *
 * threshold=1 is today's behaviour (the kernel decides); the 2018 RFC used
 * 256 by default.
 *
 *   mmpolicy load thp_threshold --set threshold=256
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile __u32 threshold = 256;	/* tunable: 1..512 */
__u64 nr_calls;

SEC("struct_ops/fault")
int BPF_PROG(thp_threshold_fault, struct mm_thp_fault_ctx *fault)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	return threshold <= 1 ? MM_THP_DEFAULT : MM_THP_DEFER;
}

SEC("struct_ops/scan")
int BPF_PROG(thp_threshold_scan, struct mm_thp_scan_ctx *scan)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	if (threshold <= 1)
		return MM_THP_DEFAULT;
	return scan->nr_present >= threshold ? MM_THP_HUGE : MM_THP_DEFER;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_threshold = {
	.fault	= (void *)thp_threshold_fault,
	.scan	= (void *)thp_threshold_scan,
	.name	= "thp_threshold",
};
