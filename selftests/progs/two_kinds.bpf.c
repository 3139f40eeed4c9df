// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: one object, two kinds (demotion and thp), both deferring to
 * the kernel. A swap of it must swap both kinds or neither.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/demote_target")
int BPF_PROG(two_kinds_demote_target, struct mm_demotion_ctx *req)
{
	return MM_DEMOTE_DEFAULT;
}

SEC("struct_ops/fault")
int BPF_PROG(two_kinds_fault, struct mm_thp_fault_ctx *fault)
{
	return MM_THP_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops two_kinds_dem = {
	.demote_target	= (void *)two_kinds_demote_target,
	.name		= "two_kinds_dem",
};

SEC(".struct_ops.link")
struct mm_thp_ops two_kinds_thp = {
	.fault	= (void *)two_kinds_fault,
	.name	= "two_kinds_thp",
};
