# topology: tiered
# 128 MiB of shmem pinned long-term (io_uring fixed buffers on a memfd, the
# device-free stand-in for vfio-pinned guest RAM). The stock kernel isolates
# those pages on every compaction and fails to migrate them; skip_pinned
# must cut migration failures at least 100x while compaction still
# migrates the unpinned, fragmented anonymous memory. It answers "skip the
# block": the scanner must then move on to the next pageblock without
# asking about the rest of this one.
#
# How much of the pinned memory one pass meets depends on where the migrate
# and free scanners meet, which moves with the layout: from 896 to 10407
# pinned pages a pass in the runs seen so far. After a warm-up pass,
# alternate rounds without and with the policy, and go on until the stock
# kernel has met a tenth of the pin (at least 2 and at most 8 pairs, and
# none begun after 300 s: a pair takes about 50 s on the debug kernel),
# then compare the sums.
. "$REPO/selftests/lib.sh"

pin_start 128
compact_round "warm-up" >/dev/null
base=() pol=() ovr=0 blk=0 bf=0
for round in 1 2 3 4 5 6 7 8; do
	[ "$round" -gt 2 ] && { [ "$bf" -gt 3200 ] || [ $SECONDS -gt 300 ]; } && break
	mmpolicy unload compaction >/dev/null
	base+=("$(compact_round "no policy")")
	mmpolicy load skip_pinned >/dev/null || fail "load"
	o0=$(hookstat compaction overrides)
	pol+=("$(compact_round "skip_pinned")")
	ovr=$((ovr + $(hookstat compaction overrides) - o0))
	# The policy's own count of its whole-block answers (reset by each
	# load): its other skips are single folios with an extra reference
	# that may be transient.
	bss=$(attached_map compaction skip_pin.bss)
	n=$("$BPFTOOL" map dump id "$bss" | grep -o '"nr_block_skips": [0-9]*' | grep -o '[0-9]*$')
	blk=$((blk + ${n:-0}))
	bf=$(sum pgmigrate_fail "${base[@]}")
done
printf '%s\n' "${base[@]}" "${pol[@]}"
check "the pin held through every round" pin_alive
pin_stop

pf=$(sum pgmigrate_fail "${pol[@]}")
bi=$(sum compact_isolated "${base[@]}") pi=$(sum compact_isolated "${pol[@]}")
bs=$(sum pgmigrate_success "${base[@]}") ps=$(sum pgmigrate_success "${pol[@]}")
# compact_isolated counts both scanners: a page migrated is isolated twice
# (it, and the free page it goes to); the rest is isolation wasted, on
# pages that then failed. How many pages migrate varies more from round to
# round than the wasted part does.
bw=$((bi - 2 * bs)) pw=$((pi - 2 * ps))
# 32768 pages are pinned: without a tenth of them met, the ratio below
# would say little.
check "the stock kernel fails to migrate pinned pages ($bf failures in ${#base[@]} passes)" [ "$bf" -gt 3200 ]
check "skip_pinned cuts migration failures >= 100x ($bf -> $pf)" [ $((pf * 100)) -le "$bf" ]
check "and wasted isolations ($bw -> $pw; all isolations $bi -> $pi)" [ "$pw" -lt "$bw" ]
check "unpinned pages still migrate ($ps)" [ "$ps" -gt 1000 ]
# Asked once a block, the policy answers "skip the block" about once for
# each pageblock that holds pinned pages, each round: 65 answers a round,
# on both kernels, for a pin of 32768 pages (65 blocks). A scanner that
# asked on for the rest of a skipped block would get about one answer a
# pinned page; the bound, 512 a round, leaves room for a pin spread over
# 8 times as many blocks and is 64 times below that.
check "the policy skipped pinned blocks ($blk block answers in ${#pol[@]} rounds, of $ovr overrides; the stock kernel met $bf pinned pages)" \
	[ "$blk" -gt 0 -a "$blk" -le $((512 * ${#pol[@]})) ]
