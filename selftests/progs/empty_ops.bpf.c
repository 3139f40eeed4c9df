// SPDX-License-Identifier: GPL-2.0
/* Test policy: a THP policy that implements no member; the kernel refuses it. */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC(".struct_ops.link")
struct mm_thp_ops empty_ops = {
	.name	= "empty_ops",
};
