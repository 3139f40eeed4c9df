// SPDX-License-Identifier: GPL-2.0
/*
 * skip_dma_pinned: the narrower rule reviewers proposed: skip only folios
 * pinned with FOLL_PIN (folio_maybe_dma_pinned()), the pins that are
 * long-lived by design; transient extra references are left to migration.
 *
 *   mmpolicy load skip_dma_pinned
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;
__u64 nr_skipped;

SEC("struct_ops/isolate")
int BPF_PROG(skip_dma_pinned_isolate, struct mm_compact_ctx *folio)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	if (!folio->dma_pinned)
		return MM_COMPACT_DEFAULT;
	MM_POLICY_COUNT_CALL(nr_skipped);
	return MM_COMPACT_SKIP;
}

SEC(".struct_ops.link")
struct mm_compact_ops skip_dma_pinned = {
	.isolate	= (void *)skip_dma_pinned_isolate,
	.name		= "skip_dma_pinned",
};
