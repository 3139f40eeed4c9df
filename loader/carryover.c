// SPDX-License-Identifier: GPL-2.0
/*
 * Maps carried over a swap: each map of the new object takes over the
 * attached policy's map of the same name, type and geometry, entries and
 * all, before the new object loads. The attached policy's maps are those
 * its programs use (bpf_prog_info.map_ids), each once, held open.
 */
#define _GNU_SOURCE	/* asprintf */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmpolicy.h"

static int add_old_map(struct old_maps *om, __u32 id)
{
	struct old_map *o;
	__u32 len;
	int i, ret;

	for (i = 0; i < om->nr; i++)
		if (om->m[i].info.id == id)
			return 0;
	if (om->nr == om->cap) {
		int cap = om->cap ? om->cap * 2 : 16;

		o = realloc(om->m, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		om->m = o;
		om->cap = cap;
	}
	o = &om->m[om->nr];
	memset(o, 0, sizeof(*o));
	o->fd = bpf_map_get_fd_by_id(id);
	if (o->fd < 0)
		return o->fd;
	len = sizeof(o->info);
	ret = bpf_map_get_info_by_fd(o->fd, &o->info, &len);
	if (ret) {
		close(o->fd);
		return ret;
	}
	om->nr++;
	return 0;
}

static int prog_maps(__u32 prog_id, struct old_maps *om)
{
	__u32 *ids = NULL, nr = 0, len, i;
	struct bpf_prog_info pi;
	int fd, ret;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return fd;
	/* The first call says how many maps; retry if the program got more. */
	for (;;) {
		memset(&pi, 0, sizeof(pi));
		pi.nr_map_ids = nr;
		pi.map_ids = (__u64)(unsigned long)ids;
		len = sizeof(pi);
		ret = bpf_prog_get_info_by_fd(fd, &pi, &len);
		if (ret || pi.nr_map_ids <= nr)
			break;
		nr = pi.nr_map_ids;
		free(ids);
		ids = calloc(nr, sizeof(*ids));
		if (!ids) {
			ret = -ENOMEM;
			break;
		}
	}
	close(fd);
	for (i = 0; !ret && i < pi.nr_map_ids; i++)
		ret = add_old_map(om, ids[i]);
	free(ids);
	return ret;
}

/* Add the maps that programs @prog_ids use to @om, each once. */
int collect_prog_maps(const __u32 *prog_ids, int nr, struct old_maps *om)
{
	int i, ret;

	for (i = 0; i < nr; i++) {
		ret = prog_maps(prog_ids[i], om);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Add the maps the attached policy of sk->k uses to @om. Return: an exit
 * code; EXIT_CONFLICT if sk->ofd is no policy of that kind.
 */
int collect_old_maps(const struct swap_kind *sk, struct old_maps *om)
{
	__u32 prog_ids[MAX_PROGS], len;
	const struct btf_type *t;
	struct bpf_map_info mi;
	struct btf *vmlinux;
	int nr = 0, ret;
	const char *why;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		why = strerror(errno);
		goto fail;
	}
	memset(&mi, 0, sizeof(mi));
	len = sizeof(mi);
	ret = bpf_map_get_info_by_fd(sk->ofd, &mi, &len);
	if (ret) {
		btf__free(vmlinux);
		why = strerror(-ret);
		goto fail;
	}
	t = ops_value_type(vmlinux, sk->k, &mi);
	if (!t) {
		btf__free(vmlinux);
		if (sk->expected)
			err("--expect: map %u is not a %s policy: nothing swapped",
			    sk->old_mid, sk->k->name);
		else
			err("the map attached to %s (map %u) is not a %s policy: nothing swapped",
			    sk->k->name, sk->old_mid, sk->k->name);
		return EXIT_CONFLICT;
	}
	ret = read_prog_ids(vmlinux, t, sk->ofd, mi.value_size, prog_ids, &nr);
	btf__free(vmlinux);
	if (ret) {
		why = strerror(-ret);
		goto fail;
	}
	/* A live policy implements at least one member: none is a bad read. */
	if (!nr) {
		err("cannot read the maps of the attached %s policy: its map (map %u) lists no programs (--fresh swaps without carrying them over)",
		    sk->k->name, sk->old_mid);
		return EXIT_FAIL;
	}
	ret = collect_prog_maps(prog_ids, nr, om);
	if (ret) {
		why = strerror(-ret);
		goto fail;
	}
	return EXIT_OK;
fail:
	err("cannot read the maps of the attached %s policy: %s (--fresh swaps without carrying them over)",
	    sk->k->name, why);
	return EXIT_FAIL;
}

/*
 * Maps that hold data carry over; maps that hold programs, maps or perf
 * events, and the object's own .bss/.data/.rodata/.kconfig, never do.
 */
static bool carries_over(const struct bpf_map *map)
{
	if (bpf_map__is_internal(map))
		return false;
	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return true;
	default:
		return false;
	}
}

/* A map's name as the kernel keeps it: at most BPF_OBJ_NAME_LEN - 1. */
static void kernel_name(const char *name, char *buf)
{
	size_t n = strnlen(name, BPF_OBJ_NAME_LEN - 1);

	memcpy(buf, name, n);
	buf[n] = '\0';
}

static int check_compat(const struct bpf_map *map, const struct old_map *o)
{
	const char *what = NULL;
	__u32 was = 0, now = 0;

	if (bpf_map__type(map) != o->info.type) {
		err("map '%s' cannot be carried over: the attached policy's (map %u) is a %s map, the new one a %s map; nothing swapped (--fresh starts with empty maps)",
		    bpf_map__name(map), o->info.id,
		    libbpf_bpf_map_type_str(o->info.type) ?: "?",
		    libbpf_bpf_map_type_str(bpf_map__type(map)) ?: "?");
		return EXIT_CONFLICT;
	}
	if (bpf_map__key_size(map) != o->info.key_size) {
		what = "key_size";
		was = o->info.key_size;
		now = bpf_map__key_size(map);
	} else if (bpf_map__value_size(map) != o->info.value_size) {
		what = "value_size";
		was = o->info.value_size;
		now = bpf_map__value_size(map);
	} else if (bpf_map__max_entries(map) != o->info.max_entries) {
		what = "max_entries";
		was = o->info.max_entries;
		now = bpf_map__max_entries(map);
	} else if (bpf_map__map_flags(map) != o->info.map_flags) {
		what = "map_flags";
		was = o->info.map_flags;
		now = bpf_map__map_flags(map);
	}
	if (!what)
		return EXIT_OK;
	err("map '%s' cannot be carried over: %s is %u in the attached policy (map %u), %u in the new one; nothing swapped (--fresh starts with empty maps)",
	    bpf_map__name(map), what, was, o->info.id, now);
	return EXIT_CONFLICT;
}

/*
 * Give each map of the new object the attached policy's map of the same
 * name, type and geometry (bpf_map__reuse_fd, before the object loads).
 * Each old map goes to one new map at most: two new maps whose names the
 * kernel truncates to the same 15 characters would share it otherwise.
 * *carried lists the maps carried over, for the caller to free.
 */
int carry_over(struct bpf_object *obj, struct old_maps *om, char **carried)
{
	char kname[BPF_OBJ_NAME_LEN], *s;
	struct old_map *o;
	struct bpf_map *map;
	int i, ret;

	bpf_object__for_each_map(map, obj) {
		if (!carries_over(map))
			continue;
		kernel_name(bpf_map__name(map), kname);
		o = NULL;
		for (i = 0; i < om->nr; i++) {
			if (strcmp(kname, om->m[i].info.name))
				continue;
			if (o) {
				err("map '%s': the attached policies have two (maps %u and %u): cannot tell which to carry over; nothing swapped (--fresh starts with empty maps)",
				    kname, o->info.id, om->m[i].info.id);
				return EXIT_CONFLICT;
			}
			o = &om->m[i];
		}
		if (!o) {
			if (verbose)
				fprintf(stderr, "mmpolicy: map '%s' is not in the attached policy: it starts empty\n",
					kname);
			continue;
		}
		if (o->used_by) {
			err("maps '%s' and '%s' of the new object have the same name in the kernel, '%s' (%d characters kept): both would take over map %u of the attached policy; nothing swapped (rename one, or --fresh starts with empty maps)",
			    bpf_map__name(o->used_by), bpf_map__name(map), kname,
			    BPF_OBJ_NAME_LEN - 1, o->info.id);
			return EXIT_CONFLICT;
		}
		ret = check_compat(map, o);
		if (ret)
			return ret;
		if (bpf_map__reuse_fd(map, o->fd)) {
			err("carrying map '%s' over failed: %s", kname,
			    strerror(errno));
			return EXIT_FAIL;
		}
		o->used_by = map;
		if (asprintf(&s, "%s%s%s (map %u)", *carried ?: "",
			     *carried ? ", " : "", kname, o->info.id) < 0) {
			err("carrying map '%s' over failed: %s", kname,
			    strerror(ENOMEM));
			return EXIT_FAIL;
		}
		free(*carried);
		*carried = s;
	}
	return EXIT_OK;
}

bool has_data_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (carries_over(map))
			return true;
	return false;
}

void free_old_maps(struct old_maps *om)
{
	int i;

	for (i = 0; i < om->nr; i++)
		close(om->m[i].fd);
	free(om->m);
}
