// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what mmpolicy does with an object and --set strings
 * before it asks the kernel for anything. open_prepared() opens the file,
 * checks it is a BPF object holding our struct_ops policies and applies
 * each --set; print_tunables() is what 'mmpolicy info' shows. Nothing is
 * loaded: that needs the kernel and privileges.
 *
 * Input: the --set strings, one a line, then a NUL byte, then the object
 * file's bytes. Without a NUL the whole input is --set strings and the
 * object is empty. Only the first MAX_SETS lines count.
 *
 *   printf 'threshold=5\nnosuch=1\0' | cat - thp_threshold.bpf.o > seed
 *
 * The object goes through a memfd, named /proc/self/fd/N, so that the
 * real path runs: open(), the ELF header check, bpf_object__open_file().
 *
 * mmpolicy's messages and libbpf's are dropped, one or more a run would
 * swamp libFuzzer's own; FUZZ_VERBOSE=1 keeps them, to replay one input.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../mmpolicy.h"

#define MAX_SETS 8

bool verbose;	/* main.c's -v, which log.c reads */

static int obj_fd = -1;
static char obj_path[32];

/*
 * The hooks are the kernel's: this machine need not have them, and
 * open_prepared() stops before --set without them. Linked with
 * -Wl,--wrap=kernel_has_kind, object.c's calls land here.
 */
bool __wrap_kernel_has_kind(const struct kind *k)
{
	(void)k;
	return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	obj_fd = memfd_create("fuzz_policy.bpf.o", MFD_CLOEXEC);
	if (obj_fd < 0) {
		perror("fuzz_policy: memfd_create");
		exit(1);
	}
	snprintf(obj_path, sizeof(obj_path), "/proc/self/fd/%d", obj_fd);
	if (!getenv("FUZZ_VERBOSE")) {
		/*
		 * stdio only: the sanitizers and libFuzzer write their
		 * reports to fd 2 themselves.
		 */
		libbpf_set_print(NULL);
		stdout = stderr = fopen("/dev/null", "w");
		if (!stdout) {
			perror("fuzz_policy: /dev/null");
			exit(1);
		}
	}
	return 0;
}

/* The object's bytes become the memfd's whole contents. */
static void put_object(const uint8_t *data, size_t size)
{
	size_t done = 0;
	ssize_t n;

	if (ftruncate(obj_fd, 0))
		abort();
	while (done < size) {
		n = pwrite(obj_fd, data + done, size - done, done);
		if (n <= 0)
			abort();
		done += n;
	}
}

/* Split the NUL-terminated @text into at most MAX_SETS lines, in place. */
static int split_sets(char *text, char **sets)
{
	int n = 0;
	char *nl;

	while (*text && n < MAX_SETS) {
		sets[n++] = text;
		nl = strchr(text, '\n');
		if (!nl)
			break;
		*nl = '\0';
		text = nl + 1;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpf_map *maps[NR_KINDS];
	struct bpf_object *obj;
	const uint8_t *nul;
	char *sets[MAX_SETS], *text;
	size_t tlen;
	int nsets;

	nul = memchr(data, '\0', size);
	tlen = nul ? (size_t)(nul - data) : size;
	/* A copy of its own, so that ASan sees the strings' exact ends. */
	text = malloc(tlen + 1);
	if (!text)
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = '\0';
	nsets = split_sets(text, sets);
	if (nul)
		put_object(nul + 1, size - tlen - 1);
	else
		put_object(NULL, 0);

	if (open_prepared(obj_path, nsets, sets, &obj, maps) == EXIT_OK) {
		print_tunables(obj);
		bpf_object__close(obj);
	}
	free(text);
	return 0;
}
