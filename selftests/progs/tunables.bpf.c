// SPDX-License-Identifier: GPL-2.0
/*
 * Test policy: tunables of every width and sign --set must check. The
 * policy defers to the kernel; it only has to use each variable.
 */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

enum tunables_mode { MODE_OFF, MODE_ON, MODE_AUTO };

const volatile __u8 t_u8 = 1;
const volatile __s8 t_s8 = -1;
const volatile __u16 t_u16 = 1;
const volatile __s64 t_s64 = -1;
const volatile __u64 t_u64 = 1;
const volatile bool t_bool = false;
const volatile enum tunables_mode t_enum = MODE_ON;
__u64 sum;

SEC("struct_ops/demote_target")
int BPF_PROG(tunables_demote_target, struct mm_demotion_ctx *req)
{
	sum = t_u8 + t_s8 + t_u16 + t_s64 + t_u64 + t_bool + t_enum;
	return MM_DEMOTE_DEFAULT;
}

SEC(".struct_ops.link")
struct mm_demotion_ops tunables = {
	.demote_target	= (void *)tunables_demote_target,
	.name		= "tunables",
};
