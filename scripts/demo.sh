#!/usr/bin/env bash
# The main job: boot the tiered-memory VM and walk through what a demotion
# policy changes (scripts/demo-guest.sh runs inside). Output streams live.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/vm/demo
mkdir -p "$out"
: >"$out/tap.txt"

echo "== booting the tiered-memory VM (QEMU/TCG, 3 NUMA nodes; ~10 s)"
"$top/selftests/vm.sh" --topology tiered --out "$out" --timeout 1200 \
	-- run scripts/demo-guest.sh &
qpid=$!
tail -n +1 -F --pid=$qpid "$out/tap.txt" 2>/dev/null |
	sed -u -e 's/\r$//' -e '/^exit status /d'
wait $qpid
rc=$?
if ! grep -q '^exit status 0' "$out/tap.txt"; then
	echo "demo: the guest part failed (VM exit $rc); console: $out/console.log" >&2
	tail -20 "$out/console.log" >&2
	exit 1
fi
