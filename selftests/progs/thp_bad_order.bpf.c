// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy for fault orders: answers order 3 (32 KiB) at every fault,
 * which the kernel must count as invalid wherever that size is not
 * enabled, and records the orders each kind of fault was offered where
 * the PMD path asks (the orders hold the PMD order there).
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

__u64 nr_calls;
__u32 write_orders;	/* what the last write fault was offered */
__u32 read_orders;	/* and the last read fault, at the PMD path */

SEC("struct_ops/fault")
int BPF_PROG(thp_bad_order_fault, struct mm_thp_fault_ctx *fault)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	if (!(fault->orders & (1u << MM_THP_PMD_ORDER)))
		return MM_THP_ORDER(3);
	if (fault->write)
		write_orders = fault->orders;
	else
		read_orders = fault->orders;
	return MM_THP_ORDER(3);
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_bad_order = {
	.fault	= (void *)thp_bad_order_fault,
	.name	= "thp_bad_order",
};
