# topology: tiered
# debug: skip user space only (verifier log reporting)
# A verifier rejection whose log is tens of KiB: the reason, on the log's
# last lines, is what the loader shows, and -v prints the whole log.
. "$REPO/selftests/lib.sh"

OBJ=$BPFO/long_log.bpf.o
out=$(mmpolicy load "$OBJ" 2>&1); rc=$?
echo "$out" | tail -20
check "the load fails as a kernel refusal (exit $rc)" [ $rc -eq 1 ]
check "the verifier rejected it" grep -q "the verifier rejected" <<<"$out"
check "the lines shown hold the reason" grep -q "only read is supported" <<<"$out"
total=$(grep -o 'last [0-9]* of [0-9]* lines' <<<"$out" | awk '{ print $4 }')
check "taken from the end of a log of $total lines" [ "${total:-0}" -gt 1000 ]
check "nothing is attached" [ "$(policy_of demotion)" = none ]

out=$(mmpolicy -v load "$OBJ" 2>&1); rc=$?
log=$(sed -n '/-- BEGIN PROG LOAD LOG --/,/-- END PROG LOAD LOG --/p' <<<"$out")
check "-v fails the same way (exit $rc)" [ $rc -eq 1 ]
check "-v prints the log whole: $(wc -c <<<"$log") bytes, $(wc -l <<<"$log") lines" [ "$(wc -l <<<"$log")" -gt "$total" ]
check "from its first instruction" grep -q '^0: ' <<<"$log"
check "to the reason" grep -q "only read is supported" <<<"$log"
check "and its end" grep -q -- "-- END PROG LOAD LOG --" <<<"$log"
