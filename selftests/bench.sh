#!/usr/bin/env bash
# make bench: every benchmark side by side (no policy, a trivial policy,
# each shipped policy), then bench/results/: Markdown tables and PNG charts.
# demotion, swap and thp share one VM boot (~10 min under TCG); compaction
# gives every configuration and run a boot of its own (~10 min).
#   BENCH="demotion swap thp compaction"  pick sections;  RUNS=3  repeats
#   BENCH_TRACE=1  the compaction boots also print vmstat after every pass
#   BENCH_REPORT=1 no boots: the compaction table from the last raw runs
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/vm/bench
res=$top/bench/results
runs=${RUNS:-5}
sections=${BENCH:-demotion swap thp compaction}
mkdir -p "$out" "$res"
rm -f "$out"/*.md "$out"/*.dat

[ -z "${BENCH_REPORT:-}" ] || sections=compaction
one_boot=$(tr ' ' '\n' <<<"$sections" | grep -vx compaction | tr '\n' ' ')
if [ -n "${one_boot// }" ]; then
	: >"$out/tap.txt"
	echo "== benchmark VM for: $one_boot(tiered topology; ~10 min under TCG)"
	# Unknown key=value parameters reach init as environment variables.
	EXTRA_CMDLINE="RUNS=$runs" "$top/selftests/vm.sh" --topology tiered --out "$out" --timeout 3600 \
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

if grep -qw compaction <<<"$sections"; then
	bench_compaction || exit 1
fi

cp "$out"/*.md "$out"/*.dat "$res/"
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
chart thp "THP: children served and memory used (TCG)" "count / MiB" \
	"'$res/thp.dat' using 2:xtic(1) title 'children', '' using 3 title 'memory used MiB'"
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
	for f in demotion swap thp compaction; do
		[ -f "$res/$f.md" ] || continue
		sed 's/^# /## /' "$res/$f.md"
		[ -f "$res/$f.png" ] && echo && echo "![$f]($f.png)"
		echo
	done
} >"$res/README.md"
echo "== results: ${res#$top/}/README.md"
