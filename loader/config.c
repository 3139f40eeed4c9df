// SPDX-License-Identifier: GPL-2.0
/*
 * The commands apply and restore: make the hooks what a configuration file
 * says, loading or swapping only what differs, and give every hook back to
 * the kernel. apply --watch stays and applies the file again when a hook
 * drifts from it (the kernel ejected its policy, someone unloaded it), up
 * to a limit, for the systemd unit.
 *
 * The file, one section per hook (README.md, "Configuration"):
 *
 *	[demotion]
 *	policy = memcg_map		# a built-in policy or an object's path
 *	set = default_node=2		# a tunable, one per line
 *	entry memcg_targets /sys/fs/cgroup/batch = 1
 *
 * An entry's key is a number or a cgroup's path (its id), its value a
 * number; a map the file gives entries for holds exactly those.
 */
#include <bpf/bpf.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mmpolicy.h"

#define MAX_SETS	32
#define MAX_ENTRIES	256

struct entry {
	char map[BPF_OBJ_NAME_LEN];
	unsigned long long key;
	long long value;
	int line;
};

struct hook_conf {
	bool present;
	int line;			/* of the section */
	char policy[PATH_MAX];		/* as written */
	char object[PATH_MAX];		/* as a record names it */
	char *sets[MAX_SETS];
	int nsets;
	char set_text[1024];		/* the sets as a record holds them */
	struct entry *entries;
	int nentries;
};

struct config {
	const char *path;
	struct hook_conf hook[NR_KINDS];
};

