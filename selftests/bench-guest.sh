#!/bin/bash
# Inside the VM: every benchmark, side by side, in one boot. Each section
# writes $OUT/<name>.md (a table) and $OUT/<name>.dat (for the charts).
# Absolute times under TCG mean little; the tables report ratios.
set -u
. "$REPO/selftests/lib.sh"
RUNS=${RUNS:-5}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# prog_ns: average run time per call of the newest struct_ops program.
prog_ns() {
	"$BPFTOOL" prog show -j | tr '{' '\n' | grep '"type":"struct_ops"' |
		grep -o '"run_time_ns":[0-9]*,"run_cnt":[0-9]*' | tail -1 |
		awk -F'[:,]' '$4 > 0 { printf "%.0f", $2 / $4 } $4 == 0 { print "-" }'
}

header() {
	echo "Kernel $(uname -r), QEMU/TCG, 2 vCPUs, tiered topology (node 0: CPUs +"
	echo "512 MiB; nodes 1-2: 512 MiB each, CPU-less, lower tier via HMAT)."
	echo "Absolute times under TCG are not meaningful; compare the ratios."
	echo
}

bench_demotion() {
	local rows=() dat=() base_ms="" base_tp="" cfg
	echo "== demotion: 640 MiB bound to node 0, $RUNS runs per policy"
	enable_demotion
	# The first workload after boot also pulls binaries in over 9p: discard it.
	settle
	"$MEMHOG" -m 640 -b 0 >/dev/null
	for cfg in none kernel_default one_node most_free memcg_map; do
		case $cfg in
		none) ;;
		one_node) mmpolicy load one_node --set target_node=2 >/dev/null ;;
		*) mmpolicy load "$cfg" >/dev/null ;;
		esac
		local c0=$(hookstat demotion calls) ms=() tp=() i r t d d0
		for ((i = 0; i < RUNS; i++)); do
			settle
			d0=$(pgdemote)
			r=$("$MEMHOG" -m 640 -b 0) || return 1
			t=$(field touch_ms "$r"); d=$(( $(pgdemote) - d0 ))
			ms+=("$t"); tp+=("$(( d * 1000 / (t > 0 ? t : 1) ))")
		done
		local calls=$(( ($(hookstat demotion calls) - c0) / RUNS ))
		local m=$(printf '%s\n' "${ms[@]}" | median) p=$(printf '%s\n' "${tp[@]}" | median)
		local ns=-
		[ $cfg = none ] || ns=$(prog_ns)
		[ -n "$base_ms" ] || { base_ms=$m; base_tp=$p; }
		local share=-
		[ "$ns" = - ] || share=$(echo "$calls $ns $m" | awk '{ printf "%.3f%%", $1 * $2 / ($3 * 1e6) * 100 }')
		rows+=("| $cfg | $m | $(ratio "$m" "$base_ms") | $p | $(ratio "$p" "$base_tp") | $calls | $ns | $share |")
		dat+=("$cfg $(ratio "$m" "$base_ms") $(ratio "$p" "$base_tp")")
		echo "  $cfg: ${m} ms, ${p} pages/s, $calls calls/run, ${ns} ns/call"
		mmpolicy unload all >/dev/null
	done
	{
		echo "# Demotion"; echo; header
		echo "Workload: 640 MiB of base pages bound to node 0 (~160 MiB more than fits);"
		echo "reclaim demotes the rest. Median of $RUNS runs per configuration."
		echo
		echo "| policy | time ms | ×none | demoted pages/s | ×none | hook calls/run | prog ns/call | hook share of time |"
		echo "|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
		echo
		echo "time: touching the workload, reclaim and demotion included. prog ns/call:"
		echo "the policy program's own run time per call (kernel.bpf_stats_enabled)."
		echo "hook share of time = calls × ns/call ÷ time: what the policy itself costs."
		echo "Run-to-run noise of the time under TCG is about ±20%, far above that share:"
		echo "differences in the ×none columns are noise unless they exceed it."
	} >"$OUT/demotion.md"
	printf '%s\n' "${dat[@]}" >"$OUT/demotion.dat"
}

