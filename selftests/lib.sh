# Sourced by every test in selftests/tests/ (inside the VM).
# A test prints what it checks; exit 0 = pass, $SKIP_RC = skip, anything
# else fails.
set -u

# The exit status that means "skip", the one place it is defined
# (guest-init.sh reads it from here). It must be a value no command a test
# runs can return, or a failing last command reads as a skip: not 1-6
# (mmpolicy's own codes, the 4 of kselftest and sched_ext), not 77
# (automake's skip), not util-linux's 1-64 bit flags (swapon/swapoff),
# not 124-255 (timeout, bash's 126/127, 128+signal, bpftool's -1).
export SKIP_RC=99

BIN=$REPO/build/bin
BPFO=$REPO/build/bpf
MMPOLICY=$BIN/mmpolicy
MEMHOG=$BIN/memhog
BPFTOOL=$REPO/build/bpftool/bpftool
HOOKS=/sys/kernel/mm/bpf_policy

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit "$SKIP_RC"; }
pass() { echo "ok: $*"; }

# check DESCRIPTION COMMAND...: run a test(1)-style check, report it.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}
# not COMMAND...: succeed when COMMAND fails. check runs its command as "$@",
# where a "!" would be looked up as a command, not negate.
not() { ! "$@"; }

# le_bytes N WIDTH: N as WIDTH little-endian bytes, for bpftool.
le_bytes() { local n=$1 i; for ((i = 0; i < $2; i++)); do printf '%d ' $(( (n >> (8 * i)) & 255 )); done; }
# in_cgroup NAME CMD...: run CMD inside cgroup NAME (the same pid: exec).
in_cgroup() { local cg=$1; shift; bash -c 'echo $$ > /sys/fs/cgroup/'"$cg"'/cgroup.procs && exec "$@"' _ "$@"; }

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
pgdemote() { echo $(( $(vmstat pgdemote_kswapd) + $(vmstat pgdemote_direct) + $(vmstat pgdemote_khugepaged) )); }
hookstat() { cat "$HOOKS/$1/$2"; }
policy_of() { cat "$HOOKS/$1/policy"; }
# settled CMD...: CMD's output once two runs 0.5 s apart agree (at most
# 10 s), for counters that reclaim still running in the background may
# move between two reads.
settled() {
	local prev="" cur i
	for i in $(seq 20); do
		cur=$("$@")
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.5
	done
	echo "$cur"
}

