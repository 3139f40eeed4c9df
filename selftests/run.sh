#!/usr/bin/env bash
# Run the selftests: boot one VM per topology the tests ask for, run the
# tests inside, print each test's result and a final "N passed, N failed".
# Exits non-zero on any failure, a guest panic or a timeout.
#
#   run.sh [TEST...]      (default: every selftests/tests/*.sh; with
#                         FLAVOUR=debug those without "# debug: skip",
#                         or all of them with DEBUG_ALL=1)
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

topology_of() { sed -n 's/^# topology: *//p' "$top/selftests/tests/$1" | head -1; }
# Why a test does not run on the debug kernel by default ("# debug: skip
# REASON"): it drives only user space, or a kernel path another test
# already takes on the debug kernel (KASAN and lockdep make the guest about
# three times slower, and CI runs both flavours in 90 minutes).
debug_skip_of() { sed -n 's/^# debug: skip *//p' "$top/selftests/tests/$1" | head -1; }

passed=0 failed=0 skipped=0
if [ $# -gt 0 ]; then
	# Named tests run whatever the flavour.
	tests=("$@")
else
	tests=()
	for f in "$top"/selftests/tests/*.sh; do
		t=$(basename "$f")
		why=$(debug_skip_of "$t")
		if [ "$flavour" = debug ] && [ -z "${DEBUG_ALL:-}" ] && [ -n "$why" ]; then
			echo "  skip $t on the debug kernel: $why (DEBUG_ALL=1 runs it)"
			skipped=$((skipped + 1))
			continue
		fi
		tests+=("$t")
	done
fi

# Extra kernel parameters a test needs at boot ("# boot: ..."); tests that
# share topology and parameters share a VM.
boot_of() { sed -n 's/^# boot: *//p' "$top/selftests/tests/$1" | head -1; }

start_all=$(date +%s)

# Print the guest's TAP stream as it arrives; count results. A failing
# test's diagnostics are printed under it (all of them with VERBOSE=1).
# Also noted, for the checks after the VM: the plan (1..N), the names of
# the results in order, the guest's closing "# ran N tests" (kept only if
# no result follows it: a test's own output comes before its result, so it
# cannot stand in for the guest's line) and any "Bail out!".
follow() {
	local tap=$1 pid=$2 line name diag=""
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		"ok "*"# SKIP"*) skipped=$((skipped + 1)); echo "  $line" ;;
		"ok "*) passed=$((passed + 1)); echo "  $line" ;;
		"not ok "*) failed=$((failed + 1)); echo "  $line"; printf '%s' "$diag" ;;
		1..[0-9]*) plan=${line#1..}; continue ;;
		"Bail out!"*) bail=$line; echo "  $line"; continue ;;
		"# ran "*" tests")
			guest_ran=${line#\# ran }; guest_ran=${guest_ran% tests}
			continue ;;
		"#"*)
			diag+="      $line"$'\n'
			[ -z "${VERBOSE:-}" ] || echo "      $line"
			continue ;;
		*) continue ;;
		esac
		# A result: its test's name, and no closing line yet.
		name=${line#not }; name=${name#* - }; name=${name%% # *}
		reported+=("$name")
		guest_ran=""
		diag=""
	done < <(tail -n +1 -F --pid="$pid" "$tap" 2>/dev/null)
}

# Every test, named or found by default, must say where it runs: one whose
# topology line is missing or wrong (a typo, CRLF) would land in no VM and
# be left out unseen, so it stops the run before any VM boots.
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
	plan="" guest_ran="" bail="" reported=()
	: >"$out/console.log"
	start=$(date +%s)
	EXTRA_CMDLINE="$boot" "$top/selftests/vm.sh" --topology "$topo" --out "$out" \
		--timeout "$vm_timeout" "${swap[@]}" -- tests "${sel[@]}" &
	qpid=$!
	follow "$out/tap.txt" $qpid
	wait $qpid
	rc=$?
	ran=$((passed + failed + skipped - before))
	echo "== VM $topo: $((  $(date +%s) - start ))s, exit $rc"

	# Everything that makes this VM's run untrustworthy, whether or not
	# every test reported: a panic or a timeout after the last result
	# fails the run as surely as one during a test.
	problems=()
	case $rc in
	0) ;;
	124|137) problems+=("timed out after ${vm_timeout}s") ;;
	*) problems+=("the VM exited with status $rc") ;;
	esac
	grep -q 'Kernel panic' "$out/console.log" 2>/dev/null &&
		problems+=("kernel panic: $(grep -m1 -o 'Kernel panic.*' "$out/console.log" | tr -d '\r')")
	[ -z "$bail" ] || problems+=("the guest bailed out: ${bail#Bail out! }")
	if [ -z "$plan" ]; then
		problems+=("no TAP plan from the guest")
	elif [ "$plan" != ${#sel[@]} ]; then
		problems+=("the guest planned $plan tests, ${#sel[@]} were selected")
	fi
	[ $ran -le ${#sel[@]} ] || problems+=("$ran results for ${#sel[@]} tests")
	for ((i = 0; i < ${#reported[@]} && i < ${#sel[@]}; i++)); do
		[ "${reported[$i]}" = "${sel[$i]}" ] ||
			problems+=("result $((i + 1)) is for '${reported[$i]}', expected '${sel[$i]}'")
	done
	if [ -z "$guest_ran" ]; then
		problems+=("the guest did not report how many tests it ran (no '# ran N tests' after the last result)")
	elif [ "$guest_ran" != ${#sel[@]} ] || [ "$guest_ran" != $ran ]; then
		problems+=("the guest says it ran $guest_ran tests; ${#sel[@]} were selected, $ran reported")
	fi

	if [ ${#problems[@]} -gt 0 ]; then
		problem=$(printf '%s; ' "${problems[@]}"); problem=${problem%; }
		if [ $ran -lt ${#sel[@]} ]; then
			# Each test that did not report is a failure.
			failed=$((failed + ${#sel[@]} - ran))
			echo "  not ok - $((${#sel[@]} - ran)) of ${#sel[@]} tests did not report: $problem"
		else
			# All reported, but the VM's end is wrong: one failure more.
			failed=$((failed + 1))
			echo "  not ok - VM $topo${boot:+ ($boot)}: $problem"
		fi
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
