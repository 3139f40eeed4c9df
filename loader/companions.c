// SPDX-License-Identifier: GPL-2.0
/*
 * Companion programs: the programs of a policy object that are not its
 * struct_ops callbacks, such as a tracepoint that forgets a process when
 * it exits. sched_ext's loaders attach them with the skeleton; mmpolicy
 * attaches every one libbpf can attach from its section name, before the
 * policy takes over a hook (they only keep the policy's maps, so running
 * a little early is harmless), and pins each link at
 * PIN_ROOT/<kind>-progs/<program> (bpffs takes no dot in a name) for every
 * kind the object has a policy of: a link lasts while one of its pins
 * does, so the programs stay while any policy of their object is attached.
 * They go with their policies: unload, a swap to another object and the
 * removal of an ejected policy take out that kind's pins.
 */
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmpolicy.h"

static void progs_dir(const struct kind *k, char *buf, size_t len)
{
	snprintf(buf, len, PIN_ROOT "/%s-progs", k->name);
}

void drop_companions(struct companions *c)
{
	int i;

	for (i = 0; i < c->nr; i++)
		bpf_link__destroy(c->links[i]);
	c->nr = 0;
}

/*
 * Attach the loaded @obj's companion programs, held by @c. A program whose
 * section names no target (SEC("uprobe"), SEC("syscall"), ...: no '/') is
 * not attachable by its name alone and is left as it is, with a note; one
 * that names a target and still cannot be attached (SEC("cgroup_skb/..."),
 * which needs a cgroup, or a kernel without the attach type) fails the
 * load, since its policy may count on it.
 * Return: 0, or an exit code with the reason printed and nothing attached.
 */
int attach_companions(struct bpf_object *obj, struct companions *c)
{
	struct bpf_program *prog;
	struct bpf_link *link;

	c->nr = 0;
	bpf_object__for_each_program(prog, obj) {
		if (!is_companion(prog))
			continue;
		if (c->nr == MAX_COMPANIONS) {
			err("the object has more than %d programs besides its policies' (at '%s')",
			    MAX_COMPANIONS, bpf_program__name(prog));
			goto fail;
		}
		link = bpf_program__attach(prog);
		if (!link && errno == EOPNOTSUPP &&
		    !strchr(bpf_program__section_name(prog), '/')) {
			fprintf(stderr, "mmpolicy: note: program '%s' (SEC(\"%s\")) names no attach target: not attached\n",
				bpf_program__name(prog),
				bpf_program__section_name(prog));
			continue;
		}
		if (!link) {
			err("attaching program '%s' (SEC(\"%s\")) failed: %s",
			    bpf_program__name(prog),
			    bpf_program__section_name(prog), strerror(errno));
			goto fail;
		}
		c->links[c->nr] = link;
		c->names[c->nr++] = bpf_program__name(prog);
	}
	return EXIT_OK;

fail:
	drop_companions(c);
	return EXIT_FAIL;
}

/* Pin every link of @c under @k. Return: 0, or -1 with the reason printed. */
static int pin_under(const struct kind *k, struct companions *c)
{
	char dir[256], path[512];
	int i;

	progs_dir(k, dir, sizeof(dir));
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err("creating %s failed: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < c->nr; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, c->names[i]);
		unlink(path);
		if (bpf_obj_pin(bpf_link__fd(c->links[i]), path)) {
			err("pinning %s failed: %s", path, strerror(errno));
			return -1;
		}
		printf("%s: with program '%s' (pinned at %s)\n", k->name,
		       c->names[i], path);
	}
	return 0;
}

/*
 * Pin @c's links under each kind @maps has a policy of and let go of them:
 * from here on the pins keep them attached.
 * Return: 0, or EXIT_FAIL with every link of @c detached and no pin left.
 */
int pin_companions(struct bpf_map **maps, struct companions *c)
{
	size_t k, j;
	int i;

	if (!c->nr)
		return EXIT_OK;
	for (k = 0; k < NR_KINDS; k++) {
		if (maps[k] && pin_under(&kinds[k], c)) {
			for (j = 0; j <= k; j++)
				if (maps[j])
					remove_companions(&kinds[j]);
			drop_companions(c);
			return EXIT_FAIL;
		}
	}
	for (i = 0; i < c->nr; i++) {
		bpf_link__disconnect(c->links[i]);
		bpf_link__destroy(c->links[i]);
	}
	c->nr = 0;
	return EXIT_OK;
}

/* Call @fn with the path and name of each pin in @k's companions' directory. */
static void for_each_pin(const struct kind *k,
			 void (*fn)(const char *path, const char *name, void *arg),
			 void *arg)
{
	char dir[256], path[512];
	struct dirent *d;
	DIR *dp;

	progs_dir(k, dir, sizeof(dir));
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		fn(path, d->d_name, arg);
	}
	closedir(dp);
}

static void unlink_pin(const char *path, const char *name, void *arg)
{
	(void)name;
	(void)arg;
	unlink(path);
}

/*
 * Remove the companions' pins under @k: a link whose last pin this was
 * (no other kind of its object is attached) is detached.
 */
void remove_companions(const struct kind *k)
{
	char dir[256];

	for_each_pin(k, unlink_pin, NULL);
	progs_dir(k, dir, sizeof(dir));
	rmdir(dir);
}

struct companion_walk {
	void (*fn)(const char *name, const struct bpf_link_info *li, void *arg);
	void *arg;
};

static void show_pin(const char *path, const char *name, void *arg)
{
	struct companion_walk *w = arg;
	struct bpf_link_info li;
	__u32 len = sizeof(li);
	int fd;

	memset(&li, 0, sizeof(li));
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (bpf_link_get_info_by_fd(fd, &li, &len))
			memset(&li, 0, sizeof(li));
		close(fd);
	}
	w->fn(name, &li, w->arg);
}

/*
 * Call @fn for each companion pinned under @k, with what the kernel says
 * of its link (a zeroed info if the pin cannot be read).
 */
void for_each_companion(const struct kind *k,
			void (*fn)(const char *name,
				   const struct bpf_link_info *li, void *arg),
			void *arg)
{
	struct companion_walk w = { .fn = fn, .arg = arg };

	for_each_pin(k, show_pin, &w);
}