bench_swap() {
	echo "== hot swap: 1000 swaps one_node <-> most_free under reclaim"
	enable_demotion
	settle
	mmpolicy load one_node --set target_node=2 >/dev/null
	local steady=$(field touch_ms "$("$MEMHOG" -m 640 -b 0)")
	mmpolicy unload all >/dev/null
	settle
	"$MEMHOG" -m 640 -b 0 >/tmp/swap-hog.out &
	local hog=$! d0=$(pgdemote) i
	for i in $(seq 100); do [ "$(pgdemote)" -gt $((d0 + 1000)) ] && break; sleep 0.1; done
	local r=$("$BIN/swapstorm" -n 1000 -d 1000)
	wait $hog
	local during=$(field touch_ms "$(cat /tmp/swap-hog.out)")
	echo "  $r"
	echo "  workload: ${steady} ms steady, ${during} ms during swaps"
	{
		echo "# Hot swap"; echo; header
		echo "1000 BPF_LINK_UPDATE swaps (BPF_F_REPLACE) between one_node and most_free,"
		echo "1 ms apart, while a 640 MiB workload bound to node 0 is being demoted."
		echo
		echo "| swaps | median µs | max µs | hook calls | one_node calls | most_free calls | fallbacks | workload ms steady | during swaps | ×steady |"
		echo "|---|---|---|---|---|---|---|---|---|---|"
		echo "| $(field swaps "$r") | $(field median_us "$r") | $(field max_us "$r") | $(field kernel_calls "$r") | $(field one_node_calls "$r") | $(field most_free_calls "$r") | $(field fallbacks "$r") | $steady | $during | $(ratio "$during" "$steady") |"
		echo
		echo "Every hook call is accounted to exactly one policy when the last three"
		echo "call columns add up; fallbacks counts calls that found no policy."
	} >"$OUT/swap.md"
	echo "swap $(field median_us "$r") $(field max_us "$r")" >"$OUT/swap.dat"
}

