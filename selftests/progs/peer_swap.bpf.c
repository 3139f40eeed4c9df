// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy for two same-tier nodes: node 0 demotes to node 1 and node 1
 * to node 0. The kernel must not let them pass the same folios back and
 * forth: it declines a peer without clearly more free memory.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;

SEC("struct_ops/demote_target")
int BPF_PROG(peer_swap_demote_target, struct mm_demotion_ctx *req)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	return req->nid ^ 1;
}

SEC(".struct_ops.link")
struct mm_demotion_ops peer_swap = {
	.demote_target	= (void *)peer_swap_demote_target,
	.name		= "peer_swap",
};
