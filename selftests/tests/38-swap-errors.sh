# topology: tiered
# debug: skip user space only (mmpolicy swap errors); swaps run on the debug kernel in 30
# swap's error paths: two maps of the new object whose names the kernel
# cuts to the same 15 characters do not both take over one map (exit 5,
# nothing swapped); an attach the kernel refuses exits 4 as for load; a
# roll-back that fails exits 6, says what is attached and records it; a
# SIGTERM in the middle of a multi-kind swap waits for the swap to commit.
. "$REPO/selftests/lib.sh"

TWO=$BPFO/two_kinds.bpf.o
DISABLE=/sys/module/bpf_mm_policy/parameters/disable
ids() { mmpolicy status --json | jq -r ".$1 | \"\(.link_id) \(.map_id)\""; }
trap 'echo 0 > $DISABLE' EXIT

# 1. Two new maps, one kernel name: refused, naming both.
mmpolicy load "$BPFO/long_map_name.bpf.o" || fail "load long_map_name"
m0=$(attached_map demotion cgroup_threshol)
[ -n "$m0" ] || fail "map cgroup_threshol of long_map_name not found"
"$BPFTOOL" map update id "$m0" key $(le_bytes 42 8) value $(le_bytes 1 4) || fail "map update"
dem=$(ids demotion)
out=$(mmpolicy swap "$BPFO/long_map_names.bpf.o" 2>&1); rc=$?
echo "$out"
check "a swap whose two maps are both cgroup_threshol in the kernel is refused (exit $rc)" [ $rc -eq 5 ]
check "the message names both maps" \
	grep -q "maps 'cgroup_thresholds_a' and 'cgroup_thresholds_b' of the new object have the same name in the kernel, 'cgroup_threshol'" <<<"$out"
check "and the map they would share" grep -q "both would take over map $m0" <<<"$out"
check "and points at --fresh" grep -q -- "--fresh" <<<"$out"
check "long_map_name is still attached ($(ids demotion) = $dem)" \
	[ "$(policy_of demotion)" = long_map_name -a "$(ids demotion)" = "$dem" ]
check "on map $m0 with its entry" [ "$(attached_map demotion cgroup_threshol)" = "$m0" -a "$(map_entries "$m0")" -eq 1 ]
out=$(mmpolicy swap "$BPFO/long_map_names.bpf.o" --fresh 2>&1); rc=$?
echo "$out"
check "--fresh swaps (exit $rc)" [ $rc -eq 0 ]
new=$(attached_map demotion cgroup_threshol | sort -u)
check "onto two maps ($(echo $new))" [ "$(wc -l <<<"$new")" -eq 2 ]
check "both new (not $m0)" not grep -qx "$m0" <<<"$new"
mmpolicy unload all >/dev/null

# 2. The kernel refuses the attach: exit 4, as for load, nothing changed.
mmpolicy load one_node --set target_node=2 >/dev/null || fail "load one_node"
dem=$(ids demotion) s0=$(hookstat demotion attach_seq)
echo 1 > $DISABLE || fail "set bpf_mm_policy.disable"
out=$(mmpolicy swap kernel_default 2>&1); rc=$?
echo 0 > $DISABLE
echo "$out"
check "a swap while attaching is disabled exits 4 (exit $rc)" [ $rc -eq 4 ]
check "and says why" grep -q "attaching is disabled (bpf_mm_policy.disable=1" <<<"$out"
check "one_node is untouched" \
	[ "$(policy_of demotion)" = one_node -a "$(ids demotion)" = "$dem" -a "$(hookstat demotion attach_seq)" = "$s0" ]
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all,+bpf,+perfmon --ambient-caps=-all,+bpf,+perfmon \
	"$MMPOLICY" swap kernel_default 2>&1); rc=$?
echo "$out"
check "a swap without CAP_SYS_ADMIN exits 4 (exit $rc)" [ $rc -eq 4 ]
check "one_node is still untouched" \
	[ "$(policy_of demotion)" = one_node -a "$(hookstat demotion attach_seq)" = "$s0" ]

command -v strace >/dev/null || fail "no strace (scripts/install-deps.sh installs it): cannot inject a failed roll-back"

# bpf_nth TRACE CMD N: the number of the Nth bpf() call with command CMD
# among all bpf() calls of an strace -e trace=bpf output.
bpf_nth() { grep '^bpf(' "$1" | grep -n "^bpf($2," | sed -n "$3p" | cut -d: -f1; }

