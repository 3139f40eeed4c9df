// SPDX-License-Identifier: GPL-2.0
/*
 * What mmpolicy keeps about the policies it attached: each link's pin,
 * PIN_ROOT/<kind>, and a record of what was loaded, when and with which
 * tunables, META_ROOT/<kind>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Remove the pin and the record of @k. */
void unpin(const struct kind *k)
{
	char path[256];

	pin_path(k, path, sizeof(path));
	unlink(path);
	meta_path(k, path, sizeof(path));
	unlink(path);
}

void write_meta(const struct kind *k, const char *obj_arg, int nsets,
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

void read_meta(const struct kind *k, struct meta *m)
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
