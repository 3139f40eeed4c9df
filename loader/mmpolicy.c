// SPDX-License-Identifier: GPL-2.0
/*
 * mmpolicy: load, swap, inspect and unload BPF memory-management policies.
 *
 * A policy object holds one struct_ops map per decision it takes over
 * (demotion, ...). Loading attaches each through a BPF link and pins the
 * link under /sys/fs/bpf/mm_policy/<kind>, so the policy outlives this
 * process. Swapping replaces the policy behind that link in one
 * BPF_LINK_UPDATE, compare-and-swap against the policy found attached.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#define PIN_ROOT	"/sys/fs/bpf/mm_policy"
#define SYSFS_ROOT	"/sys/kernel/mm/bpf_policy"
#define META_ROOT	"/run/mm_policy"

/* Exit codes, documented in README.md. */
enum {
	EXIT_OK		= 0,
	EXIT_FAIL	= 1,	/* the kernel refused: verifier, attach, ... */
	EXIT_USAGE	= 2,
	EXIT_OBJECT	= 3,	/* missing, unreadable or not a policy object */
	EXIT_ENV	= 4,	/* no privileges, no patched kernel, no bpffs */
	EXIT_CONFLICT	= 5,	/* already attached; swap lost its race */
};

struct kind {
	const char *name;	/* sysfs directory and pin name */
	const char *ops_type;	/* struct_ops type in the kernel */
};

static const struct kind kinds[] = {
	{ "demotion",	"mm_demotion_ops" },
	{ "thp",	"mm_thp_ops" },
	{ "compaction",	"mm_compact_ops" },
};

#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

struct builtin_policy {
	const char *name;
	const void *(*elf_bytes)(size_t *sz);
};

#include "builtin_policies.h"

#define NR_BUILTINS (sizeof(builtin_policies) / sizeof(builtin_policies[0]))

static bool verbose;

/* libbpf's output, kept so that errors can show the part that matters. */
static char *libbpf_log;
static size_t libbpf_log_len;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char buf[4096];
	int n;

	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return n;
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (verbose)
		fputs(buf, stderr);
	libbpf_log = realloc(libbpf_log, libbpf_log_len + n + 1);
	if (!libbpf_log)
		return 0;
	memcpy(libbpf_log + libbpf_log_len, buf, n + 1);
	libbpf_log_len += n;
	return n;
}

static void err(const char *fmt, ...)
{
	va_list ap;

	fputs("mmpolicy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * The verifier log can run to thousands of lines; the reason is at its end.
 * Show the last lines of the last program log libbpf printed.
 */
static void show_verifier_tail(int max_lines)
{
	char *begin, *end, *p;
	int lines = 0;

	if (!libbpf_log)
		return;
	begin = libbpf_log;
	while ((p = strstr(begin, "-- BEGIN PROG LOAD LOG --")))
		begin = p + strlen("-- BEGIN PROG LOAD LOG --\n");
	if (begin == libbpf_log)
		return;
	end = strstr(begin, "-- END PROG LOAD LOG --");
	if (!end)
		end = libbpf_log + libbpf_log_len;
	for (p = end; p > begin; p--)
		if (p[-1] == '\n' && ++lines > max_lines)
			break;
	fprintf(stderr, "mmpolicy: verifier log (last %d lines; -v for all):\n",
		max_lines);
	fwrite(p, 1, end - p, stderr);
}

static bool has_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};
	__u64 eff;

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	eff = data[0].effective | (__u64)data[1].effective << 32;
	return (eff & (1ULL << CAP_SYS_ADMIN)) &&
	       (eff & (1ULL << CAP_BPF));
}

