// SPDX-License-Identifier: GPL-2.0
/*
 * tiershift: a hot set that moves over a working set larger than the top
 * tier, for the placement benchmark. Maps MIB of anonymous base pages and
 * writes them in order: node 0 fills, and the rest goes to the slower nodes.
 * Then, for each of PHASES phases of SECONDS, reads every page of one window
 * of HOT MiB every MS milliseconds. The first window is the last HOT MiB
 * written, and at each phase the window moves to the HOT MiB before it
 * (wrapping around): the hot set shifts to memory that is on a slow node,
 * while node 0 is full of memory gone cold. Once a second it reports where
 * the window's pages are (move_pages() in query mode):
 *
 *   tiershift -m MIB -w HOT -p PHASES -t SECONDS [-i MS] [-s MIBPS]
 *
 * -s also reads the pages outside the window, once each, MIBPS MiB a second
 * in a cycle: a scan over cold data (a backup, an analytics pass) that a
 * promotion policy should not take for the hot set.
 *
 *   placed: pages=N node0=.. node1=.. node2=..
 *   sample: phase=P t=S top_pct=PCT node0=.. node1=.. node2=..
 *   phase: phase=P start_pct=PCT end_pct=PCT reach90_s=S promoted=PAGES
 *          pingpong=PAGES pgpromote=N candidates=N pgdemote=N hint_faults=N
 *
 * top_pct: the share of the window on node 0. reach90_s: seconds into the
 * phase of the first sample with 90% of it there, -1 if none did.
 * promoted: pages of the window not on node 0 at the start of the phase and
 * seen there since. pingpong: pages of the window seen on node 0 and then,
 * while still hot, on a slower node: memory that was moved up and down
 * again for nothing. The last four are /proc/vmstat's deltas over the
 * phase: the system's promotions, the pages the promotion decision passed
 * (the rest of them failed to migrate, most often for want of room on
 * node 0), demotions, and NUMA hint faults.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NODES	3	/* printed always: the tiered VM's */
#define CHUNK	1024

static char *buf;
static long psz;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum { PGPROMOTE, CANDIDATES, PGDEMOTE, HINT_FAULTS, NR_STATS };

/* The traffic counters, summed as the phase line reports them. */
static int read_stats(long *v)
{
	static const char *const keys[][4] = {
		[PGPROMOTE]	= { "pgpromote_success" },
		[CANDIDATES]	= { "pgpromote_candidate" },
		[PGDEMOTE]	= { "pgdemote_kswapd", "pgdemote_direct",
				    "pgdemote_khugepaged" },
		[HINT_FAULTS]	= { "numa_hint_faults" },
	};
	char key[64];
	long val;
	FILE *f = fopen("/proc/vmstat", "r");
	int i, j;

	if (!f) {
		perror("tiershift: /proc/vmstat");
		return -1;
	}
	memset(v, 0, NR_STATS * sizeof(*v));
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		for (i = 0; i < NR_STATS; i++)
			for (j = 0; j < 4 && keys[i][j]; j++)
				if (!strcmp(key, keys[i][j]))
					v[i] += val;
	fclose(f);
	return 0;
}

/* Where pages [first, first + n) are: status[i] is a node or an error. */
static int where(long first, long n, int *status)
{
	void *addrs[CHUNK];
	long i, j, k;

	for (i = 0; i < n; i += k) {
		k = n - i < CHUNK ? n - i : CHUNK;
		for (j = 0; j < k; j++)
			addrs[j] = buf + (first + i + j) * psz;
		if (syscall(SYS_move_pages, 0, k, addrs, NULL, status + i, 0)) {
			perror("tiershift: move_pages");
			return -1;
		}
	}
	return 0;
}

/* Prints " node0=.. node1=.. node2=.." and returns the pages on node 0. */
static long print_nodes(const int *status, long n)
{
	long count[NODES] = { 0 }, i;

	for (i = 0; i < n; i++)
		if (status[i] >= 0 && status[i] < NODES)
			count[status[i]]++;
	for (i = 0; i < NODES; i++)
		printf(" node%ld=%ld", i, count[i]);
	return count[0];
}

