// SPDX-License-Identifier: GPL-2.0
/*
 * swapstorm: swap the demotion policy N times between one_node and
 * most_free while something else keeps reclaim busy, and on past N until
 * the hook has been called MIN_CALLS times (or MAX_S seconds have gone by),
 * so that the swaps meet a busy hook however slow reclaim is on the day;
 * then account for every decision: the calls each policy counted itself must add up to the
 * kernel's call counter, and no call may have found no policy (fallbacks).
 * Prints swap latencies (median, max) for the benchmark.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "one_node.skel.h"
#include "most_free.skel.h"

#define HOOK "/sys/kernel/mm/bpf_policy/demotion/"

static unsigned long long hookstat(const char *name)
{
	unsigned long long v = 0;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), HOOK "%s", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		fprintf(stderr, "swapstorm: cannot read %s\n", path);
	if (f)
		fclose(f);
	return v;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned long long c0, f0, calls, fallbacks;
	struct most_free *b = NULL;
	struct one_node *a = NULL;
	struct bpf_link *link = NULL, *probe;
	int n = 1000, delay_us = 2000, max_s = 60, opt, i, fds[2], ret = 1;
	unsigned long long min_calls = 0;
	double *lat, *more, deadline;
	size_t cap;

	while ((opt = getopt(argc, argv, "n:d:c:t:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'd': delay_us = atoi(optarg); break;
		case 'c': min_calls = strtoull(optarg, NULL, 10); break;
		case 't': max_s = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: swapstorm [-n SWAPS] [-d DELAY_US] [-c MIN_CALLS] [-t MAX_S]\n");
			return 2;
		}
	}
	if (n < 1) {
		fprintf(stderr, "swapstorm: -n must be at least 1\n");
		return 2;
	}
	cap = n;
	lat = calloc(cap, sizeof(*lat));
	a = one_node__open();
	b = most_free__open();
	if (!lat || !a || !b)
		goto out;
	a->rodata->target_node = 2;
	if (one_node__load(a) || most_free__load(b)) {
		fprintf(stderr, "swapstorm: loading the policies failed\n");
		goto out;
	}

	c0 = hookstat("calls");
	f0 = hookstat("fallbacks");
	link = bpf_map__attach_struct_ops(a->maps.one_node);
	if (!link) {
		fprintf(stderr, "swapstorm: attach failed: %s (is a policy attached?)\n",
			strerror(errno));
		goto out;
	}
	/* The kernel refuses a second attach (-EBUSY), which readies the map. */
	probe = bpf_map__attach_struct_ops(b->maps.most_free);
	if (probe || errno != EBUSY) {
		fprintf(stderr, "swapstorm: expected -EBUSY for a second attach, got %s\n",
			probe ? "success" : strerror(errno));
		bpf_link__destroy(probe);
		goto out;
	}

	fds[0] = bpf_map__fd(a->maps.one_node);
	fds[1] = bpf_map__fd(b->maps.most_free);
	deadline = now_us() + max_s * 1e6;
	for (i = 0; i < n || (hookstat("calls") - c0 < min_calls &&
			      now_us() < deadline); i++) {
		LIBBPF_OPTS(bpf_link_update_opts, o, .flags = BPF_F_REPLACE,
			    .old_map_fd = fds[i % 2]);
		double t0 = now_us();

		if ((size_t)i == cap) {
			more = realloc(lat, 2 * cap * sizeof(*lat));
			if (!more)
				goto out;
			lat = more;
			cap *= 2;
		}
		if (bpf_link_update(bpf_link__fd(link), fds[(i + 1) % 2], &o)) {
			fprintf(stderr, "swapstorm: swap %d failed: %s\n", i, strerror(errno));
			goto out;
		}
		lat[i] = now_us() - t0;
		usleep(delay_us);
	}
	bpf_link__destroy(link);
	link = NULL;
	usleep(200000);	/* let calls already running finish their accounting */

	calls = hookstat("calls") - c0;
	fallbacks = hookstat("fallbacks") - f0;
	qsort(lat, i, sizeof(*lat), cmp_double);
	printf("swaps=%d median_us=%.1f max_us=%.1f kernel_calls=%llu one_node_calls=%llu most_free_calls=%llu fallbacks=%llu\n",
	       i, lat[i / 2], lat[i - 1], calls,
	       (unsigned long long)a->bss->nr_calls,
	       (unsigned long long)b->bss->nr_calls, fallbacks);
	ret = 0;
out:
	bpf_link__destroy(link);
	one_node__destroy(a);
	most_free__destroy(b);
	free(lat);
	return ret;
}
