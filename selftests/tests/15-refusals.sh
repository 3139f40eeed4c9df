# topology: tiered
# Refusals lose nothing: a non-root user cannot attach (neither through the
# loader nor bpftool), and a second policy of the same kind is refused
# while the first stays attached.
. "$REPO/selftests/lib.sh"

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }

out=$(nobody "$MMPOLICY" load one_node 2>&1); rc=$?
echo "as nobody: rc=$rc: $out"
check "loader refuses a non-root user with exit 4" [ $rc -eq 4 ]
check "and says why" grep -q 'CAP_BPF and CAP_SYS_ADMIN' <<<"$out"
out=$(nobody "$BPFTOOL" struct_ops register "$BPFO/one_node.bpf.o" 2>&1); rc=$?
echo "bpftool as nobody: rc=$rc"
check "the kernel refuses a non-root bpftool too" [ $rc -ne 0 ]
check "nothing was attached" [ "$(policy_of demotion)" = none ]

mmpolicy load one_node || fail "load one_node"
out=$(mmpolicy load most_free 2>&1); rc=$?
echo "second attach: rc=$rc: $out"
check "a second demotion policy is refused with exit 5" [ $rc -eq 5 ]
check "pointing at swap" grep -q "mmpolicy swap" <<<"$out"
check "the first policy is still attached" [ "$(policy_of demotion)" = one_node ]
