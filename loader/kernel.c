// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's hooks, one per kind of policy: whether this kernel and this
 * process can attach policies, the hooks' sysfs files, and the links and
 * programs attached to them, found by walking the kernel's links.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mmpolicy.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

const struct kind kinds[] = {
	{ "demotion",	"mm_demotion_ops" },
	{ "thp",	"mm_thp_ops" },
	{ "compaction",	"mm_compact_ops" },
	{ "promotion",	"mm_promote_ops" },
};

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
int check_env(bool need_bpffs)
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

/* The kind named by the @len characters at @s. */
const struct kind *kind_of_prefix(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NR_KINDS; i++)
		if (strlen(kinds[i].name) == len && !strncmp(kinds[i].name, s, len))
			return &kinds[i];
	return NULL;
}

const struct kind *kind_by_name(const char *name)
{
	return kind_of_prefix(name, strlen(name));
}

bool kernel_has_kind(const struct kind *k)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS_ROOT "/%s", k->name);
	return !access(path, F_OK);
}

int read_sysfs(const struct kind *k, const char *file, char *buf, size_t len)
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

bool hook_is_ejected(const struct kind *k)
{
	char state[32];

	return !read_sysfs(k, "state", state, sizeof(state)) &&
	       !strcmp(state, "ejected");
}

/*
 * The vmlinux BTF type of a struct_ops map's value (@mi), if the map is a
 * policy of kind @k: struct bpf_struct_ops_<ops_type>. NULL otherwise.
 */
const struct btf_type *ops_value_type(const struct btf *vmlinux,
				      const struct kind *k,
				      const struct bpf_map_info *mi)
{
	const struct btf_type *t;
	char want[64];

	snprintf(want, sizeof(want), "bpf_struct_ops_%s", k->ops_type);
	t = btf__type_by_id(vmlinux, mi->btf_vmlinux_value_type_id);
	if (!t || strcmp(btf__name_by_offset(vmlinux, t->name_off), want))
		return NULL;
	return t;
}

/*
 * A struct_ops map's value, read back, holds the ids of its programs in the
 * function-pointer slots of the ops struct. Use vmlinux BTF to find them.
 * Return: 0, or -errno if the value cannot be read or has more than
 * MAX_PROGS programs.
 */
int read_prog_ids(const struct btf *vmlinux, const struct btf_type *vt,
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
int find_attached(const struct kind *k, struct attached *a)
{
	struct bpf_link_info li;
	struct bpf_map_info mi;
	const struct btf_type *t;
	struct btf *vmlinux;
	__u32 id = 0, len, live = 0;
	int fd, mfd, ret = -ENOENT;
	char buf[32];

	a->link_id = 0;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return errno ? -errno : -EIO;
	if (!read_sysfs(k, "link_id", buf, sizeof(buf)))
		live = strtoul(buf, NULL, 10);
	while (ret || (live && a->link_id != live)) {
		if (bpf_link_get_next_id(id, &id)) {
			/* The end of the list, or links we may not walk. */
			if (ret && errno != ENOENT)
				ret = -errno;
			break;
		}
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
		    (t = ops_value_type(vmlinux, k, &mi))) {
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

__u32 link_id_of(int fd)
{
	struct bpf_link_info li;
	__u32 len = sizeof(li);

	memset(&li, 0, sizeof(li));
	return bpf_link_get_info_by_fd(fd, &li, &len) ? 0 : li.id;
}

__u32 map_id_of(int fd)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);

	memset(&mi, 0, sizeof(mi));
	return bpf_map_get_info_by_fd(fd, &mi, &len) ? 0 : mi.id;
}

int detach_link(__u32 link_id)
{
	int fd, ret;

	fd = bpf_link_get_fd_by_id(link_id);
	if (fd < 0)
		return -errno;
	ret = bpf_link_detach(fd);
	close(fd);
	return ret;
}
