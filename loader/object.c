// SPDX-License-Identifier: GPL-2.0
/*
 * Policy objects: a BPF object file, or a policy built into this binary;
 * the policies it holds, one struct_ops map per kind; loading it. And the
 * commands that only look at objects: info and list-builtin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mmpolicy.h"

struct builtin_policy {
	const char *name;
	const void *(*elf_bytes)(size_t *sz);
};

#include "builtin_policies.h"

#define NR_BUILTINS (sizeof(builtin_policies) / sizeof(builtin_policies[0]))

static const struct kind *kind_of_map(const struct bpf_object *obj,
				      const struct bpf_map *map)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	const char *tname;
	size_t i;

	if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !btf)
		return NULL;
	t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	if (!t)
		return NULL;
	tname = btf__name_by_offset(btf, t->name_off);
	for (i = 0; i < NR_KINDS; i++)
		if (!strcmp(kinds[i].ops_type, tname))
			return &kinds[i];
	return NULL;
}

static const struct builtin_policy *builtin_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NR_BUILTINS; i++)
		if (!strcmp(builtin_policies[i].name, name))
			return &builtin_policies[i];
	return NULL;
}

/*
 * OBJ is a path to a BPF object, or the name of a policy built into this
 * binary (see 'mmpolicy list-builtin').
 */
static int open_policy(const char *obj_arg, struct bpf_object **objp)
{
	const struct builtin_policy *bp = NULL;
	struct bpf_object *obj;
	unsigned char ehdr[20];
	int fd, n;

	if (!strchr(obj_arg, '/'))
		bp = builtin_by_name(obj_arg);
	if (bp) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = bp->name);
		const void *bytes;
		size_t sz;

		bytes = bp->elf_bytes(&sz);
		obj = bpf_object__open_mem(bytes, sz, &opts);
	} else {
		fd = open(obj_arg, O_RDONLY);
		if (fd < 0) {
			err("cannot open '%s': %s%s", obj_arg, strerror(errno),
			    strchr(obj_arg, '/') ? "" :
			    " (not a built-in policy either: see 'mmpolicy list-builtin')");
			return EXIT_OBJECT;
		}
		n = read(fd, ehdr, sizeof(ehdr));
		close(fd);
		if (n != sizeof(ehdr) || memcmp(ehdr, "\177ELF", 4)) {
			err("'%s' is not an ELF file: expected a BPF object built with clang -target bpf", obj_arg);
			return EXIT_OBJECT;
		}
		/* e_machine, little-endian like every BPF object we load */
		if ((ehdr[18] | ehdr[19] << 8) != 247 /* EM_BPF */) {
			err("'%s' is an ELF file but not a BPF object (built for another machine)", obj_arg);
			return EXIT_OBJECT;
		}
		obj = bpf_object__open_file(obj_arg, NULL);
	}
	if (!obj) {
		char msg[128];

		libbpf_strerror(errno, msg, sizeof(msg));
		err("'%s' is not a valid BPF object: %s", obj_arg, msg);
		return EXIT_OBJECT;
	}
	*objp = obj;
	return EXIT_OK;
}

/*
 * The kernel refuses an empty or unterminated .name with the EINVAL it gives
 * a policy with no member: tell them apart before loading.
 */
static int check_policy_name(const struct bpf_object *obj,
			     const struct bpf_map *map)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	const struct btf_member *m;
	const char *data;
	size_t sz, off, len, n;
	long long size;
	int i;

	t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	data = bpf_map__initial_value(map, &sz);
	if (!t || !data)
		return 0;
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "name"))
			continue;
		off = btf_member_bit_offset(t, i) / 8;
		size = btf__resolve_size(btf, m->type);
		if (size <= 0 || off + size > sz)
			return 0;
		len = size;
		n = strnlen(data + off, len);
		if (!n) {
			err("%s: the policy has no .name (sysfs and mmpolicy show it): give it one of at most %zu characters",
			    bpf_map__name(map), len - 1);
			return -EXIT_OBJECT;
		}
		if (n == len) {
			err("%s: .name \"%.*s\" is %zu characters or more: the kernel takes at most %zu",
			    bpf_map__name(map), (int)len, data + off, len, len - 1);
			return -EXIT_OBJECT;
		}
	}
	return 0;
}

/* Which of our struct_ops does the object implement? */
static int policy_maps(struct bpf_object *obj, const char *obj_arg,
		       struct bpf_map **maps)
{
	struct bpf_map *map;
	int found = 0;
	size_t i;

