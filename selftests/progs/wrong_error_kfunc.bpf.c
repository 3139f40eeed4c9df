// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: a demotion policy calling the THP hook's error kfunc. Each
 * error kfunc is offered to its own hook only: the verifier must refuse.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(wrong_error_demote_target, struct mm_demotion_ctx *req)
{
	bpf_mm_thp_error("not mine to eject");
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops wrong_error = {
	.demote_target	= (void *)wrong_error_demote_target,
	.name		= "wrong_error",
};
