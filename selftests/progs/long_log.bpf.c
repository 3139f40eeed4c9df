// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: the verifier walks a few hundred instructions, then finds a
 * write to the read-only context. Its log runs to tens of KiB and the
 * reason is on its last lines: the loader must show them.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(long_log_demote_target, struct mm_demotion_ctx *req)
{
	u64 x = req->memcg_id;
	int i;

#pragma unroll
	for (i = 0; i < 400; i++)
		x = (x * 7) ^ (x >> 3) ^ i;
	req->default_target = x;
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops long_log = {
	.demote_target	= (void *)long_log_demote_target,
	.name		= "long_log",
};
