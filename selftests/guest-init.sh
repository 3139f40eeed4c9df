#!/bin/bash
# PID 1 of the test VM (see vm.sh). Arguments, after the kernel's "--":
#   TOPOLOGY shell
#   TOPOLOGY tests TEST...           run selftests/tests/TEST, print TAP
#   TOPOLOGY run SCRIPT [ARG...]     run a script of the repo (demo, benchmark)
# The repo is its own 9p share at /run/repo: wherever it is on the host
# (even under /tmp, which the guest covers with tmpfs), the guest sees it.
# Everything meant for the host goes to the second serial port, ttyS1.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export TOPOLOGY=$1 REPO=/run/repo
mode=$2
shift 2

mount -t proc proc /proc
mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
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

run_tests() {
	local n=0 t rc start
	echo "TAP version 13" >&3
	echo "1..$#" >&3
	# The first test's check also covers what the kernel said at boot.
	for t in "$@"; do
		n=$((n + 1))
		# Every test starts from the same knobs, whatever the last one set.
		echo false > /sys/kernel/mm/numa/demotion_enabled
		echo always > /sys/kernel/mm/transparent_hugepage/enabled
		swapoff -a 2>/dev/null
		echo 100 > /sys/module/bpf_mm_policy/parameters/max_invalid_run
		start=$(date +%s)
		# Each test is its own process: a failure or hang cannot take
		# the runner down. Diagnostics become TAP comments.
		timeout -k 5 "${TEST_TIMEOUT:-600}" \
			bash "$REPO/selftests/tests/$t" 2>&1 | sed -u 's/^/# /' >&3
		rc=${PIPESTATUS[0]}
		# Leave nothing attached for the next test.
		"$REPO/build/bin/mmpolicy" unload all >/dev/null 2>&1
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
		4) echo "ok $n - $t # SKIP" >&3 ;;
		124|137) echo "not ok $n - $t # timed out" >&3 ;;
		*) echo "not ok $n - $t" >&3 ;;
		esac
	done
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
