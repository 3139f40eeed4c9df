// SPDX-License-Identifier: GPL-2.0
/*
 * memhog: allocate and touch anonymous memory, optionally bound to a node,
 * then report where its pages are (move_pages() in query mode) and how
 * long touching took. The workload of the demotion tests and benchmark.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MPOL_BIND	2
#define MAX_NODES	64
#define CHUNK		4096

static void usage(void)
{
	fprintf(stderr,
		"usage: memhog -m MiB [-b NODE] [-H] [-f|-r] [-s SECONDS]\n"
		"  -m MiB      anonymous memory to allocate and touch\n"
		"  -b NODE     bind it to NODE (MPOL_BIND): reclaim on that node\n"
		"  -H          allow transparent huge pages (default: base pages)\n"
		"  -f          fragment: free every other page after touching\n"
		"  -r          fragment: free a pseudo-random half of the pages (fixed\n"
		"              seed), which compaction's strided free scanner cannot miss\n"
		"  -s SECONDS  keep the memory this long after reporting\n"
		"prints: mib=N touch_ms=N node0=PAGES node1=PAGES ...\n");
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int report_placement(char *buf, size_t pages, long psz)
{
	unsigned long count[MAX_NODES + 1] = { 0 };
	void *addrs[CHUNK];
	int status[CHUNK];
	size_t i, j, n;
	int max = -1;
	FILE *f;

	for (i = 0; i < pages; i += n) {
		n = pages - i < CHUNK ? pages - i : CHUNK;
		for (j = 0; j < n; j++)
			addrs[j] = buf + (i + j) * psz;
		if (syscall(SYS_move_pages, 0, n, addrs, NULL, status, 0)) {
			perror("move_pages");
			return -1;
		}
		for (j = 0; j < n; j++) {
			int s = status[j];

			if (s >= 0 && s < MAX_NODES) {
				count[s]++;
				if (s > max)
					max = s;
			} else {
				count[MAX_NODES]++;
			}
		}
	}
	/* Report every node with memory, zeros included. */
	f = fopen("/sys/devices/system/node/has_memory", "r");
	if (f) {
		char line[256], *p;

		if (fgets(line, sizeof(line), f)) {
			p = line + strcspn(line, "\n");
			while (p > line && (p[-1] >= '0' && p[-1] <= '9'))
				p--;
			if (atoi(p) > max && atoi(p) < MAX_NODES)
				max = atoi(p);
		}
		fclose(f);
	}
	for (i = 0; (int)i <= max; i++)
		printf(" node%zu=%lu", i, count[i]);
	printf(" unmapped=%lu\n", count[MAX_NODES]);
	return 0;
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE);
	int node = -1, huge = 0, hold = 0, frag = 0, rfrag = 0, opt;
	unsigned int seed = 2463534242u;
	size_t mib = 0, len, pages, i;
	double t0, t1;
	char *buf;

	while ((opt = getopt(argc, argv, "m:b:Hfrs:")) != -1) {
		switch (opt) {
		case 'm': mib = strtoul(optarg, NULL, 0); break;
		case 'b': node = atoi(optarg); break;
		case 'H': huge = 1; break;
		case 'f': frag = 1; break;
		case 'r': rfrag = 1; break;
		case 's': hold = atoi(optarg); break;
		default: usage();
		}
	}
	if (!mib || node >= MAX_NODES)
		usage();

	len = mib << 20;
	pages = len / psz;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (!huge && madvise(buf, len, MADV_NOHUGEPAGE))
		perror("madvise(MADV_NOHUGEPAGE)");
	if (node >= 0) {
		unsigned long mask = 1UL << node;

		if (syscall(SYS_mbind, buf, len, MPOL_BIND, &mask,
			    MAX_NODES, 0)) {
			perror("mbind");
			return 1;
		}
	}

	t0 = now_ms();
	for (i = 0; i < pages; i++)
		buf[i * psz] = (char)i;
	t1 = now_ms();

	/* Leave free memory in single pages between ones compaction can move. */
	for (i = 0; frag && i < pages; i += 2)
		madvise(buf + i * psz, psz, MADV_DONTNEED);
	/*
	 * Every other page is a trap for compaction's free scanner: once its
	 * stride has doubled past 1, a block whose free pages all sit at odd
	 * (or all at even) pfns looks full. A random half has both.
	 */
	for (i = 0; rfrag && i < pages; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		if (seed & 1)
			madvise(buf + i * psz, psz, MADV_DONTNEED);
	}

	printf("mib=%zu touch_ms=%.0f", mib, t1 - t0);
	if (report_placement(buf, pages, psz))
		return 1;
	fflush(stdout);
	if (hold)
		sleep(hold);
	return 0;
}
