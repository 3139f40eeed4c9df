#!/usr/bin/env bash
# make bench: every benchmark side by side (no policy, a trivial policy,
# each shipped policy), then bench/results/: Markdown tables and PNG charts.
# demotion, swap, placement, placement_room and placement_burst share one
# VM boot (~95 min under TCG); compaction
# (~10 min), thp (~40 min) and thp_priority (~15 min) give every
# configuration and run a boot of its own.
#   BENCH="demotion swap placement placement_room placement_burst thp thp_priority compaction"
#                  pick sections;  RUNS=3  repeats
#   BENCH_TRACE=1  the compaction boots also print vmstat after every pass
#   BENCH_REPORT=1 no boots: the thp, thp_priority and compaction tables from the last
#                  raw runs (build/vm/bench/*.raw)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/vm/bench
res=$top/bench/results
runs=${RUNS:-5}
sections=${BENCH:-demotion swap placement placement_room placement_burst thp thp_priority compaction}
mkdir -p "$out" "$res"
rm -f "$out"/*.md "$out"/*.dat

[ -z "${BENCH_REPORT:-}" ] || sections=$(tr ' ' '\n' <<<"$sections" | grep -x -e thp -e thp_priority -e compaction | tr '\n' ' ')
one_boot=$(tr ' ' '\n' <<<"$sections" | grep -vx -e compaction -e thp -e thp_priority | tr '\n' ' ')
if [ -n "${one_boot// }" ]; then
	: >"$out/tap.txt"
	echo "== benchmark VM for: $one_boot(tiered topology; ~10 min under TCG, ~20 more with placement, ~40 with placement_room, ~25 with placement_burst)"
	# Unknown key=value parameters reach init as environment variables.
	EXTRA_CMDLINE="RUNS=$runs" "$top/selftests/vm.sh" --topology tiered --out "$out" --timeout 7200 \
		-- run selftests/bench-guest.sh $one_boot &
	qpid=$!
	tail -n +1 -F --pid=$qpid "$out/tap.txt" 2>/dev/null | sed -u -e 's/\r$//' -e '/^exit status /d'
	wait $qpid
	grep -q '^exit status 0' "$out/tap.txt" || { echo "bench: failed; see $out/console.log" >&2; exit 1; }
fi

# median_of CFG KEY: the median of KEY=VALUE over CFG's result lines.
median_of() {
	grep " cfg=$1 " "$out/compaction.raw" | tr ' ' '\n' | sed -n "s/^$2=//p" |
		sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# Compaction keeps state between runs in one boot (skip bits, scanner
# positions, deferral): the same workload twice can isolate 1,000 or
# 740,000 pages. So every configuration and run boots afresh; the runs
# interleave the configurations.
bench_compaction() {
	local i cfg o line try cfgs="none skip_pinned skip_dma_pinned"
	[ -n "${BENCH_REPORT:-}" ] || : >"$out/compaction.raw"
	[ -n "${BENCH_REPORT:-}" ] ||
		echo "== compaction: $runs runs x 3 configurations, a fresh VM boot each (~30 s a boot under TCG)"
	for i in $([ -n "${BENCH_REPORT:-}" ] || seq "$runs"); do
		for cfg in $cfgs; do
			o=$out/compaction-$cfg-$i
			mkdir -p "$o"
			# A boot that QEMU itself abandons (seen once in 30 boots)
			# gets one more try; the run's figures are from one boot.
			for try in 1 2; do
				: >"$o/tap.txt"
				NODE_MIB=1024 EXTRA_CMDLINE="${BENCH_TRACE:+BENCH_TRACE=1}" \
				"$top/selftests/vm.sh" --topology tiered --out "$o" --timeout 900 \
					-- run selftests/bench-guest.sh compaction_boot "$cfg" >/dev/null 2>&1
				grep -qa '^exit status ' "$o/tap.txt" && break
				echo "  run $i/$runs, $cfg: the VM did not finish its boot (try $try)"
			done
			line=$(grep -a '^result: ' "$o/tap.txt" | tr -d '\r')
			if [ -z "$line" ]; then
				echo "bench: compaction $cfg, run $i failed; see $o/console.log" >&2
				sed 's/^/   /' "$o/tap.txt" >&2
				return 1
			fi
			grep -a '^pass ' "$o/tap.txt" | tr -d '\r' | sed 's/^/    /'
			echo "  run $i/$runs: ${line#result: }"
			echo "${line#result:} " >>"$out/compaction.raw"
		done
	done
	local base_fail base_ms rows=() dat=() f ms iso ok blocks won
	base_fail=$(median_of none pgmigrate_fail) base_ms=$(median_of none compact_ms)
	for cfg in $cfgs; do
		f=$(median_of "$cfg" pgmigrate_fail) ms=$(median_of "$cfg" compact_ms)
		iso=$(median_of "$cfg" compact_isolated) ok=$(median_of "$cfg" thp_ok)
		blocks=$(median_of "$cfg" blocks_after)
		# Runs in which compaction freed at least 10 blocks.
		won=$(grep " cfg=$cfg " "$out/compaction.raw" | tr ' ' '\n' |
			sed -n 's/^blocks_\(before\|after\)=//p' | paste - - |
			awk '$2 - $1 >= 10 { n++ } END { print n + 0 }')
		rows+=("| $cfg | $f | $(awk -v a="$base_fail" -v b="$f" 'BEGIN { printf (b > 0 ? "%.0fx" : "all"), a / (b > 0 ? b : 1) }') | $iso | $(median_of "$cfg" pgmigrate_success) | $ms | $(awk -v a="$base_ms" -v b="$ms" 'BEGIN { printf "%.1fx", a / (b > 0 ? b : 1) }') | $(median_of "$cfg" blocks_before) -> $blocks | $won of $runs | $ok/256 | $(median_of "$cfg" bpf_calls) ($(median_of "$cfg" bpf_ms) ms) |")
		dat+=("$cfg $f $ms $blocks $ok")
	done
	{
		echo "# Compaction"
		echo
		echo "Kernel $(make -s -C "$top/build/linux" kernelversion), QEMU/TCG, 2 vCPUs, tiered topology (3 nodes of"
		echo "1 GiB). Each configuration and run is a fresh boot (compaction state"
		echo "carries over within a boot); $runs runs per configuration, interleaved; medians."
		echo
		echo "Workload, all on node 1 (a VM host's guest-RAM node): 512 MiB of shmem"
		echo "pinned long-term (io_uring fixed buffers on a memfd, the way vfio pins a"
		echo "VM's guest RAM), 256 MiB of anonymous memory with a random half of its"
		echo "pages freed (memhog -r; every other page traps the free scanner, see below),"
		echo "then 10 compactions of node 1 (/sys/devices/system/node/node1/compact)."
		echo "Afterwards a process bound to node 1 faults 256 aligned 2 MiB ranges with"
		echo "THP=always and defrag=never: each fault takes a free 2 MiB block or falls"
		echo "back to a base page, so \"THP faults served\" is high-order allocation"
		echo "success."
		echo "Knobs changed from their defaults: none besides THP=always (the VM's"
		echo "command line) and defrag=never for the final fault test only."
		echo
		echo "| policy | pgmigrate_fail | fewer than none | compact_isolated | pgmigrate_success | compaction ms | faster than none | free 2 MiB blocks on node 1, before -> after | runs that freed >= 10 blocks | THP faults served on node 1 | policy calls (their BPF time) |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
		echo
		echo "compaction ms: wall time of the 10 synchronous passes. Free 2 MiB blocks:"
		echo "order-9 and order-10 blocks (counted as two) on node 1, before the first"
		echo "pass and after the last. Policy calls: runs of the policy's program in"
		echo "the 10 passes, and the time they took (kernel.bpf_stats_enabled)."
		echo
		echo "Why skip_pinned is twice as fast as skip_dma_pinned: both skip the pinned"
		echo "folios, but skip_pinned answers MM_COMPACT_SKIP_BLOCK for a FOLL_PIN one"
		echo "(a block with a pinned page can never be freed), so the scanner moves on"
		echo "to the next pageblock and asks once a block, where skip_dma_pinned is"
		echo "asked about, and the scanner walks, every pinned page. Giving the block"
		echo "answer for any folio with extra references instead (transient ones"
		echo "included) cost 4 of 5 runs ~4,400 migrations and 7 to 17 free blocks"
		echo "(median 135 against 143 without a policy): it is given for FOLL_PIN only."
		echo "Putting back the folios already isolated from a skipped pageblock (tried,"
		echo "so that the pageblock would be marked for skipping) left 124 and 135 free"
		echo "blocks in two boots: they are migrated, as for any other failure."
		echo
		echo "Every run, in the order they ran (a median hides a run that freed nothing):"
		echo
		echo "| run | policy | pgmigrate_fail | pgmigrate_success | compaction ms | free 2 MiB blocks before -> after | THP faults served |"
		echo "|---|---|---|---|---|---|---|"
		awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		       n[v["cfg"]]++
		       printf "| %d | %s | %s | %s | %s | %s -> %s | %s/256 |\n", n[v["cfg"]], v["cfg"],
			      v["pgmigrate_fail"], v["pgmigrate_success"], v["compact_ms"],
			      v["blocks_before"], v["blocks_after"], v["thp_ok"] }' "$out/compaction.raw"
		echo
		echo "Why not every other page: compaction's free scanner samples a pageblock"
		echo "with a stride that doubles (to 32) after every block in which it isolated"
		echo "nothing (isolate_freepages()). Coming down through the pinned memory, it"
		echo "reaches the fragmented blocks at stride 32; when their free pages all sit"
		echo "at odd pfns (or all at even ones, depending on the order the allocator"
		echo "handed pages out in that boot) it sees none, migration finds no target, and"
		echo "every pass ends after a few blocks. With every other page freed, 6 of 15"
		echo "boots went that way (22 -> 23 free blocks, in every configuration) while the"
		echo "rest freed ~60 blocks."
	} >"$out/compaction.md"
	printf '%s\n' "${dat[@]}" >"$out/compaction.dat"
}

# thp_med CFG MODE KEY: the median of KEY over the runs of CFG in MODE (of
# $THP_RAW, thp.raw by default).
thp_med() {
	awk -v c="$1" -v m="$2" -v k="$3" '
		{ delete v; for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		v["cfg"] == c && v["mode"] == m && (k in v) { print v[k] }' "${THP_RAW:-$out/thp.raw}" |
		sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'
}
# calc EXPR [FORMAT]: awk arithmetic on figures; "-" if one is missing.
calc() {
	awk "BEGIN { x = $1; printf \"${2:-%.2f}\", x }" 2>/dev/null || echo -
}

# thp_vm DIR SECTION CFG: one THP boot, node 0 (the CPUs') of 1 GiB; a boot
# that QEMU abandons gets one more try, keeping the first try's logs.
thp_vm() {
	local o=$1 try
	mkdir -p "$o"
	for try in 1 2; do
		: >"$o/tap.txt"
		NODE0_MIB=1024 NODE_MIB=256 \
		"$top/selftests/vm.sh" --topology tiered --out "$o" --timeout 1500 \
			-- run selftests/bench-guest.sh "$2" "$3" >/dev/null 2>&1
		grep -qa '^exit status ' "$o/tap.txt" && return 0
		cp "$o/tap.txt" "$o/tap-try$try.txt"; cp "$o/console.log" "$o/console-try$try.log"
		echo "  $2 $3: the VM did not finish its boot (try $try)"
	done
}

# The THP benchmark: a fresh boot for each configuration and run (the
# THP=always figures depend on the free 2 MiB blocks a boot starts with),
# the runs interleaving the configurations. Node 0, the CPUs' node, gets
# 1 GiB: a THP fault without direct reclaim (defrag=madvise, the default)
# only takes a huge page from the local node.
bench_thp() {
	local i cfg o line t0 cfgs="never always always_mpn256 thp_threshold thp_adaptive thp_reserve"
	if [ -z "${BENCH_REPORT:-}" ]; then
		: >"$out/thp.raw"
		echo "== THP: $runs runs x 6 configurations, a fresh VM boot each (1-2 min a boot under TCG)"
		for i in $(seq "$runs"); do
			for cfg in $cfgs; do
				o=$out/thp-$cfg-$i
				t0=$(date +%s)
				thp_vm "$o" thp_boot "$cfg"
				if [ "$(grep -ac '^result: ' "$o/tap.txt")" -ne 4 ] || ! grep -qa '^exit status 0' "$o/tap.txt"; then
					echo "bench: thp $cfg, run $i failed; see $o/console.log" >&2
					sed 's/^/   /' "$o/tap.txt" >&2
					return 1
				fi
				grep -a '^config: ' "$o/tap.txt" | tr -d '\r' | sed 's/^config: //' >"$out/thp.config"
				echo "boot run=$i cfg=$cfg boot_s=$(( $(date +%s) - t0 ))" >>"$out/thp.raw"
				grep -a '^result: ' "$o/tap.txt" | tr -d '\r' | sed "s/^result: /run=$i /" >>"$out/thp.raw"
				echo "  run $i/$runs, $cfg ($(( $(date +%s) - t0 )) s):" $(for m in dense mixed random one; do
					grep -a " mode=$m " "$o/tap.txt" | tr ' ' '\n' | sed -n 's/^children=//p' | sed "s/^/$m=/"
				done)
			done
		done
	fi
	[ -s "$out/thp.raw" ] || { echo "bench: no THP runs in $out/thp.raw" >&2; return 1; }
	local conf n_runs vm_s m
	conf=$(cat "$out/thp.config" 2>/dev/null)
	cf() { tr ' ' '\n' <<<"$conf" | sed -n "s/^$1=//p"; }
	n_runs=$(grep -c "^run=.* cfg=never mode=one " "$out/thp.raw")
	vm_s=$(awk '/^boot / { for (i = 1; i <= NF; i++) if ($i ~ /^boot_s=/) s += substr($i, 8) } END { print s + 0 }' "$out/thp.raw")
	local rows_sparse=() rows_dense=() rows_mixed=() dat=() runs_rows=()
	local nev al res
	for m in one random; do
		nev=$(thp_med never $m children) al=$(thp_med always $m children)
		for cfg in $cfgs; do
			local c=$(thp_med $cfg $m children) f=$(thp_med $cfg $m failed)
			rows_sparse+=("| $m | $cfg | $c$([ "$f" = 0 ] && echo " (cap)") | $(calc "$c / $nev") | $(calc "$c / $al" %.1f) | $(thp_med $cfg $m huge_pct)% | $(calc "$(thp_med $cfg $m rss_kb_p50) / 1024" %.1f) | $(calc "$(thp_med $cfg $m cg_kb) / $(thp_med $cfg $m cg_children) / 1024" %.2f) | $(thp_med $cfg $m fault_p50_us) | $(thp_med $cfg $m fault_p99_us) | $(thp_med $cfg $m thp_fault_alloc) | $(thp_med $cfg $m thp_collapse_alloc) | $(thp_med $cfg $m thp_split_page) | $(thp_med $cfg $m thp_underused_split_page) | $(thp_med $cfg $m thp_deferred_split_page) |")
		done
	done
	local al_t=$(thp_med always dense touch_ms_p50) al_h=$(thp_med always dense huge_pct)
	for cfg in $cfgs; do
		local t=$(thp_med $cfg dense touch_ms_p50) h=$(thp_med $cfg dense huge_pct)
		rows_dense+=("| $cfg | $(thp_med $cfg dense children) | $t | $(calc "$t / $al_t") | $h% | $(calc "$h / $al_h") | $(thp_med $cfg dense fault_p50_us) | $(thp_med $cfg dense fault_p99_us) | $(thp_med $cfg dense thp_fault_alloc) | $(thp_med $cfg dense thp_fault_fallback_charge) | $(thp_med $cfg dense thp_collapse_alloc) | $(thp_med $cfg dense thp_split_page) |")
	done
	local al_m=$(( $(thp_med always mixed children) - 1 ))
	for cfg in $cfgs; do
		local s=$(( $(thp_med $cfg mixed children) - 1 ))
		local killed=$(awk -v c=$cfg '/^run=/ && $0 ~ " cfg=" c " mode=mixed " { for (i = 1; i <= NF; i++) if ($i ~ /^victims=/) { split(substr($i, 9), a, ","); for (j in a) if (a[j] == "0") n++ } } END { print n + 0 }' "$out/thp.raw")
		rows_mixed+=("| $cfg | $s | $(calc "$s / ($al_m > 0 ? $al_m : 1)" %.1f) | $(thp_med $cfg mixed dense_huge_pct)% | $(thp_med $cfg mixed dense_huge_end_pct | sed 's/^-1.*/killed/; s/[0-9]$/&%/') | $killed of $n_runs | $(thp_med $cfg mixed dense_touch_ms) | $(thp_med $cfg mixed thp_fault_alloc) | $(thp_med $cfg mixed thp_underused_split_page) |")
		dat+=("$cfg $(calc "$(thp_med $cfg one children) / $(thp_med never one children)") $(calc "$(thp_med $cfg random children) / $(thp_med never random children)") $(calc "$(thp_med $cfg dense huge_pct) / 100") $(calc "$(thp_med $cfg mixed dense_huge_pct) / 100")")
	done
	for i in $(seq "$n_runs"); do
		for cfg in $cfgs; do
			runs_rows+=("$(awk -v r=$i -v c=$cfg '
				{ delete v; for (k = 1; k <= NF; k++) { split($k, kv, "="); v[kv[1]] = kv[2] } }
				v["run"] == r && v["cfg"] == c { b[v["mode"]] = v["blocks0"]; n[v["mode"]] = v["children"]; h[v["mode"]] = v["huge_pct"]
					if (v["mode"] == "mixed") dh = v["dense_huge_pct"] "% / " v["dense_huge_end_pct"] "%" }
				END { printf "| %d | %s | %s, %s, %s, %s | %s (%s%%) | %s (%s%%) | %s (%s%%) | %d, dense %s |", r, c,
					b["dense"], b["mixed"], b["random"], b["one"], n["dense"], h["dense"], n["one"], h["one"],
					n["random"], h["random"], n["mixed"] - 1, dh }' "$out/thp.raw")")
		done
	done
	# The issue's targets for thp_reserve.
	local r_one=$(thp_med thp_reserve one children) n_one=$(thp_med never one children) a_one=$(thp_med always one children)
	local r_h=$(thp_med thp_reserve dense huge_pct) r_t=$(thp_med thp_reserve dense touch_ms_p50)
	target() { # DESCRIPTION VALUE OP GOAL
		if awk "BEGIN { exit !($2 $3 $4) }"; then echo "- $1: $2 (target $3 $4): **met**"
		else echo "- $1: $2 (target $3 $4): **not met**, $(calc "$2 - $4" %+.2f) from the target"; fi
	}
	{
		echo "# THP reservations"
		echo
		echo "Kernel $(make -s -C "$top/build/linux" kernelversion), QEMU/TCG, 2 vCPUs, tiered topology with node 0 (the CPUs)"
		echo "of 1 GiB and nodes 1-2 of 256 MiB: a THP fault without direct reclaim takes"
		echo "a huge page from the local node only, so node 0 holds the whole cgroup limit."
		echo "Each configuration and run is a fresh boot (the free 2 MiB blocks a boot"
		echo "starts with decide what THP=always can get); $n_runs runs per configuration,"
		echo "interleaved; medians. VM time of these runs: $((vm_s / 60)) min ($n_runs x 6 boots)."
		echo
		echo "The 2018 RFC's experiment in a memory cgroup: children each map a"
		echo "$(cf chunk_mib) MiB chunk (1/16 of the guest's $(cf mem_total_mib) MiB) and touch, in each aligned"
		echo "2 MiB range of it, every page (dense), 1 page (one) or a random 1..512 pages"
		echo "(random), then hold it; children are added, one after another, until the"
		echo "first OOM kill in the cgroup, limited to $(cf limit_mib) MiB (1/4 of guest memory), or"
		echo "4000 children (cap). No swap: only the shrinkers can free anything. mixed:"
		echo "one dense child first, then sparse (one-page) children under the same limit."
		echo "Before each mode (dense, mixed, random, one, in that order in each boot) the"
		echo "page cache is dropped and memory compacted."
		echo
		echo "Configurations: never, always (THP enabled=never/always, no policy);"
		echo "always_mpn256: always with khugepaged/max_ptes_none=256, which makes the"
		echo "kernel's deferred-split shrinker split a THP with more than 256 zero-filled"
		echo "subpages (and khugepaged collapse only ranges with at most 256 empty PTEs);"
		echo "thp_threshold (threshold 256), thp_adaptive (threshold 256, learn_after 2),"
		echo "thp_reserve (max_zero 256, no zero_limits entries): THP=always plus the policy."
		echo "Knobs otherwise at their defaults: THP defrag=$(cf defrag), shrink_underused=$(cf shrink_underused);"
		echo "khugepaged pages_to_scan=$(cf kh_pages_to_scan), scan_sleep_millisecs=$(cf kh_scan_sleep_millisecs),"
		echo "alloc_sleep_millisecs=$(cf kh_alloc_sleep_millisecs), max_ptes_none=511 (256 in always_mpn256),"
		echo "max_ptes_swap=$(cf kh_max_ptes_swap), max_ptes_shared=$(cf kh_max_ptes_shared), defrag=$(cf kh_defrag). Changed: NUMA demotion off"
		echo "(so the cgroup's memory stays on node 0)."
		echo
		echo "## Sparse: processes before the first OOM kill"
		echo
		echo "| touch | configuration | processes | × never | × always | huge right after touching | RSS right after touching, MiB | memory per process, cgroup full, MiB | first-fault p50 µs | p99 µs | thp_fault_alloc | thp_collapse_alloc | thp_split_page | thp_underused_split_page | thp_deferred_split_page |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows_sparse[@]}"
		echo
		echo "processes: children that had finished touching their chunk when the first"
		echo "OOM kill came (one of them may be its victim). huge right after touching:"
		echo "each child's AnonHugePages (smaps_rollup) read as soon as it has touched its"
		echo "chunk, summed over the children, over their chunks: no time for khugepaged."
		echo "RSS right after touching: the median child's. memory per process, cgroup"
		echo "full: the cgroup's memory.current over the children alive, at the last"
		echo "child before the first OOM kill (kernel memory included): what a process"
		echo "costs once the shrinker has given back what it could. first-fault latency:"
		echo "the first touch of each 2 MiB range, over all children. The vmstat columns"
		echo "are the mode's deltas: promotions (thp_fault_alloc at fault,"
		echo "thp_collapse_alloc by khugepaged) and splits."
		echo
		echo "## Dense: every page of every range"
		echo
		echo "| configuration | processes | touch time per process ms | × always | huge right after touching | × always | first-fault p50 µs | p99 µs | thp_fault_alloc | thp_fault_fallback_charge | thp_collapse_alloc | thp_split_page |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows_dense[@]}"
		echo
		echo "touch time: the median child's time to write every page of its chunk."
		echo "thp_fault_fallback_charge: THP faults that fell back to base pages because"
		echo "the cgroup had no room for 2 MiB (the last child's)."
		echo
		echo "## Mixed: one dense process, then sparse ones, one limit"
		echo
		echo "| configuration | sparse processes served | × always | dense: huge right after touching | dense: huge at the end | first OOM victim was the dense one | dense touch ms | thp_fault_alloc | thp_underused_split_page |"
		echo "|---|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows_mixed[@]}"
		echo
		echo "dense: huge at the end: the dense child's AnonHugePages once the sparse"
		echo "children had filled the cgroup (killed: the OOM killer took it; every child"
		echo "has oom_score_adj 1000, so the victim is the largest)."
		echo
		echo "## Targets for thp_reserve (issue 10)"
		echo
		target "sparse (one) processes before OOM, × never" "$(calc "$r_one / $n_one")" '>=' 0.9
		target "sparse (one) processes before OOM, × always" "$(calc "$r_one / $a_one" %.1f)" '>=' 6
		target "dense huge-page coverage right after touching, × always" "$(calc "$r_h / $al_h" %.3f)" '>=' 0.95
		target "full-touch time, × always" "$(calc "$r_t / $al_t" %.3f)" '<=' 1.05
		echo
		echo "## Every run"
		echo
		echo "In the order they ran. Free 2 MiB blocks on node 0 before each mode (the"
		echo "state each starts from), then processes before OOM (huge right after"
		echo "touching) per mode."
		echo
		echo "| run | configuration | free 2 MiB blocks before dense, mixed, random, one | dense | one | random | mixed: sparse served, dense huge after touching / at the end |"
		echo "|---|---|---|---|---|---|---|"
		printf '%s\n' "${runs_rows[@]}"
	} >"$out/thp.md"
	printf '%s\n' "${dat[@]}" >"$out/thp.dat"
}

