#!/bin/bash
# PID 1 of the test VM (see vm.sh). Arguments, after the kernel's "--"
# (all but TOPOLOGY through the file /run/out/init-args, see below):
#   TOPOLOGY shell
#   TOPOLOGY tests TEST...           run selftests/tests/TEST, print TAP
#   TOPOLOGY run SCRIPT [ARG...]     run a script of the repo (demo, benchmark)
# The repo is its own 9p share at /run/repo: wherever it is on the host
# (even under /tmp, which the guest covers with tmpfs), the guest sees it.
# Everything meant for the host goes to the second serial port, ttyS1.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export TOPOLOGY=$1 REPO=/run/repo
shift

mount -t proc proc /proc
mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
# devtmpfs has no /dev/fd: bash's process substitution needs it.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for d in /tmp /run /var/tmp /root; do
	mount -t tmpfs -o mode=1777 tmp "$d"
done
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p /run/out /run/repo
mount -t 9p -o trans=virtio,version=9p2000.L out /run/out
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose repo /run/repo
export HOME=/root OUT=/run/out

# The rest of the arguments come in a file (see vm.sh: the kernel passes
# init no more than 32). Missing, there is no mode: nothing runs, and the
# host finds no TAP plan.
if [ "${1:-}" = @init-args ]; then
	mapfile -t args <"$OUT/init-args"
	set -- "${args[@]}"
fi
mode=${1:-}
shift

exec 3>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null

poweroff() {
	sync
	"$REPO/build/bin/poweroff"
	sleep 10 # not reached
}

# What the kernel's checkers print: WARN and BUG (KASAN's reports are
# "BUG: KASAN: ...", lockdep's "WARNING: possible circular locking ..."),
# oopses, RCU stalls, might_sleep() and UBSAN.
KERNEL_PROBLEM='WARNING:|BUG:|Oops|detected stall|sleeping function called|UBSAN:'

# lockdep reports once and then turns itself off: that is a report too,
# even if its text has left the log.
lockdep_off() { grep -qE 'debug_locks: +0' /proc/lockdep_stats 2>/dev/null; }

# --- What a test may leave behind, and how it is taken back -------------
#
# Every test starts from the state the VM booted with, whatever the tests
# before it did or failed to undo: knobs, processes, cgroups, swap, pins.
# What the clean-up finds becomes TAP comments of the test that left it
# (note: through the test's own output pipe, so they follow its last line);
# what cannot be undone fails that test, since every later test would
# start from the wrong state.
note() { echo "harness: $*" >&4; }