	memset(maps, 0, sizeof(*maps) * NR_KINDS);
	bpf_object__for_each_map(map, obj) {
		const struct kind *k = kind_of_map(obj, map);

		if (!k)
			continue;
		i = k - kinds;
		if (maps[i]) {
			err("'%s' has two %s policies (%s, %s): one per kind", obj_arg,
			    k->name, bpf_map__name(maps[i]), bpf_map__name(map));
			return -EXIT_OBJECT;
		}
		if (!(bpf_map__map_flags(map) & BPF_F_LINK)) {
			err("%s: put the struct %s in SEC(\".struct_ops.link\"), not SEC(\".struct_ops\")",
			    bpf_map__name(map), k->ops_type);
			return -EXIT_OBJECT;
		}
		if (check_policy_name(obj, map))
			return -EXIT_OBJECT;
		maps[i] = map;
		found++;
	}
	if (!found) {
		err("'%s' contains no memory policy (no struct mm_demotion_ops, mm_thp_ops, mm_compact_ops or mm_promote_ops in SEC(\".struct_ops.link\"))",
		    obj_arg);
		return -EXIT_OBJECT;
	}
	return found;
}

/* Open OBJ and find its policies; on success the caller closes *objp. */
static int open_with_maps(const char *obj_arg, struct bpf_object **objp,
			  struct bpf_map **maps)
{
	int ret;

	ret = open_policy(obj_arg, objp);
	if (ret)
		return ret;
	ret = policy_maps(*objp, obj_arg, maps);
	if (ret < 0) {
		bpf_object__close(*objp);
		return -ret;
	}
	return EXIT_OK;
}

/* Open OBJ, check the kernel has its hooks, apply --set: ready to load. */
int open_prepared(const char *obj_arg, int nsets, char **sets,
		  struct bpf_object **objp, struct bpf_map **maps)
{
	struct bpf_object *obj;
	int ret, i;
	size_t k;

	ret = open_with_maps(obj_arg, &obj, maps);
	if (ret)
		return ret;
	for (k = 0; k < NR_KINDS; k++) {
		if (maps[k] && !kernel_has_kind(&kinds[k])) {
			err("'%s' has a %s policy, but this kernel has no %s hook (%s/%s missing)",
			    obj_arg, kinds[k].name, kinds[k].name, SYSFS_ROOT,
			    kinds[k].name);
			bpf_object__close(obj);
			return EXIT_ENV;
		}
	}
	for (i = 0; i < nsets; i++) {
		ret = apply_set(obj, sets[i]);
		if (ret) {
			bpf_object__close(obj);
			return ret;
		}
	}
	*objp = obj;
	return EXIT_OK;
}

int load_object(struct bpf_object *obj, const char *obj_arg)
{
	int ret;

	ret = bpf_object__load(obj);
	if (!ret)
		return EXIT_OK;
	if (verifier_log_seen()) {
		err("the verifier rejected '%s'", obj_arg);
		show_verifier_tail(15);
		return EXIT_FAIL;
	}
	if (ret == -EPERM || ret == -EACCES) {
		err("loading '%s': permission denied", obj_arg);
		return EXIT_ENV;
	}
	err("loading '%s' failed: %s", obj_arg, strerror(-ret));
	return EXIT_FAIL;
}

/*
 * What an object offers: its policies, the programs attached with them
 * (companions.c) and their tunables with defaults.
 */
int cmd_info(const char *obj_arg)
{
	struct bpf_map *maps[NR_KINDS];
	struct bpf_program *prog;
	struct bpf_object *obj;
	size_t k;
	int ret;

	ret = open_with_maps(obj_arg, &obj, maps);
	if (ret)
		return ret;
	for (k = 0; k < NR_KINDS; k++)
		if (maps[k])
			printf("policy %-10s %s (struct %s)\n", kinds[k].name,
			       bpf_map__name(maps[k]), kinds[k].ops_type);
	bpf_object__for_each_program(prog, obj)
		if (is_companion(prog))
			printf("program %s (SEC(\"%s\")): attached with the policies\n",
			       bpf_program__name(prog),
			       bpf_program__section_name(prog));
	print_tunables(obj);
	bpf_object__close(obj);
	return EXIT_OK;
}

int cmd_list_builtin(void)
{
	size_t i;

	for (i = 0; i < NR_BUILTINS; i++)
		printf("%s\n", builtin_policies[i].name);
	return EXIT_OK;
}
