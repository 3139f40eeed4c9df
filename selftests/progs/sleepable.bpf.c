// SPDX-License-Identifier: GPL-2.0
/* Test policy: sleepable, which no mm hook can run (spinlocks held). */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops.s/demote_target")
int BPF_PROG(sleepable_demote_target, struct mm_demotion_ctx *req)
{
	return req->default_target;
}

SEC(".struct_ops.link")
struct mm_demotion_ops sleepable = {
	.demote_target	= (void *)sleepable_demote_target,
	.name		= "sleepable",
};
