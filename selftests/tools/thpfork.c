// SPDX-License-Identifier: GPL-2.0
/*
 * thpfork: the experiment of the "THP reservations" RFC at VM scale. Fork
 * children one after another; each maps a CHUNK of anonymous memory,
 * touches PAGES base pages in each aligned 2 MiB range of it, reports, and
 * stays alive holding its memory. Stop when a child fails (killed by the
 * OOM killer, or its mmap fails) or MAX children are alive.
 *
 *   thpfork -c CHUNK_MiB [-p PAGES] [-r] [-m MAX] [-D DENSE [-d DPAGES]
 *           [-C CGROUP]] [-g]
 *     -r  touch a random 1..PAGES pages per range instead of exactly PAGES
 *     -D  the first DENSE children touch every page (512 a range), the
 *         others PAGES (a mixed run: dense and sparse in one cgroup)
 *     -d  the DENSE children touch DPAGES pages a range instead of 512
 *     -C  the DENSE children join the cgroup directory CGROUP before they
 *         map (a per-cgroup policy tells them from the others)
 *     -g  sample the memory.current of thpfork's own cgroup after each child
 *
 * Prints: children=N failed=0|1 fault_p50_us fault_p99_us (first touch of
 * each range) and the system's AnonHugePages and MemFree at the end; then
 * what each child saw right after touching its chunk: huge_pct (its
 * AnonHugePages over its chunk, summed over the children), touch_ms_p50
 * (the median child's time to touch its chunk), rss_kb_p50 (the median
 * child's RSS); victims (indexes of the children dead before the end: the
 * OOM killer's choice: a sparse child before a dense one), blocks_end_node0
 * (free 2 MiB blocks on node 0 at the end, the children still alive). With
 * -g: cg_kb and cg_children, the cgroup's
 * memory.current and the children alive at the last sample before the
 * first OOM kill. With -D: dense_huge_pct and dense_touch_ms over the dense
 * children right after touching, and dense_huge_end_pct, what they still
 * had mapped huge at the end (-1 if one was killed).
 */
#define _GNU_SOURCE
#include <errno.h>
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

/* What a child reports right after touching, before its latencies. */
struct report {
	double touch_us;
	long huge_kb;
	long rss_kb;
};

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

/* KEY's value in kB in a /proc file of "Key:   N kB" lines, -1 if none. */
static long kb_of(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key) + 1);
	if (f)
		fclose(f);
	return v;
}

static long meminfo_kb(const char *key)
{
	return kb_of("/proc/meminfo", key);
}

/* Free 2 MiB blocks on node 0 (/proc/buddyinfo; an order-10 block is two). */
static long node0_free_blocks(void)
{
	char line[512], *tok;
	long blocks = 0;
	FILE *f = fopen("/proc/buddyinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		long v[16];
		int n = 0;

		if (strncmp(line, "Node 0,", 7))
			continue;
		strtok(line, " \n");	/* Node 0, zone NAME, then the counts */
		strtok(NULL, " \n");
		strtok(NULL, " \n");
		strtok(NULL, " \n");
		while ((tok = strtok(NULL, " \n")) && n < 16)
			v[n++] = atol(tok);
		if (n == 11)
			blocks += v[9] + 2 * v[10];
	}
	if (f)
		fclose(f);
	return blocks;
}

/* The memory.current file of this process's cgroup (cgroup v2). */
static char *own_cgroup_file(void)
{
	static char path[4200];
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int ok = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s/memory.current",
			 strcmp(line + 3, "/") ? line + 3 : "");
		ok = 1;
	}
	if (f)
		fclose(f);
	return ok ? path : NULL;
}

static long cgroup_kb(const char *file)
{
	long long v = -1;
	FILE *f = file ? fopen(file, "r") : NULL;

	if (f && fscanf(f, "%lld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v < 0 ? -1 : (long)(v / 1024);
}

/* AnonHugePages and Rss of this process, in one read of smaps_rollup. */
static void rollup_kb(long *huge_kb, long *rss_kb)
{
	char line[256];
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	*huge_kb = *rss_kb = -1;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "AnonHugePages:", 14))
			*huge_kb = atol(line + 14);
		else if (!strncmp(line, "Rss:", 4))
			*rss_kb = atol(line + 4);
	}
	if (f)
		fclose(f);
}

