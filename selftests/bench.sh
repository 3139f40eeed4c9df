#!/usr/bin/env bash
# make bench: every benchmark side by side in one VM boot (no policy, a
# trivial policy, each shipped policy), then bench/results/: Markdown
# tables and PNG charts. Takes ~10 minutes under TCG.
#   BENCH="demotion swap thp compaction"  pick sections;  RUNS=3  repeats
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/vm/bench
res=$top/bench/results
mkdir -p "$out" "$res"
rm -f "$out"/*.md "$out"/*.dat
: >"$out/tap.txt"
echo "== benchmark VM (tiered topology; ~10 min under TCG)"
"$top/selftests/vm.sh" --topology tiered --out "$out" --timeout 3600 \
	-- run selftests/bench-guest.sh ${BENCH:-} &
qpid=$!
tail -n +1 -F --pid=$qpid "$out/tap.txt" 2>/dev/null | sed -u -e 's/\r$//' -e '/^exit status /d'
wait $qpid
grep -q '^exit status 0' "$out/tap.txt" || { echo "bench: failed; see $out/console.log" >&2; exit 1; }

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
chart compaction "Compaction with 128 MiB pinned, two passes (TCG)" "pages" \
	"'$res/compaction.dat' using 2:xtic(1) title 'isolated', '' using 3 title 'migration failures'"
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