# 3. A roll-back that fails (strace makes its BPF_LINK_UPDATE fail): exit 6,
# what is attached is read back, and /run/mm_policy records it.
mmpolicy load thp_threshold >/dev/null || fail "load thp_threshold"
thp_old=$(ids thp)
"$BPFTOOL" map pin id "${thp_old#* }" /sys/fs/bpf/swap-errors-old || fail "pin old thp map"
mmpolicy swap thp_adaptive >/dev/null || fail "swap thp to thp_adaptive"
thp=$(ids thp)
# A dry run, which rolls back: demotion swaps, thp loses, demotion goes back.
strace -o /tmp/swap.trace -e trace=bpf "$MMPOLICY" swap "$TWO" --expect "thp=${thp_old#* }" >/dev/null 2>&1
rc=$?
check "the dry run rolls back (exit $rc)" [ $rc -eq 5 -a "$(policy_of demotion)" = one_node ]
check "with three link updates" [ "$(grep -c '^bpf(BPF_LINK_UPDATE,' /tmp/swap.trace)" -eq 3 ]
n=$(bpf_nth /tmp/swap.trace BPF_LINK_UPDATE 3)
out=$(strace -o /dev/null -e trace=bpf -e inject=bpf:error=EBUSY:when=$n \
	"$MMPOLICY" swap "$TWO" --expect "thp=${thp_old#* }" 2>&1); rc=$?
echo "$out"
check "a failed roll-back exits 6 (exit $rc)" [ $rc -eq 6 ]
check "and says so" grep -q "demotion: rolling back to 'one_node' failed: Device or resource busy" <<<"$out"
check "and that the swap is partial" grep -q "the swap is partial" <<<"$out"
check "the kernel has the new demotion policy" [ "$(policy_of demotion)" = two_kinds_dem ]
check "which mmpolicy read back" grep -q "demotion: the new policy 'two_kinds_dem' (map [0-9]*) is attached now" <<<"$out"
check "and thp keeps thp_adaptive" grep -q "thp: 'thp_adaptive' (map ${thp#* }) is attached now" <<<"$out"
check "which the kernel agrees with" [ "$(policy_of thp)" = thp_adaptive -a "$(ids thp)" = "$thp" ]
check "/run/mm_policy/demotion records two_kinds" grep -qx "object=$TWO" /run/mm_policy/demotion
check "/run/mm_policy/thp still thp_adaptive" grep -qx "object=thp_adaptive" /run/mm_policy/thp
rm /sys/fs/bpf/swap-errors-old
mmpolicy unload all >/dev/null

# 4. SIGTERM while the first kind is swapped: the swap commits, then exits.
mmpolicy load one_node >/dev/null || fail "load one_node"
mmpolicy load thp_threshold >/dev/null || fail "load thp_threshold"
strace -o /tmp/swap.trace -e trace=bpf "$MMPOLICY" swap "$TWO" >/dev/null 2>&1 || fail "dry swap"
mmpolicy swap one_node >/dev/null && mmpolicy swap thp_threshold >/dev/null || fail "swap back"
n=$(bpf_nth /tmp/swap.trace BPF_LINK_UPDATE 1)
[ -n "$n" ] || fail "no link update in the dry run"
rm -f /tmp/swap.out
strace -o /dev/null -e trace=bpf -e inject=bpf:delay_exit=2000000:when=$n \
	"$MMPOLICY" swap "$TWO" >/tmp/swap.out 2>&1 &
st=$!
for i in $(seq 50); do
	[ "$(policy_of demotion)" = two_kinds_dem ] && break
	sleep 0.1
done
check "demotion is swapped, thp not yet" \
	[ "$(policy_of demotion)" = two_kinds_dem -a "$(policy_of thp)" = thp_threshold ]
kill -TERM "$(pgrep -P $st)"
wait $st; rc=$?
cat /tmp/swap.out
check "mmpolicy died of the SIGTERM (exit $rc)" [ $rc -eq 143 ]
check "after swapping thp too" [ "$(policy_of thp)" = two_kinds_thp -a "$(policy_of demotion)" = two_kinds_dem ]
check "and recording both" \
	[ "$(grep -c "^object=$TWO\$" /run/mm_policy/demotion /run/mm_policy/thp | grep -c ':1$')" -eq 2 ]
check "and saying so" grep -q "thp: swapped 'thp_threshold' -> 'two_kinds_thp'" /tmp/swap.out
mmpolicy unload all >/dev/null
