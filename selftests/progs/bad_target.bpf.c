// SPDX-License-Identifier: GPL-2.0
/* Test policy: answers a node that does not exist; the kernel must refuse. */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(bad_target_demote_target, struct mm_demotion_ctx *req)
{
	return 99;
}

SEC(".struct_ops.link")
struct mm_demotion_ops bad_target = {
	.demote_target	= (void *)bad_target_demote_target,
	.name		= "bad_target",
};
