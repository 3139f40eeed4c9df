# topology: tiered
# debug: skip the compaction filter path is taken on the debug kernel by 50
# skip_dma_pinned (FOLL_PIN only) catches the same io_uring-pinned shmem:
# every pinned page compaction meets is skipped, none fails migration, and
# unpinned memory still migrates. How many pinned pages one pass meets
# varies with where the scanners meet (see 50-): sum the passes, at least
# 2 and at most 8, until they have met 1000 pinned pages.
. "$REPO/selftests/lib.sh"

pin_start 128
compact_round "warm-up" >/dev/null
mmpolicy load skip_dma_pinned || { pin_stop; fail "load"; }
o0=$(hookstat compaction overrides)
r=() ovr=0
while [ ${#r[@]} -lt 2 ] || { [ "$ovr" -le 1000 ] && [ ${#r[@]} -lt 8 ]; }; do
	r+=("$(compact_round "skip_dma_pinned")")
	ovr=$(( $(hookstat compaction overrides) - o0 ))
done
printf '%s\n' "${r[@]}"
check "the pin held through the rounds" pin_alive
pin_stop
check "pinned pages were skipped ($ovr in ${#r[@]} passes, of 32768 per full pass)" [ "$ovr" -gt 1000 ]
check "none of them failed migration ($(sum pgmigrate_fail "${r[@]}"))" [ "$(sum pgmigrate_fail "${r[@]}")" -lt 100 ]
check "unpinned pages migrated ($(sum pgmigrate_success "${r[@]}"))" [ "$(sum pgmigrate_success "${r[@]}")" -gt 1000 ]
