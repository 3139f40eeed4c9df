/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every BPF memory-management policy includes. The types
 * (struct mm_demotion_ops, struct mm_demotion_ctx, ...) come from the
 * patched kernel's BTF through vmlinux.h; this adds the constants that BTF
 * cannot carry and the read-only kfuncs the kernel offers policies.
 */
#ifndef __MM_POLICY_BPF_H
#define __MM_POLICY_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE	(-1)
#endif
/* A demotion answer that leaves the choice to the kernel. */
#ifndef MM_DEMOTE_DEFAULT
#define MM_DEMOTE_DEFAULT	(-2)
#endif

/*
 * Fault answers name a folio order: MM_THP_ORDER(n) for one of the orders
 * in mm_thp_fault_ctx.orders, MM_THP_ORDER(0) for base pages. The PMD order
 * is 2 MiB's with 4 KiB pages, as on x86-64.
 */
#define MM_THP_ORDER(n)		(MM_THP_ORDER_0 + (n))
#define MM_THP_PMD_ORDER	9

/* The largest order set in a mask of orders, -1 if none is. */
static __always_inline int mm_thp_highest_order(u32 orders)
{
	int order;

	for (order = MM_THP_PMD_ORDER; order > 0; order--)
		if (orders & (1u << order))
			return order;
	return -1;
}

/* Policies scan nodes in bounded loops; 6.12 x86 allows 64 (NODES_SHIFT 6). */
#define MM_POLICY_MAX_NODES	64

/* Facts about nodes (mm/bpf_mm_demotion.c). Invalid nodes read as 0/false. */
extern u64 bpf_mm_node_free_pages(int nid) __ksym;
extern u64 bpf_mm_node_total_pages(int nid) __ksym;
extern bool bpf_mm_node_has_memory(int nid) __ksym;
extern bool bpf_mm_node_is_lower_tier(int nid, int target) __ksym;
extern bool bpf_mm_node_is_toptier(int nid) __ksym;
extern int bpf_mm_node_distance(int from, int to) __ksym;

/*
 * Report an error: the kernel ejects the calling hook's policy (sysfs
 * state "ejected", the message in exit_reason and the kernel log). The
 * message must be a constant string. Each is offered to its hook only.
 */
extern void bpf_mm_demotion_error(const char *msg) __ksym;
extern void bpf_mm_thp_error(const char *msg) __ksym;
extern void bpf_mm_compact_error(const char *msg) __ksym;
extern void bpf_mm_promote_error(const char *msg) __ksym;

/*
 * Count this policy's decisions where bpftool and the loader can read them
 * (map "<obj>.bss", variable nr_calls): the swap tests check that the kernel's
 * call counter equals the sum over the policies that were attached.
 */
#define MM_POLICY_COUNT_CALL(counter) __sync_fetch_and_add(&(counter), 1)

#endif /* __MM_POLICY_BPF_H */