/* Refuse early, with the reason, rather than fail half-way. */
static int check_env(bool need_bpffs)
{
	struct statfs fs;

	if (!has_caps()) {
		err("permission denied: attaching memory policies needs CAP_BPF and CAP_SYS_ADMIN (run as root)");
		return EXIT_ENV;
	}
	if (access(SYSFS_ROOT, F_OK)) {
		err("this kernel has no BPF memory-policy support (%s missing):", SYSFS_ROOT);
		err("boot a kernel built with kernel-patch/ and CONFIG_BPF_MM_POLICY=y");
		return EXIT_ENV;
	}
	if (need_bpffs &&
	    (statfs("/sys/fs/bpf", &fs) || fs.f_type != BPF_FS_MAGIC)) {
		err("bpffs is not mounted at /sys/fs/bpf: mount -t bpf bpf /sys/fs/bpf");
		return EXIT_ENV;
	}
	return EXIT_OK;
}

static const struct kind *kind_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NR_KINDS; i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

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

static bool kernel_has_kind(const struct kind *k)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS_ROOT "/%s", k->name);
	return !access(path, F_OK);
}

static int read_sysfs(const struct kind *k, const char *file, char *buf,
		      size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), SYSFS_ROOT "/%s/%s", k->name, file);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void pin_path(const struct kind *k, char *buf, size_t len)
{
	snprintf(buf, len, PIN_ROOT "/%s", k->name);
}

static void meta_path(const struct kind *k, char *buf, size_t len)
{
	snprintf(buf, len, META_ROOT "/%s", k->name);
}

/*
 * The tunables of a policy are its `const volatile` variables: the .rodata
 * datasec, and its initial contents, which libbpf loads as they are here.
 */
static const struct btf_type *rodata_of(struct bpf_object *obj, void **data,
					size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *sec;
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (!btf || !bpf_map__is_internal(map) ||
		    !strstr(bpf_map__name(map), ".rodata"))
			continue;
		sec = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
		*data = bpf_map__initial_value(map, size);
		if (sec && *data && btf_is_datasec(sec))
			return sec;
	}
	return NULL;
}

