// SPDX-License-Identifier: GPL-2.0
/* Test policy: writes to its context, which the verifier must refuse. */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(writes_ctx_demote_target, struct mm_demotion_ctx *req)
{
	req->default_target = 2;
	return req->default_target;
}

SEC(".struct_ops.link")
struct mm_demotion_ops writes_ctx = {
	.demote_target	= (void *)writes_ctx_demote_target,
	.name		= "writes_ctx",
};
