// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: the slow nodes "demote" to the fast node 0. A higher tier is
 * never a demotion target: the kernel must count every such answer invalid.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_upward;

SEC("struct_ops/demote_target")
int BPF_PROG(upward_demote_target, struct mm_demotion_ctx *req)
{
	if (req->nid == 0)
		return MM_DEMOTE_DEFAULT;
	MM_POLICY_COUNT_CALL(nr_upward);
	return 0;
}

SEC(".struct_ops.link")
struct mm_demotion_ops upward = {
	.demote_target	= (void *)upward_demote_target,
	.name		= "upward",
};
