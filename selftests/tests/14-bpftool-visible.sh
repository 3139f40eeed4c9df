# topology: tiered
# debug: skip user space only (bpftool listing)
# An attached policy is an ordinary BPF object: bpftool lists it by name,
# and the maps status lists for it are those bpftool finds from its programs.
. "$REPO/selftests/lib.sh"

mmpolicy load most_free || fail "load most_free"
ops=$("$BPFTOOL" struct_ops list)
links=$("$BPFTOOL" link show)
echo "$ops"
echo "$links" | grep -A2 struct_ops
check "bpftool struct_ops list shows most_free" grep -q 'most_free.*mm_demotion_ops' <<<"$ops"
check "bpftool link show has a struct_ops link" grep -q 'struct_ops' <<<"$links"
check "mmpolicy status names it" grep -q 'demotion *most_free' <<<"$(mmpolicy status)"
json=$(mmpolicy status --json)
check "status --json too" grep -q '"policy":"most_free","attached":true' <<<"$json"
check "and it parses as JSON with those values" \
	jq -e '.demotion.policy == "most_free" and .demotion.attached == true' <<<"$json"

# status lists the maps the policy's programs use, by the name and id
# bpftool finds from the programs' map_ids.
mmpolicy unload demotion >/dev/null || fail "unload"
mmpolicy load memcg_map >/dev/null || fail "load memcg_map"
json=$(mmpolicy status --json)
mine=$(jq -r '.demotion.maps[] | "\(.name) \(.id)"' <<<"$json" | sort)
theirs=$(for p in $(jq -r '.demotion.prog_ids[]' <<<"$json"); do
		"$BPFTOOL" prog show id "$p" -j | jq -r '.map_ids[]?'
	done | sort -u | while read -r m; do
		"$BPFTOOL" map show id "$m" -j | jq -r '"\(.name) \(.id)"'
	done | sort)
echo "maps as status gives them:"; echo "$mine"
echo "maps as bpftool finds them:"; echo "$theirs"
check "status --json lists the maps bpftool finds" [ "$mine" = "$theirs" ]
check "among them memcg_targets" grep -q '^memcg_targets [0-9]' <<<"$mine"
id=$(awk '$1 == "memcg_targets" { print $2 }' <<<"$mine")
check "text status lists it too" \
	grep -Eq "^ +maps .*memcg_targets $id(,|\$)" <<<"$(mmpolicy status)"

# The object path is a JSON string however it is spelled: quotes, a
# backslash and a non-ASCII (UTF-8) letter come back whole.
dir='/tmp/a "quoted" \dir é'
mkdir -p "$dir" && cp "$BPFO/most_free.bpf.o" "$dir/p.bpf.o" || fail "copy the object"
mmpolicy unload demotion >/dev/null || fail "unload"
mmpolicy load "$dir/p.bpf.o" >/dev/null || fail "load from $dir"
obj=$(mmpolicy status --json | jq -r .demotion.object)
echo "object as status --json gives it: $obj"
check "status --json gives the path back whole" [ "$obj" = "$dir/p.bpf.o" ]

# Control characters are escaped, not dropped: a tab comes back a tab. A
# byte that is not UTF-8 comes back as the character of its number (0xff,
# U+00FF), so the output is still JSON.
for name in $'tab\there' $'not-utf8-\xff'; do
	d=/tmp/$name
	mkdir -p "$d" && cp "$BPFO/most_free.bpf.o" "$d/p.bpf.o" || fail "copy the object"
	mmpolicy unload demotion >/dev/null || fail "unload"
	mmpolicy load "$d/p.bpf.o" >/dev/null || fail "load from $d"
	obj=$(mmpolicy status --json | jq -r .demotion.object) || fail "status --json does not parse with $d"
	want=$(printf '%s' "$d/p.bpf.o" | iconv -f latin1 -t utf-8)
	[ "$name" = "${name#not-utf8}" ] && want=$d/p.bpf.o
	echo "object as status --json gives it: $(printf '%q' "$obj")"
	check "status --json gives $(printf '%q' "$d") back" [ "$obj" = "$want" ]
done