THP=/sys/kernel/mm/transparent_hugepage
# Every knob a test may write (grep the tests for '> /sys' and '> /proc'),
# and the kernel's other mm knobs next to them. Those that do not exist in
# this kernel are left out when the boot values are read.
knob_candidates() {
	printf '%s\n' \
		$THP/enabled $THP/defrag $THP/shmem_enabled $THP/use_zero_page \
		$THP/shrink_underused \
		$THP/khugepaged/pages_to_scan $THP/khugepaged/scan_sleep_millisecs \
		$THP/khugepaged/alloc_sleep_millisecs $THP/khugepaged/max_ptes_none \
		$THP/khugepaged/max_ptes_swap $THP/khugepaged/max_ptes_shared \
		$THP/khugepaged/defrag \
		$THP/hugepages-*/enabled $THP/hugepages-*/shmem_enabled \
		/sys/kernel/mm/numa/demotion_enabled \
		/proc/sys/kernel/numa_balancing \
		/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps \
		/sys/kernel/debug/sched/numa_balancing/* \
		/proc/sys/vm/compaction_proactiveness /proc/sys/vm/extfrag_threshold \
		/proc/sys/vm/compact_unevictable_allowed /proc/sys/vm/swappiness \
		/proc/sys/vm/watermark_scale_factor /proc/sys/vm/watermark_boost_factor \
		/sys/module/bpf_mm_policy/parameters/* \
		/sys/kernel/tracing/tracing_on /sys/kernel/tracing/buffer_size_kb \
		/sys/kernel/tracing/events/bpf_mm_policy/*/enable \
		/sys/kernel/tracing/events/bpf_mm_policy/*/filter
}

# knob_read FILE: the value of FILE as it would be written back, in $KV.
# Choice files show every choice and bracket the current one; the trace
# buffer's size reads "7 (expanded: 1408)" until first used.
knob_read() {
	KV=
	{ IFS= read -r KV <"$1"; } 2>/dev/null || [ -n "$KV" ] || return 1
	case $KV in
	*\[*\]*) KV=${KV#*\[}; KV=${KV%%\]*} ;;
	*"(expanded: "*\)) KV=${KV#*expanded: }; KV=${KV%\)} ;;
	esac
}

declare -a KNOBS=()
declare -A BOOT_KNOB=() BOOT_CGROUP=() BOOT_PIN=()
BOOT_SUBTREE=
save_boot_state() {
	local f
	for f in $(knob_candidates); do
		[ -f "$f" ] && knob_read "$f" || continue
		KNOBS+=("$f")
		BOOT_KNOB[$f]=$KV
	done
	for f in $(find /sys/fs/cgroup -mindepth 1 -type d); do BOOT_CGROUP[$f]=1; done
	read -r BOOT_SUBTREE </sys/fs/cgroup/cgroup.subtree_control
	for f in /sys/fs/bpf/* /sys/fs/bpf/.[!.]*; do [ -e "$f" ] && BOOT_PIN[$f]=1; done
}

# restore_knobs: write back every knob that differs from its boot value.
# Returns non-zero if one cannot be.
restore_knobs() {
	local f want ok=0
	for f in "${KNOBS[@]}"; do
		knob_read "$f"
		[ "$KV" = "${BOOT_KNOB[$f]}" ] && continue
		want=${BOOT_KNOB[$f]}
		# A trace event's filter reads "none" and is cleared with 0.
		[ "${f##*/}" = filter ] && [ "$want" = none ] && want=0
		note "reset $f: $KV -> ${BOOT_KNOB[$f]}"
		echo "$want" >"$f" 2>/dev/null
		knob_read "$f"
		# The trace buffer's size is rounded up to whole pages per CPU:
		# 1408 written reads 1410. What the boot value gives is the boot
		# value from now on.
		[ "${f##*/}" = buffer_size_kb ] && [ "$KV" -ge "$want" ] && [ "$KV" -lt $((want + 16)) ] &&
			BOOT_KNOB[$f]=$KV
		if [ "$KV" != "${BOOT_KNOB[$f]}" ]; then
			note "cannot reset $f to ${BOOT_KNOB[$f]}: it stays $KV"
			ok=1
		fi
	done
	return $ok
}

