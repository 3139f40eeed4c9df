// SPDX-License-Identifier: GPL-2.0
/*
 * What mmpolicy keeps about the policies it attached: each link's pin,
 * PIN_ROOT/<kind>, and a record of what was loaded, when and with which
 * tunables, META_ROOT/<kind>. The kernel is the truth about what is
 * attached; a record only annotates the link and map it names, so one left
 * behind by a policy detached with another tool attributes nothing.
 * Commands that change the hooks hold META_ROOT/lock, so that two mmpolicy
 * processes never interleave their pins and records.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mmpolicy.h"

void pin_path(const struct kind *k, char *buf, size_t len)
{
	snprintf(buf, len, PIN_ROOT "/%s", k->name);
}

static void meta_path(const struct kind *k, char *buf, size_t len)
{
	snprintf(buf, len, META_ROOT "/%s", k->name);
}

static int lock_fd = -1;

/*
 * Serialize the commands that change hooks, pins and records. A second
 * command waits, and says so. Taking the lock again while holding it
 * (apply runs load and swap) is a no-op; it is held until unlock_state()
 * or the process's exit.
 * Return: 0, or EXIT_ENV if the lock file cannot be opened.
 */
int lock_state(void)
{
	if (lock_fd >= 0)
		return EXIT_OK;
	mkdir(META_ROOT, 0755);
	lock_fd = open(META_ROOT "/lock",
		       O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lock_fd < 0) {
		err("cannot open " META_ROOT "/lock: %s", strerror(errno));
		return EXIT_ENV;
	}
	if (!flock(lock_fd, LOCK_EX | LOCK_NB))
		return EXIT_OK;
	fprintf(stderr, "mmpolicy: waiting for another mmpolicy command to finish (" META_ROOT "/lock)\n");
	while (flock(lock_fd, LOCK_EX)) {
		if (errno != EINTR) {
			err("locking " META_ROOT "/lock failed: %s", strerror(errno));
			close(lock_fd);
			lock_fd = -1;
			return EXIT_ENV;
		}
	}
	return EXIT_OK;
}

/*
 * Hold off SIGINT, SIGTERM and SIGHUP while hooks and pins change, so that
 * a kill cannot leave a policy attached without its record or its
 * companions; the previous mask goes to @saved, for sigprocmask().
 */
void block_exit_signals(sigset_t *saved)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, saved);
}

void unlock_state(void)
{
	if (lock_fd < 0)
		return;
	close(lock_fd);
	lock_fd = -1;
}

/*
 * A pin left at PIN_ROOT/<kind> while nothing is attached to the hook
 * (its link detached by another tool, or a load that lost a race) would
 * make the next pin fail. Nothing can be using it: remove it, and say so.
 */
void clear_stale_pin(const struct kind *k)
{
	char path[256];

	pin_path(k, path, sizeof(path));
	if (access(path, F_OK))
		return;
	if (unlink(path)) {
		err("%s: cannot remove the stale pin %s: %s", k->name, path,
		    strerror(errno));
		return;
	}
	printf("%s: removed a stale pin at %s (its link was no longer attached)\n",
	       k->name, path);
}

/* Remove the pin and the record of @k. */
void unpin(const struct kind *k)
{
	char path[256];

	pin_path(k, path, sizeof(path));
	unlink(path);
	meta_path(k, path, sizeof(path));
	unlink(path);
}

/*
 * Values are written one to a line: a backslash, a newline and any byte
 * that is not printable ASCII are escaped (\\, \n, \xHH), so that a path
 * holding a newline cannot add a line of its own.
 */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void get_escaped(char *dst, size_t len, const char *s)
{
	size_t n = 0;
	unsigned int c;

	while (*s && n + 1 < len) {
		if (s[0] == '\\' && s[1] == 'n') {
			dst[n++] = '\n';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && isxdigit((unsigned char)s[2]) &&
			   isxdigit((unsigned char)s[3])) {
			sscanf(s + 2, "%2x", &c);
			dst[n++] = c;
			s += 4;
		} else if (s[0] == '\\' && s[1]) {
			dst[n++] = s[1];
			s += 2;
		} else {
			dst[n++] = *s++;
		}
	}
	dst[n] = '\0';
}

/*
 * Record that mmpolicy attached OBJ (a built-in's name, or the absolute
 * path of a file) as link @link_id, map @map_id. Written to a temporary
 * file and renamed into place, so a reader sees the old record or the new.
 */
void write_meta(const struct kind *k, __u32 link_id, __u32 map_id,
		const char *obj_arg, int nsets, char **sets)
{
	char path[256], tmp[264], abs[PATH_MAX];
	const char *obj = obj_arg;
	FILE *f;
	int fd, i;

	if (strchr(obj_arg, '/') && realpath(obj_arg, abs))
		obj = abs;
	mkdir(META_ROOT, 0755);
	meta_path(k, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		err("%s: cannot write the record %s: %s", k->name, tmp,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	fprintf(f, "link=%u\nmap=%u\nloaded=%ld\nobject=", link_id, map_id,
		(long)time(NULL));
	put_escaped(f, obj);
	fputs("\nset=", f);
	for (i = 0; i < nsets; i++) {
		if (i)
			fputc(',', f);
		put_escaped(f, sets[i]);
	}
	fputc('\n', f);
	if (fclose(f) || rename(tmp, path)) {
		err("%s: cannot write the record %s: %s", k->name, path,
		    strerror(errno));
		unlink(tmp);
	}
}

/*
 * The record of what is attached to @k now (@a), if mmpolicy attached it:
 * a record that names another link or map is someone else's history and
 * is ignored (m->object is empty then).
 */
void read_meta(const struct kind *k, const struct attached *a, struct meta *m)
{
	char path[256], line[2 * PATH_MAX];
	__u32 link_id = 0, map_id = 0;
	FILE *f;

	memset(m, 0, sizeof(*m));
	meta_path(k, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "object=", 7))
			get_escaped(m->object, sizeof(m->object), line + 7);
		else if (!strncmp(line, "set=", 4))
			get_escaped(m->set, sizeof(m->set), line + 4);
		else if (!strncmp(line, "loaded=", 7))
			m->loaded = atol(line + 7);
		else if (!strncmp(line, "link=", 5))
			link_id = strtoul(line + 5, NULL, 10);
		else if (!strncmp(line, "map=", 4))
			map_id = strtoul(line + 4, NULL, 10);
	}
	fclose(f);
	if (link_id != a->link_id || map_id != a->map_id)
		memset(m, 0, sizeof(*m));
}
