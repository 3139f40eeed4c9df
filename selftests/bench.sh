#!/usr/bin/env bash
# Benchmarks, in one VM run each (make bench). Absolute times under TCG mean
# little; compare the ratios. Results: build/vm/bench/*.md
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/vm/bench
mkdir -p "$out"
: >"$out/tap.txt"
echo "== benchmark VM (tiered topology; ~5 min under TCG)"
"$top/selftests/vm.sh" --topology tiered --out "$out" --timeout 3000 \
	-- run selftests/bench-guest.sh &
qpid=$!
tail -n +1 -F --pid=$qpid "$out/tap.txt" 2>/dev/null | tr -d '\r' | sed -u '/^exit status /d'
wait $qpid
grep -q '^exit status 0' "$out/tap.txt" || { echo "bench: failed; see $out/console.log" >&2; exit 1; }
echo "== results: $out/demotion.md"
