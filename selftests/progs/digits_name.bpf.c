// SPDX-License-Identifier: GPL-2.0
/* Test policy: a policy whose name is all digits, for --expect name:1234. */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(digits_name_demote_target, struct mm_demotion_ctx *req)
{
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops digits_name = {
	.demote_target	= (void *)digits_name_demote_target,
	.name		= "1234",
};
