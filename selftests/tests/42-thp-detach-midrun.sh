# topology: tiered
# Detaching mid-run restores the kernel default: ranges faulted while
# thp_threshold=256 was attached stay base pages; ranges faulted after the
# detach get huge pages at once.
. "$REPO/selftests/lib.sh"

thp_setup
rm -f /tmp/half /tmp/go
mmpolicy load thp_threshold --set threshold=256 || fail "load"
"$THPTOUCH" -n 8 touch:0-3:1 report signal:/tmp/half await:/tmp/go touch:4-7:1 report >/tmp/thp.out &
pid=$!
while [ ! -e /tmp/half ]; do sleep 0.1; done
mmpolicy unload thp || fail "unload"
c0=$(hookstat thp calls)
touch /tmp/go
wait $pid
cat /tmp/thp.out
before=$(grep '^report' /tmp/thp.out | head -1)
after=$(grep '^report' /tmp/thp.out | tail -1)
check "ranges faulted under the policy got no huge page" grep -q 'r0=0 r1=0 r2=0 r3=0' <<<"$before"
check "ranges faulted after detach did, at once" grep -q 'r4=2048 r5=2048 r6=2048 r7=2048' <<<"$after"
check "the hook was not called after detach" [ "$(hookstat thp calls)" -eq "$c0" ]
