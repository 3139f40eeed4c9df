// SPDX-License-Identifier: GPL-2.0
/*
 * pinmem: pin shmem-backed memory long-term without a device, the way vfio
 * pins a VM's guest RAM on a memfd: register a memfd mapping as io_uring
 * fixed buffers (FOLL_PIN | FOLL_LONGTERM). Holds the pin until PATH
 * exists (or forever), then exits.
 *
 *   pinmem -m MiB [-w PATH]
 */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define BUF	(1UL << 20)

int main(int argc, char **argv)
{
	struct io_uring_params p;
	const char *until = NULL;
	size_t mib = 0, i;
	struct iovec *iov;
	struct stat st;
	int fd, ring, opt;
	char *mem;

	while ((opt = getopt(argc, argv, "m:w:")) != -1) {
		switch (opt) {
		case 'm': mib = strtoul(optarg, NULL, 0); break;
		case 'w': until = optarg; break;
		default: mib = 0;
		}
	}
	if (!mib) {
		fprintf(stderr, "usage: pinmem -m MiB [-w PATH]\n");
		return 2;
	}
	fd = memfd_create("pinmem", 0);
	if (fd < 0 || ftruncate(fd, mib * BUF)) {
		perror("pinmem: memfd");
		return 1;
	}
	mem = mmap(NULL, mib * BUF, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		perror("pinmem: mmap");
		return 1;
	}
	memset(mem, 1, mib * BUF);

	memset(&p, 0, sizeof(p));
	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0) {
		perror("pinmem: io_uring_setup");
		return 1;
	}
	iov = calloc(mib, sizeof(*iov));
	for (i = 0; i < mib; i++) {
		iov[i].iov_base = mem + i * BUF;
		iov[i].iov_len = BUF;
	}
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, iov, mib)) {
		perror("pinmem: IORING_REGISTER_BUFFERS");
		return 1;
	}
	printf("pinned=%zu MiB\n", mib);
	fflush(stdout);
	while (!until || stat(until, &st))
		usleep(50000);
	return 0;
}
