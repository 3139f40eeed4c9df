#!/usr/bin/env bash
# Run the selftests: boot one VM per topology the tests ask for, run the
# tests inside, print each test's result and a final "N passed, N failed".
# Exits non-zero on any failure, a guest panic or a timeout.
#
#   run.sh [TEST...]      (default: every selftests/tests/*.sh)
#   run.sh --bench        the benchmark instead of the tests
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${FLAVOUR:-normal}
out_root=$top/build/vm
[ "$flavour" = normal ] || out_root=$top/build/vm-$flavour
vm_timeout=${VM_TIMEOUT:-2400}

if [ "${1:-}" = --bench ]; then
	exec "$top/selftests/bench.sh"
fi

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for f in "$top"/selftests/tests/*.sh; do tests+=("$(basename "$f")"); done
fi

topology_of() { sed -n 's/^# topology: *//p' "$top/selftests/tests/$1" | head -1; }
# Extra kernel parameters a test needs at boot ("# boot: ..."); tests that
# share topology and parameters share a VM.
boot_of() { sed -n 's/^# boot: *//p' "$top/selftests/tests/$1" | head -1; }

passed=0 failed=0 skipped=0
start_all=$(date +%s)

# Print the guest's TAP stream as it arrives; count results. A failing
# test's diagnostics are printed under it (all of them with VERBOSE=1).
follow() {
	local tap=$1 pid=$2 line diag=""
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		"ok "*"# SKIP"*) skipped=$((skipped + 1)); echo "  $line" ;;
		"ok "*) passed=$((passed + 1)); echo "  $line" ;;
		"not ok "*) failed=$((failed + 1)); echo "  $line"; printf '%s' "$diag" ;;
		"#"*)
			diag+="      $line"$'\n'
			[ -z "${VERBOSE:-}" ] || echo "      $line"
			continue ;;
		*) continue ;;
		esac
		diag=""
	done < <(tail -n +1 -F --pid="$pid" "$tap" 2>/dev/null)
}

vms=()
declare -A seen
for t in "${tests[@]}"; do
	[ -f "$top/selftests/tests/$t" ] || { echo "no such test: $t" >&2; exit 2; }
	topo=$(topology_of "$t")
	case "$topo" in
	tiered|flat) ;;
	*) echo "selftests/tests/$t: no '# topology: tiered|flat' line" >&2; exit 2 ;;
	esac
	vm="$topo|$(boot_of "$t")"
	[ -n "${seen[$vm]:-}" ] || { seen[$vm]=1; vms+=("$vm"); }
done

for vm in "${vms[@]}"; do
	topo=${vm%%|*} boot=${vm#*|}
	sel=()
	for t in "${tests[@]}"; do
		[ "$(topology_of "$t")|$(boot_of "$t")" = "$vm" ] && sel+=("$t")
	done
	[ ${#sel[@]} -gt 0 ] || continue

	out=$out_root/$topo
	[ -z "$boot" ] || out=$out_root/$topo-$(echo "$boot" | tr -c 'A-Za-z0-9\n' _)
	mkdir -p "$out"
	: >"$out/tap.txt"
	swap=()
	[ "$topo" = flat ] && swap=(--swap 1024)
	echo "== VM ($flavour kernel): $topo topology${boot:+, boot with '$boot'}, ${#sel[@]} tests (TCG; boot ~6 s)"
	before=$((passed + failed + skipped))
	start=$(date +%s)
	EXTRA_CMDLINE="$boot" "$top/selftests/vm.sh" --topology "$topo" --out "$out" \
		--timeout "$vm_timeout" "${swap[@]}" -- tests "${sel[@]}" &
	qpid=$!
	follow "$out/tap.txt" $qpid
	wait $qpid
	rc=$?
	ran=$((passed + failed + skipped - before))
	echo "== VM $topo: $((  $(date +%s) - start ))s, exit $rc"

	problem=""
	[ $rc -eq 124 ] && problem="timed out after ${vm_timeout}s"
	grep -q 'Kernel panic' "$out/console.log" 2>/dev/null && problem="kernel panic"
	if [ $ran -lt ${#sel[@]} ]; then
		problem=${problem:-"VM stopped early (exit $rc)"}
		failed=$((failed + ${#sel[@]} - ran))
		echo "  not ok - ${#sel[@]} - $ran tests did not report: $problem"
	fi
	if [ -n "$problem" ]; then
		echo "-- last diagnostics ($out/tap.txt):"
		grep '^#' "$out/tap.txt" | tail -20 | sed 's/^/   /'
		echo "-- console tail ($out/console.log):"
		tail -30 "$out/console.log" 2>/dev/null | sed 's/^/   /'
	fi
done

echo "selftests ($flavour kernel): $(( $(date +%s) - start_all ))s in the VM"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
