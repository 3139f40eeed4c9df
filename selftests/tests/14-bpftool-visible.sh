# topology: tiered
# An attached policy is an ordinary BPF object: bpftool lists it by name.
. "$REPO/selftests/lib.sh"

mmpolicy load most_free || fail "load most_free"
ops=$("$BPFTOOL" struct_ops list)
links=$("$BPFTOOL" link show)
echo "$ops"
echo "$links" | grep -A2 struct_ops
check "bpftool struct_ops list shows most_free" grep -q 'most_free.*mm_demotion_ops' <<<"$ops"
check "bpftool link show has a struct_ops link" grep -q 'struct_ops' <<<"$links"
check "mmpolicy status names it" grep -q 'demotion *most_free' <<<"$(mmpolicy status)"
check "status --json too" grep -q '"policy":"most_free","attached":true' <<<"$(mmpolicy status --json)"
