// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: a .name of 16 characters, which fills the kernel's 16 bytes
 * with no room for the terminating NUL.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(long_policy_name_demote_target, struct mm_demotion_ctx *req)
{
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops long_policy_name = {
	.demote_target	= (void *)long_policy_name_demote_target,
	.name		= "sixteen_chars_xx",
};