static void usage(void)
{
	fprintf(stderr, "usage: tiershift -m MIB -w HOT_MIB -p PHASES -t SECONDS [-i MS] [-s MIBPS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long mib = 0, hot = 0, phases = 0, secs = 0, interval = 100, sweep = 0;
	long cursor = 0, per_iter, j;
	long pages, win, p, i, t, start, next, first, top;
	long promoted, pingpong, start_top, reach90;
	long st0[NR_STATS], st1[NR_STATS];
	unsigned char *state;	/* per window page: 1 seen on top, 2 counted */
	volatile char sink = 0;
	int *status, c;

	while ((c = getopt(argc, argv, "m:w:p:t:i:s:")) != -1) {
		switch (c) {
		case 'm': mib = atol(optarg); break;
		case 'w': hot = atol(optarg); break;
		case 'p': phases = atol(optarg); break;
		case 't': secs = atol(optarg); break;
		case 'i': interval = atol(optarg); break;
		case 's': sweep = atol(optarg); break;
		default: usage();
		}
	}
	if (mib <= 0 || hot <= 0 || hot >= mib || phases <= 0 || secs <= 0 ||
	    interval <= 0 || sweep < 0)
		usage();
	psz = sysconf(_SC_PAGESIZE);
	pages = (mib << 20) / psz;
	win = (hot << 20) / psz;
	per_iter = (sweep << 20) / psz * interval / 1000;
	status = calloc(pages, sizeof(*status));
	state = calloc(win, 1);
	/* Base pages: the benchmark is about pages, not THP. */
	buf = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!status || !state || buf == MAP_FAILED) {
		perror("tiershift: allocating");
		return 1;
	}
	madvise(buf, mib << 20, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		buf[i * psz] = 1;
	if (where(0, pages, status))
		return 1;
	printf("placed: pages=%ld", pages);
	print_nodes(status, pages);
	printf("\n");
	fflush(stdout);

	for (p = 0; p < phases; p++) {
		first = pages - win - (p * win) % (pages - win + 1);
		memset(state, 0, win);
		if (where(first, win, status))
			return 1;
		for (i = 0, start_top = 0; i < win; i++)
			if (status[i] == 0) {
				state[i] = 1;
				start_top++;
			}
		promoted = pingpong = 0;
		reach90 = -1;
		if (read_stats(st0))
			return 1;
		top = start_top;
		start = now_ms();
		next = start + 1000;
		for (t = 1; t <= secs; ) {
			for (i = 0; i < win; i++)
				sink += buf[(first + i) * psz];
			for (j = 0; j < per_iter; j++, cursor++) {
				if (cursor >= pages)
					cursor = 0;
				if (cursor == first)
					cursor += win;
				if (cursor >= pages)
					cursor = 0;
				sink += buf[cursor * psz];
			}
			if (now_ms() < next) {
				usleep(interval * 1000);
				continue;
			}
			if (where(first, win, status))
				return 1;
			for (i = 0; i < win; i++) {
				if (status[i] == 0 && !state[i]) {
					state[i] = 1;
					promoted++;
				} else if (status[i] > 0 && state[i] == 1) {
					state[i] = 2;
					pingpong++;
				}
			}
			printf("sample: phase=%ld t=%ld", p, t);
			top = print_nodes(status, win);
			printf(" top_pct=%.1f\n", 100.0 * top / win);
			fflush(stdout);
			if (reach90 < 0 && top * 10 >= win * 9)
				reach90 = t;
			t++;
			next += 1000;
		}
		if (read_stats(st1))
			return 1;
		printf("phase: phase=%ld start_pct=%.1f end_pct=%.1f reach90_s=%ld promoted=%ld pingpong=%ld pgpromote=%ld candidates=%ld pgdemote=%ld hint_faults=%ld\n",
		       p, 100.0 * start_top / win, 100.0 * top / win, reach90,
		       promoted, pingpong, st1[PGPROMOTE] - st0[PGPROMOTE],
		       st1[CANDIDATES] - st0[CANDIDATES],
		       st1[PGDEMOTE] - st0[PGDEMOTE],
		       st1[HINT_FAULTS] - st0[HINT_FAULTS]);
		fflush(stdout);
	}
	return 0;
}