bench_thp() {
	local rows=() wrows=() dat=() cfg mode
	echo "== THP: the reservations RFC's experiment at VM scale"
	thp_setup
	echo false > /sys/kernel/mm/numa/demotion_enabled
	local total=$(( $(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024 ))
	local chunk=$(( total / 16 / 2 * 2 )) limit=$(( total * 2 / 3 ))
	# The children share a memory cgroup: running out is a quick memcg OOM
	# kill, not minutes of thrashing the VM's page cache under TCG.
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir -p /sys/fs/cgroup/thpbench
	echo "${limit}M" > /sys/fs/cgroup/thpbench/memory.max
	for mode in one random; do
		for cfg in none thp_threshold thp_adaptive; do
			[ $cfg = none ] || mmpolicy load $cfg --set threshold=256 >/dev/null
			settle
			local free0=$(awk '/MemFree/ { print $2 }' /proc/meminfo)
			local f0=$(vmstat thp_fault_alloc) k0=$(vmstat oom_kill)
			local opt="-p 1"
			[ $mode = one ] || opt="-r -p 512"
			local r=$(bash -c 'echo $$ > /sys/fs/cgroup/thpbench/cgroup.procs && exec "$@"' _ \
				"$BIN/thpfork" -c "$chunk" $opt -m 120)
			local used=$(( (free0 - $(field mem_free_kb "$r")) / 1024 ))
			local n=$(field children "$r")
			rows+=("| $mode | $cfg | $n$([ "$(field failed "$r")" = 1 ] && echo " (then OOM)" || echo " (cap)") | $used | $(( $(field anon_huge_kb "$r") / 1024 )) | $(( $(vmstat thp_fault_alloc) - f0 )) | $(field fault_p50_us "$r") | $(field fault_p99_us "$r") |")
			dat+=("$mode-$cfg $n $used")
			echo "  $mode/$cfg: $r used=${used}MiB"
			mmpolicy unload all >/dev/null
		done
	done
	# The worst case for deferring: a workload that uses every page.
	for cfg in none thp_threshold thp_adaptive; do
		[ $cfg = none ] || mmpolicy load $cfg --set threshold=256 >/dev/null
		settle
		local c0=$(vmstat thp_collapse_alloc) t0=$(now_ms)
		local r=$("$THPTOUCH" -n 32 touch:0-31:512 report)
		local t1=$(now_ms)
		local cov0=$(grep -o 'huge_kb=[0-9]*' <<<"$r" | cut -d= -f2)
		r=$("$THPTOUCH" -n 32 touch:0-31:512 wait:31:60 report)
		local cov1=$(grep '^report' <<<"$r" | grep -o 'huge_kb=[0-9]*' | cut -d= -f2)
		wrows+=("| $cfg | $((t1 - t0)) | $((cov0 / 2048))/32 | $((cov1 / 2048))/32 | $(( $(vmstat thp_collapse_alloc) - c0 )) |")
		echo "  full-touch/$cfg: $((t1 - t0)) ms, huge at once $((cov0 / 2048))/32, after khugepaged $((cov1 / 2048))/32"
		mmpolicy unload all >/dev/null
	done
	{
		echo "# THP promotion"; echo; header
		echo "The RFC's experiment scaled to the VM: children each map a ${chunk} MiB chunk"
		echo "(1/16 of guest memory) and touch 1 page, or a random 1..512 pages, per"
		echo "2 MiB range, then hold it; THP=always; all children in one memory cgroup"
		echo "limited to ${limit} MiB (2/3 of guest memory); up to 120 children, stopping at"
		echo "the first OOM kill. none = no policy; thp_threshold and thp_adaptive use"
		echo "threshold 256 (thp_adaptive: eager again for a process after 2 promotions)."
		echo
		echo "| touch | policy | children | memory used MiB | AnonHugePages MiB | THP faults | first-fault p50 µs | p99 µs |"
		echo "|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
		echo
		echo "Worst case for deferring: 32 ranges, every page touched (64 MiB)."
		echo
		echo "| policy | touch time ms | huge at once | huge after khugepaged | collapses |"
		echo "|---|---|---|---|---|"
		printf '%s\n' "${wrows[@]}"
	} >"$OUT/thp.md"
	rmdir /sys/fs/cgroup/thpbench
	printf '%s\n' "${dat[@]}" >"$OUT/thp.dat"
}

# free_huge_blocks NODE: free 2 MiB blocks in NODE's zones (an order-10
# block is two).
free_huge_blocks() {
	awk -v n="$1," '$2 == n { b += $(NF - 1) + 2 * $NF } END { print b + 0 }' /proc/buddyinfo
}

# compaction_boot POLICY: one configuration of the compaction benchmark, in a
# boot of its own: compaction keeps state between runs (pageblock skip bits,
# cached scanner positions, deferral), so only a fresh boot repeats a run.
# Node 1 (1 GiB in these boots) plays a VM host's guest-RAM node: 512 MiB
# of shmem pinned long-term (io_uring fixed buffers on a memfd, as vfio pins
# guest RAM) next to 256 MiB of anonymous memory with a random half of its
# pages freed (every other page would trap the free scanner, see memhog -r);
# then 10 compactions of node 1. Prints one "result:" line.
bench_compaction_boot() {
	local cfg=$1 i t0 ms=0 before after k out=""
	echo madvise > $THP/defrag
	numactl --membind=1 "$PINMEM" -m 512 -w /tmp/unpin >/tmp/pin.out 2>&1 &
	PIN_PID=$!
	for i in $(seq 100); do grep -q pinned /tmp/pin.out 2>/dev/null && break; sleep 0.1; done
	grep -q pinned /tmp/pin.out || { echo "pinmem: $(cat /tmp/pin.out)"; return 1; }
	"$MEMHOG" -m 256 -b 1 -r -s 3600 >/tmp/frag.out &
	local hog=$!
	while [ ! -s /tmp/frag.out ]; do sleep 0.2; done
	[ "$cfg" = none ] || mmpolicy load "$cfg" >/dev/null || { echo "load $cfg failed"; return 1; }
	local blocks0=$(free_huge_blocks 1)
	before=$(cat /proc/vmstat)
	for i in $(seq 10); do
		t0=$(date +%s%N)
		echo 1 > /sys/devices/system/node/node1/compact
		ms=$(( ms + ($(date +%s%N) - t0) / 1000000 ))
		[ -z "${BENCH_TRACE:-}" ] || echo "pass $i: $(grep -E '^(compact_isolated|pgmigrate_fail|pgmigrate_success|compact_migrate_scanned|compact_free_scanned) ' /proc/vmstat | tr '\n' ' ') blocks=$(free_huge_blocks 1)"
	done
	after=$(cat /proc/vmstat)
	local blocks1=$(free_huge_blocks 1)
	# What the policy's own program cost (kernel.bpf_stats_enabled is on).
	out+=" $("$BPFTOOL" prog show 2>/dev/null | awk '/ struct_ops / {
		for (i = 1; i < NF; i++) { if ($i == "run_time_ns") ns += $(i + 1); if ($i == "run_cnt") n += $(i + 1) } }
		END { printf "bpf_ms=%d bpf_calls=%d", ns / 1000000, n }')"
	for k in compact_isolated pgmigrate_fail pgmigrate_success compact_migrate_scanned; do
		out+=" $k=$(( $(awk -v k=$k '$1 == k { print $2 }' <<<"$after") - $(awk -v k=$k '$1 == k { print $2 }' <<<"$before") ))"
	done
	# What the compacted memory is for: huge pages at fault, on node 1.
	# defrag=never, so each fault takes a free 2 MiB block or falls back
	# to a base page, and compacts nothing itself.
	echo never > $THP/defrag
	local a0=$(vmstat thp_fault_alloc) f0=$(vmstat thp_fault_fallback)
	numactl --membind=1 "$THPTOUCH" -n 256 touch:0-255:1 >/dev/null
	local thp=$(( $(vmstat thp_fault_alloc) - a0 )) fb=$(( $(vmstat thp_fault_fallback) - f0 ))
	pin_alive || { echo "the pin did not hold"; return 1; }
	echo "result: cfg=$cfg$out compact_ms=$ms blocks_before=$blocks0 blocks_after=$blocks1 thp_ok=$thp thp_fallback=$fb"
	kill $hog; wait $hog 2>/dev/null
	pin_stop
}

sysctl -qw kernel.bpf_stats_enabled=1
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(demotion swap thp)
if [ "${sections[0]}" = compaction_boot ]; then
	bench_compaction_boot "${sections[1]}" || { echo "bench compaction ${sections[1]} failed"; exit 1; }
	exit 0
fi
for b in "${sections[@]}"; do
	"bench_$b" || { echo "bench $b failed"; exit 1; }
done
