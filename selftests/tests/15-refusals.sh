# topology: tiered
# Refusals lose nothing: a non-root user cannot attach (neither through the
# loader nor bpftool), and a second policy of the same kind is refused
# while the first stays attached, by the loader and by the kernel (EBUSY).
. "$REPO/selftests/lib.sh"

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }

out=$(nobody "$MMPOLICY" load one_node 2>&1); rc=$?
echo "as nobody: rc=$rc: $out"
check "loader refuses a non-root user with exit 4" [ $rc -eq 4 ]
check "and says why" grep -q 'CAP_BPF and CAP_SYS_ADMIN' <<<"$out"
# With a link directory: had the attach succeeded, its pinned link would
# keep the policy attached after bpftool exits, for the check below to see.
out=$(nobody "$BPFTOOL" struct_ops register "$BPFO/one_node.bpf.o" /sys/fs/bpf 2>&1); rc=$?
echo "bpftool as nobody: rc=$rc"
echo "$out" | sed 's/^/  /'
check "the kernel refuses a non-root bpftool too" [ $rc -ne 0 ]
check "with EPERM" grep -q 'Operation not permitted' <<<"$out"
check "nothing was attached" [ "$(policy_of demotion)" = none ]
# The control: the same command as root attaches, so the refusal above is
# the kernel's privilege check and not a command that could never work.
mkdir -p /sys/fs/bpf/ctl
out=$("$BPFTOOL" struct_ops register "$BPFO/one_node.bpf.o" /sys/fs/bpf/ctl 2>&1); rc=$?
echo "bpftool as root: rc=$rc"
check "as root the same bpftool command attaches" [ $rc -eq 0 -a "$(policy_of demotion)" = one_node ]
rm -rf /sys/fs/bpf/ctl
# The last reference to a link from bpffs is dropped from a workqueue.
for i in $(seq 50); do [ "$(policy_of demotion)" = none ] && break; sleep 0.1; done
check "and its policy goes with its pinned link" [ "$(policy_of demotion)" = none ]

mmpolicy load one_node || fail "load one_node"
out=$(mmpolicy load most_free 2>&1); rc=$?
echo "second attach: rc=$rc: $out"
check "a second demotion policy is refused with exit 5" [ $rc -eq 5 ]
check "pointing at swap" grep -q "mmpolicy swap" <<<"$out"
check "the first policy is still attached" [ "$(policy_of demotion)" = one_node ]

# The loader refuses before the kernel is asked; bpftool asks the kernel.
mkdir -p /sys/fs/bpf/second
out=$("$BPFTOOL" struct_ops register "$BPFO/most_free.bpf.o" /sys/fs/bpf/second 2>&1); rc=$?
echo "bpftool, second attach: rc=$rc"
echo "$out" | sed 's/^/  /'
check "the kernel refuses a second demotion policy" [ $rc -ne 0 ]
check "with EBUSY" grep -q 'Device or resource busy' <<<"$out"
check "and nothing was pinned" [ -z "$(ls /sys/fs/bpf/second)" ]
rmdir /sys/fs/bpf/second
check "one_node is still attached" [ "$(policy_of demotion)" = one_node ]
