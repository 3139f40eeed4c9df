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
#define _GNU_SOURCE	/* vasprintf */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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
	EXIT_PARTIAL	= 6,	/* swap failed, and so did swapping back */
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

/*
 * libbpf's output, kept whole so that errors can show the part that
 * matters: libbpf prints a verifier log of any length in one message.
 */
static char *libbpf_log;
static size_t libbpf_log_len, libbpf_log_cap;

static void log_append(const char *s, size_t n)
{
	size_t cap = libbpf_log_cap ?: 4096;
	char *p;

	while (cap < libbpf_log_len + n + 1)
		cap *= 2;
	if (cap != libbpf_log_cap) {
		p = realloc(libbpf_log, cap);
		if (!p)
			return;		/* keep what we have */
		libbpf_log = p;
		libbpf_log_cap = cap;
	}
	memcpy(libbpf_log + libbpf_log_len, s, n);
	libbpf_log_len += n;
	libbpf_log[libbpf_log_len] = '\0';
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char *msg;
	int n;

	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	n = vasprintf(&msg, fmt, ap);
	if (n < 0)
		return n;
	if (verbose)
		fputs(msg, stderr);
	log_append(msg, n);
	free(msg);
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
	int lines = 0, total = 0;

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
	for (p = begin; p < end; p++)
		total += *p == '\n';
	for (p = end; p > begin; p--)
		if (p[-1] == '\n' && ++lines > max_lines)
			break;
	fprintf(stderr, "mmpolicy: verifier log (last %d of %d lines; -v for all):\n",
		lines > max_lines ? max_lines : lines, total);
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

/* How a tunable is stored, from its BTF type. */
struct tunable_type {
	unsigned int bits;
	bool is_signed;
	bool is_bool;
	bool is_enum;
};

static int tunable_type_of(const struct btf *btf, __u32 type_id, __u32 size,
			   struct tunable_type *tt)
{
	const struct btf_type *t;

	t = btf__type_by_id(btf, btf__resolve_type(btf, type_id));
	if (!t)
		return -EINVAL;
	memset(tt, 0, sizeof(*tt));
	if (btf_is_int(t)) {
		if (btf_int_offset(t))
			return -EINVAL;
		tt->bits = btf_int_bits(t);
		tt->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		tt->is_bool = btf_int_encoding(t) & BTF_INT_BOOL;
	} else if (btf_is_any_enum(t)) {
		tt->bits = t->size * 8;
		tt->is_signed = btf_kflag(t);
		tt->is_enum = true;
	} else {
		return -EINVAL;
	}
	if (!tt->bits || tt->bits > 64 || tt->bits > size * 8)
		return -EINVAL;
	return 0;
}

static void describe_type(const struct tunable_type *tt, char *buf, size_t len)
{
	if (tt->is_bool)
		snprintf(buf, len, "bool");
	else
		snprintf(buf, len, "%u-bit %s %s", tt->bits,
			 tt->is_signed ? "signed" : "unsigned",
			 tt->is_enum ? "enum" : "integer");
}

static const char *article(const struct tunable_type *tt)
{
	return tt->bits == 8 && !tt->is_bool ? "an" : "a";
}

/* "does not fit": say the range the variable holds. */
static int out_of_range(const char *name, const char *val,
			const struct tunable_type *tt)
{
	char what[48];

	describe_type(tt, what, sizeof(what));
	if (tt->is_signed)
		err("--set %s=%s: %s is %s %s: %s does not fit (%lld..%lld)",
		    name, val, name, article(tt), what, val,
		    tt->bits == 64 ? (long long)INT64_MIN : -(1LL << (tt->bits - 1)),
		    tt->bits == 64 ? (long long)INT64_MAX : (1LL << (tt->bits - 1)) - 1);
	else
		err("--set %s=%s: %s is %s %s: %s does not fit (0..%llu)",
		    name, val, name, article(tt), what, val,
		    tt->bits == 64 ? (unsigned long long)UINT64_MAX :
		    (1ULL << tt->bits) - 1);
	return EXIT_USAGE;
}

/*
 * A tunable's value: base 10 (leading zeros do not make it octal: 010 is
 * ten), or hexadecimal with 0x; a minus sign for signed types only; it must
 * fit the variable. A bool takes 0, 1, true or false and nothing else.
 */
static int parse_tunable(const char *name, const char *val,
			 const struct tunable_type *tt, __u64 *out)
{
	const char *d = val;
	char what[48], *end;
	int base = 10;

	describe_type(tt, what, sizeof(what));
	if (tt->is_bool) {
		if (!strcmp(val, "1") || !strcmp(val, "true"))
			*out = 1;
		else if (!strcmp(val, "0") || !strcmp(val, "false"))
			*out = 0;
		else {
			err("--set %s=%s: %s is a bool: give 0, 1, true or false",
			    name, val, name);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (!strcmp(val, "true") || !strcmp(val, "false")) {
		err("--set %s=%s: %s is %s %s, not a bool: give a number",
		    name, val, name, article(tt), what);
		return EXIT_USAGE;
	}
	if (*d == '-')
		d++;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
		base = 16;
		d += 2;
	}
	if (!*d || strspn(d, base == 16 ? "0123456789abcdefABCDEF" :
			  "0123456789") != strlen(d)) {
		err("--set %s=%s: '%s' is not a number (decimal, or hexadecimal with 0x)",
		    name, val, val);
		return EXIT_USAGE;
	}
	errno = 0;
	if (tt->is_signed) {
		long long v = strtoll(val, &end, base);

		if (errno == ERANGE || *end ||
		    (tt->bits < 64 && (v < -(1LL << (tt->bits - 1)) ||
				       v > (1LL << (tt->bits - 1)) - 1)))
			return out_of_range(name, val, tt);
		*out = v;
	} else {
		unsigned long long v;

		if (*val == '-')
			return out_of_range(name, val, tt);
		v = strtoull(val, &end, base);
		if (errno == ERANGE || *end || (tt->bits < 64 && v >> tt->bits))
			return out_of_range(name, val, tt);
		*out = v;
	}
	return EXIT_OK;
}

static void store_tunable(void *p, __u32 size, __u64 v)
{
	switch (size) {
	case 1: *(__u8 *)p = v; break;
	case 2: *(__u16 *)p = v; break;
	case 4: *(__u32 *)p = v; break;
	case 8: *(__u64 *)p = v; break;
	}
}

/* --set NAME=VALUE: patch a `const volatile` variable in .rodata. */
static int apply_set(struct bpf_object *obj, const char *assign)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var;
	struct tunable_type tt;
	const char *eq, *val;
	const struct btf *btf;
	char name[128];
	size_t sz;
	void *data;
	__u64 v = 0;
	int i, ret;

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
		if (vs->offset + vs->size > sz ||
		    (vs->size != 1 && vs->size != 2 && vs->size != 4 &&
		     vs->size != 8) ||
		    tunable_type_of(btf, var->type, vs->size, &tt)) {
			err("tunable '%s' is not an integer, bool or enum; cannot set it",
			    name);
			return EXIT_USAGE;
		}
		ret = parse_tunable(name, val, &tt, &v);
		if (ret)
			return ret;
		store_tunable(data + vs->offset, vs->size, v);
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
 * Return: 0, or -errno if the value cannot be read or has more than
 * MAX_PROGS programs.
 */
static int read_prog_ids(const struct btf *vmlinux, const struct btf_type *vt,
			 int mfd, __u32 value_size, __u32 *ids, int *nr)
{
	const struct btf_member *m, *dm;
	const struct btf_type *ops, *mt;
	unsigned char *value;
	__u32 zero = 0;
	int i, j, ret;

	value = calloc(1, value_size);
	if (!value)
		return -ENOMEM;
	ret = bpf_map_lookup_elem(mfd, &zero, value);
	if (ret)
		goto out;
	m = btf_members(vt);
	for (i = 0; i < btf_vlen(vt); i++, m++) {
		if (strcmp(btf__name_by_offset(vmlinux, m->name_off), "data"))
			continue;
		ops = btf__type_by_id(vmlinux, m->type);
		dm = btf_members(ops);
		for (j = 0; j < btf_vlen(ops); j++, dm++) {
			__u32 off = (m->offset + dm->offset) / 8;
			__u64 id;

			mt = btf__type_by_id(vmlinux, dm->type);
			if (!btf_is_ptr(mt) || off + 8 > value_size)
				continue;
			memcpy(&id, value + off, sizeof(id));
			if (!id)
				continue;
			if (*nr == MAX_PROGS) {
				ret = -E2BIG;
				goto out;
			}
			ids[(*nr)++] = id;
		}
	}
out:
	free(value);
	return ret;
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
			read_prog_ids(vmlinux, t, mfd, mi.value_size, a->prog_ids,
				      &a->nr_progs);
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

/* Open OBJ, check the kernel has its hooks, apply --set: ready to load. */
static int open_prepared(const char *obj_arg, int nsets, char **sets,
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
 * written and ready, which is all BPF_LINK_UPDATE needs. Any other refusal
 * (no CAP_SYS_ADMIN, bpf_mm_policy.disable=1, ...) is reported as for load.
 * Return: an exit code.
 */
static int make_ready(struct bpf_map *map, const struct kind *k)
{
	struct bpf_link *link;
	int e;

	link = bpf_map__attach_struct_ops(map);
	if (!link) {
		e = errno;
		if (e == EBUSY)
			return EXIT_OK;
		return attach_error(k, bpf_map__name(map), e);
	}
	/* The hook was empty: someone unloaded in the meantime. Undo. */
	bpf_link__destroy(link);
	err("no %s policy is attached any more: nothing to swap (use 'mmpolicy load')",
	    k->name);
	return EXIT_CONFLICT;
}

/*
 * --expect [KIND=]POLICY: the policy the operator believes is attached to
 * KIND, a map id (as 'mmpolicy status' shows it) or a policy name. Digits
 * are a map id; "id:N" and "name:NAME" say which it is (name:123 for a
 * policy named 123). KIND= can be left out when OBJ has one kind only.
 * The kernel compares the map with the link's in the swap itself
 * (BPF_F_REPLACE), so a change in between makes the swap fail.
 */
struct expectation {
	bool set;
	__u32 map_id;		/* 0: by name */
	const char *name;
};

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int parse_map_id(const char *arg, const char *s, __u32 *id)
{
	unsigned long long v;
	char *end;

	if (!all_digits(s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !v || v > UINT32_MAX)
		goto bad;
	*id = v;
	return EXIT_OK;
bad:
	err("--expect %s: '%s' is not a map id (1..4294967295)", arg, s);
	return EXIT_USAGE;
}

/* Policy names are what the kernel allows in a struct_ops name. */
static int parse_policy_name(const char *arg, const char *s)
{
	if (!*s || strlen(s) >= BPF_OBJ_NAME_LEN ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != strlen(s)) {
		err("--expect %s: '%s' is neither a map id nor a policy name (up to 15 of A-Z a-z 0-9 _ .)",
		    arg, s);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static const struct kind *kind_of_prefix(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NR_KINDS; i++)
		if (strlen(kinds[i].name) == len && !strncmp(kinds[i].name, s, len))
			return &kinds[i];
	return NULL;
}

static int parse_expect(const char *arg, struct bpf_map **maps,
			struct expectation *exp)
{
	const char *eq, *val = arg;
	const struct kind *k = NULL;
	struct expectation *e;
	size_t i, n = 0;

	eq = strchr(arg, '=');
	if (eq) {
		k = kind_of_prefix(arg, eq - arg);
		if (!k) {
			err("--expect %s: unknown policy kind '%.*s' (demotion, thp, compaction)",
			    arg, (int)(eq - arg), arg);
			return EXIT_USAGE;
		}
		if (!maps[k - kinds]) {
			err("--expect %s: the object has no %s policy", arg, k->name);
			return EXIT_USAGE;
		}
		val = eq + 1;
	} else {
		for (i = 0; i < NR_KINDS; i++) {
			if (maps[i]) {
				n++;
				if (!k)
					k = &kinds[i];
			}
		}
		if (n > 1) {
			err("--expect %s: the object has policies of several kinds: name the kind, e.g. --expect %s=%s",
			    arg, k->name, arg);
			return EXIT_USAGE;
		}
	}
	e = &exp[k - kinds];
	if (e->set) {
		err("--expect %s: the %s policy is expected twice", arg, k->name);
		return EXIT_USAGE;
	}
	e->set = true;
	if (!strncmp(val, "id:", 3))
		return parse_map_id(arg, val + 3, &e->map_id);
	if (!strncmp(val, "name:", 5))
		val += 5;
	else if (all_digits(val))
		return parse_map_id(arg, val, &e->map_id);
	e->name = val;
	return parse_policy_name(arg, val);
}

/* One kind of a swap, from the first look at the kernel to the commit. */
struct swap_kind {
	const struct kind *k;
	struct bpf_map *map;		/* the new policy */
	char old_name[64];
	__u32 old_mid;			/* the map the swap replaces */
	bool expected;			/* old_mid is from --expect */
	int lfd, ofd;			/* link and old map, held to the end */
	bool swapped;
	double us;
};

/* What is attached, checked against the expectation; changes nothing. */
static int snapshot_kind(struct swap_kind *sk, const struct expectation *e,
			 const char *obj_arg)
{
	const struct kind *k = sk->k;
	struct attached cur;

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
	read_sysfs(k, "policy", sk->old_name, sizeof(sk->old_name));
	if (e->name && strcmp(sk->old_name, e->name)) {
		err("the %s policy attached is '%s', not '%s': nothing swapped",
		    k->name, sk->old_name, e->name);
		return EXIT_CONFLICT;
	}
	sk->old_mid = e->map_id ?: cur.map_id;
	sk->expected = e->map_id;
	sk->lfd = bpf_link_get_fd_by_id(cur.link_id);
	sk->ofd = bpf_map_get_fd_by_id(sk->old_mid);
	if (sk->lfd < 0 || sk->ofd < 0) {
		err("the %s compare-and-swap lost: the expected policy (map %u) is gone; nothing swapped",
		    k->name, sk->old_mid);
		return EXIT_CONFLICT;
	}
	return EXIT_OK;
}

/*
 * Maps of the attached policies that the new object may take over: the
 * maps its programs use (bpf_prog_info.map_ids), each once, held open.
 */
struct old_map {
	int fd;
	struct bpf_map_info info;
	const struct bpf_map *used_by;	/* the new map that takes it over */
};

struct old_maps {
	struct old_map *m;
	int nr, cap;
};

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

static int collect_old_maps(const struct swap_kind *sk, struct old_maps *om)
{
	__u32 prog_ids[MAX_PROGS], len;
	const struct btf_type *t = NULL;
	struct bpf_map_info mi;
	struct btf *vmlinux;
	int nr = 0, i, ret;
	const char *why;
	char want[64];

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		why = strerror(errno);
		goto fail;
	}
	snprintf(want, sizeof(want), "bpf_struct_ops_%s", sk->k->ops_type);
	memset(&mi, 0, sizeof(mi));
	len = sizeof(mi);
	ret = bpf_map_get_info_by_fd(sk->ofd, &mi, &len);
	if (ret) {
		btf__free(vmlinux);
		why = strerror(-ret);
		goto fail;
	}
	t = btf__type_by_id(vmlinux, mi.btf_vmlinux_value_type_id);
	if (!t || strcmp(btf__name_by_offset(vmlinux, t->name_off), want)) {
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
	for (i = 0; i < nr; i++) {
		ret = prog_maps(prog_ids[i], om);
		if (ret) {
			why = strerror(-ret);
			goto fail;
		}
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
static int carry_over(struct bpf_object *obj, struct old_maps *om,
		      char **carried)
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

static bool has_data_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (carries_over(map))
			return true;
	return false;
}

static int link_cas(int lfd, int new_fd, int old_fd)
{
	LIBBPF_OPTS(bpf_link_update_opts, opts, .flags = BPF_F_REPLACE,
		    .old_map_fd = old_fd);

	return bpf_link_update(lfd, new_fd, &opts);
}

static int swap_error(const struct swap_kind *sk, int ret)
{
	switch (-ret) {
	case EPERM:
		err("the %s compare-and-swap lost: the policy attached is not the expected one (map %u)",
		    sk->k->name, sk->old_mid);
		return EXIT_CONFLICT;
	case ENOLINK:
	case ENOENT:
		err("the %s compare-and-swap lost: the policy was detached or ejected meanwhile",
		    sk->k->name);
		return EXIT_CONFLICT;
	default:
		err("swapping the %s policy failed: %s", sk->k->name,
		    strerror(-ret));
		return EXIT_FAIL;
	}
}

/* Put back, compare-and-swap again, what was swapped before kind @upto. */
static bool roll_back(struct swap_kind *sk, size_t upto)
{
	bool ok = true;
	size_t i;
	int ret;

	for (i = 0; i < upto; i++) {
		if (!sk[i].swapped)
			continue;
		ret = link_cas(sk[i].lfd, sk[i].ofd, bpf_map__fd(sk[i].map));
		if (ret) {
			err("%s: rolling back to '%s' failed: %s", sk[i].k->name,
			    sk[i].old_name, strerror(-ret));
			ok = false;
			continue;
		}
		sk[i].swapped = false;
		err("%s: rolled back to '%s'", sk[i].k->name, sk[i].old_name);
	}
	return ok;
}

static __u32 map_id_of(int fd)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);

	memset(&mi, 0, sizeof(mi));
	return bpf_map_get_info_by_fd(fd, &mi, &len) ? 0 : mi.id;
}

/*
 * A roll-back failed: say what the kernel has attached now, read back
 * rather than assumed, and record the kinds left on the new policy.
 */
static void report_partial(const struct swap_kind *sk, const char *obj_arg,
			   int nsets, char **sets)
{
	struct attached cur;
	char name[64];
	__u32 new_id;
	size_t i;

	for (i = 0; i < NR_KINDS; i++) {
		const struct kind *k = sk[i].k;

		if (!sk[i].map)
			continue;
		if (hook_is_ejected(k)) {
			err("%s: nothing is attached now (the kernel ejected the policy)",
			    k->name);
			continue;
		}
		if (find_attached(k, &cur)) {
			err("%s: nothing is attached now", k->name);
			continue;
		}
		strcpy(name, "?");
		read_sysfs(k, "policy", name, sizeof(name));
		new_id = map_id_of(bpf_map__fd(sk[i].map));
		if (new_id && cur.map_id == new_id) {
			write_meta(k, obj_arg, nsets, sets);
			err("%s: the new policy '%s' (map %u) is attached now",
			    k->name, name, cur.map_id);
		} else {
			err("%s: '%s' (map %u) is attached now", k->name, name,
			    cur.map_id);
		}
	}
}

/*
 * Swap every kind, in order; if one fails, swap the ones done back to the
 * policies they had (kept alive by sk->ofd): all kinds or none. If that
 * fails too, the swap is partial: EXIT_PARTIAL, and what is attached is
 * read back and printed.
 */
static int swap_all(struct swap_kind *sk, const char *obj_arg, int nsets,
		    char **sets)
{
	struct timespec t0, t1;
	size_t i;
	int ret;

	for (i = 0; i < NR_KINDS; i++) {
		if (!sk[i].map)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = link_cas(sk[i].lfd, bpf_map__fd(sk[i].map), sk[i].ofd);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ret) {
			ret = swap_error(&sk[i], ret);
			if (roll_back(sk, i)) {
				err("nothing swapped");
				return ret;
			}
			err("the swap is partial: rolling back failed; attached now:");
			report_partial(sk, obj_arg, nsets, sets);
			return EXIT_PARTIAL;
		}
		sk[i].swapped = true;
		sk[i].us = (t1.tv_sec - t0.tv_sec) * 1e6 +
			   (t1.tv_nsec - t0.tv_nsec) / 1e3;
	}
	return EXIT_OK;
}

static int cmd_swap(const char *obj_arg, int nsets, char **sets,
		    int nexpects, char **expects, bool fresh)
{
	struct expectation exp[NR_KINDS] = {};
	struct swap_kind sk[NR_KINDS] = {};
	struct bpf_map *maps[NR_KINDS];
	struct old_maps om = { .nr = 0 };
	sigset_t block, saved;
	char *carried = NULL;
	struct bpf_object *obj;
	size_t k;
	int ret, i;

	for (k = 0; k < NR_KINDS; k++)
		sk[k].lfd = sk[k].ofd = -1;
	ret = check_env(true);
	if (ret)
		return ret;
	ret = open_prepared(obj_arg, nsets, sets, &obj, maps);
	if (ret)
		return ret;
	for (i = 0; i < nexpects; i++) {
		ret = parse_expect(expects[i], maps, exp);
		if (ret)
			goto out;
	}
	/* Look at every kind before changing any. */
	for (k = 0; k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		sk[k].k = &kinds[k];
		sk[k].map = maps[k];
		ret = snapshot_kind(&sk[k], &exp[k], obj_arg);
		if (!ret && !fresh)
			ret = collect_old_maps(&sk[k], &om);
		if (ret)
			goto out;
	}
	if (!fresh) {
		ret = carry_over(obj, &om, &carried);
		if (ret)
			goto out;
	}
	ret = load_object(obj, obj_arg);
	if (ret)
		goto out;
	for (k = 0; k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		ret = make_ready(maps[k], &kinds[k]);
		if (ret)
			goto out;
	}
	/*
	 * No SIGINT, SIGTERM or SIGHUP from the first compare-and-swap until
	 * the swap is committed (and recorded) or rolled back: a kill in
	 * between would leave some kinds swapped and others not.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &saved);
	ret = swap_all(sk, obj_arg, nsets, sets);
	for (k = 0; !ret && k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		write_meta(&kinds[k], obj_arg, nsets, sets);
		printf("%s: swapped '%s' -> '%s' atomically in %.1f us\n",
		       kinds[k].name, sk[k].old_name, bpf_map__name(maps[k]),
		       sk[k].us);
	}
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (ret)
		goto out;
	if (carried)
		printf("maps carried over: %s\n", carried);
	else if (fresh && has_data_maps(obj))
		printf("maps start empty (--fresh)\n");
out:
	for (k = 0; k < NR_KINDS; k++) {
		if (sk[k].lfd >= 0)
			close(sk[k].lfd);
		if (sk[k].ofd >= 0)
			close(sk[k].ofd);
	}
	for (i = 0; i < om.nr; i++)
		close(om.m[i].fd);
	free(om.m);
	free(carried);
	bpf_object__close(obj);
	return ret;
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
		struct tunable_type tt;
		char what[48];
		__u64 v = 0;

		var = btf__type_by_id(btf, vs->type);
		if (vs->size > 8 || vs->offset + vs->size > sz ||
		    tunable_type_of(btf, var->type, vs->size, &tt))
			continue;
		memcpy(&v, data + vs->offset, vs->size);
		if (tt.bits < 64)
			v &= (1ULL << tt.bits) - 1;
		describe_type(&tt, what, sizeof(what));
		if (tt.is_signed && tt.bits < 64 && (v >> (tt.bits - 1)) & 1)
			v -= 1ULL << tt.bits;	/* sign-extend */
		if (tt.is_signed)
			printf("tunable %-18s default %lld (%s)\n",
			       btf__name_by_offset(btf, var->name_off),
			       (long long)v, what);
		else
			printf("tunable %-18s default %llu (%s)\n",
			       btf__name_by_offset(btf, var->name_off),
			       (unsigned long long)v, what);
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
"                    policy; 'mmpolicy info OBJ' lists them) before loading.\n"
"                    VALUE is decimal (010 is ten, not octal) or hex with\n"
"                    0x, and must fit the variable's type: a minus sign for\n"
"                    signed types only; a bool takes 0, 1, true or false,\n"
"                    and only a bool takes true or false\n" },
	{ "swap",
"usage: mmpolicy swap OBJ [--set VAR=VALUE]... [--expect [KIND=]POLICY]...\n"
"                         [--fresh]\n"
"\n"
"Replace the attached policy of each kind OBJ has with the one in OBJ, in\n"
"one atomic step: BPF_LINK_UPDATE with BPF_F_REPLACE, a compare-and-swap\n"
"against the policy found (or expected) attached. Every decision is made\n"
"by the old or the new policy; none is made without one. An object with\n"
"several kinds swaps all of them or none: if one kind fails, the kinds\n"
"already swapped are swapped back to the policies they had, and mmpolicy\n"
"exits 5 naming the kind that failed. If swapping back fails too, it exits\n"
"6 (partial: some kinds are left on the new policy) and prints what the\n"
"kernel has attached to each kind.\n"
"\n"
"Maps carry over: each map of OBJ gets the attached policy's map of the\n"
"same name (one its programs use), with its entries, if both have the same\n"
"type, key and value size, max_entries and flags. Only maps that hold data\n"
"do (hash, array, LRU, per-CPU, LPM trie, queue, stack, bloom filter); the\n"
"object's .bss, .data, .rodata and .kconfig never do: tunables and\n"
"counters come from OBJ. A map of the same name that differs in any of\n"
"those is an error (exit 5, nothing swapped), and so are two maps of OBJ\n"
"whose names the kernel cuts to the same 15 characters when the attached\n"
"policy has a map of that name. The maps carried over are printed; -v\n"
"also names those that start empty.\n"
"\n"
"  --expect [KIND=]POLICY\n"
"                swap KIND only if POLICY is the one attached, else exit 5\n"
"                and change nothing. POLICY is a map id ('mmpolicy status')\n"
"                or a policy name; id:N and name:NAME say which (name:123\n"
"                for a policy named 123). KIND= (demotion, thp, compaction)\n"
"                may be left out if OBJ has one kind; give --expect once\n"
"                per kind. A map id is checked by the kernel at the swap.\n"
"  --fresh       do not carry maps over: the new policy starts with empty\n"
"                maps\n"
"  --set VAR=VALUE   as for load\n" },
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
"  swap OBJ [--set VAR=VALUE]... [--expect [KIND=]POLICY]... [--fresh]\n"
"                                  atomically replace the attached policies\n"
"                                  with those in OBJ, keeping their maps\n"
"  unload KIND|all                 detach (KIND: demotion, thp, compaction)\n"
"  status [--json]                 attached policies and the kernel's counters\n"
"  info OBJ                        the policies and tunables in OBJ\n"
"  list-builtin                    policies built into this binary\n"
"\n"
"OBJ is a BPF object file, or the name of a built-in policy.\n"
"'mmpolicy COMMAND --help' describes a command.\n"
"--set writes a `const volatile` tunable of the policy before it loads.\n"
"-v prints libbpf's messages, a verifier log whole.\n"
"Exit status: 0 ok, 1 kernel refused, 2 usage, 3 bad object,\n"
"             4 environment (privileges, kernel, bpffs), 5 conflict,\n"
"             6 partial swap (swapping back failed: some kinds are left on\n"
"             the new policy; the swap prints what is attached).\n");
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "expect", required_argument, NULL, 'e' },
		{ "fresh", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char **sets = calloc(argc, sizeof(char *));
	char **expects = calloc(argc, sizeof(char *));
	bool json = false, fresh = false;
	int nsets = 0, nexpects = 0, opt;
	const char *cmd;

	if (!sets || !expects) {
		err("out of memory");
		return EXIT_FAIL;
	}
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
		case 'e': expects[nexpects++] = optarg; break;
		case 'f': fresh = true; break;
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
		return cmd_swap(argv[0], nsets, sets, nexpects, expects, fresh);
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
