// SPDX-License-Identifier: GPL-2.0
/*
 * thp_reserve: the 2018 "THP reservations" RFC in 6.12's terms. A range gets
 * its huge page at the first fault, as the kernel gives it with THP=always,
 * so a dense range runs at huge-page speed from its first touch. When memory
 * is needed, the deferred-split shrinker asks about each huge page still
 * mapped whole: one with more than max_zero of its subpages zero-filled is
 * split, which frees them, so a sparse range shrinks to what it uses. The
 * kernel's own rule (max_ptes_none) is global, shared with khugepaged and off
 * at its default; this one is set per cgroup, in the map zero_limits
 * (cgroup id -> max_zero; 512 or more keeps every huge page of that cgroup).
 * khugepaged gets the same rule, or it would collapse a split range straight
 * back (at max_ptes_none=511 it collapses a range with one page in it).
 * Reclaim gets it too when it demotes a huge page to a slower tier: a sparse
 * one is split first, so the slow node gets only the pages that hold data
 * instead of 2 MiB, most of it zeros.
 *
 *   mmpolicy load thp_reserve --set max_zero=256
 *   bpftool map update name zero_limits key <cgroup id, 8 bytes> value <4 bytes>
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, u32);	/* max_zero for that cgroup */
} zero_limits SEC(".maps");

/* Split a huge page with more zero-filled subpages than this (of 512). */
const volatile __u32 max_zero = 256;	/* tunable */
__u64 nr_calls;
__u64 nr_split;
__u64 nr_demote_split;

static u32 max_zero_of(u64 memcg_id)
{
	u32 *limit = bpf_map_lookup_elem(&zero_limits, &memcg_id);

	return limit ? *limit : max_zero;
}

SEC("struct_ops/shrink")
int BPF_PROG(thp_reserve_shrink, struct mm_thp_shrink_ctx *thp)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	if (thp->nr_zero <= max_zero_of(thp->memcg_id))
		return MM_THP_SHRINK_KEEP;
	MM_POLICY_COUNT_CALL(nr_split);
	return MM_THP_SHRINK_SPLIT;
}

/* Collapse only what the shrinker would keep; none PTEs include zero pages. */
SEC("struct_ops/scan")
int BPF_PROG(thp_reserve_scan, struct mm_thp_scan_ctx *scan)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	if (scan->nr_none > max_zero_of(scan->memcg_id))
		return MM_THP_DEFER;
	return MM_THP_DEFAULT;
}

/* Don't spend slow memory on zero-filled pages; a dense one moves whole. */
SEC("struct_ops/demote")
int BPF_PROG(thp_reserve_demote, struct mm_thp_demote_ctx *thp)
{
	MM_POLICY_COUNT_CALL(nr_calls);
	if (thp->nr_zero <= max_zero_of(thp->memcg_id))
		return MM_THP_DEMOTE_DEFAULT;
	MM_POLICY_COUNT_CALL(nr_demote_split);
	return MM_THP_DEMOTE_SPLIT;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_reserve = {
	.scan	= (void *)thp_reserve_scan,
	.shrink	= (void *)thp_reserve_shrink,
	.demote	= (void *)thp_reserve_demote,
	.name	= "thp_reserve",
};
