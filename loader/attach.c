// SPDX-License-Identifier: GPL-2.0
/*
 * The commands load and unload: attach every policy of an object through
 * a pinned link, with its companion programs, all or none; detach them
 * and remove their pins.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mmpolicy.h"

/* The kernel ejected the last policy: its link is only a marker now. */
static void remove_ejected(const struct kind *k)
{
	struct attached cur;
	char why[256] = "";

	read_sysfs(k, "exit_reason", why, sizeof(why));
	if (!find_attached(k, &cur) && !detach_link(cur.link_id))
		printf("%s: removed the ejected policy (%s)\n", k->name, why);
	unpin(k);
	remove_companions(k);
}

/* Say why the kernel refused an attach, in the operator's terms. */
int attach_error(const struct kind *k, const char *name, int e)
{
	switch (e) {
	case EBUSY:
		err("attaching the %s policy '%s' failed: another policy was attached meanwhile",
		    k->name, name);
		return EXIT_CONFLICT;
	case EPERM:
		err("the kernel refused to attach the %s policy '%s': attaching needs CAP_SYS_ADMIN in the initial user namespace",
		    k->name, name);
		return EXIT_ENV;
	case EACCES:
		err("the kernel refused to attach the %s policy '%s': attaching is disabled (bpf_mm_policy.disable=1; write 0 to /sys/module/bpf_mm_policy/parameters/disable to allow it)",
		    k->name, name);
		return EXIT_ENV;
	case EINVAL:
		err("the kernel refused the %s policy '%s' as invalid (a policy must implement at least one member)",
		    k->name, name);
		return EXIT_FAIL;
	default:
		err("attaching the %s policy '%s' failed: %s", k->name, name,
		    strerror(e));
		return EXIT_FAIL;
	}
}

/*
 * The kernel's links could not be read (@e, -errno): what is attached is
 * unknown, so change nothing rather than guess "nothing".
 */
static int links_error(const struct kind *k, int e)
{
	err("cannot tell which %s policy is attached: reading the kernel's links failed: %s",
	    k->name, strerror(-e));
	return EXIT_FAIL;
}

static int prepare(const char *obj_arg, int nsets, char **sets,
		   struct bpf_object **objp, struct bpf_map **maps)
{
	int ret;

	ret = open_prepared(obj_arg, nsets, sets, objp, maps);
	if (ret)
		return ret;
	ret = load_object(*objp, obj_arg);
	if (ret)
		bpf_object__close(*objp);
	return ret;
}

int cmd_load(const char *obj_arg, int nsets, char **sets)
{
	struct bpf_link *links[NR_KINDS] = {};
	struct companions comp = { .nr = 0 };
	struct bpf_map *maps[NR_KINDS];
	struct bpf_object *obj;
	struct attached cur;
	sigset_t saved;
	char path[256];
	int ret;
	size_t k;

	ret = check_env(true);
	if (!ret)
		ret = lock_state();
	if (ret)
		return ret;
	ret = prepare(obj_arg, nsets, sets, &obj, maps);
	if (ret)
		return ret;
	/* From the first pin to the last record, or none of them. */
	block_exit_signals(&saved);

	/* Check every kind first: attach all of the object or none of it. */
	for (k = 0; k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		if (hook_is_ejected(&kinds[k]))
			remove_ejected(&kinds[k]);
		ret = find_attached(&kinds[k], &cur);
		if (!ret) {
			char name[64] = "?";

			read_sysfs(&kinds[k], "policy", name, sizeof(name));
			err("a %s policy is already attached ('%s', link %u): use 'mmpolicy swap %s' to replace it",
			    kinds[k].name, name, cur.link_id, obj_arg);
			ret = EXIT_CONFLICT;
			goto out_close;
		}
		if (ret != -ENOENT) {
			ret = links_error(&kinds[k], ret);
			goto out_close;
		}
	}
	for (k = 0; k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		clear_stale_pin(&kinds[k]);
		remove_companions(&kinds[k]);
	}
	mkdir(PIN_ROOT, 0700);
	ret = attach_companions(obj, &comp);
	if (ret)
		goto out_close;
	for (k = 0; k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		links[k] = bpf_map__attach_struct_ops(maps[k]);
		if (!links[k]) {
			ret = attach_error(&kinds[k], bpf_map__name(maps[k]), errno);
			goto out_detach;
		}
		pin_path(&kinds[k], path, sizeof(path));
		if (bpf_link__pin(links[k], path)) {
			err("pinning %s failed: %s", path, strerror(errno));
			ret = EXIT_FAIL;
			goto out_detach;
		}
	}
	ret = pin_companions(maps, &comp);
	if (ret)
		goto out_detach;
	for (k = 0; k < NR_KINDS; k++) {
		if (!links[k])
			continue;
		write_meta(&kinds[k], link_id_of(bpf_link__fd(links[k])),
			   map_id_of(bpf_map__fd(maps[k])), obj_arg, nsets, sets);
		printf("%s: attached '%s' (pinned at " PIN_ROOT "/%s)\n",
		       kinds[k].name, bpf_map__name(maps[k]), kinds[k].name);
		bpf_link__disconnect(links[k]);
		bpf_link__destroy(links[k]);
	}
	ret = EXIT_OK;
	goto out_close;

out_detach:
	for (k = 0; k < NR_KINDS; k++) {
		if (!links[k])
			continue;
		bpf_link__unpin(links[k]);
		bpf_link__destroy(links[k]);
	}
	drop_companions(&comp);
out_close:
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	bpf_object__close(obj);
	return ret;
}

static int unload_kind(const struct kind *k, bool quiet)
{
	struct attached cur;
	char name[64] = "?";
	int ret;

	ret = find_attached(k, &cur);
	if (ret && ret != -ENOENT)
		return links_error(k, ret);
	if (ret) {
		unpin(k);
		remove_companions(k);
		if (!quiet)
			printf("%s: no policy attached\n", k->name);
		return EXIT_OK;
	}
	if (hook_is_ejected(k)) {
		remove_ejected(k);
		return find_attached(k, &cur) ? EXIT_OK : unload_kind(k, quiet);
	}
	read_sysfs(k, "policy", name, sizeof(name));
	ret = detach_link(cur.link_id);
	if (ret) {
		err("detaching the %s policy (link %u) failed: %s", k->name,
		    cur.link_id, strerror(-ret));
		return EXIT_FAIL;
	}
	unpin(k);
	remove_companions(k);
	printf("%s: detached '%s'\n", k->name, name);
	/* A link the kernel ejected earlier may still be there. */
	return find_attached(k, &cur) ? EXIT_OK : unload_kind(k, true);
}

int cmd_unload(const char *what)
{
	const struct kind *k;
	int ret, worst = EXIT_OK;
	size_t i;

	ret = check_env(false);
	if (!ret)
		ret = lock_state();
	if (ret)
		return ret;
	if (strcmp(what, "all")) {
		k = kind_by_name(what);
		if (!k) {
			err("unknown policy kind '%s' (demotion, thp, compaction, promotion, all)", what);
			return EXIT_USAGE;
		}
		return unload_kind(k, false);
	}
	for (i = 0; i < NR_KINDS; i++) {
		if (!kernel_has_kind(&kinds[i]))
			continue;
		ret = unload_kind(&kinds[i], true);
		if (ret && !worst)
			worst = ret;
	}
	return worst;
}
