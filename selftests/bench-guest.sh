#!/bin/bash
# Inside the VM: the benchmarks that share one boot, side by side. Each
# section writes $OUT/<name>.md (a table) and $OUT/<name>.dat (for the
# charts). compaction_boot and thp_boot run one configuration of their
# benchmark in a boot of its own and print result lines for bench.sh.
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

# thp_boot CONFIGURATION: one configuration of the THP benchmark, in a boot
# of its own, so that every configuration starts from the same free memory
# (the THP=always figures are only as good as the free 2 MiB blocks left).
# The reservations RFC's experiment in a memory cgroup: children each map a
# 1/16 of guest memory and touch every page, 1 page or a random 1..512
# pages of each 2 MiB range; children are added until the first OOM kill in
# the cgroup (limit: 1/4 of guest memory). Then the mixed run: one dense
# child and sparse ones after it, under the same limit. Default khugepaged settings. Each mode is settled
# and memory compacted before it; one "result:" line per mode.
#   never, always: THP=never / always;  always_mpn256: always with
#   khugepaged/max_ptes_none=256 (the kernel's own underused shrinker);
#   thp_threshold (threshold 256), thp_adaptive, thp_reserve: their defaults.
bench_thp_boot() {
	local cfg=$1 mode cg=/sys/fs/cgroup/thpbench k
	echo false > /sys/kernel/mm/numa/demotion_enabled
	case $cfg in
	never) echo never > $THP/enabled ;;
	always) echo always > $THP/enabled ;;
	always_mpn256) echo always > $THP/enabled; echo 256 > $THP/khugepaged/max_ptes_none ;;
	thp_threshold|thp_adaptive|thp_reserve)
		echo always > $THP/enabled
		mmpolicy load "$cfg" >/dev/null || { echo "load $cfg failed"; return 1; } ;;
	*) echo "thp_boot: unknown configuration $cfg"; return 1 ;;
	esac
	local total=$(( $(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024 ))
	local chunk=$(( total / 16 / 2 * 2 )) limit=$(( total / 4 ))
	local knobs="enabled=$(knob $THP/enabled) defrag=$(knob $THP/defrag) shrink_underused=$(cat $THP/shrink_underused)"
	for k in pages_to_scan scan_sleep_millisecs alloc_sleep_millisecs max_ptes_none max_ptes_swap max_ptes_shared defrag; do
		knobs+=" kh_$k=$(cat $THP/khugepaged/$k)"
	done
	echo "config: uptime_s=$(cut -d' ' -f1 /proc/uptime) cfg=$cfg mem_total_mib=$total chunk_mib=$chunk limit_mib=$limit node0_mib=$(( $(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node0/meminfo) / 1024 )) $knobs"
	# Running out is a quick memcg OOM kill, not minutes of thrashing the
	# page cache under TCG (no swap: only the shrinkers free anything).
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $cg
	echo "${limit}M" > $cg/memory.max
	for mode in dense mixed random one; do
		local opt
		case $mode in
		dense) opt="-p 512" ;;
		one) opt="-p 1" ;;
		random) opt="-r -p 512" ;;
		mixed) opt="-D 1 -p 1" ;;
		esac
		settle
		local blocks=$(free_huge_blocks 0) before=$(cat /proc/vmstat) hk0=$(thp_hook_counts)
		local t0=$(now_ms)
		local r=$(in_cgroup thpbench "$BIN/thpfork" -c "$chunk" $opt -m 4000 -g)
		local ms=$(( $(now_ms) - t0 )) after=$(cat /proc/vmstat) hk1=$(thp_hook_counts) d=""
		[ -n "$r" ] || { echo "thpfork $mode failed"; return 1; }
		for k in thp_fault_alloc thp_fault_fallback thp_fault_fallback_charge thp_collapse_alloc \
			thp_split_page thp_underused_split_page thp_deferred_split_page oom_kill; do
			d+=" $k=$(( $(awk -v k=$k '$1 == k { print $2 }' <<<"$after") - $(awk -v k=$k '$1 == k { print $2 }' <<<"$before") ))"
		done
		d+=" $(paste -d' ' <(tr ' ' '\n' <<<"$hk0") <(tr ' ' '\n' <<<"$hk1") |
			awk -F'[ =]' '{ printf "%s%s=%d", (NR > 1 ? " " : ""), $1, $4 - $2 }')"
		echo "result: cfg=$cfg mode=$mode chunk_mib=$chunk limit_mib=$limit blocks0=$blocks wall_ms=$ms $r$d uptime_s=$(cut -d' ' -f1 /proc/uptime)"
	done
	rmdir $cg
}