# proc_info PID: the process's comm, state, process group and whether it
# is a kernel thread, in $P_COMM $P_STATE $P_PGRP $P_KTHREAD; non-zero if
# it is gone. /proc/PID/stat is "PID (COMM) STATE PPID PGRP SESSION TTY
# TPGID FLAGS ...", and COMM may hold spaces and parentheses: the fields
# after it start after its last ") ".
proc_info() {
	local line rest f
	P_COMM= P_STATE= P_PGRP= P_KTHREAD=
	{ IFS= read -r line </proc/"$1"/stat; } 2>/dev/null || return 1
	rest=${line##*) }
	f=($rest)
	P_COMM=${line#*\(}; P_COMM=${P_COMM%\)*}
	P_STATE=${f[0]} P_PGRP=${f[2]}
	(( f[6] & 0x00200000 )) && P_KTHREAD=1	# PF_KTHREAD
	return 0
}

# leftovers EXCEPT...: every user-space process alive but PID 1, the
# pids given and this shell (called as $(leftovers), a subshell of PID 1).
# Zombies are dead already: PID 1 reaps them.
leftovers() {
	local d pid
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" = 1 ] || [ "$pid" = "$BASHPID" ] && continue
		[[ " $* " == *" $pid "* ]] && continue
		proc_info "$pid" || continue
		[ -n "$P_KTHREAD" ] || [ "$P_STATE" = Z ] || echo "$pid"
	done
}

# kill_leftovers KEEP_PID: kill what the test left running. Nothing else
# runs in this VM between tests but PID 1 and the sed forwarding the
# test's output (KEEP_PID), so every other user-space process is the
# test's. The test ran in a session of its own (setsid): each leftover's
# process group is killed whole first, which also takes a job that is busy
# forking; then the stragglers (a process that made a session of its own)
# until none is left.
kill_leftovers() {
	local keep=$1 pids pid pgrp i own_pgrp groups=" "
	pids=$(leftovers "$keep")
	[ -z "$pids" ] && return 0
	proc_info 1; own_pgrp=$P_PGRP
	for pid in $pids; do
		proc_info "$pid" || continue
		note "killing pid $pid ($P_COMM) the test left running"
		# Never PID 1's own group (kill -0 or -1 would reach it, or all).
		[ "$P_PGRP" -gt 1 ] && [ "$P_PGRP" != "$own_pgrp" ] && groups+="$P_PGRP "
	done
	for pgrp in $groups; do kill -KILL -- -"$pgrp" 2>/dev/null; done
	for i in $(seq 100); do
		pids=$(leftovers "$keep")
		[ -z "$pids" ] && return 0
		kill -KILL $pids 2>/dev/null
		sleep 0.1
	done
	note "still running 10 s after SIGKILL: $(for pid in $pids; do proc_info "$pid" && echo -n "$pid ($P_COMM, $P_STATE) "; done)"
	return 1
}

# remove_test_cgroups: every cgroup that was not there at boot, deepest
# first, its processes killed (cgroup.kill) so it can go; then the root's
# subtree_control as at boot (tests turn +memory on).
remove_test_cgroups() {
	local d c i ok=0 dirs
	mapfile -t dirs < <(find /sys/fs/cgroup -mindepth 1 -depth -type d)
	for d in "${dirs[@]}"; do
		[ -n "${BOOT_CGROUP[$d]:-}" ] && continue
		note "removing cgroup ${d#/sys/fs/cgroup/}"
		if grep -q '^populated 1' "$d/cgroup.events" 2>/dev/null; then
			echo 1 >"$d/cgroup.kill"
			for i in $(seq 100); do
				grep -q '^populated 0' "$d/cgroup.events" && break
				sleep 0.1
			done
		fi
		rmdir "$d" 2>/dev/null || { note "cannot remove cgroup $d"; ok=1; }
	done
	read -r c </sys/fs/cgroup/cgroup.subtree_control
	if [ "$c" != "$BOOT_SUBTREE" ]; then
		note "reset /sys/fs/cgroup/cgroup.subtree_control: $c -> $BOOT_SUBTREE"
		for d in $c; do
			[[ " $BOOT_SUBTREE " == *" $d "* ]] || echo "-$d" >/sys/fs/cgroup/cgroup.subtree_control
		done
		for d in $BOOT_SUBTREE; do echo "+$d" >/sys/fs/cgroup/cgroup.subtree_control; done
		read -r c </sys/fs/cgroup/cgroup.subtree_control
		[ "$c" = "$BOOT_SUBTREE" ] || { note "cannot reset cgroup.subtree_control: it stays $c"; ok=1; }
	fi
	return $ok
}

# detach_everything: no policy attached, no pin but those at boot. The
# loader removes its own (mm_policy/); whatever else a test pinned (a map
# kept alive, a link bpftool pinned) goes here: a pinned struct_ops link
# keeps its policy attached.
detach_everything() {
	local f h ok=0
	"$REPO/build/bin/mmpolicy" unload all >/dev/null 2>&1
	for f in /sys/fs/bpf/* /sys/fs/bpf/.[!.]* /sys/fs/bpf/mm_policy/*; do
		[ -e "$f" ] || continue
		[ -n "${BOOT_PIN[$f]:-}" ] || [ "$f" = /sys/fs/bpf/mm_policy ] && continue
		note "removing $f the test left in bpffs"
		rm -rf "$f"
	done
	# A link removed only now may have held a policy: unload it too.
	"$REPO/build/bin/mmpolicy" unload all >/dev/null 2>&1
	for h in /sys/kernel/mm/bpf_policy/*/state; do
		[ -f "$h" ] || continue
		[ "$(cat "$h")" = none ] && continue
		note "${h%/state} is still $(cat "$h") after unload all"
		ok=1
	done
	return $ok
}

# clean_up_after_test KEEP_PID: take back everything a test may have
# left; non-zero if some of it could not be.
clean_up_after_test() {
	local ok=0
	kill_leftovers "$@" || ok=1
	remove_test_cgroups || ok=1
	if [ "$(wc -l </proc/swaps)" -gt 1 ]; then
		note "turning off swap the test left on: $(tail -n +2 /proc/swaps | awk '{ print $1 }')"
		swapoff -a || ok=1
	fi
	detach_everything || ok=1
	restore_knobs || ok=1
	# Files a test left in the tmpfs dirs hold memory on node 0, and a
	# stale flag file (/tmp/stop, /tmp/go) could steer a later test.
	find /tmp /var/tmp -mindepth 1 -delete 2>/dev/null
	return $ok
}

run_tests() {
	local n=0 t rc start sed_pid
	echo "TAP version 13" >&3
	echo "1..$#" >&3
	# The skip code is defined in lib.sh, once; read it without sourcing
	# lib.sh into PID 1.
	SKIP_RC=$(. "$REPO/selftests/lib.sh" && echo "$SKIP_RC")
	case $SKIP_RC in
	[1-9]*) ;;
	*) echo "Bail out! cannot read SKIP_RC from selftests/lib.sh" >&3; return ;;
	esac
	save_boot_state
	# The first test's check also covers what the kernel said at boot.
	for t in "$@"; do
		n=$((n + 1))
		start=$(date +%s)
		# The test's output becomes TAP comments through a sed that is
		# not part of the test: once the test has exited and what it
		# left is killed, nothing else holds the pipe, and the sed ends.
		exec 4> >(sed -u 's/^/# /' >&3)
		sed_pid=$!
		# Each test is its own process, a failure or hang cannot take
		# the runner down, in a session of its own (see kill_leftovers).
		# In the foreground: a background job of a non-interactive shell
		# would ignore SIGINT and SIGQUIT, and so would everything it runs.
		# (-w: should setsid have to fork, it still waits for the test.)
		setsid -w timeout -k 5 "${TEST_TIMEOUT:-600}" \
			bash "$REPO/selftests/tests/$t" >&4 2>&1 3>&- 4>&-
		rc=$?
		# What cannot be cleaned up fails the test (a timeout stays one).
		clean_up_after_test $sed_pid || case $rc in 0|"$SKIP_RC") rc=1 ;; esac
		exec 4>&-
		wait $sed_pid
		# Read and clear in one step: nothing falls in between.
		klog=$(dmesg --read-clear)
		if grep -qE "$KERNEL_PROBLEM" <<<"$klog"; then
			echo "# kernel reported a problem during this test:" >&3
			grep -E -A12 "$KERNEL_PROBLEM" <<<"$klog" | head -40 | sed 's/^/#   /' >&3
			rc=1
		elif [ -z "${lockdep_was_off:-}" ] && lockdep_off; then
			echo "# lockdep turned itself off during this test (debug_locks 0)" >&3
			rc=1
		fi
		lockdep_off && lockdep_was_off=1
		case $rc in
		0) echo "ok $n - $t # $(( $(date +%s) - start ))s" >&3 ;;
		"$SKIP_RC") echo "ok $n - $t # SKIP" >&3 ;;
		124|137) echo "not ok $n - $t # timed out" >&3 ;;
		*) echo "not ok $n - $t # exit $rc" >&3 ;;
		esac
	done
	# The last line: how many tests ran. The host checks it against what it
	# selected and the plan; a result line after it, or none, is an error.
	echo "# ran $n tests" >&3
}

case "$mode" in
shell)
	echo "mm-bpf test VM ($TOPOLOGY). Tools: $REPO/build/bin. Exit the shell to power off."
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	;;
tests)
	run_tests "$@"
	;;
run)
	script=$1
	shift
	"$REPO/$script" "$@" >&3 2>&1
	echo "exit status $?" >&3
	;;
esac
poweroff
