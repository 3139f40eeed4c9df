// SPDX-License-Identifier: GPL-2.0
/*
 * skip_pinned: the 2023 patch's rule. A folio with more references than its
 * mappings, its mapping and the scanner account for is pinned and will not
 * migrate. Anonymous or file, it does not matter. A block with a folio
 * pinned for DMA (FOLL_PIN, as vfio and io_uring pin) cannot be freed
 * either, so skip the rest of that block too: pinned guest RAM then costs
 * one call a pageblock, not one a page. Other extra references may be
 * transient, and skipping a whole block for one lost 8 free 2 MiB blocks of
 * 140 in the benchmark: only that folio is skipped. In ZONE_MOVABLE and CMA,
 * where long-term pins are not allowed, let the kernel try anyway.
 *
 *   mmpolicy load skip_pinned
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;
__u64 nr_skipped;
/* of nr_skipped, the whole-block answers: what test 50 bounds */
__u64 nr_block_skips;

SEC("struct_ops/isolate")
int BPF_PROG(skip_pinned_isolate, struct mm_compact_ctx *folio)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	if (folio->zone_movable || folio->cma)
		return MM_COMPACT_DEFAULT;
	/* one reference is the scanner's own; expected_refs counts mappings */
	if (folio->refcount - 1 > folio->expected_refs) {
		MM_POLICY_COUNT_CALL(nr_skipped);
		if (!folio->dma_pinned)
			return MM_COMPACT_SKIP;
		MM_POLICY_COUNT_CALL(nr_block_skips);
		return MM_COMPACT_SKIP_BLOCK;
	}
	return MM_COMPACT_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_compact_ops skip_pinned = {
	.isolate	= (void *)skip_pinned_isolate,
	.name		= "skip_pinned",
};