# thp_priority_boot CONFIGURATION: the mixed run where density is not
# priority. One service process touches half of each 2 MiB range (256
# zero-filled subpages) and wants its huge pages for TLB reach; batch
# processes beside it touch 3/4 (128 zero-filled) and are added until the
# first OOM kill, one limit over both cgroups. A global max_ptes_none splits
# a huge page by its zero count alone: every value that splits the batch's
# (below 128) splits the service's too, and every value that keeps the
# service's (256 and up) keeps the batch's. thp_reserve is told per cgroup.
#   never, always, always_mpn256, always_mpn127: THP and the kernel's rule;
#   thp_reserve: mmpolicy apply of a file with zero_limits service=512
#   (never split) and batch=64.
bench_thp_priority_boot() {
	local cfg=$1 cg=/sys/fs/cgroup/thpprio
	echo false > /sys/kernel/mm/numa/demotion_enabled
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $cg
	echo +memory > $cg/cgroup.subtree_control
	mkdir -p $cg/service $cg/batch
	case $cfg in
	never) echo never > $THP/enabled ;;
	always) echo always > $THP/enabled ;;
	always_mpn256|always_mpn127)
		echo always > $THP/enabled; echo "${cfg#always_mpn}" > $THP/khugepaged/max_ptes_none ;;
	thp_reserve)
		echo always > $THP/enabled
		printf '[thp]\npolicy = thp_reserve\nentry zero_limits %s = 512\nentry zero_limits %s = 64\n' \
			$cg/service $cg/batch >/tmp/prio.conf
		mmpolicy apply /tmp/prio.conf >/dev/null || { echo "apply /tmp/prio.conf failed"; return 1; } ;;
	*) echo "thp_priority_boot: unknown configuration $cfg"; return 1 ;;
	esac
	local total=$(( $(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024 ))
	local chunk=$(( total / 64 / 2 * 2 )) limit=$(( total / 4 ))
	echo "config: cfg=$cfg mem_total_mib=$total chunk_mib=$chunk limit_mib=$limit enabled=$(knob $THP/enabled) defrag=$(knob $THP/defrag) kh_max_ptes_none=$(cat $THP/khugepaged/max_ptes_none)"
	echo "${limit}M" > $cg/memory.max
	settle
	local before=$(cat /proc/vmstat) hk0=$(thp_hook_counts) t0=$(now_ms) d="" k
	local r=$(in_cgroup thpprio/batch "$BIN/thpfork" -c "$chunk" -D 1 -d 256 -C $cg/service -p 384 -m 4000 -g)
	local ms=$(( $(now_ms) - t0 )) after=$(cat /proc/vmstat) hk1=$(thp_hook_counts)
	[ -n "$r" ] || { echo "thpfork failed"; return 1; }
	for k in thp_fault_alloc thp_split_page thp_underused_split_page oom_kill; do
		d+=" $k=$(( $(awk -v k=$k '$1 == k { print $2 }' <<<"$after") - $(awk -v k=$k '$1 == k { print $2 }' <<<"$before") ))"
	done
	d+=" $(paste -d' ' <(tr ' ' '\n' <<<"$hk0") <(tr ' ' '\n' <<<"$hk1") |
		awk -F'[ =]' '{ printf "%s%s=%d", (NR > 1 ? " " : ""), $1, $4 - $2 }')"
	echo "result: cfg=$cfg mode=priority chunk_mib=$chunk limit_mib=$limit wall_ms=$ms $r$d"
}

# knob FILE: the bracketed choice of a sysfs choice file.
knob() { sed 's/.*\[\(.*\)\].*/\1/' "$1"; }
# thp_hook_counts: the THP hook's counters as NAME=VALUE (hook_*; 0 without
# a policy), for the calls and overrides of each member.
thp_hook_counts() {
	local m c v out=""
	for m in fault scan shrink; do
		for c in calls overrides; do
			v=$(cat "$HOOKS/thp/$m/$c" 2>/dev/null || echo 0)
			out+="${out:+ }hook_${m}_$c=$v"
		done
	done
	echo "$out"
}

