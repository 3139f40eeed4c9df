#!/bin/bash
# Inside the VM: the demotion benchmark. For each configuration, RUNS runs
# of a 640 MiB workload bound to node 0 (~160 MiB of it must be demoted):
# median wall time, demotion throughput, hook calls, and the program's own
# cost per call from kernel.bpf_stats_enabled.
set -u
. "$REPO/selftests/lib.sh"
RUNS=${RUNS:-5}

enable_demotion
sysctl -qw kernel.bpf_stats_enabled=1

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# prog_ns: average run time per call of the attached demotion program.
prog_ns() {
	"$BPFTOOL" prog show -j | tr '{' '\n' | grep '"type":"struct_ops"' |
		grep -o '"run_time_ns":[0-9]*,"run_cnt":[0-9]*' | tail -1 |
		awk -F'[:,]' '$4 > 0 { printf "%.0f", $2 / $4 } $4 == 0 { print "-" }'
}

rows=()
base_ms="" base_tput=""
for cfg in none kernel_default one_node most_free memcg_map; do
	case $cfg in
	none) ;;
	one_node) mmpolicy load one_node --set target_node=2 >/dev/null ;;
	*) mmpolicy load "$cfg" >/dev/null ;;
	esac
	c0=$(hookstat demotion calls)
	ms=() tput=()
	for ((i = 0; i < RUNS; i++)); do
		settle
		d0=$(pgdemote)
		r=$("$MEMHOG" -m 640 -b 0) || { echo "memhog failed"; exit 1; }
		t=$(field touch_ms "$r")
		d=$(( $(pgdemote) - d0 ))
		ms+=("$t")
		tput+=("$(( d * 1000 / (t > 0 ? t : 1) ))")
	done
	calls=$(( $(hookstat demotion calls) - c0 ))
	m=$(printf '%s\n' "${ms[@]}" | median)
	tp=$(printf '%s\n' "${tput[@]}" | median)
	ns=-
	[ $cfg = none ] || ns=$(prog_ns)
	[ -n "$base_ms" ] || { base_ms=$m; base_tput=$tp; }
	rows+=("$(printf '| %-14s | %6d | %5.2f | %8d | %5.2f | %7d | %6s |' "$cfg" "$m" \
		"$(echo "$m / $base_ms" | bc -l)" "$tp" "$(echo "$tp / $base_tput" | bc -l)" \
		"$((calls / RUNS))" "$ns")")
	echo "  $cfg: median ${m} ms, ${tp} demoted pages/s, $((calls / RUNS)) hook calls/run, prog ${ns} ns/call"
	mmpolicy unload all >/dev/null
done

{
	echo "# Demotion benchmark"
	echo
	echo "Kernel $(uname -r), QEMU/TCG, tiered topology (node 0: 2 CPUs + 512 MiB;"
	echo "nodes 1-2: 512 MiB each, CPU-less, lower tier via HMAT). Workload: 640 MiB"
	echo "bound to node 0, base pages; median of $RUNS runs per configuration."
	echo "Absolute times under TCG are not meaningful; compare the ratios."
	echo
	echo "| policy         | ms     | ×none | pages/s  | ×none | calls/run | ns/call |"
	echo "|----------------|--------|-------|----------|-------|-----------|---------|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "ms: time to touch the workload (includes reclaim and demotion);"
	echo "pages/s: pgdemote per second of that time; ns/call: the policy"
	echo "program's own run time per call (kernel.bpf_stats_enabled)."
} >"$OUT/demotion.md"
cat "$OUT/demotion.md"
