// SPDX-License-Identifier: GPL-2.0
/* Test policy: reports an error at its first THP fault; the kernel ejects it. */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;

SEC("struct_ops/fault")
int BPF_PROG(thp_error_fault, struct mm_thp_fault_ctx *fault)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	bpf_mm_thp_error("thp_error cannot decide");
	return MM_THP_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_error = {
	.fault	= (void *)thp_error_fault,
	.name	= "thp_error",
};
