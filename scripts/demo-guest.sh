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
mmpolicy load one_node --set target_node=2 | sed 's/^/  /'
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
d0=$(pgdemote)
for i in $(seq 100); do [ "$(pgdemote)" -gt $((d0 + 10000)) ] && break; sleep 0.1; done
echo "  one_node has demoted $(( $(pgdemote) - d0 )) pages to node 2 so far; swapping:"
mmpolicy swap most_free --expect one_node | sed 's/^/  /'
wait
r=$(cat /tmp/hog.out)
placement "one_node(2), then most_free" "$r"
echo "  (node 1 only received pages after the swap)"
echo "  fallbacks during the swap: $(( $(hookstat demotion fallbacks) - f0 ))"
summary+=("swap one_node->most_free|$(field node1 "$r")|$(field node2 "$r")")

mmpolicy unload all >/dev/null

section "4. THP promotion: 16 ranges of 2 MiB, one page touched in each (THP=always)"
thp_setup
r=$("$THPTOUCH" -n 16 touch:0-15:1 report | grep '^report')
echo "  no policy:                huge pages for $(( ${r##*huge_kb=} / 1024 )) MiB, for 64 KiB used"
thp_none=$(( ${r##*huge_kb=} / 1024 ))
mmpolicy load thp_threshold --set threshold=256 | sed 's/^/  /'
r=$("$THPTOUCH" -n 16 touch:0-15:1 report touch:0:300 wait:0:60 report | grep '^report')
first=$(head -1 <<<"$r") last=$(tail -1 <<<"$r")
echo "  thp_threshold(256):       huge pages for $(( ${first##*huge_kb=} / 1024 )) MiB"
echo "  ...after 300 pages of range 0 are used, khugepaged promotes it: $(( ${last##*huge_kb=} / 1024 )) MiB"
thp_pol=$(( ${first##*huge_kb=} / 1024 ))
mmpolicy unload all >/dev/null

section "5. Compaction with 128 MiB pinned long-term (io_uring buffers on a memfd, like vfio)"
pin_start 128 >/tmp/pin.msg	# not in a pipeline: it sets PIN_PID here
sed 's/^/  /' /tmp/pin.msg
compact_round warm-up >/dev/null
r=$(compact_round "no policy")
echo "  $r"
cmp_none=$(field pgmigrate_fail "$r")
mmpolicy load skip_pinned | sed 's/^/  /'
r=$(compact_round "skip_pinned")
echo "  $r"
cmp_pol=$(field pgmigrate_fail "$r")
pin_stop
mmpolicy unload all >/dev/null

section "6. Unload everything: back to the kernel's behaviour"
mmpolicy unload all | sed 's/^/  /'
mmpolicy status | sed 's/^/  /'

section "Summary"
printf '  %-44s %12s %12s\n' "" "default" "with policy"
IFS='|' read -r _ a1 a2 <<<"${summary[0]}"
IFS='|' read -r _ b1 b2 <<<"${summary[1]}"
printf '  %-44s %12s %12s\n' "demotion: pages to node 1 / node 2" "$a1/$a2" "$b1/$b2"
printf '  %-44s %12s %12s\n' "THP: huge MiB for 16 one-page ranges" "$thp_none" "$thp_pol"
printf '  %-44s %12s %12s\n' "compaction: pinned pages failing migration" "$cmp_none" "$cmp_pol"
echo
echo "  Policies used: one_node, most_free (swapped in live), thp_threshold, skip_pinned."
echo "  Nothing is left attached."
