// SPDX-License-Identifier: GPL-2.0
/*
 * hotset: a working set that was demoted and is hot again. Allocates MiB of
 * anonymous memory, moves it to a slow node (as demotion would have), then
 * reads every page of it (or PAGES of them, -n) every MS milliseconds for
 * SECONDS, and reports where its pages are (move_pages() in query mode):
 *
 *   hotset -m MIB -d NODE [-i MS] [-n PAGES] [-b] [-t SECONDS]
 *          [-r SECONDS] [-u NODE:PCT] [-s PATH]
 *
 * -n reads only PAGES pages every MS, each read going on where the last one
 * stopped: the same set touched as a trickle rather than all at once. -b
 * spins between reads instead of sleeping: NUMA scans come every scan
 * period of the task's CPU time, so a task always on the CPU is scanned,
 * and hinted, as often as the scan period allows.
 * -u stops early once PCT% of the pages are on NODE, -s once PATH exists
 * (both checked every second): SECONDS is then a cap, for slow kernels.
 * -r prints a line every that many seconds, for residency over time:
 *   t=SECONDS node0=PAGES node1=PAGES ...
 * and at the end: final: pages=N node0=.. node1=.. elapsed_ms=..
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_NODES	8
#define MPOL_MF_MOVE	(1 << 1)
#define CHUNK		1024

static char *buf;
static long pages, psz;

static void usage(void)
{
	fprintf(stderr, "usage: hotset -m MIB -d NODE [-i MS] [-n PAGES] [-b] [-t SECONDS]\n"
			"              [-r SECONDS] [-u NODE:PCT] [-s PATH]\n");
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Move every page to @node (>= 0), or only count where they are (-1). */
static int place(int node, long *count)
{
	void *addrs[CHUNK];
	int nodes[CHUNK], status[CHUNK];
	long i, j, n;

	memset(count, 0, sizeof(long) * MAX_NODES);
	for (i = 0; i < pages; i += n) {
		n = pages - i < CHUNK ? pages - i : CHUNK;
		for (j = 0; j < n; j++) {
			addrs[j] = buf + (i + j) * psz;
			nodes[j] = node;
		}
		if (syscall(SYS_move_pages, 0, n, addrs, node >= 0 ? nodes : NULL,
			    status, node >= 0 ? MPOL_MF_MOVE : 0)) {
			perror("move_pages");
			return -1;
		}
		for (j = 0; j < n; j++)
			if (status[j] >= 0 && status[j] < MAX_NODES)
				count[status[j]]++;
	}
	return 0;
}

static void print_nodes(const long *count)
{
	int i;

	for (i = 0; i < MAX_NODES; i++)
		if (count[i])
			printf(" node%d=%ld", i, count[i]);
}

int main(int argc, char **argv)
{
	long mib = 0, interval = 100, secs = 10, every = 0, count[MAX_NODES];
	long start, next_report, next_check, i, until_pct = 0, per_read = 0, at = 0;
	const char *stop_path = NULL;
	int node = -1, until_node = -1, spin = 0, c;
	volatile char sink = 0;

	while ((c = getopt(argc, argv, "m:d:i:n:bt:r:u:s:")) != -1) {
		switch (c) {
		case 'm': mib = atol(optarg); break;
		case 'd': node = atoi(optarg); break;
		case 'i': interval = atol(optarg); break;
		case 'n': per_read = atol(optarg); break;
		case 'b': spin = 1; break;
		case 't': secs = atol(optarg); break;
		case 'r': every = atol(optarg); break;
		case 'u':
			if (sscanf(optarg, "%d:%ld", &until_node, &until_pct) != 2 ||
			    until_node < 0 || until_node >= MAX_NODES)
				usage();
			break;
		case 's': stop_path = optarg; break;
		default: usage();
		}
	}
	if (mib <= 0 || node < 0 || node >= MAX_NODES || interval <= 0 || per_read < 0)
		usage();
	psz = sysconf(_SC_PAGESIZE);
	pages = (mib << 20) / psz;
	if (!per_read || per_read > pages)
		per_read = pages;
	/* Base pages: the test is about pages, not THP (madvise can't fail here). */
	buf = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(buf, mib << 20, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		buf[i * psz] = 1;
	if (place(node, count))
		return 1;
	printf("placed: pages=%ld", pages);
	print_nodes(count);
	printf("\n");
	fflush(stdout);

	start = now_ms();
	next_report = every ? start + every * 1000 : 0;
	next_check = start + 1000;
	while (now_ms() - start < secs * 1000) {
		long read_at = now_ms();

		for (i = 0; i < per_read; i++, at = (at + 1) % pages)
			sink += buf[at * psz];
		if (next_report && now_ms() >= next_report) {
			if (place(-1, count))
				return 1;
			printf("t=%ld", (now_ms() - start) / 1000);
			print_nodes(count);
			printf("\n");
			fflush(stdout);
			next_report += every * 1000;
		}
		if ((until_pct || stop_path) && now_ms() >= next_check) {
			next_check += 1000;
			if (stop_path && access(stop_path, F_OK) == 0)
				break;
			if (until_pct) {
				if (place(-1, count))
					return 1;
				if (count[until_node] * 100 >= until_pct * pages)
					break;
			}
		}
		if (!spin)
			usleep(interval * 1000);
		else
			while (now_ms() - read_at < interval)
				;
	}
	if (place(-1, count))
		return 1;
	printf("final: pages=%ld", pages);
	print_nodes(count);
	printf(" elapsed_ms=%ld\n", now_ms() - start);
	return 0;
}
