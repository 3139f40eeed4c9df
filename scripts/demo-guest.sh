#!/bin/bash
# Inside the demo VM: default demotion, a policy, an atomic swap under load.
set -u
. "$REPO/selftests/lib.sh"

section() { printf '\n=== %s\n' "$*"; }
placement() { # LABEL REPORT
	printf '  %-34s node0 %6d  node1 %6d  node2 %6d pages\n' "$1" \
		"$(field node0 "$2")" "$(field node1 "$2")" "$(field node2 "$2")"
}
summary=()

section "Topology: node 0 is fast DRAM with the CPUs; nodes 1-2 are slow, CPU-less"
for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
	echo "  $(basename "$t"): nodes $(cat "$t/nodelist")"
done
for n in 0 1 2; do
	echo "  node $n: $(awk '/MemTotal/ { printf "%d MiB", $4 / 1024 }' /sys/devices/system/node/node$n/meminfo)"
done
enable_demotion
echo "  demotion enabled: $(cat /sys/kernel/mm/numa/demotion_enabled)"

section "1. No policy: a 640 MiB workload bound to node 0 (only ~480 MiB there)"
echo "  Reclaim demotes its cold pages; 6.12 picks randomly among nodes 1 and 2."
settle
d0=$(pgdemote)
r=$(hog 640 0 2>/dev/null)
placement "kernel default" "$r"
echo "  pgdemote +$(( $(pgdemote) - d0 ))"
summary+=("kernel default|$(field node1 "$r")|$(field node2 "$r")")

section "2. Attach the one_node policy: demote everything to node 2"
mmpolicy load one_node --set target_node=2
settle
d0=$(pgdemote)
r=$(hog 640 0 2>/dev/null)
placement "one_node (target_node=2)" "$r"
echo "  pgdemote +$(( $(pgdemote) - d0 ))"
mmpolicy status | sed 's/^/  /'
summary+=("one_node(2)|$(field node1 "$r")|$(field node2 "$r")")

section "3. Swap to most_free while a workload is running"
echo "  BPF_LINK_UPDATE replaces the policy in one pointer store: no decision is"
echo "  made without a policy (fallbacks stays 0)."
settle
f0=$(hookstat demotion fallbacks)
"$MEMHOG" -m 640 -b 0 >/tmp/hog.out &
sleep 2
mmpolicy swap most_free | sed 's/^/  /'
wait
r=$(cat /tmp/hog.out)
placement "one_node(2), then most_free" "$r"
echo "  fallbacks during the swap: $(( $(hookstat demotion fallbacks) - f0 ))"
summary+=("swap one_node->most_free|$(field node1 "$r")|$(field node2 "$r")")

section "4. Unload: back to the kernel's behaviour"
mmpolicy unload all | sed 's/^/  /'
echo "  attached: $(policy_of demotion)"

section "Summary: where the demoted pages of each run went"
printf '  %-28s %10s %10s\n' "run" "node 1" "node 2"
for row in "${summary[@]}"; do
	IFS='|' read -r name a b <<<"$row"
	printf '  %-28s %10s %10s\n' "$name" "$a" "$b"
done
