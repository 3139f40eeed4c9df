// SPDX-License-Identifier: GPL-2.0
/* Test object: valid BPF, but no memory policy in it. */
#include "mm_policy.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("syscall")
int noop(void *ctx)
{
	return 0;
}
