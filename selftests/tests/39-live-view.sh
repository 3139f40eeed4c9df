# topology: tiered
# debug: skip user space only (mmpolicy top)
# mmpolicy top: while reclaim demotes through one_node, its JSON lines show
# the hook's calls per second, node 0's demotions and node 2's share, and
# an ejection as it happens; the text view has its table; it needs no
# privileges.
. "$REPO/selftests/lib.sh"

enable_demotion
settle
mmpolicy load one_node --set target_node=2 >/dev/null || fail "load one_node"
e0=$(hookstat demotion ejections)
d0=$(pgdemote)
out=/tmp/top.jsonl
"$MMPOLICY" top --json --interval 0.5 > $out &
top=$!
hog 640 0 >/dev/null
echo 1 > $HOOKS/demotion/eject
# until a sample shows it, then one more
for i in $(seq 100); do tail -n 1 $out | grep -q '"state":"ejected"' && break; sleep 0.1; done
sleep 0.6
kill -TERM $top
wait $top || fail "top exited $? on SIGTERM"
echo "pgdemote +$(( $(pgdemote) - d0 )) during the view"
python3 - "$out" "$e0" <<'EOF' || fail "the JSON lines do not show it"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
e0 = int(sys.argv[2])
samples = [json.loads(l) for l in lines]       # every line is one JSON object
print("%d samples" % len(samples))
assert len(samples) >= 3, "a sample every 0.5 s"
dem = [s["hooks"]["demotion"] for s in samples]
calls = max(d["calls_per_s"] for d in dem)
node = lambda s, n: [x for x in s["nodes"] if x["node"] == n][0]
out0 = max(node(s, 0)["demoted_per_s"] for s in samples)
print("peak: demotion calls/s %d, node 0 demoted pages/s %d" % (calls, out0))
assert calls > 0, "calls per second while reclaim demotes"
assert out0 > 0, "node 0 demotes"
assert all(node(s, 1)["promoted_per_s"] == 0 for s in samples)
attached = [d for d in dem if d["policy"] == "one_node" and d["state"] == "attached"]
assert attached, "one_node attached in some sample"
last = dem[-1]
print("last sample: state %s, ejections %d (before %d), reason %r" %
      (last["state"], last["ejections"], e0, last["exit_reason"]))
assert last["state"] == "ejected" and last["ejections"] == e0 + 1
assert "ejected through sysfs" in last["exit_reason"]
assert all(s["interval_ms"] >= 450 for s in samples)
EOF
pass "the JSON lines show calls/s, node 0's demotions and the ejection"

txt=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$MMPOLICY" top --interval 0.2 --count 2) ||
	fail "top as nobody: $txt"
echo "$txt"
check "nobody may run it: the table" grep -q '^HOOK *POLICY *STATE *CALLS/s' <<<"$txt"
check "the demotion row, ejected" grep -q '^demotion  *none  *ejected' <<<"$txt"
check "the reason" grep -q 'last ejection: one_node: ejected through sysfs' <<<"$txt"
check "the nodes" grep -q '^2 ' <<<"$txt"
check "the progress line" grep -q '^sample 2 of 2$' <<<"$txt"
out=$("$MMPOLICY" top --interval 0 2>&1); rc=$?
check "a bad interval is refused (exit $rc)" [ $rc -eq 2 ]
check "saying why" grep -q 'expected seconds, 0.1 to 3600' <<<"$out"
mmpolicy unload demotion >/dev/null || fail "unload"
