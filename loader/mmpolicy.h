/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmpolicy: load, swap, inspect and unload BPF memory-management policies.
 *
 * A policy object holds one struct_ops map per decision it takes over
 * (demotion, ...). Loading attaches each through a BPF link and pins the
 * link under /sys/fs/bpf/mm_policy/<kind>, so the policy outlives this
 * process. Swapping replaces the policy behind that link in one
 * BPF_LINK_UPDATE, compare-and-swap against the policy found attached.
 *
 * The files, and what is shared between them (declared here):
 *   main.c       arguments, dispatch to the commands, usage and help
 *   log.c        messages: err(), libbpf's output kept whole, verifier logs
 *   kernel.c     the hooks: kinds, environment checks, sysfs, the links and
 *                programs the kernel has attached
 *   state.c      what mmpolicy keeps: link pins, records in /run/mm_policy
 *   object.c     policy objects: files and built-ins, their policies,
 *                loading; the commands info and list-builtin
 *   tunables.c   `const volatile` tunables: --set, and listing them
 *   attach.c     the commands load and unload
 *   swap.c       the command swap: --expect, compare-and-swap, roll-back
 *   carryover.c  maps carried over a swap from the attached policy
 *   companions.c an object's other programs (tracepoints, ...), attached
 *                and pinned with its policies
 *   status.c     the command status, as text or JSON
 *   top.c        the command top: a live view of the hooks and of tiering
 *   config.c     the commands apply (a configuration file, --watch for
 *                the systemd unit) and restore
 *   json.c       a small JSON writer (json.h)
 */
#ifndef MMPOLICY_H
#define MMPOLICY_H

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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

/* main.c */
extern bool verbose;	/* -v */

/* log.c */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int log_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap);
bool verifier_log_seen(void);
void show_verifier_tail(int max_lines);

/* kernel.c: the hooks, one per kind of policy, in the order of kinds[]. */
struct kind {
	const char *name;	/* sysfs directory and pin name */
	const char *ops_type;	/* struct_ops type in the kernel */
};

/* As many as kernel.c's kinds[] has: the compiler checks. */
#define NR_KINDS ((size_t)4)
extern const struct kind kinds[NR_KINDS];

#define MAX_PROGS 8

/* What is attached to one hook, as the kernel reports it. */
struct attached {
	__u32 link_id;
	__u32 map_id;
	char map_name[BPF_OBJ_NAME_LEN];
	__u32 prog_ids[MAX_PROGS];
	int nr_progs;
};

int check_env(bool need_bpffs);
const struct kind *kind_by_name(const char *name);
const struct kind *kind_of_prefix(const char *s, size_t len);
bool kernel_has_kind(const struct kind *k);
int read_sysfs(const struct kind *k, const char *file, char *buf, size_t len);
bool hook_is_ejected(const struct kind *k);
const struct btf_type *ops_value_type(const struct btf *vmlinux,
				      const struct kind *k,
				      const struct bpf_map_info *mi);
int read_prog_ids(const struct btf *vmlinux, const struct btf_type *vt,
		  int mfd, __u32 value_size, __u32 *ids, int *nr);
int find_attached(const struct kind *k, struct attached *a);
__u32 link_id_of(int fd);
__u32 map_id_of(int fd);
int detach_link(__u32 link_id);

/* state.c */
struct meta {
	char object[4096];
	char set[1024];
	long loaded;
};

int lock_state(void);
void unlock_state(void);
void block_exit_signals(sigset_t *saved);
void pin_path(const struct kind *k, char *buf, size_t len);
void clear_stale_pin(const struct kind *k);
void unpin(const struct kind *k);
void write_meta(const struct kind *k, __u32 link_id, __u32 map_id,
		const char *obj_arg, int nsets, char **sets);
void read_meta(const struct kind *k, const struct attached *a, struct meta *m);

/* object.c: maps[] has NR_KINDS slots, the object's policy of each kind. */
int open_prepared(const char *obj_arg, int nsets, char **sets,
		  struct bpf_object **objp, struct bpf_map **maps);
int load_object(struct bpf_object *obj, const char *obj_arg);
int cmd_info(const char *obj_arg);
int cmd_list_builtin(void);

/* tunables.c */
int apply_set(struct bpf_object *obj, const char *assign);
void print_tunables(struct bpf_object *obj);

/* attach.c */
int attach_error(const struct kind *k, const char *name, int e);
int cmd_load(const char *obj_arg, int nsets, char **sets);
int cmd_unload(const char *what);

/* swap.c: one kind of a swap, from the first look at the kernel to the commit. */
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

int cmd_swap(const char *obj_arg, int nsets, char **sets, int nexpects,
	     char **expects, bool fresh);

/*
 * carryover.c: maps of the attached policies that the new object may take
 * over, held open until free_old_maps(); status lists them too.
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

int collect_prog_maps(const __u32 *prog_ids, int nr, struct old_maps *om);
int collect_old_maps(const struct swap_kind *sk, struct old_maps *om);
int carry_over(struct bpf_object *obj, struct old_maps *om, char **carried);
bool has_data_maps(struct bpf_object *obj);
void free_old_maps(struct old_maps *om);

/* companions.c: an object's programs that are not struct_ops callbacks. */
#define MAX_COMPANIONS 8

struct companions {
	struct bpf_link *links[MAX_COMPANIONS];
	const char *names[MAX_COMPANIONS];
	int nr;
};

/* A program load and swap attach with the policies (info lists them too). */
static inline bool is_companion(const struct bpf_program *prog)
{
	return bpf_program__type(prog) != BPF_PROG_TYPE_STRUCT_OPS &&
	       bpf_program__autoload(prog) && bpf_program__autoattach(prog);
}

int attach_companions(struct bpf_object *obj, struct companions *c);
int pin_companions(struct bpf_map **maps, struct companions *c);
void drop_companions(struct companions *c);
void remove_companions(const struct kind *k);
void for_each_companion(const struct kind *k,
			void (*fn)(const char *name,
				   const struct bpf_link_info *li, void *arg),
			void *arg);

/* status.c */
int cmd_status(bool json);

/* top.c */
int cmd_top(long interval_ms, int count, bool json);

/* config.c */
int cmd_apply(const char *path, bool watching, long interval_ms);
int cmd_restore(void);

#endif /* MMPOLICY_H */
