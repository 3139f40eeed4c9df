// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_default: always defer to the kernel's own choice.
 *
 * The smallest complete policy: attached, it changes nothing, which makes it
 * the baseline for measuring what the hook itself costs, and a safe policy
 * to swap to.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;

SEC("struct_ops/demote_target")
int BPF_PROG(kernel_default_demote_target, struct mm_demotion_ctx *req)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops kernel_default = {
	.demote_target	= (void *)kernel_default_demote_target,
	.name		= "kernel_default",
};
