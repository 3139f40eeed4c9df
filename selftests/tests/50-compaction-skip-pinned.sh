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
# and free scanners meet, which moves with the layout: after a warm-up
# pass, alternate rounds without and with the policy and compare the sums.
. "$REPO/selftests/lib.sh"

sum() { local k=$1; shift; local t=0 r; for r in "$@"; do t=$((t + $(field "$k" "$r"))); done; echo $t; }

pin_start 128
compact_round "warm-up" >/dev/null
base=() pol=() ovr=0 blk=0
for round in 1 2; do
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
done
printf '%s\n' "${base[@]}" "${pol[@]}"
check "the pin held through every round" pin_alive
pin_stop

bf=$(sum pgmigrate_fail "${base[@]}") pf=$(sum pgmigrate_fail "${pol[@]}")
bi=$(sum compact_isolated "${base[@]}") pi=$(sum compact_isolated "${pol[@]}")
ps=$(sum pgmigrate_success "${pol[@]}")
# 32768 pages are pinned; two passes meet at least a tenth of them.
check "the stock kernel fails to migrate pinned pages ($bf failures)" [ "$bf" -gt 3200 ]
check "skip_pinned cuts migration failures >= 100x ($bf -> $pf)" [ $((pf * 100)) -le "$bf" ]
check "and isolations ($bi -> $pi)" [ "$pi" -lt "$bi" ]
check "unpinned pages still migrate ($ps)" [ "$ps" -gt 1000 ]
# Asked once a block, the policy answers "skip the block" about once for
# each pageblock that holds pinned pages, each round: 130 answers in 2
# rounds, on both kernels, for a pin of 32768 pages (65 blocks). A
# scanner that asked on for the rest of a skipped block would get about
# one answer a pinned page; the bound, 1024, leaves room for a pin spread
# over 8 times as many blocks and is 64 times below that.
check "the policy skipped pinned blocks ($blk block answers of $ovr overrides; the stock kernel met $bf pinned pages)" \
	[ "$blk" -gt 0 -a "$blk" -le 1024 ]