# pr_med CFG KEY: the median of KEY over CFG's runs of the priority run.
pr_med() { THP_RAW=$out/thp_priority.raw thp_med "$1" priority "$2"; }

# The priority run (bench-guest.sh thp_priority_boot): the mixed run where
# the process that should keep its huge pages is the sparser one, so that
# no global max_ptes_none can tell it from the rest. A fresh boot for
# each configuration and run, interleaved.
bench_thp_priority() {
	local i cfg o line t0 cfgs="never always always_mpn256 always_mpn127 thp_reserve" rows=() every=()
	if [ -z "${BENCH_REPORT:-}" ]; then
		: >"$out/thp_priority.raw"
		echo "== THP priority run: $runs runs x 5 configurations, a fresh VM boot each (~40 s a boot under TCG)"
		for i in $(seq "$runs"); do
			for cfg in $cfgs; do
				o=$out/thp_priority-$cfg-$i
				t0=$(date +%s)
				thp_vm "$o" thp_priority_boot "$cfg"
				line=$(grep -a '^result: ' "$o/tap.txt" | tr -d '\r')
				if [ -z "$line" ] || ! grep -qa '^exit status 0' "$o/tap.txt"; then
					echo "bench: thp_priority $cfg, run $i failed; see $o/console.log" >&2
					sed 's/^/   /' "$o/tap.txt" >&2
					return 1
				fi
				grep -a '^config: ' "$o/tap.txt" | tr -d '\r' | sed 's/^config: //' >"$out/thp_priority.config.$cfg"
				echo "run=$i boot_s=$(( $(date +%s) - t0 )) ${line#result: }" >>"$out/thp_priority.raw"
				echo "  run $i/$runs, $cfg ($(( $(date +%s) - t0 )) s): ${line#result: }" | cut -c1-200
			done
		done
	fi
	[ -s "$out/thp_priority.raw" ] || { echo "bench: no runs in $out/thp_priority.raw" >&2; return 1; }
	local conf n_runs vm_s al_s
	conf=$(cat "$out/thp_priority.config.never" 2>/dev/null)
	cf() { tr ' ' '\n' <<<"$conf" | sed -n "s/^$1=//p"; }
	n_runs=$(grep -c " cfg=never " "$out/thp_priority.raw")
	vm_s=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^boot_s=/) s += substr($i, 8) } END { print s + 0 }' "$out/thp_priority.raw")
	al_s=$(( $(pr_med always children) - 1 ))
	for cfg in $cfgs; do
		local s=$(( $(pr_med $cfg children) - 1 ))
		rows+=("| $cfg | $s | $(calc "$s / ($al_s > 0 ? $al_s : 1)") | $(pr_med $cfg dense_huge_pct)% | $(pr_med $cfg dense_huge_end_pct | sed 's/^-1.*/killed/; s/[0-9]$/&%/') | $(calc "$(pr_med $cfg cg_kb) / $(pr_med $cfg cg_children) / 1024" %.1f) | $(pr_med $cfg thp_fault_alloc) | $(pr_med $cfg thp_underused_split_page) | $(pr_med $cfg hook_shrink_calls) | $(pr_med $cfg hook_shrink_overrides) |")
	done
	# thp_reserve against each global setting, on the pair the issue names.
	local p_s=$(( $(pr_med thp_reserve children) - 1 )) p_h=$(pr_med thp_reserve dense_huge_end_pct) verdict=()
	for cfg in $cfgs; do
		[ $cfg != thp_reserve ] || continue
		local s=$(( $(pr_med $cfg children) - 1 )) h=$(pr_med $cfg dense_huge_end_pct)
		verdict+=("- against $cfg ($s batch, service ${h}% huge): $(awk -v ps=$p_s -v s=$s -v ph=$p_h -v h=$h 'BEGIN {
			hs = ph > h ? "more" : ph == h ? "as many" : "fewer"
			if (ps >= s && ph >= h && (ps > s || ph > h)) w = "**better**"
			else if (ps == s && ph == h) w = "equal"
			else w = "a trade"
			printf "%s: %+d batch processes (%+.0f%%), %s service huge pages (%.0f%% against %.0f%%)", w, ps - s, 100 * (ps - s) / (s > 0 ? s : 1), hs, ph, h }')")
	done
	for i in $(seq "$n_runs"); do
		for cfg in $cfgs; do
			every+=("$(awk -v r=$i -v c=$cfg '
				{ delete v; for (k = 1; k <= NF; k++) { split($k, kv, "="); v[kv[1]] = kv[2] } }
				v["run"] == r && v["cfg"] == c { printf "| %d | %s | %d | %s%% / %s%% | %s | %s |", r, c,
					v["children"] - 1, v["dense_huge_pct"], v["dense_huge_end_pct"], v["victims"], v["thp_underused_split_page"] }' "$out/thp_priority.raw")")
		done
	done
	{
		echo "# THP: a service and batch jobs under one limit"
		echo
		echo "Kernel $(make -s -C "$top/build/linux" kernelversion), QEMU/TCG, 2 vCPUs, node 0 of 1 GiB as in the THP"
		echo "benchmark; a fresh boot for each configuration and run, $n_runs runs, interleaved;"
		echo "medians. VM time: $((vm_s / 60)) min."
		echo
		echo "The mixed run of the THP benchmark has a fully dense process: there"
		echo "max_ptes_none=256 does as well as thp_reserve, since density tells it from"
		echo "the sparse ones. Here density is not priority. One service process (cgroup"
		echo "thpprio/service) touches 256 of the 512 pages of each 2 MiB range of its"
		echo "$(cf chunk_mib) MiB and wants its huge pages (TLB reach); batch processes (thpprio/batch)"
		echo "touch 384 of 512 of theirs and are added, one after another, until the first"
		echo "OOM kill under the limit of thpprio, $(cf limit_mib) MiB (1/4 of $(cf mem_total_mib) MiB). No swap: only"
		echo "the deferred-split shrinker can free anything. A global max_ptes_none"
		echo "splits a THP with more zero-filled subpages than its value: 256 in the"
		echo "service's, 128 in the batch's, so a value below 128 splits both and one of"
		echo "256 or more keeps both; no value splits the batch and keeps the service."
		echo
		echo "Configurations: never, always (THP=never/always, no policy);"
		echo "always_mpn256 and always_mpn127: always with khugepaged/max_ptes_none 256"
		echo "(the THP benchmark's best global setting) and 127 (the largest value that"
		echo "splits the batch's); thp_reserve: always plus the policy, configured with"
		echo "\`mmpolicy apply\` of a file giving zero_limits service = 512 (never split)"
		echo "and batch = 64. Other knobs at their defaults (defrag=$(cf defrag),"
		echo "max_ptes_none=511 but in the two mpn configurations); NUMA demotion off."
		echo
		echo "| configuration | batch processes served | × always | service: huge right after touching | service: huge at the end | memory per process, cgroup full, MiB | thp_fault_alloc | thp_underused_split_page | shrink calls | shrink overrides |"
		echo "|---|---|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
		echo
		echo "batch processes served: batch children that had touched their chunk when"
		echo "the first OOM kill came. service: huge at the end: its AnonHugePages once"
		echo "the batch filled the limit, over its chunk (killed: the OOM killer took it;"
		echo "its oom_score_adj is 500, the batch's 1000). memory per process: the batch"
		echo "cgroup's memory.current over its processes at the last one before the OOM"
		echo "kill. shrink calls and overrides: thp_reserve's shrink member (0 without a"
		echo "policy)."
		echo
		echo "thp_reserve ($p_s batch processes, service ${p_h}% huge at the end):"
		printf '%s\n' "${verdict[@]}"
		echo
		echo "Every run, in the order they ran: batch served, service huge right after"
		echo "touching / at the end, the OOM killer's victims (child indexes; 0 is the"
		echo "service), thp_underused_split_page."
		echo
		echo "| run | configuration | batch served | service huge | victims | underused splits |"
		echo "|---|---|---|---|---|---|"
		printf '%s\n' "${every[@]}"
	} >"$out/thp_priority.md"
}

