// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: two demotion policies in one object. The kernel takes one
 * per hook, so the loader cannot tell which the author meant: it refuses
 * the object (exit 3) before asking the kernel for anything.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(dup_kind_demote_target, struct mm_demotion_ctx *req)
{
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops dup_kind_a = {
	.demote_target	= (void *)dup_kind_demote_target,
	.name		= "dup_kind_a",
};

SEC(".struct_ops.link")
struct mm_demotion_ops dup_kind_b = {
	.demote_target	= (void *)dup_kind_demote_target,
	.name		= "dup_kind_b",
};
