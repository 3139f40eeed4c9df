// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy for the THP demote member: answers 7, outside enum
 * mm_thp_demote_verdict, for every folio reclaim is about to demote. The
 * kernel must count each answer as invalid and demote the folio as it
 * would without a policy: whole.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;

SEC("struct_ops/demote")
int BPF_PROG(thp_bad_demote, struct mm_thp_demote_ctx *thp)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	return 7;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_bad_demote_ops = {
	.demote	= (void *)thp_bad_demote,
	.name	= "thp_bad_demote",
};
