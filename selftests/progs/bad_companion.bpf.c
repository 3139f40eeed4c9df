// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: a demotion policy with a companion program that loads but
 * cannot attach (a kprobe on a function the kernel does not have). The
 * loader attaches companions first: nothing of the object may be left
 * attached.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("kprobe/mm_policy_no_such_function")
int BPF_KPROBE(bad_companion_probe)
{
	return 0;
}

SEC("struct_ops/demote_target")
int BPF_PROG(bad_companion_demote_target, struct mm_demotion_ctx *req)
{
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops bad_companion = {
	.demote_target	= (void *)bad_companion_demote_target,
	.name		= "bad_companion",
};
