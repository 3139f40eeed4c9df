// SPDX-License-Identifier: GPL-2.0
/*
 * mmpolicy's command line: the options, the dispatch to each command's
 * cmd_*() function, usage and each command's --help. What the files of the
 * loader do is listed in mmpolicy.h.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmpolicy.h"

bool verbose;

struct command_help {
	const char *name;
	const char *text;
};

static const struct command_help helps[] = {
	{ "load",
"usage: mmpolicy load OBJ [--set VAR=VALUE]...\n"
"\n"
"Load OBJ (a BPF object file, or a built-in policy name) and attach every\n"
"policy in it: demotion, thp, compaction, promotion, any subset. Each\n"
"attachment is a BPF link pinned at " PIN_ROOT "/KIND, so it stays after\n"
"mmpolicy exits. If a policy of any of those kinds is already attached,\n"
"nothing is attached: use 'mmpolicy swap'.\n"
"\n"
"  --set VAR=VALUE   set a tunable (a `const volatile` variable of the\n"
"                    policy; 'mmpolicy info OBJ' lists them) before loading.\n"
"                    VALUE is decimal (010 is ten, not octal) or hex with\n"
"                    0x, and must fit the variable's type: a minus sign for\n"
"                    signed types only; a bool takes 0, 1, true or false,\n"
"                    and only a bool takes true or false\n" },
	{ "swap",
"usage: mmpolicy swap OBJ [--set VAR=VALUE]... [--expect [KIND=]POLICY]...\n"
"                         [--fresh]\n"
"\n"
"Replace the attached policy of each kind OBJ has with the one in OBJ, in\n"
"one atomic step: BPF_LINK_UPDATE with BPF_F_REPLACE, a compare-and-swap\n"
"against the policy found (or expected) attached. Every decision is made\n"
"by the old or the new policy; none is made without one. An object with\n"
"several kinds swaps all of them or none: if one kind fails, the kinds\n"
"already swapped are swapped back to the policies they had, and mmpolicy\n"
"exits 5 naming the kind that failed. If swapping back fails too, it exits\n"
"6 (partial: some kinds are left on the new policy) and prints what the\n"
"kernel has attached to each kind.\n"
"\n"
"Maps carry over: each map of OBJ gets the attached policy's map of the\n"
"same name (one its programs use), with its entries, if both have the same\n"
"type, key and value size, max_entries and flags. Only maps that hold data\n"
"do (hash, array, LRU, per-CPU, LPM trie, queue, stack, bloom filter); the\n"
"object's .bss, .data, .rodata and .kconfig never do: tunables and\n"
"counters come from OBJ. A map of the same name that differs in any of\n"
"those is an error (exit 5, nothing swapped), and so are two maps of OBJ\n"
"whose names the kernel cuts to the same 15 characters when the attached\n"
"policy has a map of that name. The maps carried over are printed; -v\n"
"also names those that start empty.\n"
"\n"
"  --expect [KIND=]POLICY\n"
"                swap KIND only if POLICY is the one attached, else exit 5\n"
"                and change nothing. POLICY is a map id ('mmpolicy status')\n"
"                or a policy name; id:N and name:NAME say which (name:123\n"
"                for a policy named 123). KIND= (demotion, thp,\n"
"                compaction, promotion) may be left out if OBJ has one\n"
"                kind; give --expect once per kind. A map id is checked\n"
"                by the kernel at the swap.\n"
"  --fresh       do not carry maps over: the new policy starts with empty\n"
"                maps\n"
"  --set VAR=VALUE   as for load\n" },
	{ "unload",
"usage: mmpolicy unload KIND|all\n"
"\n"
"Detach the policy of KIND (demotion, thp, compaction, promotion), or all\n"
"of them, and remove their pins. Policies attached by other tools are detached too.\n" },
	{ "status",
"usage: mmpolicy status [--json]\n"
"\n"
"For each hook the kernel has: the attached policy, its link, map and\n"
"program ids, the maps its programs use (name and id, for bpftool map\n"
"dump), where it was loaded from, when, with which tunables, and the\n"
"kernel's counters (calls, overrides, invalid answers, fallbacks).\n" },
	{ "top",
"usage: mmpolicy top [--interval SECONDS] [--count N] [--json]\n"
"\n"
"A live view: for each hook, its policy and state, calls, overrides,\n"
"invalid answers and fallbacks per second, and how often the kernel has\n"
"ejected a policy from it; for each node, the pages demoted from it and\n"
"promoted to it per second. On a terminal it refreshes in place; piped,\n"
"it prints a block per interval; --json prints one JSON object per line.\n"
"Needs no privileges.\n"
"\n"
"  --interval SECONDS  between samples (default 2; 0.1 to 3600)\n"
"  --count N           stop after N samples (default: until Ctrl-C)\n"
"  --json              one JSON object per sample, for scripts\n" },
	{ "apply",
"usage: mmpolicy apply FILE [--watch [--interval SECONDS]]\n"
"\n"
"Make the hooks what FILE says (README.md, \"Configuration\"): a\n"
"[HOOK] section per hook with 'policy = OBJ', any 'set = VAR=VALUE' and\n"
"'entry MAP KEY = VALUE' lines. The whole file and every policy it names\n"
"are checked first; if any is wrong, nothing changes. Then each hook gets\n"
"its policy: left as it is if mmpolicy attached that policy with those\n"
"tunables, swapped if another policy is attached (maps carry over),\n"
"loaded if none is. A map the file gives entries for holds exactly those\n"
"entries afterwards. A hook the file does not name is given back to the\n"
"kernel. Applying a file twice changes nothing the second time.\n"
"\n"
"  --watch       stay, and apply FILE again whenever a hook drifts from it\n"
"                (the kernel ejected its policy, someone detached or\n"
"                swapped it); a hook re-applied 3 times in 600 s is left\n"
"                to the kernel until SIGHUP, which also re-reads FILE.\n"
"                SIGTERM ends it and leaves the policies attached. This is\n"
"                what the systemd unit (loader/mmpolicy.service) runs.\n"
"  --interval SECONDS  how often --watch looks (default 2)\n" },
	{ "restore",
"usage: mmpolicy restore\n"
"\n"
"Give every hook back to the kernel: detach every policy, ejected ones\n"
"included, and remove their pins and records. The same as 'unload all'.\n" },
	{ "info",
"usage: mmpolicy info OBJ\n"
"\n"
"List the policies in OBJ and their tunables with default values.\n"
"Loads nothing; needs no privileges.\n" },
	{ "list-builtin",
"usage: mmpolicy list-builtin\n"
"\n"
"List the policies built into this binary (usable as OBJ by name).\n" },
};

static bool command_help(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		if (!strcmp(helps[i].name, cmd)) {
			fputs(helps[i].text, stdout);
			return true;
		}
	}
	return false;
}

/* --interval SECONDS, decimals allowed: 0.1 to 3600. */
static int parse_interval(const char *arg, long *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0.1 && v <= 3600)) {
		err("--interval %s: expected seconds, 0.1 to 3600", arg);
		return EXIT_USAGE;
	}
	*ms = (long)(v * 1000 + 0.5);
	return EXIT_OK;
}

