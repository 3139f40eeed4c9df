// SPDX-License-Identifier: GPL-2.0
/*
 * thp_adaptive: thp_threshold that learns per process. Faults are deferred
 * as with a threshold, but once khugepaged has promoted `learn_after`
 * ranges of a process (it fills what it maps), that process gets huge
 * pages at fault again: sparse processes stop wasting huge pages, dense
 * ones stop paying for base-page faults and a later collapse.
 *
 * A process is its pid and start time together: a new process that gets a
 * dead one's pid starts from nothing. A process's entry is deleted when
 * its last thread exits (thp_adaptive_exit, which mmpolicy attaches with
 * the policy), so the map holds live processes only; should that program
 * not run, the LRU map still evicts the dead first, never looked up again.
 *
 *   mmpolicy load thp_adaptive [--set threshold=256] [--set learn_after=2]
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

struct process {
	u64 start_time;		/* ns since boot */
	int pid;		/* thread-group id */
	u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct process);
	__type(value, u32);	/* ranges promoted by khugepaged */
} promoted SEC(".maps");

const volatile __u32 threshold = 256;	/* tunable: 1..512 */
const volatile __u32 learn_after = 2;	/* tunable */
__u64 nr_calls;

SEC("struct_ops/fault")
int BPF_PROG(thp_adaptive_fault, struct mm_thp_fault_ctx *fault)
{
	struct process p = {
		.start_time = fault->start_time, .pid = fault->pid,
	};
	u32 *n = bpf_map_lookup_elem(&promoted, &p);

	MM_POLICY_COUNT_CALL(nr_calls);
	return n && *n >= learn_after ? MM_THP_DEFAULT : MM_THP_DEFER;
}

SEC("struct_ops/scan")
int BPF_PROG(thp_adaptive_scan, struct mm_thp_scan_ctx *scan)
{
	struct process p = {
		.start_time = scan->start_time, .pid = scan->pid,
	};
	u32 one = 1, *n;

	MM_POLICY_COUNT_CALL(nr_calls);
	if (scan->nr_present < threshold)
		return MM_THP_DEFER;
	n = bpf_map_lookup_elem(&promoted, &p);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&promoted, &p, &one, BPF_NOEXIST);
	return MM_THP_HUGE;
}

SEC(".struct_ops.link")
struct mm_thp_ops thp_adaptive = {
	.fault	= (void *)thp_adaptive_fault,
	.scan	= (void *)thp_adaptive_scan,
	.name	= "thp_adaptive",
};

/*
 * The last thread of a process is exiting: forget what it learnt. Its
 * signal->live has just dropped to 0 (do_exit() decrements it before the
 * tracepoint), and the key is the one mm_owner_ids() gives the hooks.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(thp_adaptive_exit, struct task_struct *task)
{
	struct process p = {};

	if (task->signal->live.counter)
		return 0;
	p.pid = task->tgid;
	p.start_time = task->group_leader->start_boottime;
	bpf_map_delete_elem(&promoted, &p);
	return 0;
}
