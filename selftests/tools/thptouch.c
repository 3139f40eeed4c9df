// SPDX-License-Identifier: GPL-2.0
/*
 * thptouch: map N aligned 2 MiB ranges of anonymous memory, each its own
 * VMA, and run steps on them, for the THP tests and benchmark:
 *
 *   touch:R:P     write the first P base pages of range R (R: 3 or 0-7)
 *   read:R:P      read the first P base pages of range R (read faults)
 *   cold:R        MADV_COLD range R: deactivate it, clear its young bits
 *   pageout:R:P   MADV_PAGEOUT the first P pages of range R (swap entries)
 *   report        print AnonHugePages per range from /proc/thread-self/smaps
 *   nodes         print where the ranges' base pages are (move_pages()):
 *                 nodeN=pages, zero= pages mapping the zero page, none= not
 *                 present
 *   wait:R:S      wait up to S seconds for range R to become a huge page
 *   signal:PATH   create PATH;  await:PATH  wait until PATH exists
 *   sleep:S       sleep S seconds
 *   handover      the steps after it run in a new thread and the main
 *                 thread exits: the process goes on without its group
 *                 leader, and its last thread to exit is not the leader
 *
 * Prints one line per report/wait, and at exit the first-touch fault
 * latencies: faults=N p50_us=.. p90_us=.. p99_us=.. max_us=..
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RANGE	(2UL << 20)
#define PAGE	4096UL
#define PER	(RANGE / PAGE)

static char **ranges;
static long *touched;	/* pages of each range written so far */
static int nr_ranges;
static double *lat;
static long nr_lat;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Each range gets its own VMA: 2 MiB usable, then a PROT_NONE gap. */
static int map_ranges(int n)
{
	char *base, *p;
	int i;

	base = mmap(NULL, (2 * n + 1) * RANGE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	p = (char *)(((unsigned long)base + RANGE - 1) & ~(RANGE - 1));
	ranges = calloc(n, sizeof(*ranges));
	touched = calloc(n, sizeof(*touched));
	for (i = 0; i < n; i++, p += 2 * RANGE) {
		if (mprotect(p, RANGE, PROT_READ | PROT_WRITE))
			return -1;
		ranges[i] = p;
	}
	nr_ranges = n;
	return 0;
}

static long huge_kb(const char *start)
{
	char line[256], want[32];
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/thread-self/smaps", "r");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)start);
	while (f && fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') > strchr(line, '-') &&
		    !strstr(line, "kB")) {
			in = !strncmp(line, want, strlen(want));
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb;
}

static void parse_range(const char *s, int *lo, int *hi)
{
	*lo = *hi = atoi(s);
	if (strchr(s, '-'))
		*hi = atoi(strchr(s, '-') + 1);
}

static void touch(int r, long pages)
{
	long p;

	for (p = touched[r]; p < pages && p < (long)PER; p++) {
		double t0 = now_us();

		ranges[r][p * PAGE] = 1;
		if (p == 0)	/* the range's first fault: huge page or not */
			lat[nr_lat++] = now_us() - t0;
	}
	if (p > touched[r])
		touched[r] = p;
}

#define NODES	4	/* printed always, zeros included: a test's lines stay alike */

static int report_nodes(void)
{
	long count[NODES] = { 0 }, zero = 0, none = 0;
	static void *addrs[PER];
	static int status[PER];
	int r, i;

	for (r = 0; r < nr_ranges; r++) {
		for (i = 0; i < (int)PER; i++)
			addrs[i] = ranges[r] + i * PAGE;
		if (syscall(SYS_move_pages, 0, PER, addrs, NULL, status, 0))
			return -1;
		for (i = 0; i < (int)PER; i++) {
			if (status[i] >= 0 && status[i] < NODES)
				count[status[i]]++;
			else if (status[i] == -EFAULT)
				zero++;
			else
				none++;
		}
	}
	printf("nodes:");
	for (i = 0; i < NODES; i++)
		printf(" node%d=%ld", i, count[i]);
	printf(" zero=%ld none=%ld\n", zero, none);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double q)
{
	return nr_lat ? lat[(long)(q * (nr_lat - 1))] : 0;
}

static int run_steps(int from, int argc, char **argv);

struct steps {
	int from, argc;
	char **argv;
};

/* The rest of the steps, then the process's exit, from another thread. */
static void *run_handed_over(void *arg)
{
	struct steps *s = arg;

	exit(run_steps(s->from, s->argc, s->argv));
}

/* Run argv[from..]; at the end print the fault latencies. Return: exit code. */
static int run_steps(int from, int argc, char **argv)
{
	int i, lo, hi, r;
	struct stat st;

	for (i = from; i < argc; i++) {
		char *a = argv[i], *arg = strchr(a, ':');

		arg = arg ? arg + 1 : "";
		if (!strncmp(a, "touch:", 6)) {
			parse_range(arg, &lo, &hi);
			for (r = lo; r <= hi && r < nr_ranges; r++)
				touch(r, strtol(strchr(arg, ':') + 1, NULL, 0));
		} else if (!strncmp(a, "read:", 5)) {
			long p, np = strtol(strchr(arg, ':') + 1, NULL, 0);
			volatile char sum = 0;

			parse_range(arg, &lo, &hi);
			for (r = lo; r <= hi && r < nr_ranges; r++)
				for (p = 0; p < np && p < (long)PER; p++)
					sum += ranges[r][p * PAGE];
		} else if (!strncmp(a, "cold:", 5) || !strncmp(a, "pageout:", 8)) {
			int pageout = a[0] == 'p';
			long np = PER;

			parse_range(arg, &lo, &hi);
			if (pageout)
				np = strtol(strchr(arg, ':') + 1, NULL, 0);
			for (r = lo; r <= hi && r < nr_ranges; r++)
				if (madvise(ranges[r], np * PAGE,
					    pageout ? MADV_PAGEOUT : MADV_COLD)) {
					perror("thptouch: madvise");
					return 1;
				}
		} else if (!strcmp(a, "report")) {
			long total = 0, kb;

			printf("report:");
			for (r = 0; r < nr_ranges; r++) {
				kb = huge_kb(ranges[r]);
				printf(" r%d=%ld", r, kb);
				total += kb > 0 ? kb : 0;
			}
			printf(" huge_kb=%ld\n", total);
		} else if (!strcmp(a, "nodes")) {
			if (report_nodes()) {
				perror("thptouch: move_pages");
				return 1;
			}
		} else if (!strncmp(a, "wait:", 5)) {
			double end;

			r = atoi(arg);
			end = now_us() + 1e6 * atoi(strchr(arg, ':') + 1);
			while (huge_kb(ranges[r]) < 2048 && now_us() < end)
				usleep(100000);
			printf("wait: r%d=%ld\n", r, huge_kb(ranges[r]));
		} else if (!strncmp(a, "signal:", 7)) {
			fclose(fopen(arg, "w"));
		} else if (!strncmp(a, "await:", 6)) {
			while (stat(arg, &st))
				usleep(20000);
		} else if (!strncmp(a, "sleep:", 6)) {
			usleep(atof(arg) * 1e6);
		} else if (!strcmp(a, "handover")) {
			static struct steps rest;
			pthread_t t;

			rest = (struct steps){ i + 1, argc, argv };
			fflush(stdout);
			if (pthread_create(&t, NULL, run_handed_over, &rest)) {
				fprintf(stderr, "thptouch: pthread_create failed\n");
				return 1;
			}
			pthread_exit(NULL);
		} else {
			fprintf(stderr, "thptouch: unknown step '%s'\n", a);
			return 2;
		}
		fflush(stdout);
	}
	qsort(lat, nr_lat, sizeof(*lat), cmp);
	printf("faults=%ld p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f\n",
	       nr_lat, pct(0.5), pct(0.9), pct(0.99), pct(1.0));
	return 0;
}

int main(int argc, char **argv)
{
	int n = 8, opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			fprintf(stderr, "usage: thptouch [-n RANGES] STEP...\n");
			return 2;
		}
		n = atoi(optarg);
	}
	if (n <= 0 || map_ranges(n)) {
		perror("thptouch: mapping ranges");
		return 1;
	}
	lat = calloc(n, sizeof(*lat));
	return run_steps(optind, argc, argv);
}
