// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy for the promotion hook's room member, and its only member:
 * asks for one page more than a quarter of the node, which the kernel must
 * count as invalid and treat as no room at all. Hint faults are the
 * kernel's: the policy has no promote member.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;

SEC("struct_ops/room")
int BPF_PROG(promote_bad_room_room, struct mm_promote_room_ctx *node)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	return node->max_pages + 1;
}

SEC(".struct_ops.link")
struct mm_promote_ops bad_room = {
	.room		= (void *)promote_bad_room_room,
	.name		= "bad_room",
};
