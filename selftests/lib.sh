# Sourced by every test in selftests/tests/ (inside the VM).
# A test prints what it checks; exit 0 = pass, 4 = skip, anything else fails.
set -u

BIN=$REPO/build/bin
BPFO=$REPO/build/bpf
MMPOLICY=$BIN/mmpolicy
MEMHOG=$BIN/memhog
BPFTOOL=$REPO/build/bpftool/bpftool
HOOKS=/sys/kernel/mm/bpf_policy

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 4; }
pass() { echo "ok: $*"; }

# check DESCRIPTION COMMAND...: run a test(1)-style check, report it.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
pgdemote() { echo $(( $(vmstat pgdemote_kswapd) + $(vmstat pgdemote_direct) + $(vmstat pgdemote_khugepaged) )); }
hookstat() { cat "$HOOKS/$1/$2"; }
policy_of() { cat "$HOOKS/$1/policy"; }

# field NAME LINE: the value of NAME=VALUE in a memhog report line.
field() { echo "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

enable_demotion() { echo true > /sys/kernel/mm/numa/demotion_enabled; }

# Free what the last test left in caches so each starts from the same state.
settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	echo 1 > /proc/sys/vm/compact_memory 2>/dev/null || true
}

mmpolicy() { "$MMPOLICY" "$@"; }

# hog MiB NODE: run memhog bound to NODE; prints and returns its report.
hog() {
	local out
	out=$("$MEMHOG" -m "$1" -b "$2") || fail "memhog -m $1 -b $2 failed"
	echo "memhog: $out" >&2
	echo "$out"
}
