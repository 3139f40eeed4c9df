// SPDX-License-Identifier: GPL-2.0
/*
 * Messages: ours on stderr, and libbpf's, kept whole so that errors can
 * show the part that matters: libbpf prints a verifier log of any length in
 * one message.
 */
#define _GNU_SOURCE	/* vasprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmpolicy.h"

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

int log_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
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

void err(const char *fmt, ...)
{
	va_list ap;

	fputs("mmpolicy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Has libbpf printed a program's verifier log? */
bool verifier_log_seen(void)
{
	return strstr(libbpf_log ?: "", "PROG LOAD LOG");
}

/*
 * The verifier log can run to thousands of lines; the reason is at its end.
 * Show the last lines of the last program log libbpf printed.
 */
void show_verifier_tail(int max_lines)
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
