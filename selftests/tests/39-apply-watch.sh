# topology: tiered
# debug: skip user space only (mmpolicy apply --watch)
# apply --watch, what the systemd unit runs: a hook that drifts from the
# file (detached by hand, ejected by the kernel) gets its policy back, with
# the file's map entries; after 3 re-applies in 600 s the hook is left to
# the kernel; SIGHUP forgives it and re-reads the file; SIGTERM ends the
# watch and leaves the policies attached. The watcher holds no lock while
# it waits: other mmpolicy commands run meanwhile.
. "$REPO/selftests/lib.sh"

conf=/tmp/mmpolicy.conf log=/tmp/watch.log
printf '[demotion]\npolicy = memcg_map\nentry memcg_targets 4242 = 2\n' > $conf
"$MMPOLICY" apply $conf --watch --interval 0.2 > $log 2>&1 &
watcher=$!
trap 'kill $watcher 2>/dev/null' EXIT

# wait_for DESC SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	local desc=$1 n=$(( $2 * 10 ))
	shift 2
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || { cat $log; fail "$desc: not within the time"; }
		sleep 0.1
	done
	pass "$desc"
}
attached() { [ "$(hookstat demotion state)" = attached ] && [ "$(policy_of demotion)" = memcg_map ]; }
has_entry() { [ "$(map_kv memcg_targets)" = 4242=2 ]; }
reapplied() { [ "$(grep -c '^demotion: drifted' $log)" -ge "$1" ] && attached && has_entry; }

wait_for "the watcher applied the file" 10 grep -q '^watching the hooks' $log
check "demotion has memcg_map" attached
check "with the file's entry" has_entry

# 1: by hand. The watcher is idle and holds no lock: unload does not wait.
out=$(timeout 5 "$MMPOLICY" unload demotion 2>&1) || fail "unload while watching: $out"
check "unload did not wait for the watcher" not grep -q waiting <<<"$out"
wait_for "detached by hand: re-applied" 10 reapplied 1

# 2, 3: ejected by the kernel (the kill switch).
e0=$(hookstat demotion ejections)
echo 1 > $HOOKS/demotion/eject
check "the kernel counts the ejection" [ "$(hookstat demotion ejections)" -eq $((e0 + 1)) ]
wait_for "ejected: re-applied" 10 reapplied 2
echo 1 > $HOOKS/demotion/eject
wait_for "ejected again: re-applied" 10 reapplied 3

# 4: the limit. The hook stays with the kernel, the watcher says why.
echo 1 > $HOOKS/demotion/eject
wait_for "the 4th drift in 600 s: given up" 10 grep -q '^demotion: re-applied 3 times in 600 s: leaving it to the kernel' $log
sleep 1
check "and the hook stays ejected" [ "$(hookstat demotion state)" = ejected ]
check "the watcher still runs" kill -0 $watcher

# SIGHUP: the file again, the hook forgiven.
printf '[demotion]\npolicy = memcg_map\nentry memcg_targets 4242 = 2\nentry memcg_targets 7 = 1\n' > $conf
kill -HUP $watcher
wait_for "SIGHUP: re-read and re-applied" 10 grep -q 'map memcg_targets: 2 set, 0 unchanged' $log
check "attached again" attached
check "with both entries" [ "$(map_kv memcg_targets)" = "4242=2 7=1" ]

# SIGTERM: the watch ends, the policy stays.
kill -TERM $watcher
wait $watcher; rc=$?
trap - EXIT
cat $log
check "SIGTERM ends the watch with exit 0 (got $rc)" [ $rc -eq 0 ]
check "saying the policies stay" grep -q 'stopped watching; the policies stay attached' $log
check "and the policy stays" attached
mmpolicy restore >/dev/null || fail "restore"