if grep -qw thp <<<"$sections"; then
	bench_thp || exit 1
fi
if grep -qw thp_priority <<<"$sections"; then
	bench_thp_priority || exit 1
fi
if grep -qw compaction <<<"$sections"; then
	bench_compaction || exit 1
fi

for f in "$out"/*.md "$out"/*.dat; do
	[ ! -e "$f" ] || cp "$f" "$res/"
done
chart() { # NAME TITLE YLABEL USING...
	local name=$1 title=$2 ylabel=$3
	shift 3
	[ -s "$res/$name.dat" ] || return 0
	gnuplot <<GP
set terminal pngcairo size 800,450 font ",11" noenhanced
set output "$res/$name.png"
set title "$title"
set ylabel "$ylabel"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top left
set yrange [0:*]
set xtics rotate by -20
plot $*
GP
}
chart demotion "Demotion: ratio to no policy (TCG)" "× no policy" \
	"'$res/demotion.dat' using 2:xtic(1) title 'workload time', '' using 3 title 'demotion throughput'"
chart thp "THP: sparse processes before OOM (× THP=never) and dense huge-page coverage (TCG; medians)" "ratio" \
	"'$res/thp.dat' using 2:xtic(1) title 'processes, one page a range', '' using 3 title 'processes, random pages', '' using 4 title 'dense coverage', '' using 5 title 'mixed: dense coverage'"
chart placement "Placement: the hot set's share on node 0 after a shift (TCG; medians)" "% on node 0" \
	"'$res/placement.dat' using 2:xtic(1) title 'after 2 s', '' using 3 title '5 s', '' using 4 title '10 s', '' using 5 title 'phase end'"
chart compaction "Compaction with 512 MiB pinned, 10 passes (TCG; medians of 5 boots)" "count" \
	"'$res/compaction.dat' using 4:xtic(1) title 'free 2 MiB blocks after', '' using 5 title 'THP faults served (of 256)'"
{
	echo "# Benchmark results"
	echo
	echo "Made by \`make bench\` on $(date -u +%F): kernel $(make -s -C "$top/build/linux" kernelversion)"
	echo "with kernel-patch/ ($(wc -l <"$top/kernel-patch/series") patches), config tinyconfig +"
	echo "kernel-patch/mm-bpf.config, QEMU $(qemu-system-x86_64 --version | head -1 | awk '{ print $4 }') TCG,"
	echo "2 vCPUs, tiered topology (selftests/vm.sh). Under TCG, absolute times"
	echo "are not meaningful: compare ratios within a table."
	echo
	for f in demotion swap placement placement_room placement_burst thp thp_priority compaction; do
		[ -f "$res/$f.md" ] || continue
		sed 's/^# /## /' "$res/$f.md"
		[ -f "$res/$f.png" ] && echo && echo "![$f]($f.png)"
		echo
	done
} >"$res/README.md"
echo "== results: ${res#$top/}/README.md"
