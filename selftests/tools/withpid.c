// SPDX-License-Identifier: GPL-2.0
/*
 * withpid: run a command as a process with a given pid, through clone3()'s
 * set_tid (CAP_SYS_ADMIN), to show what policy state a reused pid finds:
 *
 *   withpid PID COMMAND [ARG...]
 *
 * Exits with the command's status; 3 if the pid is taken (EEXIST).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t tid, pid;
	struct clone_args args;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: withpid PID COMMAND [ARG...]\n");
		return 2;
	}
	tid = atoi(argv[1]);
	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uintptr_t)&tid;
	args.set_tid_size = 1;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		fprintf(stderr, "withpid: clone3 with pid %d: %s\n", tid, strerror(errno));
		return errno == EEXIST ? 3 : 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "withpid: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