# The placement benchmark: tiershift's hot set moving, every PL_SECS, over a
# working set larger than node 0 (the fill leaves its last part on nodes
# 1-2), with NUMA balancing's tiering mode bringing hot pages
# back up. The VM does not emulate slow memory, so the measure is
# placement: the hot set's share on node 0 over time after each shift,
# promotion and demotion traffic, and ping-pong. A scan over the cold rest
# (PL_SWEEP MiB/s, each page read once) is what tells policies apart: its
# pages are hinted as soon after the NUMA scan as the hot set's. The configurations
# interleave in this boot; each run is a new process, and numa_balancing
# is off between runs.
PL_MIB=768 PL_HOT=64 PL_PHASES=3 PL_SECS=20 PL_SWEEP=8 PL_MS=10
# A "+wsf" configuration runs with vm.watermark_scale_factor at PL_WSF
# (the kernel's default is 10). It sets the gap between watermarks, which
# is what kswapd frees on node 0 each time a promotion finds no room there.
# "room" and "+room" ask for PL_ROOM MiB of room instead, through
# promote_cgroup's room member: only where kswapd stops on node 0 moves.
# "burst+room" adds promote_cgroup's burst_faults at PL_BURST hint faults
# per 100 ms: the sweep's own come at most at PL_SWEEP MiB/s (205 per 100 ms
# at 8), a scan pass over the window marks its 16384 pages at once.
PL_WSF=1000 PL_ROOM=64 PL_BURST=512
# pl_med CFG KEY: the median of KEY over CFG's phases ("-" if none).
pl_med() {
	tr ' ' '\n' <"$OUT/$pl.raw.$1" | sed -n "s/^$2=//p" | sort -g |
		awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }'
}
# pl_at CFG T: the median share of the hot set on node 0, T s into a phase.
pl_at() {
	grep " t=$2 " "$OUT/$pl.samples.$1" | tr ' ' '\n' | sed -n 's/^top_pct=//p' |
		sort -g | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] "%" : "-" }'
}
# bench_placement [NAME CONFIGURATIONS]: writes $OUT/NAME.md.
bench_placement() {
	local pl=${1:-placement} cfgs=${2:-off kernel eager twice} cfg i r rows=() dat=() k_traffic="" wsf
	echo "== placement: a $PL_HOT MiB hot set moving every $PL_SECS s over $PL_MIB MiB;" \
		"$RUNS runs x $(wc -w <<<"$cfgs") configurations, interleaved"
	wsf=$(cat /proc/sys/vm/watermark_scale_factor)
	enable_demotion
	# NUMA scans come every scan period of the task's own CPU time: under
	# TCG, at the default 1 s, one pass over the working set takes a whole
	# phase and a window is hinted once, too late to look hot. 100 ms, for
	# every configuration, gives a pass every few seconds.
	echo 100 > /sys/kernel/debug/sched/numa_balancing/scan_delay_ms
	echo 100 > /sys/kernel/debug/sched/numa_balancing/scan_period_min_ms
	for cfg in $cfgs; do : >"$OUT/$pl.raw.$cfg"; : >"$OUT/$pl.samples.$cfg"; done
	for ((i = 1; i <= RUNS; i++)); do
		for cfg in $cfgs; do
			settle
			case $cfg in *+wsf) echo "$PL_WSF" > /proc/sys/vm/watermark_scale_factor ;; esac
			[ $cfg = off ] || echo 2 > /proc/sys/kernel/numa_balancing
			case $cfg in
			eager+room) mmpolicy load promote_cgroup --set default_threshold=60000 \
					--set room_mb=$PL_ROOM >/dev/null || return 1 ;;
			room) mmpolicy load promote_cgroup --set room_mb=$PL_ROOM >/dev/null || return 1 ;;
			burst+room) mmpolicy load promote_cgroup --set burst_faults=$PL_BURST \
					--set room_mb=$PL_ROOM >/dev/null || return 1 ;;
			eager*) mmpolicy load promote_cgroup --set default_threshold=60000 >/dev/null || return 1 ;;
			twice*) mmpolicy load promote_twice >/dev/null || return 1 ;;
			esac
			r=$("$BIN/tiershift" -m $PL_MIB -w $PL_HOT -p $PL_PHASES -t $PL_SECS -s $PL_SWEEP -i $PL_MS) || return 1
			echo 0 > /proc/sys/kernel/numa_balancing
			echo "$wsf" > /proc/sys/vm/watermark_scale_factor
			case $cfg in eager*|twice*|room|burst*) mmpolicy unload promotion >/dev/null ;; esac
			grep '^phase:' <<<"$r" | sed "s/^phase:/run=$i/" >>"$OUT/$pl.raw.$cfg"
			grep '^sample:' <<<"$r" | sed "s/^sample:/run=$i/" >>"$OUT/$pl.samples.$cfg"
			echo "  run $i, $cfg: $(grep '^placed:' <<<"$r" | cut -d' ' -f3-);" \
				$(grep '^phase:' <<<"$r" | awk '{ for (k = 1; k <= NF; k++) { split($k, kv, "="); v[kv[1]] = kv[2] }
					printf "phase %s: %s%% -> %s%% (90%% at %s s) ", v["phase"], v["start_pct"], v["end_pct"], v["reach90_s"] }')
		done
	done
	k_traffic=$(( $(pl_med kernel pgpromote) + $(pl_med kernel pgdemote) ))
	for cfg in $cfgs; do
		local within=$(awk '{ for (k = 1; k <= NF; k++) { split($k, kv, "="); v[kv[1]] = kv[2] }
			n++; if (v["reach90_s"] >= 0 && v["reach90_s"] <= 10) y++ } END { printf "%d of %d", y, n }' \
			"$OUT/$pl.raw.$cfg")
		local tr=$(( $(pl_med $cfg pgpromote) + $(pl_med $cfg pgdemote) ))
		local reach=$(sed 's/reach90_s=-1/reach90_s=9999/' "$OUT/$pl.raw.$cfg" >"$OUT/$pl.tmp" &&
			tr ' ' '\n' <"$OUT/$pl.tmp" | sed -n 's/^reach90_s=//p' | sort -g |
			awk '{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; print m == 9999 ? "never" : m }')
		rows+=("| $cfg | $(pl_med $cfg start_pct)% | $(pl_at $cfg 2) | $(pl_at $cfg 5) | $(pl_at $cfg 10) | $(pl_med $cfg end_pct)% | $reach | $within | $(pl_med $cfg promoted) | $(pl_med $cfg pingpong) | $(pl_med $cfg pgpromote) | $(pl_med $cfg candidates) | $(pl_med $cfg pgdemote) | $(ratio "$tr" "$k_traffic") | $(pl_med $cfg hint_faults) |")
		dat+=("$cfg $(pl_at $cfg 2 | tr -d %) $(pl_at $cfg 5 | tr -d %) $(pl_at $cfg 10 | tr -d %) $(pl_med $cfg end_pct)")
	done
	rm -f "$OUT/$pl.tmp"
	{
		case $pl in
		placement) echo "# Placement: hot pages back in the top tier" ;;
		placement_room) echo "# Placement with room: kswapd keeps more of node 0 free" ;;
		*) echo "# Placement with room and bursts: a moved hot set promoted in the scan pass that finds it" ;;
		esac
		echo; header
		echo "tiershift writes $PL_MIB MiB of base pages in order (node 0 fills, the rest"
		echo "goes to nodes 1-2), then reads a $PL_HOT MiB window of it every $PL_MS ms: first the"
		echo "last $PL_HOT MiB written, and every $PL_SECS s the $PL_HOT MiB before it ($PL_PHASES phases a"
		echo "run), which is on the slow nodes while node 0 is full of memory gone cold. All along, the rest of the working set is"
		echo "read once over, $PL_SWEEP MiB a second (a scan over cold data). NUMA balancing in tiering mode"
		echo "(numa_balancing=2, from the start of each run) promotes what it finds hot."
		echo "$RUNS runs, the configurations interleaved in one boot, a new process each"
		echo "run; medians over runs and phases. Knobs changed from their defaults:"
		echo "demotion_enabled=true, numa_balancing=2 (0 for \"off\"), and NUMA balancing's"
		echo "scan_delay_ms and scan_period_min_ms 100 instead of 1000: scans come every"
		echo "scan period of the task's CPU time, and under TCG the default gives one pass"
		echo "over the working set a phase, too slow for anything to look hot. The hot"
		echo "threshold ($(cat /sys/kernel/debug/sched/numa_balancing/hot_threshold_ms 2>/dev/null) ms), rate limit"
		echo "($(cat /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps) MB/s) and the other scan settings are the kernel's."
		echo
		echo "off: no promotion (numa_balancing=0). kernel: the kernel's tiering"
		echo "decision. eager: \`promote_cgroup --set default_threshold=60000\`, which"
		echo "promotes every page hinted within 60 s of its scan (the rate limit still"
		echo "applies). twice: \`promote_twice\` (window 60 s): a page is promoted at its"
		echo "second hint fault within 60 s, never at its first."
		case $cfgs in *+wsf*)
			echo "+wsf: the same with vm.watermark_scale_factor=$PL_WSF instead of $wsf, so that"
			echo "kswapd, woken on node 0 by a promotion that finds no room, frees"
			echo "$((PL_WSF / 100))% of it at once rather than $(awk -v w=$wsf 'BEGIN { print w / 100 }')% (and keeps about $((3 * PL_WSF / 100))% free)." ;;
		esac
		case $cfgs in *room*)
			echo "room: \`promote_cgroup --set room_mb=$PL_ROOM\`, the kernel's decisions and a"
			echo "room member that has kswapd stop on node 0 only once $PL_ROOM MiB more than the"
			echo "promotion watermark is free; +room: the same room with eager's threshold."
			echo "The watermarks and the rest of the system are left as they are." ;;
		esac
		case $cfgs in *burst*)
			echo "burst+room: the same room and the kernel's threshold, with"
			echo "\`--set burst_faults=$PL_BURST\`: once $PL_BURST pages of the process's cgroup are hinted"
			echo "within 100 ms (a scan pass over a set that moved), every page of it hinted in"
			echo "the rest of that window and the next is promoted whatever its latency, cold"
			echo "ones included." ;;
		esac
		echo
		echo "| configuration | on node 0 at the shift | after 2 s | 5 s | 10 s | at the phase's end | 90% reached after (s) | phases at 90% within 10 s | pages promoted | ping-pong pages | pgpromote_success | pgpromote_candidate | pgdemote | traffic × kernel | hint faults |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
		echo
		echo "On node 0: the share of the window's pages there (move_pages), t seconds"
		echo "into the phase. pages promoted: pages of the window seen on node 0 that were"
		echo "not there at the shift; ping-pong: pages of the window seen on node 0 and"
		echo "later, still hot, on a slow node. pgpromote_success, pgpromote_candidate"
		echo "(pages the promotion decision passed; those not promoted found no room on"
		echo "node 0 and woke kswapd to make some), pgdemote and hint faults: /proc/vmstat"
		echo "over the phase, whole system; traffic: promoted + demoted pages as a ratio"
		echo "to the kernel's."
	} >"$OUT/$pl.md"
	printf '%s\n' "${dat[@]}" >"$OUT/$pl.dat"
}

# The same with more room made on node 0 at each promotion that finds none.
bench_placement_room() {
	bench_placement placement_room "kernel kernel+wsf eager+wsf room eager+room"
}

# Room, and a moved hot set told from a cold scan by its hint-fault rate.
bench_placement_burst() {
	bench_placement placement_burst "kernel eager+room burst+room"
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
[ ${#sections[@]} -gt 0 ] || sections=(demotion swap)
if [ "${sections[0]}" = compaction_boot ]; then
	bench_compaction_boot "${sections[1]}" || { echo "bench compaction ${sections[1]} failed"; exit 1; }
	exit 0
fi
if [ "${sections[0]}" = thp_priority_boot ]; then
	bench_thp_priority_boot "${sections[1]}" || { echo "bench thp_priority ${sections[1]} failed"; exit 1; }
	exit 0
fi
if [ "${sections[0]}" = thp_boot ]; then
	bench_thp_boot "${sections[1]}" || { echo "bench thp ${sections[1]} failed"; exit 1; }
	exit 0
fi
for b in "${sections[@]}"; do
	"bench_$b" || { echo "bench $b failed"; exit 1; }
done
