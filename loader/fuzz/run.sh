#!/usr/bin/env bash
# Run fuzz_policy for SECONDS over the corpus, then say in one line how it
# went. Exits non-zero on a crash, a leak, a timeout or an OOM, with the
# end of libFuzzer's report and the input that did it.
#
#   run.sh FUZZER CORPUS SECONDS
#
# CORPUS/seed is make-corpus.py's; CORPUS/found is what libFuzzer adds to
# it, kept from run to run. The whole log is in FUZZER's directory.
set -uo pipefail

bin=$1 corpus=$2 seconds=$3
dir=$(dirname "$bin")
log=$dir/fuzz.log
mkdir -p "$corpus/found" "$dir/artifacts"
rm -f "$dir"/artifacts/*

echo "fuzz: $(basename "$bin") for $seconds s over $corpus; log: $log"
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-detect_leaks=1 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
	"$corpus/found" "$corpus/seed" >"$log" 2>&1
rc=$?

# "#1234  DONE   cov: 3510 ft: 8136 corp: 112/898Kb ... exec/s: 20 rss: ..."
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE ' "$log" | tail -n 1)
runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
field() { sed -nE "s|.* $1: ([0-9]+).*|\1|p" <<<"$done_line"; }

if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
	echo "fuzz: 0 crashes in $runs runs over $seconds s (corpus $(field corp) inputs;" \
	     "cov $(field cov), ft $(field ft), $(field exec/s) exec/s)"
	exit 0
fi

tail -n 60 "$log" | sed 's/^/  /'
artifact=$(ls "$dir"/artifacts/* 2>/dev/null | head -n 1)
if [ -n "$artifact" ]; then
	what=$(basename "$artifact" | cut -d- -f1)
	echo "fuzz: FAILED: a ${what/slow/slow-unit} after ${runs:-?} runs (exit $rc);" \
	     "input: $artifact; replay: FUZZ_VERBOSE=1 $bin $artifact"
else
	echo "fuzz: FAILED: the fuzzer exited $rc without a result (see $log)"
fi
exit 1
