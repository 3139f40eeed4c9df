# topology: tiered
# debug: skip user space only (the unit's commands)
# loader/mmpolicy.service's commands, as systemd would run them, on the
# shipped example configuration: ExecStart applies it and watches,
# ExecReload (SIGHUP) re-reads it, ExecStopPost restores the kernel's
# defaults. The VM has no systemd; the host's systemd-analyze checks the
# unit's syntax when it is there.
. "$REPO/selftests/lib.sh"

unit=$REPO/loader/mmpolicy.service conf=/tmp/mmpolicy.conf log=/tmp/unit.log
cp "$REPO/loader/mmpolicy.conf.example" $conf
# cmd_of KEY: the unit's KEY= command, with the installed paths replaced by
# this build's binary and the copy of the example.
cmd_of() {
	sed -n "s/^$1=//p" "$unit" | sed -e "s|/usr/local/sbin/mmpolicy|$MMPOLICY|" -e "s|/etc/mmpolicy.conf|$conf|"
}
start=$(cmd_of ExecStart) reload=$(cmd_of ExecReload) stop=$(cmd_of ExecStopPost)
echo "ExecStart: $start"
echo "ExecReload: $reload"
echo "ExecStopPost: $stop"
check "the unit has the three commands" [ -n "$start" -a -n "$reload" -a -n "$stop" ]
if command -v systemd-analyze >/dev/null; then
	cp "$unit" /tmp/mmpolicy.service
	out=$(systemd-analyze verify /tmp/mmpolicy.service 2>&1)
	echo "$out"
	check "systemd-analyze finds only the binary missing" \
		not grep -v 'is not executable: No such file or directory' <<<"$out"
else
	echo "systemd-analyze is not installed: the unit's syntax is not checked"
fi

$start > $log 2>&1 &
MAINPID=$!
n=100
until grep -q '^watching the hooks' $log || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
cat $log
check "ExecStart applied the example" grep -q '^applied ' $log
check "demotion: memcg_map" [ "$(policy_of demotion)" = memcg_map ]
check "thp: thp_reserve" [ "$(policy_of thp)" = thp_reserve ]
sed -i 's/^set = max_zero=256/set = max_zero=300/' $conf
eval "$reload" || fail "ExecReload"
n=100
until grep -q 'max_zero=300' <<<"$(mmpolicy status)" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
check "ExecReload applied the edited file" grep -q 'set max_zero=300' <<<"$(mmpolicy status)"
kill -TERM $MAINPID
wait $MAINPID || fail "the watcher exited $? on SIGTERM"
$stop || fail "ExecStopPost"
check "ExecStopPost gave the hooks back" [ "$(policy_of demotion)$(policy_of thp)" = nonenone ]