# field NAME LINE: the value of NAME=VALUE in a memhog report line.
field() { echo "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
# sum KEY LINE...: KEY's value summed over compact_round lines.
sum() { local k=$1; shift; local t=0 r; for r in "$@"; do t=$((t + $(field "$k" "$r"))); done; echo $t; }

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

THP=/sys/kernel/mm/transparent_hugepage
# khugepaged scans often and far enough to see a test's ranges in seconds.
thp_setup() {
	echo always > $THP/enabled
	echo 100 > $THP/khugepaged/scan_sleep_millisecs
	echo 100 > $THP/khugepaged/alloc_sleep_millisecs
	echo 65536 > $THP/khugepaged/pages_to_scan
}
THPTOUCH=$BIN/thptouch
# hold NAME CGROUP THPTOUCH-ARGS...: a thptouch, alone in CGROUP, that runs
# its steps, reports (huge pages, then nodes), waits for /tmp/NAME.go and
# reports again.
hold() {
	local name=$1 cg=$2 i
	shift 2
	rm -f /tmp/"$name".*
	in_cgroup "$cg" "$THPTOUCH" "$@" report nodes signal:/tmp/"$name".ready \
		await:/tmp/"$name".go report nodes >/tmp/"$name".out &
	for i in $(seq 900); do [ -e /tmp/"$name".ready ] && return; sleep 0.1; done
	fail "$name did not get ready: $(cat /tmp/"$name".out)"
}
release() { touch /tmp/"$1".go; }
# report_field NAME STEP N FIELD: FIELD of the Nth STEP line (report, nodes)
# that hold NAME printed.
report_field() {
	grep "^$2:" /tmp/"$1".out | sed -n "$3p" | tr ' ' '\n' |
		awk -F= -v k="$4" '$1 == k { print $2 }'
}
# huge_kb NAME N: AnonHugePages of NAME's Nth report (1: before, 2: after).
huge_kb() { report_field "$1" report "$2" huge_kb; }

PINMEM=$BIN/pinmem
# compact_round LABEL: fragment 128 MiB of movable anon memory on node 0,
# compact all of memory once, and print the vmstat deltas as NAME=VALUE.
compact_round() {
	local before after k out=""
	rm -f /tmp/frag.out
	"$MEMHOG" -m 128 -b 0 -f -s 600 >/tmp/frag.out &
	local hog=$!
	while [ ! -s /tmp/frag.out ]; do
		# (in $(...) a fail would be the round's output: say it on stderr)
		kill -0 $hog 2>/dev/null || fail "memhog -f: $(cat /tmp/frag.out)" >&2
		sleep 0.2
	done
	before=$(cat /proc/vmstat)
	local s0=$(date +%s%N)
	echo 1 > /proc/sys/vm/compact_memory
	local s1=$(date +%s%N)
	after=$(cat /proc/vmstat)
	# Free 2 MiB blocks on node 0 right after compaction, while the
	# fragmenting memory is still held: what a THP fault could now get.
	local blocks=$(awk '$2 == "0," && $4 == "DMA32" { print $14 + 2 * $15 }' /proc/buddyinfo)
	kill $hog; wait $hog 2>/dev/null
	for k in compact_isolated pgmigrate_fail pgmigrate_success compact_migrate_scanned; do
		out+=" $k=$(( $(awk -v k=$k '$1 == k { print $2 }' <<<"$after") - $(awk -v k=$k '$1 == k { print $2 }' <<<"$before") ))"
	done
	echo "$1:$out compact_ms=$(( (s1 - s0) / 1000000 )) huge_blocks=$blocks"
}

# pin_start MiB: pin MiB of shmem long-term in the background (PIN_PID).
pin_start() {
	rm -f /tmp/unpin /tmp/pin.out
	"$PINMEM" -m "$1" -w /tmp/unpin >/tmp/pin.out 2>&1 &
	PIN_PID=$!
	for i in $(seq 600); do
		grep -q pinned /tmp/pin.out 2>/dev/null && break
		kill -0 $PIN_PID 2>/dev/null || break
		sleep 0.1
	done
	grep -q pinned /tmp/pin.out || fail "pinmem: $(cat /tmp/pin.out)"
	cat /tmp/pin.out
}
# A round only means something if the pin held through it.
pin_alive() { kill -0 "$PIN_PID" 2>/dev/null; }
pin_stop() { touch /tmp/unpin; wait "$PIN_PID" 2>/dev/null; }

# attached_map KIND NAME: the id of map NAME that the programs of KIND's
# attached policy use (their bpf_prog_info map_ids), none if they use none.
# mmpolicy status lists them (test 14 checks it against bpftool's view):
# one call, where asking bpftool per program and per map took seconds on
# the debug kernel.
attached_map() {
	"$MMPOLICY" status --json |
		jq -r --arg n "$2" ".$1.maps[]? | select(.name == \$n) | .id"
}
# map_entries ID: how many entries map ID holds.
map_entries() { "$BPFTOOL" map dump id "$1" -j | jq length; }
# entries_of ID PID: how many entries of map ID have the key field pid PID.
entries_of() {
	"$BPFTOOL" map dump id "$1" -j | jq "[.[] | select(.formatted.key.pid == $2)] | length"
}

# map_kv MAP: "key=value ..." of the BPF map named MAP, sorted: keys
# and values as little-endian integers, values signed.
map_kv() {
	"$BPFTOOL" -j map dump name "$1" | python3 -c '
import json, sys
kv = []
for e in json.load(sys.stdin):
    k = int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little")
    v = int.from_bytes(bytes(int(b, 16) for b in e["value"]), "little", signed=True)
    kv.append("%d=%d" % (k, v))
print(" ".join(sorted(kv)))'
}