/* Move the calling process into the cgroup directory @dir (cgroup v2). */
static int join_cgroup(const char *dir)
{
	char path[4200];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "0\n") > 0;
	return fclose(f) || !ok ? -1 : 0;
}

/* The child: map, touch, send what it saw and its first-touch latencies, hold. */
static void child(int fd, size_t chunk, int pages, int randomize, unsigned seed,
		  const char *cgroup)
{
	size_t ranges = chunk / RANGE, r;
	struct report rep;
	char *base, *p;
	float *lat = calloc(ranges, sizeof(*lat));
	double start;
	int i, n;

	if (cgroup && join_cgroup(cgroup)) {
		perror(cgroup);
		_exit(1);
	}
	base = mmap(NULL, chunk + RANGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || !lat)
		_exit(1);
	p = (char *)(((unsigned long)base + RANGE - 1) & ~(RANGE - 1));
	srand(seed);
	start = now_us();
	for (r = 0; r < ranges; r++) {
		double t0 = now_us();

		/* the range's first fault: a huge page or not */
		p[r * RANGE] = 1;
		lat[r] = now_us() - t0;
		n = randomize ? 1 + rand() % pages : pages;
		for (i = 1; i < n; i++)
			p[r * RANGE + i * PAGE] = 1;
	}
	rep.touch_us = now_us() - start;
	/* Right after touching: no time for khugepaged or the shrinker. */
	rollup_kb(&rep.huge_kb, &rep.rss_kb);
	if (write(fd, &rep, sizeof(rep)) != sizeof(rep) ||
	    write(fd, lat, ranges * sizeof(*lat)) != (ssize_t)(ranges * sizeof(*lat)))
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

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* read_all: read LEN bytes from FD unless it ends first; bytes read. */
static ssize_t read_all(int fd, void *buf, size_t len)
{
	ssize_t got = 0, r;

	while ((size_t)got < len && (r = read(fd, (char *)buf + got, len - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += r;
	}
	return got;
}

static double median_d(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, n, sizeof(*v), cmpd);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	int pages = 1, randomize = 0, max = 200, opt, n, failed = 0, status;
	int dense = 0, dpages = 512, sample_cg = 0, ndone = 0, killed_touching = 0, i;
	size_t chunk = 0, ranges, total = 0;
	long oom0, cg_kb = -1, cg_children = 0, dense_end = 0;
	double huge_sum = 0, dense_huge = 0, *touch, *rss, *dtouch;
	char *cg_file = NULL, *dense_cg = NULL, victims[4096] = "";
	pid_t *pids;
	float *lat;

	while ((opt = getopt(argc, argv, "c:p:rm:D:d:C:g")) != -1) {
		switch (opt) {
		case 'c': chunk = strtoul(optarg, NULL, 0) << 20; break;
		case 'p': pages = atoi(optarg); break;
		case 'r': randomize = 1; break;
		case 'm': max = atoi(optarg); break;
		case 'D': dense = atoi(optarg); break;
		case 'd': dpages = atoi(optarg); break;
		case 'C': dense_cg = optarg; break;
		case 'g': sample_cg = 1; break;
		default: chunk = 0;
		}
	}
	if (!chunk || pages < 1 || pages > 512 || max < 1 || dense < 0 ||
	    dpages < 1 || dpages > 512) {
		fprintf(stderr, "usage: thpfork -c CHUNK_MiB [-p PAGES] [-r] [-m MAX] [-D DENSE [-d DPAGES]\n"
				"               [-C CGROUP]] [-g]\n");
		return 2;
	}
	ranges = chunk / RANGE;
	if (sample_cg && !(cg_file = own_cgroup_file())) {
		fprintf(stderr, "thpfork: cannot find its cgroup\n");
		return 1;
	}
	oom0 = oom_kills();
	pids = calloc(max, sizeof(*pids));
	lat = calloc((size_t)max * ranges, sizeof(*lat));
	touch = calloc(max, sizeof(*touch));
	rss = calloc(max, sizeof(*rss));
	dtouch = calloc(max, sizeof(*dtouch));
	for (n = 0; n < max; n++) {
		struct report rep;
		int fds[2], is_dense = n < dense;

		if (pipe(fds))
			break;
		pids[n] = fork();
		if (pids[n] < 0) {	/* the cgroup has no room for a process */
			close(fds[0]);
			close(fds[1]);
			failed = 1;
			break;
		}
		if (!pids[n]) {
			close(fds[0]);
			/*
			 * The OOM killer takes the children, never the harness,
			 * and a sparse child before a dense one.
			 */
			FILE *f = fopen("/proc/self/oom_score_adj", "w");

			if (f) {
				fputs(is_dense ? "500" : "1000", f);
				fclose(f);
			}
			child(fds[1], chunk, is_dense ? dpages : pages,
			      is_dense ? 0 : randomize, n + 1,
			      is_dense ? dense_cg : NULL);
		}
		close(fds[1]);
		if (read_all(fds[0], &rep, sizeof(rep)) != sizeof(rep) ||
		    read_all(fds[0], lat + total, ranges * sizeof(*lat)) !=
		    (ssize_t)(ranges * sizeof(*lat))) {
			close(fds[0]);
			if (waitpid(pids[n], &status, 0) == pids[n] && WIFSIGNALED(status))
				killed_touching = 1;
			failed = 1;
			break;
		}
		close(fds[0]);
		total += ranges;
		touch[ndone] = rep.touch_us / 1000;
		rss[ndone] = rep.rss_kb;
		huge_sum += rep.huge_kb;
		if (is_dense) {
			dtouch[n] = rep.touch_us / 1000;
			dense_huge += rep.huge_kb;
		}
		ndone++;
		if (oom_kills() != oom0) {	/* an earlier child was killed */
			n++;
			failed = 1;
			break;
		}
		if (sample_cg) {	/* all n + 1 alive, no OOM kill yet */
			cg_kb = cgroup_kb(cg_file);
			cg_children = n + 1;
		}
	}
	qsort(lat, total, sizeof(*lat), cmp);
	printf("children=%d failed=%d fault_p50_us=%.1f fault_p99_us=%.1f anon_huge_kb=%ld mem_free_kb=%ld",
	       n, failed, total ? lat[total / 2] : 0, total ? lat[total * 99 / 100] : 0,
	       meminfo_kb("AnonHugePages:"), meminfo_kb("MemFree:"));
	/* The children dead before the end: the OOM killer's victims. */
	for (i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, WNOHANG) != pids[i])
			continue;
		pids[i] = 0;
		snprintf(victims + strlen(victims), sizeof(victims) - strlen(victims),
			 "%s%d", *victims ? "," : "", i);
	}
	if (killed_touching)	/* the child that was touching when it ended */
		snprintf(victims + strlen(victims), sizeof(victims) - strlen(victims),
			 "%s%d", *victims ? "," : "", n);
	/* What the dense children still have huge, after the others came. */
	for (i = 0; i < n && i < dense; i++) {
		char path[64];
		long kb;

		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pids[i]);
		kb = pids[i] ? kb_of(path, "AnonHugePages:") : -1;
		if (kb < 0) {
			dense_end = -1;
			break;
		}
		dense_end += kb;
	}
	printf(" huge_pct=%.1f touch_ms_p50=%.2f rss_kb_p50=%.0f victims=%s blocks_end_node0=%ld",
	       ndone ? 100.0 * huge_sum / (ndone * (chunk >> 10)) : 0,
	       median_d(touch, ndone), median_d(rss, ndone), *victims ? victims : "none",
	       node0_free_blocks());
	if (sample_cg)
		printf(" cg_kb=%ld cg_children=%ld", cg_kb, cg_children);
	if (dense) {
		int nd = n < dense ? n : dense;

		printf(" dense=%d dense_huge_pct=%.1f dense_touch_ms=%.2f dense_huge_end_pct=%.1f",
		       nd, nd ? 100.0 * dense_huge / (nd * (chunk >> 10)) : 0,
		       median_d(dtouch, nd),
		       dense_end < 0 || !nd ? -1.0 : 100.0 * dense_end / (nd * (chunk >> 10)));
	}
	printf("\n");
	fflush(stdout);
	/* Kill them all, then reap: their exits run in parallel. */
	for (i = 0; i < n; i++)
		if (pids[i])
			kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		if (pids[i])
			waitpid(pids[i], &status, 0);
	return 0;
}
