// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: in SEC(".struct_ops"), the pre-link way to register; the
 * kernel must refuse it (-EOPNOTSUPP), the loader says so up front.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(legacy_demote_target, struct mm_demotion_ctx *req)
{
	return req->default_target;
}

SEC(".struct_ops")
struct mm_demotion_ops legacy = {
	.demote_target	= (void *)legacy_demote_target,
	.name		= "legacy",
};
