// SPDX-License-Identifier: GPL-2.0
/*
 * most_free: demote to the candidate node with the most free memory.
 *
 * Candidates are the nodes below the one under reclaim in the memory tiers
 * (the kernel's own allowed targets). With allow_peers set, nodes of the
 * same tier count too: an overloaded node then spills onto its emptiest
 * peer, where the tier code would give no target and reclaim would swap.
 *
 *   mmpolicy load most_free [--set allow_peers=1] [--set min_free_pct=5]
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile bool allow_peers = false;	/* tunable */
const volatile __u32 min_free_pct = 2;		/* tunable: skip fuller nodes */
__u64 nr_calls;

static bool candidate(int nid, int n)
{
	if (n == nid || !bpf_mm_node_has_memory(n))
		return false;
	if (bpf_mm_node_is_lower_tier(nid, n))
		return true;
	return allow_peers &&
	       bpf_mm_node_is_toptier(n) == bpf_mm_node_is_toptier(nid);
}

SEC("struct_ops/demote_target")
int BPF_PROG(most_free_demote_target, struct mm_demotion_ctx *req)
{
	int n, best = NUMA_NO_NODE;
	u64 free, best_free = 0;

	MM_POLICY_COUNT_CALL(nr_calls);
	bpf_for(n, 0, MM_POLICY_MAX_NODES) {
		if (!candidate(req->nid, n))
			continue;
		free = bpf_mm_node_free_pages(n);
		if (free * 100 < bpf_mm_node_total_pages(n) * min_free_pct)
			continue;
		if (free > best_free) {
			best = n;
			best_free = free;
		}
	}
	/* No room anywhere: let the kernel decide (it may swap instead). */
	return best == NUMA_NO_NODE ? MM_DEMOTE_DEFAULT : best;
}

SEC(".struct_ops.link")
struct mm_demotion_ops most_free = {
	.demote_target	= (void *)most_free_demote_target,
	.name		= "most_free",
};
