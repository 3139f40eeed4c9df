// SPDX-License-Identifier: GPL-2.0
/*
 * The command top: a live view of the hooks and of tiering traffic. Every
 * interval it reads the hooks' counters in sysfs and the nodes' demotion
 * and promotion counters, and shows rates over the interval: refreshed in
 * place on a terminal, a block per interval when piped, or one JSON
 * object per line (--json) for scripts. It reads only what sysfs lets
 * anyone read, so it needs no privileges.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "mmpolicy.h"

#define MAX_NODES	64
#define NODE_ROOT	"/sys/devices/system/node"

/* The hooks' counters, in sysfs file names. */
enum { H_CALLS, H_OVERRIDES, H_INVALID, H_FALLBACKS, H_EJECTIONS, NR_H };

static const char *const hook_files[NR_H] = {
	"calls", "overrides", "invalid", "fallbacks", "ejections",
};

/* A node's counters, from its vmstat: pages demoted from it, promoted to it. */
enum { N_DEMOTED, N_PROMOTED, NR_N };

struct sample {
	struct timespec t;
	bool has[NR_KINDS];
	char policy[NR_KINDS][64];
	char state[NR_KINDS][16];
	char reason[NR_KINDS][256];
	unsigned long long hook[NR_KINDS][NR_H];
	int nr_nodes;
	int node_ids[MAX_NODES];
	unsigned long long node[MAX_NODES][NR_N];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long read_counter(const struct kind *k, const char *file)
{
	char val[32] = "";

	if (read_sysfs(k, file, val, sizeof(val)))
		return 0;
	return strtoull(val, NULL, 10);
}

/*
 * A node's vmstat: "pgdemote_kswapd N" and friends. Demotions are counted
 * on the node pages leave, promotions on the node they reach.
 */
static void read_node(int nid, unsigned long long *c)
{
	char path[64], name[64];
	unsigned long long v;
	FILE *f;

	c[N_DEMOTED] = c[N_PROMOTED] = 0;
	snprintf(path, sizeof(path), NODE_ROOT "/node%d/vmstat", nid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fscanf(f, "%63s %llu", name, &v) == 2) {
		if (!strncmp(name, "pgdemote_", 9))
			c[N_DEMOTED] += v;
		else if (!strcmp(name, "pgpromote_success"))
			c[N_PROMOTED] += v;
	}
	fclose(f);
}

static void take_sample(struct sample *s)
{
	size_t i;
	int h, nid;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &s->t);
	for (i = 0; i < NR_KINDS; i++) {
		const struct kind *k = &kinds[i];

		s->has[i] = kernel_has_kind(k);
		if (!s->has[i])
			continue;
		read_sysfs(k, "policy", s->policy[i], sizeof(s->policy[i]));
		read_sysfs(k, "state", s->state[i], sizeof(s->state[i]));
		read_sysfs(k, "exit_reason", s->reason[i], sizeof(s->reason[i]));
		for (h = 0; h < NR_H; h++)
			s->hook[i][h] = read_counter(k, hook_files[h]);
	}
	for (nid = 0; nid < MAX_NODES; nid++) {
		char path[64];

		snprintf(path, sizeof(path), NODE_ROOT "/node%d", nid);
		if (access(path, F_OK))
			continue;
		s->node_ids[s->nr_nodes] = nid;
		read_node(nid, s->node[s->nr_nodes]);
		s->nr_nodes++;
	}
}