static int parse_count(const char *arg, int *count)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > INT_MAX) {
		err("--count %s: expected a number of samples, 1 or more", arg);
		return EXIT_USAGE;
	}
	*count = v;
	return EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: mmpolicy [-v] COMMAND [ARGS]\n"
"\n"
"  load OBJ [--set VAR=VALUE]...   attach every policy in OBJ and pin it\n"
"  swap OBJ [--set VAR=VALUE]... [--expect [KIND=]POLICY]... [--fresh]\n"
"                                  atomically replace the attached policies\n"
"                                  with those in OBJ, keeping their maps\n"
"  unload KIND|all                 detach (KIND: demotion, thp, compaction, promotion)\n"
"  status [--json]                 attached policies and the kernel's counters\n"
"  top [--interval S] [--count N] [--json]\n"
"                                  live view: calls/s, ejections, node traffic\n"
"  apply FILE [--watch]            make the hooks what a configuration says\n"
"  restore                         detach every policy: the kernel decides\n"
"  info OBJ                        the policies and tunables in OBJ\n"
"  list-builtin                    policies built into this binary\n"
"\n"
"OBJ is a BPF object file, or the name of a built-in policy.\n"
"'mmpolicy COMMAND --help' describes a command.\n"
"--set writes a `const volatile` tunable of the policy before it loads.\n"
"-v prints libbpf's messages, a verifier log whole.\n"
"Exit status: 0 ok, 1 kernel refused, 2 usage, 3 bad object,\n"
"             4 environment (privileges, kernel, bpffs), 5 conflict,\n"
"             6 partial swap (swapping back failed: some kinds are left on\n"
"             the new policy; the swap prints what is attached).\n");
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "expect", required_argument, NULL, 'e' },
		{ "fresh", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "watch", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char **sets = calloc(argc, sizeof(char *));
	char **expects = calloc(argc, sizeof(char *));
	bool json = false, fresh = false, watching = false;
	int nsets = 0, nexpects = 0, opt, count = 0;
	long interval_ms = 2000;
	const char *cmd;

	if (!sets || !expects) {
		err("out of memory");
		return EXIT_FAIL;
	}
	libbpf_set_print(log_libbpf_print);
	while ((opt = getopt_long(argc, argv, "+vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* The command's own options, anywhere after it (optind 0: rescan). */
	argc -= optind;
	argv += optind;
	cmd = argv[0];
	optind = 0;
	while ((opt = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 's': sets[nsets++] = optarg; break;
		case 'j': json = true; break;
		case 'e': expects[nexpects++] = optarg; break;
		case 'f': fresh = true; break;
		case 'v': verbose = true; break;
		case 'w': watching = true; break;
		case 'i':
			if (parse_interval(optarg, &interval_ms))
				return EXIT_USAGE;
			break;
		case 'c':
			if (parse_count(optarg, &count))
				return EXIT_USAGE;
			break;
		case 'h':
			if (command_help(cmd))
				return EXIT_OK;
			usage(stdout);
			return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "load") && argc == 1)
		return cmd_load(argv[0], nsets, sets);
	if (!strcmp(cmd, "swap") && argc == 1)
		return cmd_swap(argv[0], nsets, sets, nexpects, expects, fresh);
	if (!strcmp(cmd, "unload") && argc == 1)
		return cmd_unload(argv[0]);
	if ((!strcmp(cmd, "status") || !strcmp(cmd, "list")) && argc == 0)
		return cmd_status(json);
	if (!strcmp(cmd, "top") && argc == 0)
		return cmd_top(interval_ms, count, json);
	if (!strcmp(cmd, "apply") && argc == 1)
		return cmd_apply(argv[0], watching, interval_ms);
	if (!strcmp(cmd, "restore") && argc == 0)
		return cmd_restore();
	if (!strcmp(cmd, "info") && argc == 1)
		return cmd_info(argv[0]);
	if (!strcmp(cmd, "list-builtin") && argc == 0)
		return cmd_list_builtin();
	if (!command_help(cmd))
		usage(stderr);
	return EXIT_USAGE;
}
