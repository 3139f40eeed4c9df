// SPDX-License-Identifier: GPL-2.0
/*
 * The command status: for each hook the kernel has, the attached policy
 * (link, map and program ids), the maps its programs use, its companion
 * programs, where mmpolicy loaded it from, and the kernel's counters; as
 * text, or JSON for scripts.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "mmpolicy.h"

static const char *const stat_files[] = {
	"calls", "overrides", "invalid", "declined", "fallbacks",
};

#define NR_STATS (sizeof(stat_files) / sizeof(stat_files[0]))

static void companion_json(const char *name, const struct bpf_link_info *li,
			   void *arg)
{
	struct json *j = arg;

	json_object_start(j);
	json_string_field(j, "name", name);
	json_uint_field(j, "link_id", li->id);
	json_uint_field(j, "prog_id", li->prog_id);
	json_object_end(j);
}

static void companion_text(const char *name, const struct bpf_link_info *li,
			   void *arg)
{
	(void)arg;
	printf("            with program %s (link %u, prog %u)\n", name, li->id,
	       li->prog_id);
}

/*
 * The maps the policy's programs use, as bpftool would find them from
 * bpf_prog_info.map_ids: what a script reads a policy's state from. A
 * policy detached meanwhile lists what could still be read.
 */
static void collect_maps(const struct attached *a, struct old_maps *om)
{
	memset(om, 0, sizeof(*om));
	collect_prog_maps(a->prog_ids, a->nr_progs, om);
}

static void maps_json(struct json *j, const struct old_maps *om)
{
	int i;

	json_key(j, "maps");
	json_array_start(j);
	for (i = 0; i < om->nr; i++) {
		json_object_start(j);
		json_string_field(j, "name", om->m[i].info.name);
		json_uint_field(j, "id", om->m[i].info.id);
		json_object_end(j);
	}
	json_array_end(j);
}

static void maps_text(const struct old_maps *om)
{
	int i;

	if (!om->nr)
		return;
	printf("            maps");
	for (i = 0; i < om->nr; i++)
		printf("%s %s %u", i ? "," : "", om->m[i].info.name,
		       om->m[i].info.id);
	printf("\n");
}

static void status_json(struct json *j, const struct kind *k, bool attached,
			const struct attached *a, const struct meta *m)
{
	struct old_maps om;
	char val[64];
	size_t s;
	int i;

	json_key(j, k->name);
	json_object_start(j);
	read_sysfs(k, "policy", val, sizeof(val));
	json_string_field(j, "policy", val);
	json_bool_field(j, "attached", attached);
	if (!read_sysfs(k, "state", val, sizeof(val))) {
		char why[256] = "";

		json_string_field(j, "state", val);
		read_sysfs(k, "exit_reason", why, sizeof(why));
		json_string_field(j, "exit_reason", why);
	}
	if (attached) {
		json_uint_field(j, "link_id", a->link_id);
		json_uint_field(j, "map_id", a->map_id);
		json_key(j, "prog_ids");
		json_array_start(j);
		for (i = 0; i < a->nr_progs; i++)
			json_uint(j, a->prog_ids[i]);
		json_array_end(j);
		collect_maps(a, &om);
		maps_json(j, &om);
		free_old_maps(&om);
		json_key(j, "companions");
		json_array_start(j);
		for_each_companion(k, companion_json, j);
		json_array_end(j);
		if (m->object[0]) {
			json_string_field(j, "object", m->object);
			json_key(j, "loaded");
			json_int(j, m->loaded);
			json_string_field(j, "set", m->set);
		}
	}
	for (s = 0; s < NR_STATS; s++) {
		read_sysfs(k, stat_files[s], val, sizeof(val));
		json_key(j, stat_files[s]);
		json_number(j, val[0] ? val : "0");
	}
	json_object_end(j);
}

static void status_text(const struct kind *k, bool attached,
			const struct attached *a, const struct meta *m)
{
	char val[64], when[32];
	struct old_maps om;
	struct tm tm;
	size_t s;
	int i;

	if (hook_is_ejected(k)) {
		char why[256] = "";

		read_sysfs(k, "exit_reason", why, sizeof(why));
		printf("%-11s EJECTED by the kernel: %s\n", k->name, why);
		printf("            the kernel decides; 'mmpolicy unload %s' removes the link, 'mmpolicy load' attaches anew\n",
		       k->name);
		/* They keep running on the policy's maps until then. */
		for_each_companion(k, companion_text, NULL);
		attached = false;
	}
	read_sysfs(k, "policy", val, sizeof(val));
	printf("%-11s %s\n", k->name, attached ? val : "none");
	if (attached) {
		printf("            link %u, map %u, progs", a->link_id, a->map_id);
		for (i = 0; i < a->nr_progs; i++)
			printf(" %u", a->prog_ids[i]);
		printf("\n");
		collect_maps(a, &om);
		maps_text(&om);
		free_old_maps(&om);
		for_each_companion(k, companion_text, NULL);
		if (m->object[0]) {
			time_t t = m->loaded;

			localtime_r(&t, &tm);
			strftime(when, sizeof(when), "%F %T", &tm);
			printf("            from %s, loaded %s%s%s\n", m->object, when,
			       m->set[0] ? ", set " : "", m->set);
		} else {
			printf("            attached by another tool (not through mmpolicy)\n");
		}
	}
	printf("           ");
	for (s = 0; s < NR_STATS; s++) {
		read_sysfs(k, stat_files[s], val, sizeof(val));
		printf(" %s=%s", stat_files[s], val);
	}
	printf("\n");
}

int cmd_status(bool json)
{
	struct attached a;
	struct json j;
	struct meta m;
	bool attached;
	size_t i;
	int ret;

	ret = check_env(false);
	if (ret)
		return ret;
	if (json) {
		json_init(&j, stdout);
		json_object_start(&j);
	}
	for (i = 0; i < NR_KINDS; i++) {
		const struct kind *k = &kinds[i];

		if (!kernel_has_kind(k))
			continue;
		attached = !find_attached(k, &a);
		if (attached)
			read_meta(k, &a, &m);
		else
			memset(&m, 0, sizeof(m));
		if (json)
			status_json(&j, k, attached, &a, &m);
		else
			status_text(k, attached, &a, &m);
	}
	if (json) {
		json_object_end(&j);
		putchar('\n');
	}
	return EXIT_OK;
}
