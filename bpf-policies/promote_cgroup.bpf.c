// SPDX-License-Identifier: GPL-2.0
/*
 * promote_cgroup: a hot threshold per memory cgroup for NUMA balancing's
 * tiering mode, from the map cgroup_thresholds (cgroup id -> threshold in
 * ms): a page on a slow tier is promoted at a hint fault if it was touched
 * within that time of the NUMA scan that marked it. 0 never promotes the
 * cgroup's pages; a large value promotes every page it touches. Cgroups not
 * in the map get default_threshold, where -1 is the kernel's own threshold.
 * The kernel's rate limit applies to every promotion all the same.
 *
 * A promotion that finds node 0 full fails and waits for the next NUMA
 * scan, so a hot set that moved comes back only as fast as kswapd makes
 * room: room_mb keeps that much of each top-tier node free beyond its
 * promotion watermarks (at most a quarter of the node; 0 is the kernel's
 * 0.1% step).
 *
 * A threshold cannot tell a hot set that just moved from a scan over cold
 * data: both are first touched long after the NUMA scan that marked them
 * (the hot set was marked before it moved), so one threshold promotes both
 * or neither at their first hint fault, and the hot set otherwise waits a
 * whole scan pass to look hot. What differs is the rate: a task whose
 * working set moved takes the hint faults of a whole scanned range at
 * once, a scan over cold data only as fast as it reads. With burst_faults
 * (0: off), a cgroup's hinted pages are counted in windows of burst_ms
 * (from a window's first fault; 0 is off too); once a window has counted
 * burst_faults pages, every page of that cgroup hinted in the rest of it,
 * and in the window after it, is promoted whatever its latency: its cold
 * pages hinted then too. Pages are counted, so burst_faults per burst_ms is
 * a bandwidth (256 per 100 ms is 10 MiB/s of 4 KiB pages): a scan over cold
 * data faster than that looks like a burst. A cgroup whose threshold is 0
 * is never promoted by the policy.
 *
 *   sysctl kernel.numa_balancing=2
 *   mmpolicy load promote_cgroup --set default_threshold=-1 --set room_mb=64
 *   mmpolicy load promote_cgroup --set burst_faults=256 --set room_mb=64
 *   bpftool map update name cgroup_threshol key <cgroup id, 8 bytes> value 0 0 0 0
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, s32);	/* threshold in ms; 0: never */
} cgroup_thresholds SEC(".maps");

/* Hint faults per cgroup in its current window and the one before. */
struct burst {
	u64 start_ns;
	u64 faults;
	u64 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);	/* cgroup id */
	__type(value, struct burst);
} cgroup_bursts SEC(".maps");

const volatile __s32 default_threshold = -1;	/* tunable */
const volatile __u32 room_mb;			/* tunable */
const volatile __u32 burst_faults;		/* tunable */
const volatile __u32 burst_ms = 100;		/* tunable */
__u64 nr_calls;
__u64 nr_burst;		/* MM_PROMOTE_NOW answers for a burst */

/* 4 KiB pages: the project targets x86-64. */
#define MB_PAGES	256

/*
 * Counts @nr_pages hinted pages for @memcg_id; true once its current window
 * (burst_ms from its first fault) has burst_faults of them, or if the window
 * just before it had. One CPU ends a window, the one whose compare-and-swap
 * moves its start; pages other CPUs count meanwhile go to the window that
 * ended. The comparison is signed because another CPU may have started a
 * window after this CPU read the clock.
 */
static bool in_burst(u64 memcg_id, u32 nr_pages)
{
	u64 now = bpf_ktime_get_ns(), win = (u64)burst_ms * 1000000, start, ended;
	struct burst *b, fresh = { .start_ns = now };

	b = bpf_map_lookup_elem(&cgroup_bursts, &memcg_id);
	if (!b) {
		bpf_map_update_elem(&cgroup_bursts, &memcg_id, &fresh, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&cgroup_bursts, &memcg_id);
		if (!b)
			return false;
	}
	start = b->start_ns;
	if ((s64)(now - start) >= (s64)win &&
	    __sync_val_compare_and_swap(&b->start_ns, start, now) == start) {
		ended = __sync_lock_test_and_set(&b->faults, 0);
		b->last = now - start < 2 * win ? ended : 0;
	}
	__sync_fetch_and_add(&b->faults, nr_pages);
	return b->faults >= burst_faults || b->last >= burst_faults;
}

SEC("struct_ops/promote")
int BPF_PROG(promote_cgroup_hint, struct mm_promote_ctx *hint)
{
	u64 memcg_id = hint->memcg_id;
	s32 *t = bpf_map_lookup_elem(&cgroup_thresholds, &memcg_id);
	s32 threshold = t ? *t : default_threshold;

	MM_POLICY_COUNT_CALL(nr_calls);
	if (threshold == 0)
		return MM_PROMOTE_NOT_NOW;
	if (burst_faults && burst_ms && in_burst(memcg_id, hint->nr_pages)) {
		MM_POLICY_COUNT_CALL(nr_burst);
		return MM_PROMOTE_NOW;
	}
	if (threshold < 0)
		return MM_PROMOTE_DEFAULT;
	return hint->latency_ms < threshold ? MM_PROMOTE_NOW : MM_PROMOTE_NOT_NOW;
}

SEC("struct_ops/room")
int BPF_PROG(promote_cgroup_room, struct mm_promote_room_ctx *node)
{
	u64 room = (u64)room_mb * MB_PAGES;

	/* A small node gets what it can give, not an invalid answer. */
	return room < node->max_pages ? room : node->max_pages;
}

SEC(".struct_ops.link")
struct mm_promote_ops promote_cgroup = {
	.promote	= (void *)promote_cgroup_hint,
	.room		= (void *)promote_cgroup_room,
	.name		= "promote_cgroup",
};