static double rate(unsigned long long now, unsigned long long then, double dt)
{
	return now >= then && dt > 0 ? (now - then) / dt : 0;
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static void show_json(const struct sample *p, const struct sample *s, double dt)
{
	struct json j;
	size_t i;
	int h, n;

	json_init(&j, stdout);
	json_object_start(&j);
	json_key(&j, "time");
	json_int(&j, time(NULL));
	json_key(&j, "interval_ms");
	json_int(&j, (long long)(dt * 1000 + 0.5));
	json_key(&j, "hooks");
	json_object_start(&j);
	for (i = 0; i < NR_KINDS; i++) {
		if (!s->has[i])
			continue;
		json_key(&j, kinds[i].name);
		json_object_start(&j);
		json_string_field(&j, "policy", s->policy[i]);
		json_string_field(&j, "state", s->state[i]);
		json_string_field(&j, "exit_reason", s->reason[i]);
		for (h = 0; h < NR_H; h++) {
			char key[32];

			json_uint_field(&j, hook_files[h], s->hook[i][h]);
			if (h == H_EJECTIONS)
				continue;
			snprintf(key, sizeof(key), "%s_per_s", hook_files[h]);
			json_key(&j, key);
			json_uint(&j, (unsigned long long)(rate(s->hook[i][h], p->hook[i][h], dt) + 0.5));
		}
		json_object_end(&j);
	}
	json_object_end(&j);
	json_key(&j, "nodes");
	json_array_start(&j);
	for (n = 0; n < s->nr_nodes; n++) {
		json_object_start(&j);
		json_uint_field(&j, "node", s->node_ids[n]);
		json_uint_field(&j, "demoted", s->node[n][N_DEMOTED]);
		json_uint_field(&j, "promoted", s->node[n][N_PROMOTED]);
		json_uint_field(&j, "demoted_per_s",
				(unsigned long long)(rate(s->node[n][N_DEMOTED], p->node[n][N_DEMOTED], dt) + 0.5));
		json_uint_field(&j, "promoted_per_s",
				(unsigned long long)(rate(s->node[n][N_PROMOTED], p->node[n][N_PROMOTED], dt) + 0.5));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	putchar('\n');
}

static void show_text(const struct sample *p, const struct sample *s,
		      double dt, bool tty, int nr, int count)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int n;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%T", &tm);
	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("mmpolicy top  %s  every %.1f s\n\n", when, dt);
	printf("%-11s %-16s %-9s %10s %10s %10s %10s %5s\n", "HOOK", "POLICY",
	       "STATE", "CALLS/s", "OVERRIDE/s", "INVALID/s", "FALLBACK/s",
	       "EJECT");
	for (i = 0; i < NR_KINDS; i++) {
		if (!s->has[i])
			continue;
		printf("%-11s %-16s %-9s %10.0f %10.0f %10.0f %10.0f %5llu\n",
		       kinds[i].name, s->policy[i], s->state[i],
		       rate(s->hook[i][H_CALLS], p->hook[i][H_CALLS], dt),
		       rate(s->hook[i][H_OVERRIDES], p->hook[i][H_OVERRIDES], dt),
		       rate(s->hook[i][H_INVALID], p->hook[i][H_INVALID], dt),
		       rate(s->hook[i][H_FALLBACKS], p->hook[i][H_FALLBACKS], dt),
		       s->hook[i][H_EJECTIONS]);
		if (s->reason[i][0])
			printf("            last ejection: %s\n", s->reason[i]);
	}
	printf("\n%-6s %14s %14s\n", "NODE", "DEMOTED pg/s", "PROMOTED pg/s");
	for (n = 0; n < s->nr_nodes; n++)
		printf("%-6d %14.0f %14.0f\n", s->node_ids[n],
		       rate(s->node[n][N_DEMOTED], p->node[n][N_DEMOTED], dt),
		       rate(s->node[n][N_PROMOTED], p->node[n][N_PROMOTED], dt));
	if (count)
		printf("\nsample %d of %d%s\n", nr, count, tty ? "; Ctrl-C quits" : "");
	else
		printf("\nsample %d%s\n", nr, tty ? "; Ctrl-C quits" : "");
	if (!tty)
		putchar('\n');
}

/*
 * mmpolicy top [--interval SECONDS] [--count N] [--json]: a sample every
 * @interval_ms, @count of them (0: until interrupted).
 */
int cmd_top(long interval_ms, int count, bool json)
{
	struct sample *prev, *cur, *t;
	struct timespec d = {
		.tv_sec = interval_ms / 1000,
		.tv_nsec = (interval_ms % 1000) * 1000000L,
	};
	bool tty = !json && isatty(STDOUT_FILENO);
	int nr = 0;

	if (access(SYSFS_ROOT, F_OK)) {
		err("this kernel has no BPF memory-policy support (%s missing)",
		    SYSFS_ROOT);
		return EXIT_ENV;
	}
	prev = malloc(sizeof(*prev));
	cur = malloc(sizeof(*cur));
	if (!prev || !cur) {
		free(prev);
		free(cur);
		err("out of memory");
		return EXIT_FAIL;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	take_sample(prev);
	while (!stop && (!count || nr < count)) {
		if (nanosleep(&d, NULL) && errno == EINTR)
			break;
		take_sample(cur);
		nr++;
		if (json)
			show_json(prev, cur, seconds(&prev->t, &cur->t));
		else
			show_text(prev, cur, seconds(&prev->t, &cur->t), tty, nr,
				  count);
		fflush(stdout);
		t = prev;
		prev = cur;
		cur = t;
	}
	free(prev);
	free(cur);
	return EXIT_OK;
}
