// SPDX-License-Identifier: GPL-2.0
/*
 * thp_orders: the largest folio order each memory cgroup's faults get, from
 * the map cgroup_orders (cgroup id -> order): 4 gives one workload 64 KiB
 * mTHPs, 9 another 2 MiB huge pages, 0 a third base pages only. Cgroups not
 * in the map get default_order, where -1 is the kernel's choice. A fault
 * gets the largest order it allows that is not above its cgroup's (the mTHP
 * sizes a cgroup may get must be enabled under
 * /sys/kernel/mm/transparent_hugepage/hugepages-*kB/), and khugepaged does
 * not collapse the ranges of a cgroup held below the PMD order.
 *
 *   mmpolicy load thp_orders --set default_order=-1
 *   bpftool map update name cgroup_orders key <cgroup id, 8 bytes> value 4 0 0 0
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* largest order, 0..9; -1: the kernel's */
} cgroup_orders SEC(".maps");

const volatile __s32 default_order = -1;	/* tunable */
__u64 nr_calls;

/* -1 when the cgroup is left to the kernel. */
static int max_order_of(u64 memcg_id)
{
	s32 *o = bpf_map_lookup_elem(&cgroup_orders, &memcg_id);
	s32 order = o ? *o : default_order;

	return order < 0 || order >= MM_THP_PMD_ORDER ? -1 : order;
}

SEC("struct_ops/fault")
int BPF_PROG(thp_orders_fault, struct mm_thp_fault_ctx *fault)
{
	int max = max_order_of(fault->memcg_id);
	int order;

	MM_POLICY_COUNT_CALL(nr_calls);
	if (max < 0)
		return MM_THP_DEFAULT;
	order = mm_thp_highest_order(fault->orders & ((2u << max) - 1));
	return order < 0 ? MM_THP_DEFER : MM_THP_ORDER(order);
}

/* A cgroup held to mTHPs would otherwise get 2 MiB from khugepaged. */
SEC("struct_ops/scan")
int BPF_PROG(thp_orders_scan, struct mm_thp_scan_ctx *scan)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	return max_order_of(scan->memcg_id) < 0 ? MM_THP_DEFAULT : MM_THP_DEFER;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_orders = {
	.fault	= (void *)thp_orders_fault,
	.scan	= (void *)thp_orders_scan,
	.name	= "thp_orders",
};
