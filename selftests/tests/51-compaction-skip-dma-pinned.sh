# topology: tiered
# skip_dma_pinned (FOLL_PIN only) catches the same io_uring-pinned shmem,
# and leaves unpinned memory to the kernel.
. "$REPO/selftests/lib.sh"

pin_start 128
compact_round "warm-up" >/dev/null	# see 50-compaction-skip-pinned.sh
mmpolicy load skip_dma_pinned || { pin_stop; fail "load"; }
o0=$(hookstat compaction overrides)
r=$(compact_round "skip_dma_pinned")
echo "$r"
check "the pin held through the round" pin_alive
pin_stop
ovr=$(( $(hookstat compaction overrides) - o0 ))
check "pinned pages were skipped ($ovr of 32768)" [ "$ovr" -gt 3200 ]
check "none of them failed migration ($(field pgmigrate_fail "$r"))" [ "$(field pgmigrate_fail "$r")" -lt 100 ]
check "unpinned pages migrated ($(field pgmigrate_success "$r"))" [ "$(field pgmigrate_success "$r")" -gt 1000 ]
