// SPDX-License-Identifier: GPL-2.0
/*
 * promote_twice: promote a page from a slow tier only once it has proved
 * hot twice. NUMA balancing's tiering mode promotes a page at its first hint
 * fault that comes soon enough after the scan, so a page read once (a
 * backup, a scan over cold data) is promoted like one in the working set,
 * and pushes other memory down to make room. Here a page's first hint fault
 * only records it; a second one within window_ms, at a later NUMA scan pass,
 * promotes it. That rule replaces the kernel's hot threshold, which the
 * kernel lowers and raises by itself to meet the rate limit. The cost is
 * one scan pass of delay for pages that are really hot; the kernel's rate
 * limit applies as always.
 *
 * The default window is NUMA balancing's longest scan period (60 s): a page
 * touched in two passes in a row is hot however slowly the task is scanned.
 *
 *   sysctl kernel.numa_balancing=2
 *   mmpolicy load promote_twice [--set window_ms=60000]
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);	/* pfn */
	__type(value, u64);	/* time of its first hint fault, ns */
} first_hint SEC(".maps");

const volatile __u32 window_ms = 60000;	/* tunable */
__u64 nr_calls;
__u64 nr_second;	/* hint faults that found a first one in the window */

SEC("struct_ops/promote")
int BPF_PROG(promote_twice_hint, struct mm_promote_ctx *hint)
{
	u64 pfn = hint->pfn, now = bpf_ktime_get_ns();
	u64 *seen = bpf_map_lookup_elem(&first_hint, &pfn);

	MM_POLICY_COUNT_CALL(nr_calls);
	if (seen && now - *seen < (u64)window_ms * 1000000) {
		MM_POLICY_COUNT_CALL(nr_second);
		bpf_map_delete_elem(&first_hint, &pfn);
		return MM_PROMOTE_NOW;
	}
	bpf_map_update_elem(&first_hint, &pfn, &now, BPF_ANY);
	return MM_PROMOTE_NOT_NOW;
}

SEC(".struct_ops.link")
struct mm_promote_ops promote_twice = {
	.promote	= (void *)promote_twice_hint,
	.name		= "promote_twice",
};