static void free_config(struct config *c)
{
	size_t i;
	int s;

	for (i = 0; i < NR_KINDS; i++) {
		for (s = 0; s < c->hook[i].nsets; s++)
			free(c->hook[i].sets[s]);
		free(c->hook[i].entries);
	}
	memset(c->hook, 0, sizeof(c->hook));
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A decimal or 0x number; 010 is ten, as for --set. */
static int parse_number(const char *s, long long *v, bool *neg)
{
	unsigned long long u;
	char *end;

	*neg = *s == '-';
	if (*neg)
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	u = strtoull(s, &end, !strncmp(s, "0x", 2) || !strncmp(s, "0X", 2) ? 16 : 10);
	if (errno || *end || (*neg && u > (unsigned long long)LLONG_MAX + 1))
		return -EINVAL;
	*v = *neg ? (long long)(0 - u) : (long long)u;
	return 0;
}

/* entry MAP KEY = VALUE */
static int parse_entry(struct config *c, struct hook_conf *h, char *rest,
		       int line)
{
	char *map, *key, *value, *eq;
	struct entry *e;
	struct stat st;
	bool neg;
	long long k;

	eq = strchr(rest, '=');
	if (!eq)
		goto bad;
	*eq = '\0';
	value = trim(eq + 1);
	map = strtok(rest, " \t");
	key = strtok(NULL, " \t");
	if (!map || !key || strtok(NULL, " \t"))
		goto bad;
	if (h->nentries == MAX_ENTRIES) {
		err("%s:%d: more than %d entries in one section", c->path, line,
		    MAX_ENTRIES);
		return EXIT_USAGE;
	}
	if (!h->entries)
		h->entries = calloc(MAX_ENTRIES, sizeof(*h->entries));
	if (!h->entries) {
		err("out of memory");
		return EXIT_FAIL;
	}
	e = &h->entries[h->nentries];
	if (strlen(map) >= sizeof(e->map)) {
		err("%s:%d: map name '%s' is longer than the kernel keeps (%zu characters)",
		    c->path, line, map, sizeof(e->map) - 1);
		return EXIT_USAGE;
	}
	if (key[0] == '/') {
		if (stat(key, &st)) {
			err("%s:%d: cgroup '%s': %s", c->path, line, key,
			    strerror(errno));
			return EXIT_USAGE;
		}
		e->key = st.st_ino;
	} else if (parse_number(key, &k, &neg) || neg) {
		err("%s:%d: key '%s' is neither a cgroup's path nor a number",
		    c->path, line, key);
		return EXIT_USAGE;
	} else {
		e->key = k;
	}
	if (parse_number(value, &e->value, &neg)) {
		err("%s:%d: value '%s' is not a number", c->path, line, value);
		return EXIT_USAGE;
	}
	snprintf(e->map, sizeof(e->map), "%s", map);
	e->line = line;
	h->nentries++;
	return EXIT_OK;
bad:
	err("%s:%d: expected 'entry MAP KEY = VALUE'", c->path, line);
	return EXIT_USAGE;
}

static int parse_line(struct config *c, struct hook_conf **h, char *s,
		      int line)
{
	const struct kind *k;
	char *eq, *key, *val;

	if (*s == '[') {
		eq = strchr(s, ']');
		if (!eq || trim(eq + 1)[0]) {
			err("%s:%d: expected '[HOOK]'", c->path, line);
			return EXIT_USAGE;
		}
		*eq = '\0';
		k = kind_by_name(trim(s + 1));
		if (!k) {
			err("%s:%d: unknown hook '%s' (demotion, thp, compaction, promotion)",
			    c->path, line, trim(s + 1));
			return EXIT_USAGE;
		}
		*h = &c->hook[k - kinds];
		if ((*h)->present) {
			err("%s:%d: [%s] again (first at line %d)", c->path,
			    line, k->name, (*h)->line);
			return EXIT_USAGE;
		}
		(*h)->present = true;
		(*h)->line = line;
		return EXIT_OK;
	}
	if (!*h) {
		err("%s:%d: a setting before any [HOOK] section", c->path, line);
		return EXIT_USAGE;
	}
	if (!strncmp(s, "entry", 5) && isspace((unsigned char)s[5]))
		return parse_entry(c, *h, s + 6, line);
	eq = strchr(s, '=');
	if (!eq) {
		err("%s:%d: expected 'policy = ...', 'set = VAR=VALUE' or 'entry MAP KEY = VALUE'",
		    c->path, line);
		return EXIT_USAGE;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!strcmp(key, "policy") && *val && strlen(val) < PATH_MAX) {
		snprintf((*h)->policy, sizeof((*h)->policy), "%s", val);
		return EXIT_OK;
	}
	if (!strcmp(key, "set") && strchr(val, '=')) {
		if ((*h)->nsets == MAX_SETS) {
			err("%s:%d: more than %d tunables", c->path, line, MAX_SETS);
			return EXIT_USAGE;
		}
		(*h)->sets[(*h)->nsets] = strdup(val);
		if (!(*h)->sets[(*h)->nsets])
			return EXIT_FAIL;
		(*h)->nsets++;
		return EXIT_OK;
	}
	err("%s:%d: expected 'policy = OBJ' or 'set = VAR=VALUE', not '%s = %s'",
	    c->path, line, key, val);
	return EXIT_USAGE;
}

/* What a record would say of @h: the object's absolute path, the sets. */
static void describe(struct hook_conf *h)
{
	size_t n = 0;
	int s;

	if (!strchr(h->policy, '/') || !realpath(h->policy, h->object))
		snprintf(h->object, sizeof(h->object), "%s", h->policy);
	h->set_text[0] = '\0';
	for (s = 0; s < h->nsets; s++)
		n += snprintf(h->set_text + n, n < sizeof(h->set_text) ?
			      sizeof(h->set_text) - n : 0, "%s%s", s ? "," : "",
			      h->sets[s]);
}

static int parse_config(const char *path, struct config *c)
{
	struct hook_conf *h = NULL;
	char buf[2 * PATH_MAX], *s;
	int line = 0, ret = EXIT_OK;
	size_t i;
	FILE *f;

	memset(c, 0, sizeof(*c));
	c->path = path;
	f = fopen(path, "r");
	if (!f) {
		err("cannot read the configuration %s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	while (!ret && fgets(buf, sizeof(buf), f)) {
		line++;
		s = strchr(buf, '#');
		if (s)
			*s = '\0';
		s = trim(buf);
		if (*s)
			ret = parse_line(c, &h, s, line);
	}
	fclose(f);
	for (i = 0; !ret && i < NR_KINDS; i++) {
		h = &c->hook[i];
		if (!h->present)
			continue;
		if (!h->policy[0]) {
			err("%s:%d: [%s] has no 'policy = ...'", path, h->line,
			    kinds[i].name);
			ret = EXIT_USAGE;
		}
		describe(h);
	}
	if (ret)
		free_config(c);
	return ret;
}

static bool same_policy(const struct hook_conf *a, const struct hook_conf *b)
{
	return !strcmp(a->object, b->object) && !strcmp(a->set_text, b->set_text);
}

/*
 * Is each entry's map in the object, a hash map whose key and value are
 * integers the entry fits in?
 */
static int check_entries(struct config *c, const struct hook_conf *h,
			 struct bpf_object *obj)
{
	const struct entry *e;
	struct bpf_map *m;
	__u32 ks, vs;
	int i;

	for (i = 0; i < h->nentries; i++) {
		e = &h->entries[i];
		m = bpf_object__find_map_by_name(obj, e->map);
		if (!m) {
			err("%s:%d: policy '%s' has no map '%s'", c->path,
			    e->line, h->policy, e->map);
			return EXIT_USAGE;
		}
		ks = bpf_map__key_size(m);
		vs = bpf_map__value_size(m);
		if ((bpf_map__type(m) != BPF_MAP_TYPE_HASH &&
		     bpf_map__type(m) != BPF_MAP_TYPE_LRU_HASH) ||
		    ks > 8 || vs > 8) {
			err("%s:%d: map '%s' is not a hash map of integers: entries cannot be configured",
			    c->path, e->line, e->map);
			return EXIT_USAGE;
		}
		if ((ks < 8 && e->key >> (8 * ks)) ||
		    (vs < 8 && (e->value >= 1LL << (8 * vs) ||
				e->value < -(1LL << (8 * vs - 1))))) {
			err("%s:%d: key or value does not fit map '%s' (%u-byte key, %u-byte value)",
			    c->path, e->line, e->map, ks, vs);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/*
 * Open every policy the file names, as load would, before anything is
 * changed: a policy that is missing, fails --set or has other kinds than
 * the sections naming it fails the whole apply.
 */
static int check_config(struct config *c)
{
	struct bpf_map *maps[NR_KINDS];
	struct hook_conf *h, *o;
	struct bpf_object *obj;
	size_t i, j;
	int ret;

	for (i = 0; i < NR_KINDS; i++) {
		h = &c->hook[i];
		if (!h->present)
			continue;
		if (!kernel_has_kind(&kinds[i])) {
			err("%s:%d: this kernel has no %s hook", c->path,
			    h->line, kinds[i].name);
			return EXIT_ENV;
		}
		ret = open_prepared(h->policy, h->nsets, h->sets, &obj, maps);
		if (ret) {
			err("%s:%d: [%s] policy '%s' cannot be used", c->path,
			    h->line, kinds[i].name, h->policy);
			return ret;
		}
		for (j = 0; !ret && j < NR_KINDS; j++) {
			o = &c->hook[j];
			if (!maps[i] && j == i) {
				err("%s:%d: '%s' has no %s policy", c->path,
				    h->line, h->policy, kinds[i].name);
				ret = EXIT_OBJECT;
			} else if (maps[j] && !(o->present && same_policy(o, h))) {
				err("%s:%d: '%s' has a %s policy too: give [%s] the same policy and tunables",
				    c->path, h->line, h->policy, kinds[j].name,
				    kinds[j].name);
				ret = EXIT_USAGE;
			}
		}
		if (!ret)
			ret = check_entries(c, h, obj);
		bpf_object__close(obj);
		if (ret)
			return ret;
	}
	return EXIT_OK;
}

/* Is @h attached to hook @i as the file says, by mmpolicy's record? */
static bool is_applied(const struct hook_conf *h, size_t i, bool *attached)
{
	struct attached a;
	struct meta m;

	*attached = false;
	if (hook_is_ejected(&kinds[i]) || find_attached(&kinds[i], &a))
		return false;
	*attached = true;
	read_meta(&kinds[i], &a, &m);
	return !strcmp(m.object, h->object) && !strcmp(m.set, h->set_text);
}

/* Attach the policy of the hooks in @group (same policy, same tunables). */
static int apply_policy(struct config *c, const bool *group, size_t first)
{
	struct hook_conf *h = &c->hook[first];
	int nr = 0, nr_applied = 0, nr_attached = 0, ret = EXIT_OK;
	bool attached;
	size_t i;

	for (i = 0; i < NR_KINDS; i++) {
		if (!group[i])
			continue;
		nr++;
		nr_applied += is_applied(&c->hook[i], i, &attached);
		nr_attached += attached;
	}
	if (nr_applied == nr) {
		for (i = 0; i < NR_KINDS; i++)
			if (group[i])
				printf("%s: '%s' unchanged\n", kinds[i].name,
				       h->policy);
		return EXIT_OK;
	}
	if (nr_attached == nr)
		return cmd_swap(h->policy, h->nsets, h->sets, 0, NULL, false);
	/* Some hooks of a multi-kind object are empty: no swap can cover it. */
	for (i = 0; i < NR_KINDS && nr_attached; i++)
		if (group[i])
			ret = cmd_unload(kinds[i].name) ?: ret;
	return cmd_load(h->policy, h->nsets, h->sets) ?: ret;
}

/* The map named @name among those the programs of @a use, as an fd. */
static int attached_map_fd(const struct attached *a, const char *name)
{
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	__u32 ids[64], len;
	int p, m, pfd, mfd;

	for (p = 0; p < a->nr_progs; p++) {
		pfd = bpf_prog_get_fd_by_id(a->prog_ids[p]);
		if (pfd < 0)
			continue;
		memset(&pi, 0, sizeof(pi));
		pi.nr_map_ids = 64;
		pi.map_ids = (__u64)(unsigned long)ids;
		len = sizeof(pi);
		if (bpf_prog_get_info_by_fd(pfd, &pi, &len))
			pi.nr_map_ids = 0;
		close(pfd);
		for (m = 0; m < (int)pi.nr_map_ids && m < 64; m++) {
			mfd = bpf_map_get_fd_by_id(ids[m]);
			if (mfd < 0)
				continue;
			memset(&mi, 0, sizeof(mi));
			len = sizeof(mi);
			if (!bpf_map_get_info_by_fd(mfd, &mi, &len) &&
			    !strncmp(mi.name, name, BPF_OBJ_NAME_LEN - 1))
				return mfd;
			close(mfd);
		}
	}
	return -ENOENT;
}

static bool configured(const struct hook_conf *h, const char *map,
		       unsigned long long key)
{
	int i;

	for (i = 0; i < h->nentries; i++)
		if (!strcmp(h->entries[i].map, map) && h->entries[i].key == key)
			return true;
	return false;
}

/*
 * Make map @name of the policy attached to @k hold exactly @h's entries
 * for it. Keys and values are little-endian integers of the map's sizes.
 */
static int sync_map(const struct kind *k, const struct hook_conf *h,
		    const char *name)
{
	unsigned long long key = 0, next, val, *keys;
	int nr_set = 0, nr_same = 0, nr_removed = 0, i, fd;
	__u32 n;
	struct bpf_map_info mi;
	struct attached a;
	__u32 len = sizeof(mi);

	if (find_attached(k, &a) || (fd = attached_map_fd(&a, name)) < 0) {
		err("%s: the attached policy has no map '%s'", k->name, name);
		return EXIT_FAIL;
	}
	memset(&mi, 0, sizeof(mi));
	bpf_map_get_info_by_fd(fd, &mi, &len);
	for (i = 0; i < h->nentries; i++) {
		const struct entry *e = &h->entries[i];

		if (strcmp(e->map, name))
			continue;
		val = 0;
		key = e->key;
		if (!bpf_map_lookup_elem(fd, &key, &val) &&
		    !memcmp(&val, &e->value, mi.value_size)) {
			nr_same++;
			continue;
		}
		val = e->value;
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY)) {
			err("%s: %s: setting key %llu failed: %s", k->name,
			    name, e->key, strerror(errno));
			close(fd);
			return EXIT_FAIL;
		}
		nr_set++;
	}
	/* The keys first, then the deletions: deleting while walking skips. */
	keys = calloc(mi.max_entries ? mi.max_entries : 1, sizeof(*keys));
	for (n = 0; keys && n < mi.max_entries; n++) {
		next = 0;
		if (bpf_map_get_next_key(fd, n ? &key : NULL, &next))
			break;
		keys[n] = key = next;
	}
	for (i = 0; keys && (__u32)i < n; i++) {
		if (configured(h, name, keys[i]))
			continue;
		key = keys[i];
		if (!bpf_map_delete_elem(fd, &key))
			nr_removed++;
	}
	free(keys);
	close(fd);
	printf("%s: map %s: %d set, %d unchanged, %d removed\n", k->name, name,
	       nr_set, nr_same, nr_removed);
	return EXIT_OK;
}

/* Every map @h gives entries for, each once. */
static int sync_maps(const struct kind *k, const struct hook_conf *h)
{
	int i, j, ret = EXIT_OK;

	for (i = 0; i < h->nentries; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(h->entries[j].map, h->entries[i].map))
				break;
		if (j == i)
			ret = sync_map(k, h, h->entries[i].map) ?: ret;
	}
	return ret;
}

/*
 * Apply @c: the hooks it names get their policy (loaded, swapped, or left
 * as they are if already applied) and their map entries; the hooks it
 * does not name are given back to the kernel. Hooks in @skip are left
 * alone. Return: the first failure's exit code, after trying every hook.
 */
static int apply_config(struct config *c, const bool *skip)
{
	bool done[NR_KINDS] = {}, group[NR_KINDS];
	int ret, worst = EXIT_OK;
	struct attached a;
	size_t i, j;

	for (i = 0; i < NR_KINDS; i++) {
		if (skip[i] || c->hook[i].present || !kernel_has_kind(&kinds[i]))
			continue;
		if (hook_is_ejected(&kinds[i]) || !find_attached(&kinds[i], &a)) {
			printf("%s: not in %s: the kernel decides\n",
			       kinds[i].name, c->path);
			worst = cmd_unload(kinds[i].name) ?: worst;
		}
	}
	for (i = 0; i < NR_KINDS; i++) {
		if (skip[i] || done[i] || !c->hook[i].present)
			continue;
		for (j = 0; j < NR_KINDS; j++)
			group[j] = !skip[j] && c->hook[j].present &&
				   same_policy(&c->hook[j], &c->hook[i]);
		ret = apply_policy(c, group, i);
		for (j = 0; j < NR_KINDS; j++) {
			if (!group[j])
				continue;
			done[j] = true;
			if (!ret)
				ret = sync_maps(&kinds[j], &c->hook[j]);
		}
		worst = worst ?: ret;
	}
	return worst;
}

/* What a hook looked like after an apply: a change means it drifted. */
struct hook_mark {
	char state[16];
	char seq[32];
	char ejections[32];
};

static void mark_hook(const struct kind *k, struct hook_mark *m)
{
	memset(m, 0, sizeof(*m));
	read_sysfs(k, "state", m->state, sizeof(m->state));
	read_sysfs(k, "attach_seq", m->seq, sizeof(m->seq));
	read_sysfs(k, "ejections", m->ejections, sizeof(m->ejections));
}

static volatile sig_atomic_t got_hup, got_term;

static void on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

/* Re-apply at most this often per hook in this window, then leave it. */
#define REAPPLY_MAX	3
#define REAPPLY_WINDOW	600

struct watch {
	struct hook_mark mark[NR_KINDS];
	time_t reapplied[NR_KINDS][REAPPLY_MAX];
	int nr[NR_KINDS];
	bool given_up[NR_KINDS];
};

/* Record a re-apply of hook @i; false when it has had its REAPPLY_MAX. */
static bool may_reapply(struct watch *w, size_t i, time_t now)
{
	int n, kept = 0;

	for (n = 0; n < w->nr[i]; n++)
		if (now - w->reapplied[i][n] < REAPPLY_WINDOW)
			w->reapplied[i][kept++] = w->reapplied[i][n];
	w->nr[i] = kept;
	if (kept == REAPPLY_MAX)
		return false;
	w->reapplied[i][w->nr[i]++] = now;
	return true;
}

/* Which hooks drifted since the marks; give up on those re-applied too often. */
static bool drifted(struct config *c, struct watch *w)
{
	struct hook_mark now;
	bool any = false;
	char why[256];
	size_t i;

	for (i = 0; i < NR_KINDS; i++) {
		if (!c->hook[i].present || w->given_up[i])
			continue;
		mark_hook(&kinds[i], &now);
		if (!memcmp(&now, &w->mark[i], sizeof(now)))
			continue;
		why[0] = '\0';
		read_sysfs(&kinds[i], "exit_reason", why, sizeof(why));
		printf("%s: drifted from %s (state %s, attach %s, ejections %s%s%s)\n",
		       kinds[i].name, c->path, now.state, now.seq,
		       now.ejections, why[0] ? ", last: " : "", why);
		if (!may_reapply(w, i, time(NULL))) {
			printf("%s: re-applied %d times in %d s: leaving it to the kernel until SIGHUP ('systemctl reload mmpolicy')\n",
			       kinds[i].name, REAPPLY_MAX, REAPPLY_WINDOW);
			w->given_up[i] = true;
			continue;
		}
		any = true;
	}
	return any;
}

static void mark_all(struct watch *w)
{
	size_t i;

	for (i = 0; i < NR_KINDS; i++)
		mark_hook(&kinds[i], &w->mark[i]);
}

/*
 * apply --watch: apply, then look at the hooks every @interval_ms and
 * apply again when one drifts; SIGHUP re-reads the file and forgives the
 * hooks given up on; SIGTERM and SIGINT end it, leaving the policies
 * attached (the unit's ExecStopPost restores the kernel's defaults).
 */
static int watch(const char *path, struct config *c, long interval_ms)
{
	struct timespec d = {
		.tv_sec = interval_ms / 1000,
		.tv_nsec = (interval_ms % 1000) * 1000000L,
	};
	struct watch w = {};
	struct config fresh;

	/* Each line to the journal as it happens, not when a buffer fills. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGHUP, on_hup);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	mark_all(&w);
	printf("watching the hooks of %s every %ld ms\n", path, interval_ms);
	fflush(stdout);
	while (!got_term) {
		nanosleep(&d, NULL);
		if (got_hup) {
			got_hup = 0;
			printf("SIGHUP: reading %s again\n", path);
			if (parse_config(path, &fresh)) {
				printf("keeping the configuration applied last\n");
			} else if (check_config(&fresh)) {
				free_config(&fresh);
				printf("keeping the configuration applied last\n");
			} else {
				free_config(c);
				*c = fresh;
			}
			memset(&w, 0, sizeof(w));
		} else if (!drifted(c, &w)) {
			continue;
		}
		if (!lock_state()) {
			apply_config(c, w.given_up);
			unlock_state();
		}
		mark_all(&w);
		fflush(stdout);
	}
	printf("stopped watching; the policies stay attached\n");
	return EXIT_OK;
}

/*
 * mmpolicy apply FILE [--watch [--interval MS]]: check the whole file and
 * every policy it names first, change nothing if any is wrong, then
 * apply it.
 */
int cmd_apply(const char *path, bool watching, long interval_ms)
{
	bool skip[NR_KINDS] = {};
	struct config c;
	int ret;

	ret = check_env(true);
	if (!ret)
		ret = parse_config(path, &c);
	if (ret)
		return ret;
	ret = check_config(&c);
	if (!ret)
		ret = lock_state();
	if (!ret) {
		ret = apply_config(&c, skip);
		unlock_state();
	}
	if (!ret)
		printf("applied %s\n", path);
	fflush(stdout);
	if (watching && (!ret || ret == EXIT_FAIL))
		ret = watch(path, &c, interval_ms);
	free_config(&c);
	return ret;
}

/* mmpolicy restore: every hook back to the kernel's own decisions. */
int cmd_restore(void)
{
	int ret = cmd_unload("all");

	if (!ret)
		printf("every hook: no policy, the kernel decides\n");
	return ret;
}