/* --set NAME=VALUE: patch a `const volatile` variable in .rodata. */
static int apply_set(struct bpf_object *obj, const char *assign)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var, *t;
	char name[128], *end;
	const char *eq, *val;
	const struct btf *btf;
	long long v;
	size_t sz;
	void *data;
	int i;

	eq = strchr(assign, '=');
	if (!eq || eq == assign || (size_t)(eq - assign) >= sizeof(name)) {
		err("--set takes NAME=VALUE, not '%s'", assign);
		return EXIT_USAGE;
	}
	memcpy(name, assign, eq - assign);
	name[eq - assign] = '\0';
	val = eq + 1;

	btf = bpf_object__btf(obj);
	sec = rodata_of(obj, &data, &sz);
	if (!sec)
		goto unknown;

	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		var = btf__type_by_id(btf, vs->type);
		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		t = btf__type_by_id(btf, btf__resolve_type(btf, var->type));
		if (!t || !(btf_is_int(t) || btf_is_enum(t)) ||
		    vs->offset + vs->size > sz) {
			err("tunable '%s' is not an integer; cannot set it", name);
			return EXIT_USAGE;
		}
		if (!strcmp(val, "true"))
			v = 1;
		else if (!strcmp(val, "false"))
			v = 0;
		else {
			errno = 0;
			v = strtoll(val, &end, 0);
			if (errno || *end || end == val) {
				err("--set %s: '%s' is not a number", name, val);
				return EXIT_USAGE;
			}
		}
		switch (vs->size) {
		case 1: *(__u8 *)(data + vs->offset) = v; break;
		case 2: *(__u16 *)(data + vs->offset) = v; break;
		case 4: *(__u32 *)(data + vs->offset) = v; break;
		case 8: *(__u64 *)(data + vs->offset) = v; break;
		default:
			err("tunable '%s' has an unsupported size", name);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
unknown:
	err("this policy has no tunable '%s' (tunables: 'mmpolicy info OBJ')", name);
	return EXIT_USAGE;
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
		maps[i] = map;
		found++;
	}
	if (!found) {
		err("'%s' contains no memory policy (no struct mm_demotion_ops, mm_thp_ops or mm_compact_ops in SEC(\".struct_ops.link\"))",
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

static int load_object(struct bpf_object *obj, const char *obj_arg)
{
	int ret;

	ret = bpf_object__load(obj);
	if (!ret)
		return EXIT_OK;
	if (ret == -EPERM || ret == -EACCES) {
		if (strstr(libbpf_log ?: "", "PROG LOAD LOG")) {
			err("the verifier rejected '%s'", obj_arg);
			show_verifier_tail(15);
			return EXIT_FAIL;
		}
		err("loading '%s': permission denied", obj_arg);
		return EXIT_ENV;
	}
	if (strstr(libbpf_log ?: "", "PROG LOAD LOG")) {
		err("the verifier rejected '%s'", obj_arg);
		show_verifier_tail(15);
	} else {
		err("loading '%s' failed: %s", obj_arg, strerror(-ret));
	}
	return EXIT_FAIL;
}

#define MAX_PROGS 8

/* What is attached to one hook, as the kernel reports it. */
struct attached {
	__u32 link_id;
	__u32 map_id;
	char map_name[BPF_OBJ_NAME_LEN];
	__u32 prog_ids[MAX_PROGS];
	int nr_progs;
};

/*
 * A struct_ops map's value, read back, holds the ids of its programs in the
 * function-pointer slots of the ops struct. Use vmlinux BTF to find them.
 */
static void read_prog_ids(const struct btf *vmlinux, const struct btf_type *vt,
			  int mfd, __u32 value_size, struct attached *a)
{
	const struct btf_member *m, *dm;
	const struct btf_type *ops, *mt;
	unsigned char *value;
	__u32 zero = 0;
	int i, j;

	value = calloc(1, value_size);
	if (!value || bpf_map_lookup_elem(mfd, &zero, value))
		goto out;
	m = btf_members(vt);
	for (i = 0; i < btf_vlen(vt); i++, m++) {
		if (strcmp(btf__name_by_offset(vmlinux, m->name_off), "data"))
			continue;
		ops = btf__type_by_id(vmlinux, m->type);
		dm = btf_members(ops);
		for (j = 0; j < btf_vlen(ops) && a->nr_progs < MAX_PROGS; j++, dm++) {
			__u32 off = (m->offset + dm->offset) / 8;
			__u64 id;

			mt = btf__type_by_id(vmlinux, dm->type);
			if (!btf_is_ptr(mt) || off + 8 > value_size)
				continue;
			memcpy(&id, value + off, sizeof(id));
			if (id)
				a->prog_ids[a->nr_progs++] = id;
		}
	}
out:
	free(value);
}

/*
 * The policy attached to hook @k, found by walking the kernel's links: the
 * live one sysfs names if there is one, else a link the kernel ejected.
 */
static int find_attached(const struct kind *k, struct attached *a)
{
	struct bpf_link_info li;
	struct bpf_map_info mi;
	const struct btf_type *t;
	struct btf *vmlinux;
	__u32 id = 0, len, live = 0;
	char want[64], buf[32];
	int fd, mfd, ret = -ENOENT;

	a->link_id = 0;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -errno;
	if (!read_sysfs(k, "link_id", buf, sizeof(buf)))
		live = strtoul(buf, NULL, 10);
	snprintf(want, sizeof(want), "bpf_struct_ops_%s", k->ops_type);
	while ((ret || (live && a->link_id != live)) &&
	       !bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&li, 0, sizeof(li));
		len = sizeof(li);
		if (bpf_link_get_info_by_fd(fd, &li, &len) ||
		    li.type != BPF_LINK_TYPE_STRUCT_OPS || !li.struct_ops.map_id) {
			close(fd);
			continue;
		}
		close(fd);
		mfd = bpf_map_get_fd_by_id(li.struct_ops.map_id);
		if (mfd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		len = sizeof(mi);
		if (!bpf_map_get_info_by_fd(mfd, &mi, &len) &&
		    (t = btf__type_by_id(vmlinux, mi.btf_vmlinux_value_type_id)) &&
		    !strcmp(btf__name_by_offset(vmlinux, t->name_off), want)) {
			memset(a, 0, sizeof(*a));
			a->link_id = id;
			a->map_id = li.struct_ops.map_id;
			snprintf(a->map_name, sizeof(a->map_name), "%s", mi.name);
			read_prog_ids(vmlinux, t, mfd, mi.value_size, a);
			ret = 0;
		}
		close(mfd);
	}
	btf__free(vmlinux);
	return ret;
}

static void write_meta(const struct kind *k, const char *obj_arg, int nsets,
		       char **sets)
{
	char path[256];
	FILE *f;
	int i;

	mkdir(META_ROOT, 0755);
	meta_path(k, path, sizeof(path));
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "object=%s\nloaded=%ld\nset=", obj_arg, (long)time(NULL));
	for (i = 0; i < nsets; i++)
		fprintf(f, "%s%s", i ? "," : "", sets[i]);
	fputc('\n', f);
	fclose(f);
}

static int prepare(const char *obj_arg, int nsets, char **sets,
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
	ret = load_object(obj, obj_arg);
	if (ret) {
		bpf_object__close(obj);
		return ret;
	}
	*objp = obj;
	return EXIT_OK;
}

static void unpin(const struct kind *k)
{
	char path[256];

	pin_path(k, path, sizeof(path));
	unlink(path);
	meta_path(k, path, sizeof(path));
	unlink(path);
}

static bool hook_is_ejected(const struct kind *k)
{
	char state[32];

	return !read_sysfs(k, "state", state, sizeof(state)) &&
	       !strcmp(state, "ejected");
}

static int detach_link(__u32 link_id)
{
	int fd, ret;

	fd = bpf_link_get_fd_by_id(link_id);
	if (fd < 0)
		return -errno;
	ret = bpf_link_detach(fd);
	close(fd);
	return ret;
}

/* The kernel ejected the last policy: its link is only a marker now. */
static void remove_ejected(const struct kind *k)
{
	struct attached cur;
	char why[256] = "";

	read_sysfs(k, "exit_reason", why, sizeof(why));
	if (!find_attached(k, &cur) && !detach_link(cur.link_id))
		printf("%s: removed the ejected policy (%s)\n", k->name, why);
	unpin(k);
}

/* Say why the kernel refused an attach, in the operator's terms. */
static int attach_error(const struct kind *k, const char *name, int e)
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

static int cmd_load(const char *obj_arg, int nsets, char **sets)
{
	struct bpf_link *links[NR_KINDS] = {};
	struct bpf_map *maps[NR_KINDS];
	struct bpf_object *obj;
	struct attached cur;
	char path[256];
	int ret;
	size_t k;

	ret = check_env(true);
	if (ret)
		return ret;
	ret = prepare(obj_arg, nsets, sets, &obj, maps);
	if (ret)
		return ret;

	/* Check every kind first: attach all of the object or none of it. */
	for (k = 0; k < NR_KINDS; k++) {
		if (maps[k] && hook_is_ejected(&kinds[k]))
			remove_ejected(&kinds[k]);
		if (maps[k] && !find_attached(&kinds[k], &cur)) {
			char name[64] = "?";

			read_sysfs(&kinds[k], "policy", name, sizeof(name));
			err("a %s policy is already attached ('%s', link %u): use 'mmpolicy swap %s' to replace it",
			    kinds[k].name, name, cur.link_id, obj_arg);
			ret = EXIT_CONFLICT;
			goto out_close;
		}
	}
	mkdir(PIN_ROOT, 0700);
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
	for (k = 0; k < NR_KINDS; k++) {
		if (!links[k])
			continue;
		write_meta(&kinds[k], obj_arg, nsets, sets);
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
out_close:
	bpf_object__close(obj);
	return ret;
}

/*
 * libbpf writes a struct_ops map's value only while attaching it. Attaching
 * to an occupied hook fails with -EBUSY from the kernel but leaves the map
 * written and ready, which is all BPF_LINK_UPDATE needs.
 */
static int make_ready(struct bpf_map *map, const struct kind *k)
{
	struct bpf_link *link;

	link = bpf_map__attach_struct_ops(map);
	if (!link)
		return errno == EBUSY ? 0 : -errno;
	/* The hook was empty: someone unloaded in the meantime. Undo. */
	bpf_link__destroy(link);
	err("no %s policy is attached any more: nothing to swap (use 'mmpolicy load')",
	    k->name);
	return -ENOENT;
}

/*
 * @expect: the policy the operator believes is attached: a map id (as
 * 'mmpolicy status' shows it) or a policy name; NULL for whatever is
 * attached now. The kernel compares it with the link's map in the swap
 * itself (BPF_F_REPLACE), so a change in between makes the swap fail.
 */
static int swap_one(const struct kind *k, struct bpf_map *map,
		    const char *obj_arg, int nsets, char **sets,
		    const char *expect)
{
	LIBBPF_OPTS(bpf_link_update_opts, opts, .flags = BPF_F_REPLACE);
	struct timespec t0, t1;
	struct attached cur;
	char old[64] = "?";
	__u32 lid, old_mid;
	char *end;
	int lfd, ofd, ret;

	if (hook_is_ejected(k)) {
		char why[256] = "";

		read_sysfs(k, "exit_reason", why, sizeof(why));
		err("the kernel ejected the %s policy (%s): nothing to swap (use 'mmpolicy load %s')",
		    k->name, why, obj_arg);
		return EXIT_CONFLICT;
	}
	if (find_attached(k, &cur)) {
		err("no %s policy is attached: nothing to swap (use 'mmpolicy load %s')",
		    k->name, obj_arg);
		return EXIT_CONFLICT;
	}
	lid = cur.link_id;
	old_mid = cur.map_id;
	if (expect) {
		unsigned long id = strtoul(expect, &end, 10);

		if (*end) {
			read_sysfs(k, "policy", old, sizeof(old));
			if (strcmp(old, expect)) {
				err("the %s policy attached is '%s', not '%s': nothing swapped",
				    k->name, old, expect);
				return EXIT_CONFLICT;
			}
		} else {
			old_mid = id;
		}
	}
	read_sysfs(k, "policy", old, sizeof(old));
	ret = make_ready(map, k);
	if (ret)
		return ret == -ENOENT ? EXIT_CONFLICT : EXIT_FAIL;

	lfd = bpf_link_get_fd_by_id(lid);
	ofd = bpf_map_get_fd_by_id(old_mid);
	if (lfd < 0 || ofd < 0) {
		err("the %s compare-and-swap lost: the expected policy (map %u) is gone; nothing swapped",
		    k->name, old_mid);
		ret = EXIT_CONFLICT;
		goto out;
	}
	opts.old_map_fd = ofd;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = bpf_link_update(lfd, bpf_map__fd(map), &opts);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret == -EPERM) {
		err("the %s compare-and-swap lost: the policy attached is not the expected one (map %u); nothing swapped",
		    k->name, old_mid);
		ret = EXIT_CONFLICT;
		goto out;
	}
	if (ret) {
		err("swapping the %s policy failed: %s", k->name, strerror(-ret));
		ret = EXIT_FAIL;
		goto out;
	}
	write_meta(k, obj_arg, nsets, sets);
	printf("%s: swapped '%s' -> '%s' atomically in %.1f us\n", k->name, old,
	       bpf_map__name(map),
	       (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3);
	ret = EXIT_OK;
out:
	if (lfd >= 0)
		close(lfd);
	if (ofd >= 0)
		close(ofd);
	return ret;
}

static int cmd_swap(const char *obj_arg, int nsets, char **sets,
		    const char *expect)
{
	struct bpf_map *maps[NR_KINDS];
	struct bpf_object *obj;
	int ret, worst = EXIT_OK;
	size_t k;

	ret = check_env(true);
	if (ret)
		return ret;
	ret = prepare(obj_arg, nsets, sets, &obj, maps);
	if (ret)
		return ret;
	for (k = 0; k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		ret = swap_one(&kinds[k], maps[k], obj_arg, nsets, sets, expect);
		if (ret && !worst)
			worst = ret;
	}
	bpf_object__close(obj);
	return worst;
}

static int unload_kind(const struct kind *k, bool quiet)
{
	struct attached cur;
	char name[64] = "?";
	int ret;

	if (find_attached(k, &cur)) {
		unpin(k);
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
	printf("%s: detached '%s'\n", k->name, name);
	/* A link the kernel ejected earlier may still be there. */
	return find_attached(k, &cur) ? EXIT_OK : unload_kind(k, true);
}

static int cmd_unload(const char *what)
{
	const struct kind *k;
	int ret, worst = EXIT_OK;
	size_t i;

	ret = check_env(false);
	if (ret)
		return ret;
	if (strcmp(what, "all")) {
		k = kind_by_name(what);
		if (!k) {
			err("unknown policy kind '%s' (demotion, thp, compaction, all)", what);
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

static const char *const stat_files[] = {
	"calls", "overrides", "invalid", "declined", "fallbacks",
};

struct meta {
	char object[256];
	char set[256];
	long loaded;
};

static void read_meta(const struct kind *k, struct meta *m)
{
	char path[256], line[512];
	FILE *f;

	memset(m, 0, sizeof(*m));
	meta_path(k, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "object=", 7))
			snprintf(m->object, sizeof(m->object), "%.255s", line + 7);
		else if (!strncmp(line, "set=", 4))
			snprintf(m->set, sizeof(m->set), "%.255s", line + 4);
		else if (!strncmp(line, "loaded=", 7))
			m->loaded = atol(line + 7);
	}
	fclose(f);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

static void status_json(const struct kind *k, bool attached,
			const struct attached *a, const struct meta *m)
{
	char val[64];
	size_t s;
	int i;

	read_sysfs(k, "policy", val, sizeof(val));
	printf("\"%s\":{\"policy\":", k->name);
	json_str(val);
	printf(",\"attached\":%s", attached ? "true" : "false");
	if (!read_sysfs(k, "state", val, sizeof(val))) {
		char why[256] = "";

		printf(",\"state\":");
		json_str(val);
		read_sysfs(k, "exit_reason", why, sizeof(why));
		printf(",\"exit_reason\":");
		json_str(why);
	}
	if (attached) {
		printf(",\"link_id\":%u,\"map_id\":%u,\"prog_ids\":[", a->link_id, a->map_id);
		for (i = 0; i < a->nr_progs; i++)
			printf("%s%u", i ? "," : "", a->prog_ids[i]);
		printf("]");
		if (m->object[0]) {
			printf(",\"object\":");
			json_str(m->object);
			printf(",\"loaded\":%ld,\"set\":", m->loaded);
			json_str(m->set);
		}
	}
	for (s = 0; s < sizeof(stat_files) / sizeof(stat_files[0]); s++) {
		read_sysfs(k, stat_files[s], val, sizeof(val));
		printf(",\"%s\":%s", stat_files[s], val[0] ? val : "0");
	}
	printf("}");
}

static void status_text(const struct kind *k, bool attached,
			const struct attached *a, const struct meta *m)
{
	char val[64], when[32];
	struct tm tm;
	size_t s;
	int i;

	if (hook_is_ejected(k)) {
		char why[256] = "";

		read_sysfs(k, "exit_reason", why, sizeof(why));
		printf("%-11s EJECTED by the kernel: %s\n", k->name, why);
		printf("            the kernel decides; 'mmpolicy unload %s' removes the link, 'mmpolicy load' attaches anew\n",
		       k->name);
		attached = false;
	}
	read_sysfs(k, "policy", val, sizeof(val));
	printf("%-11s %s\n", k->name, attached ? val : "none");
	if (attached) {
		printf("            link %u, map %u, progs", a->link_id, a->map_id);
		for (i = 0; i < a->nr_progs; i++)
			printf(" %u", a->prog_ids[i]);
		printf("\n");
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
	for (s = 0; s < sizeof(stat_files) / sizeof(stat_files[0]); s++) {
		read_sysfs(k, stat_files[s], val, sizeof(val));
		printf(" %s=%s", stat_files[s], val);
	}
	printf("\n");
}

static int cmd_status(bool json)
{
	struct attached a;
	struct meta m;
	bool attached, first = true;
	size_t i;
	int ret;

	ret = check_env(false);
	if (ret)
		return ret;
	if (json)
		printf("{");
	for (i = 0; i < NR_KINDS; i++) {
		const struct kind *k = &kinds[i];

		if (!kernel_has_kind(k))
			continue;
		attached = !find_attached(k, &a);
		if (attached)
			read_meta(k, &m);
		else
			memset(&m, 0, sizeof(m));
		if (json) {
			printf("%s", first ? "" : ",");
			status_json(k, attached, &a, &m);
		} else {
			status_text(k, attached, &a, &m);
		}
		first = false;
	}
	if (json)
		printf("}\n");
	return EXIT_OK;
}

/* What an object offers: its policies and their tunables with defaults. */
static int cmd_info(const char *obj_arg)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var;
	struct bpf_map *maps[NR_KINDS];
	struct bpf_object *obj;
	const struct btf *btf;
	size_t k, sz;
	void *data;
	int ret, i;

	ret = open_with_maps(obj_arg, &obj, maps);
	if (ret)
		return ret;
	for (k = 0; k < NR_KINDS; k++)
		if (maps[k])
			printf("policy %-10s %s (struct %s)\n", kinds[k].name,
			       bpf_map__name(maps[k]), kinds[k].ops_type);
	btf = bpf_object__btf(obj);
	sec = rodata_of(obj, &data, &sz);
	vs = sec ? btf_var_secinfos(sec) : NULL;
	for (i = 0; sec && i < btf_vlen(sec); i++, vs++) {
		long long v = 0;

		var = btf__type_by_id(btf, vs->type);
		if (vs->size > 8 || vs->offset + vs->size > sz)
			continue;
		memcpy(&v, data + vs->offset, vs->size);
		if (vs->size < 8 && (v >> (vs->size * 8 - 1)) & 1)
			v -= 1LL << (vs->size * 8);
		printf("tunable %-18s default %lld\n",
		       btf__name_by_offset(btf, var->name_off), v);
	}
	bpf_object__close(obj);
	return EXIT_OK;
}

static int cmd_list_builtin(void)
{
	size_t i;

	for (i = 0; i < NR_BUILTINS; i++)
		printf("%s\n", builtin_policies[i].name);
	return EXIT_OK;
}

struct command_help {
	const char *name;
	const char *text;
};

static const struct command_help helps[] = {
	{ "load",
"usage: mmpolicy load OBJ [--set VAR=VALUE]...\n"
"\n"
"Load OBJ (a BPF object file, or a built-in policy name) and attach every\n"
"policy in it: demotion, thp, compaction, any subset. Each attachment is a\n"
"BPF link pinned at " PIN_ROOT "/KIND, so it stays after mmpolicy\n"
"exits. If a policy of any of those kinds is already attached, nothing is\n"
"attached: use 'mmpolicy swap'.\n"
"\n"
"  --set VAR=VALUE   set a tunable (a `const volatile` variable of the\n"
"                    policy; 'mmpolicy info OBJ' lists them) before loading\n" },
	{ "swap",
"usage: mmpolicy swap OBJ [--set VAR=VALUE]... [--expect MAP_ID|NAME]\n"
"\n"
"Replace the attached policy of each kind OBJ has with the one in OBJ, in\n"
"one atomic step: BPF_LINK_UPDATE with BPF_F_REPLACE, a compare-and-swap\n"
"against the policy found (or expected) attached. Every decision is made\n"
"by the old or the new policy; none is made without one.\n"
"\n"
"  --expect MAP_ID|NAME   swap only if this policy is the one attached\n"
"                         (map id as 'mmpolicy status' shows it, or name);\n"
"                         exit 5 and change nothing otherwise\n" },
	{ "unload",
"usage: mmpolicy unload KIND|all\n"
"\n"
"Detach the policy of KIND (demotion, thp, compaction), or all of them,\n"
"and remove their pins. Policies attached by other tools are detached too.\n" },
	{ "status",
"usage: mmpolicy status [--json]\n"
"\n"
"For each hook the kernel has: the attached policy, its link, map and\n"
"program ids, where it was loaded from, when, with which tunables, and the\n"
"kernel's counters (calls, overrides, invalid answers, fallbacks).\n" },
	{ "info",
"usage: mmpolicy info OBJ\n"
"\n"
"List the policies in OBJ and their tunables with default values.\n"
"Loads nothing; needs no privileges.\n" },
	{ "list-builtin",
"usage: mmpolicy list-builtin\n"
"\n"
"List the policies built into this binary (usable as OBJ by name).\n" },
};

static bool command_help(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		if (!strcmp(helps[i].name, cmd)) {
			fputs(helps[i].text, stdout);
			return true;
		}
	}
	return false;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: mmpolicy [-v] COMMAND [ARGS]\n"
"\n"
"  load OBJ [--set VAR=VALUE]...   attach every policy in OBJ and pin it\n"
"  swap OBJ [--set VAR=VALUE]...   atomically replace the attached policies\n"
"                                  with those in OBJ\n"
"  unload KIND|all                 detach (KIND: demotion, thp, compaction)\n"
"  status [--json]                 attached policies and the kernel's counters\n"
"  info OBJ                        the policies and tunables in OBJ\n"
"  list-builtin                    policies built into this binary\n"
"\n"
"OBJ is a BPF object file, or the name of a built-in policy.\n"
"'mmpolicy COMMAND --help' describes a command.\n"
"--set writes a `const volatile` tunable of the policy before it loads.\n"
"Exit status: 0 ok, 1 kernel refused, 2 usage, 3 bad object,\n"
"             4 environment (privileges, kernel, bpffs), 5 conflict.\n");
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "expect", required_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char **sets = calloc(argc, sizeof(char *));
	const char *cmd, *expect = NULL;
	bool json = false;
	int nsets = 0, opt;

	libbpf_set_print(libbpf_print);
	while ((opt = getopt_long(argc, argv, "+vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* The command's own options, anywhere after it (optind 0: rescan). */
	argc -= optind;
	argv += optind;
	cmd = argv[0];
	optind = 0;
	while ((opt = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 's': sets[nsets++] = optarg; break;
		case 'j': json = true; break;
		case 'e': expect = optarg; break;
		case 'v': verbose = true; break;
		case 'h':
			if (command_help(cmd))
				return EXIT_OK;
			usage(stdout);
			return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "load") && argc == 1)
		return cmd_load(argv[0], nsets, sets);
	if (!strcmp(cmd, "swap") && argc == 1)
		return cmd_swap(argv[0], nsets, sets, expect);
	if (!strcmp(cmd, "unload") && argc == 1)
		return cmd_unload(argv[0]);
	if ((!strcmp(cmd, "status") || !strcmp(cmd, "list")) && argc == 0)
		return cmd_status(json);
	if (!strcmp(cmd, "info") && argc == 1)
		return cmd_info(argv[0]);
	if (!strcmp(cmd, "list-builtin") && argc == 0)
		return cmd_list_builtin();
	if (!command_help(cmd))
		usage(stderr);
	return EXIT_USAGE;
}
