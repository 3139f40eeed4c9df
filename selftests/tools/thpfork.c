// SPDX-License-Identifier: GPL-2.0
/*
 * thpfork: the experiment of the "THP reservations" RFC at VM scale. Fork
 * children one after another; each maps a CHUNK of anonymous memory,
 * touches PAGES base pages in each aligned 2 MiB range of it, reports, and
 * stays alive holding its memory. Stop when a child fails (killed by the
 * OOM killer, or its mmap fails) or MAX children are alive.
 *
 *   thpfork -c CHUNK_MiB [-p PAGES] [-r] [-m MAX]
 *     -r  touch a random 1..PAGES pages per range instead of exactly PAGES
 *
 * Prints: children=N failed=0|1 fault_p50_us fault_p99_us (first touch of
 * each range) and the system's AnonHugePages and MemFree at the end.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RANGE	(2UL << 20)
#define PAGE	4096UL

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long oom_kills(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "oom_kill ", 9))
			v = atol(line + 9);
	if (f)
		fclose(f);
	return v;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key) + 1);
	if (f)
		fclose(f);
	return v;
}

/* The child: map, touch, send its first-touch latencies, then hold. */
static void child(int fd, size_t chunk, int pages, int randomize, unsigned seed)
{
	size_t ranges = chunk / RANGE, r;
	char *base, *p;
	float *lat = calloc(ranges, sizeof(*lat));
	int i, n;

	base = mmap(NULL, chunk + RANGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || !lat)
		_exit(1);
	p = (char *)(((unsigned long)base + RANGE - 1) & ~(RANGE - 1));
	srand(seed);
	for (r = 0; r < ranges; r++) {
		n = randomize ? 1 + rand() % pages : pages;
		for (i = 0; i < n; i++) {
			double t0 = now_us();

			p[r * RANGE + i * PAGE] = 1;
			if (i == 0)
				lat[r] = now_us() - t0;
		}
	}
	if (write(fd, lat, ranges * sizeof(*lat)) != (ssize_t)(ranges * sizeof(*lat)))
		_exit(1);
	close(fd);
	pause();
	_exit(0);
}

static int cmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int pages = 1, randomize = 0, max = 200, opt, n, failed = 0, status;
	size_t chunk = 0, ranges, total = 0;
	long oom0;
	pid_t *pids;
	float *lat;

	while ((opt = getopt(argc, argv, "c:p:rm:")) != -1) {
		switch (opt) {
		case 'c': chunk = strtoul(optarg, NULL, 0) << 20; break;
		case 'p': pages = atoi(optarg); break;
		case 'r': randomize = 1; break;
		case 'm': max = atoi(optarg); break;
		default: chunk = 0;
		}
	}
	if (!chunk || pages < 1 || pages > 512) {
		fprintf(stderr, "usage: thpfork -c CHUNK_MiB [-p PAGES] [-r] [-m MAX]\n");
		return 2;
	}
	ranges = chunk / RANGE;
	oom0 = oom_kills();
	pids = calloc(max, sizeof(*pids));
	lat = calloc((size_t)max * ranges, sizeof(*lat));
	for (n = 0; n < max; n++) {
		int fds[2];
		ssize_t got = 0, r;

		if (pipe(fds))
			break;
		pids[n] = fork();
		if (!pids[n]) {
			close(fds[0]);
			/* the OOM killer takes the children, never the harness */
			FILE *f = fopen("/proc/self/oom_score_adj", "w");

			if (f) {
				fputs("1000", f);
				fclose(f);
			}
			child(fds[1], chunk, pages, randomize, n + 1);
		}
		close(fds[1]);
		while ((r = read(fds[0], (char *)(lat + total) + got,
				 ranges * sizeof(*lat) - got)) > 0)
			got += r;
		close(fds[0]);
		if (got != (ssize_t)(ranges * sizeof(*lat))) {
			waitpid(pids[n], &status, 0);
			failed = 1;
			break;
		}
		total += ranges;
		if (oom_kills() != oom0) {	/* an earlier child was killed */
			n++;
			failed = 1;
			break;
		}
	}
	qsort(lat, total, sizeof(*lat), cmp);
	printf("children=%d failed=%d fault_p50_us=%.1f fault_p99_us=%.1f anon_huge_kb=%ld mem_free_kb=%ld\n",
	       n, failed, total ? lat[total / 2] : 0, total ? lat[total * 99 / 100] : 0,
	       meminfo_kb("AnonHugePages:"), meminfo_kb("MemFree:"));
	fflush(stdout);
	while (n-- > 0) {
		kill(pids[n], SIGKILL);
		waitpid(pids[n], &status, 0);
	}
	return 0;
}
