# topology: tiered
# debug: skip user space only (--set parsing)
# --set checks each value against the variable's BTF type: width and sign,
# bool, decimal or 0x (no octal). A bad value exits 2 with the reason and
# leaves nothing attached; a good one is the value the program reads.
. "$REPO/selftests/lib.sh"

TUN=$BPFO/tunables.bpf.o

# refuse PATTERN OBJ VAR=VALUE: the load exits 2, says PATTERN, attaches nothing.
refuse() {
	local pat=$1 out rc
	out=$(mmpolicy load "$2" --set "$3" 2>&1); rc=$?
	echo "\$ mmpolicy load ${2#$BPFO/} --set $3: exit $rc: $out"
	[ $rc -eq 2 ] || fail "expected exit 2, got $rc"
	grep -q -- "$pat" <<<"$out" || fail "expected a message matching '$pat'"
	[ "$(policy_of demotion)" = none -a "$(policy_of thp)" = none ] || fail "a policy was left attached"
	[ -z "$(ls /sys/fs/bpf/mm_policy 2>/dev/null)" ] || fail "a pin was left behind"
	pass "--set $3 refused: $pat"
}

# accept OBJ KIND RODATA VAR=VALUE WANT: the load succeeds and the loaded
# .rodata (map RODATA of the attached policy) holds WANT for VAR.
accept() {
	local var=${4%%=*} ro got
	mmpolicy load "$1" --set "$4" >/dev/null || fail "load ${1#$BPFO/} --set $4"
	ro=$(attached_map "$2" "$3")
	got=$("$BPFTOOL" map dump id "$ro" | grep -o "\"$var\": [^,}]*" | head -1 | sed 's/^[^:]*: //')
	mmpolicy unload all >/dev/null
	check "--set $4 stores $5 (read back $got)" [ "$got" = "$5" ]
}

# A 32-bit signed int (one_node target_node).
refuse "target_node is a 32-bit signed integer: 2147483648 does not fit (-2147483648..2147483647)" one_node target_node=2147483648
refuse "2147483649 does not fit" one_node target_node=-2147483649
refuse "target_node is a 32-bit signed integer, not a bool" one_node target_node=true
refuse "'0x' is not a number" one_node target_node=0x
refuse "'+5' is not a number" one_node target_node=+5
refuse "'1e3' is not a number" one_node target_node=1e3
refuse "'' is not a number" one_node target_node=
refuse "'two' is not a number" one_node target_node=two
accept one_node demotion one_node.rodata target_node=010 10
accept one_node demotion one_node.rodata target_node=08 8
accept one_node demotion one_node.rodata target_node=0x2 2
accept one_node demotion one_node.rodata target_node=-1 -1

# A 32-bit unsigned int (thp_threshold threshold).
refuse "threshold is a 32-bit unsigned integer: 4294967298 does not fit (0..4294967295)" thp_threshold threshold=4294967298
refuse "threshold is a 32-bit unsigned integer: -1 does not fit" thp_threshold threshold=-1
refuse "0x100000000 does not fit" thp_threshold threshold=0x100000000
accept thp_threshold thp thp_thre.rodata threshold=4294967295 4294967295
accept thp_threshold thp thp_thre.rodata threshold=0x200 512

# A bool (most_free allow_peers).
refuse "allow_peers is a bool: give 0, 1, true or false" most_free allow_peers=2
refuse "allow_peers is a bool" most_free allow_peers=yes
accept most_free demotion most_fre.rodata allow_peers=true true
accept most_free demotion most_fre.rodata allow_peers=1 true
accept most_free demotion most_fre.rodata allow_peers=false false

# Other widths, and an enum (selftests/progs/tunables.bpf.c).
refuse "t_u8 is an 8-bit unsigned integer: 256 does not fit (0..255)" "$TUN" t_u8=256
refuse "t_s8 is an 8-bit signed integer: -129 does not fit (-128..127)" "$TUN" t_s8=-129
refuse "128 does not fit" "$TUN" t_s8=128
refuse "t_u16 is a 16-bit unsigned integer: 65536 does not fit" "$TUN" t_u16=65536
refuse "t_u64 is a 64-bit unsigned integer: 18446744073709551616 does not fit" "$TUN" t_u64=18446744073709551616
refuse "t_s64 is a 64-bit signed integer: 9223372036854775808 does not fit" "$TUN" t_s64=9223372036854775808
refuse "t_enum is a 32-bit unsigned enum: 4294967296 does not fit" "$TUN" t_enum=4294967296
refuse "not a bool" "$TUN" t_enum=true
accept "$TUN" demotion tunables.rodata t_u8=255 255
accept "$TUN" demotion tunables.rodata t_s8=-128 -128
accept "$TUN" demotion tunables.rodata t_u16=0xffff 65535
accept "$TUN" demotion tunables.rodata t_u64=18446744073709551615 18446744073709551615
accept "$TUN" demotion tunables.rodata t_s64=-9223372036854775808 -9223372036854775808
accept "$TUN" demotion tunables.rodata t_bool=true true
accept "$TUN" demotion tunables.rodata t_enum=2 '"MODE_AUTO"'
