// SPDX-License-Identifier: GPL-2.0
/*
 * one_node: demote everything to one configured node.
 *
 * Seed use case: a single slow tier (CXL, PMEM) that should receive all
 * cold pages, rather than the kernel's random pick among several targets.
 * The folios go to that node only, even when it is full. A target the
 * kernel cannot use (no memory, the node itself, a higher tier) is refused
 * by the kernel, which then falls back to its own choice.
 *
 *   mmpolicy load one_node --set target_node=2
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile int target_node = 1;	/* tunable */
__u64 nr_calls;

SEC("struct_ops/demote_target")
int BPF_PROG(one_node_demote_target, struct mm_demotion_ctx *req)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	/* The target itself is under reclaim: a node never demotes to itself. */
	if (req->nid == target_node)
		return MM_DEMOTE_DEFAULT;
	return target_node;
}

SEC(".struct_ops.link")
struct mm_demotion_ops one_node = {
	.demote_target	= (void *)one_node_demote_target,
	.name		= "one_node",
};
