// SPDX-License-Identifier: GPL-2.0
/*
 * The command swap: load the new object, then replace the policy behind
 * each attached link in one BPF_LINK_UPDATE with BPF_F_REPLACE, a
 * compare-and-swap against the policy found (or expected) attached. All
 * kinds of the object or none: a failure swaps the kinds done back.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mmpolicy.h"

/* Raise or lower CAP_SYS_ADMIN in the effective set; it stays permitted. */
static int set_sys_admin(bool on)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	if (on)
		data[0].effective |= 1U << CAP_SYS_ADMIN;
	else
		data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/*
 * The kernel's enum bpf_struct_ops_state (include/linux/bpf.h), which is
 * not uapi: a map written and ready to be attached or swapped in.
 */
#define STRUCT_OPS_STATE_READY	3

/* Has the struct_ops map @map been written (state READY)? */
static bool map_is_ready(struct bpf_map *map)
{
	__u32 zero = 0, size = bpf_map__value_size(map), state = 0;
	unsigned char *value;

	value = calloc(1, size);
	if (!value)
		return false;
	/* struct bpf_struct_ops_common_value { refcount_t; state; } */
	if (size >= 8 && !bpf_map_lookup_elem(bpf_map__fd(map), &zero, value))
		memcpy(&state, value + 4, sizeof(state));
	free(value);
	return state == STRUCT_OPS_STATE_READY;
}

/*
 * libbpf writes a struct_ops map's value only while attaching it, and
 * BPF_LINK_UPDATE needs the map written. So attach with CAP_SYS_ADMIN
 * lowered: the kernel writes the map, then refuses to install it
 * (bpf_mm_hook_reg() checks the capability before anything else), and
 * the new policy never runs before the compare-and-swap, whatever the
 * hook holds meanwhile.
 * Return: an exit code.
 */
static int make_ready(struct bpf_map *map, const struct kind *k)
{
	struct bpf_link *link;
	int ret, e;

	ret = set_sys_admin(false);
	if (ret) {
		err("cannot lower CAP_SYS_ADMIN to prepare the %s policy: %s",
		    k->name, strerror(-ret));
		return EXIT_FAIL;
	}
	link = bpf_map__attach_struct_ops(map);
	e = errno;
	ret = set_sys_admin(true);
	if (link) {
		/* Only a kernel without the capability check gets here. */
		bpf_link__destroy(link);
		err("the kernel attached the %s policy without CAP_SYS_ADMIN: refusing to swap on this kernel",
		    k->name);
		return EXIT_FAIL;
	}
	if (ret) {
		err("cannot raise CAP_SYS_ADMIN again: %s", strerror(-ret));
		return EXIT_FAIL;
	}
	if (!map_is_ready(map))
		return attach_error(k, bpf_map__name(map), e);
	return EXIT_OK;
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
			err("--expect %s: unknown policy kind '%.*s' (demotion, thp, compaction, promotion)",
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
	case EACCES:
		return attach_error(sk->k, bpf_map__name(sk->map), EACCES);
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
			write_meta(k, cur.link_id, cur.map_id, obj_arg, nsets,
				   sets);
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

int cmd_swap(const char *obj_arg, int nsets, char **sets, int nexpects,
	     char **expects, bool fresh)
{
	struct expectation exp[NR_KINDS] = {};
	struct swap_kind sk[NR_KINDS] = {};
	struct bpf_map *maps[NR_KINDS];
	struct old_maps om = { .nr = 0 };
	struct companions comp = { .nr = 0 };
	sigset_t saved;
	char *carried = NULL;
	struct bpf_object *obj;
	size_t k;
	int ret, i;

	for (k = 0; k < NR_KINDS; k++)
		sk[k].lfd = sk[k].ofd = -1;
	ret = check_env(true);
	if (!ret)
		ret = lock_state();
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
	ret = attach_companions(obj, &comp);
	if (ret)
		goto out;
	/*
	 * No SIGINT, SIGTERM or SIGHUP from the first compare-and-swap until
	 * the swap is committed (recorded, companions pinned) or rolled back:
	 * a kill in between would leave some kinds swapped and others not.
	 */
	block_exit_signals(&saved);
	ret = swap_all(sk, obj_arg, nsets, sets);
	for (k = 0; !ret && k < NR_KINDS; k++) {
		if (!maps[k])
			continue;
		write_meta(&kinds[k], link_id_of(sk[k].lfd),
			   map_id_of(bpf_map__fd(maps[k])), obj_arg, nsets, sets);
		printf("%s: swapped '%s' -> '%s' atomically in %.1f us\n",
		       kinds[k].name, sk[k].old_name, bpf_map__name(maps[k]),
		       sk[k].us);
	}
	if (ret)
		goto out_unblock;
	if (carried)
		printf("maps carried over: %s\n", carried);
	else if (fresh && has_data_maps(obj))
		printf("maps start empty (--fresh)\n");
	/*
	 * The old policies' companions go with them, and the new ones are
	 * pinned before a signal could end the process and take them along.
	 */
	for (k = 0; k < NR_KINDS; k++)
		if (maps[k])
			remove_companions(&kinds[k]);
	ret = pin_companions(maps, &comp);
	if (ret)
		err("the swap is done, but its programs besides the policies are not attached");
out_unblock:
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &saved, NULL);
out:
	drop_companions(&comp);
	for (k = 0; k < NR_KINDS; k++) {
		if (sk[k].lfd >= 0)
			close(sk[k].lfd);
		if (sk[k].ofd >= 0)
			close(sk[k].ofd);
	}
	free_old_maps(&om);
	free(carried);
	bpf_object__close(obj);
	return ret;
}

