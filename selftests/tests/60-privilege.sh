# topology: tiered
# Attaching a system-wide mm policy needs CAP_SYS_ADMIN in the initial user
# namespace, checked by the kernel. A non-root process holding CAP_BPF and
# CAP_PERFMON can load struct_ops programs and create their map (6.12 lets
# it), but the attach must fail with EPERM and leave nothing attached.
. "$REPO/selftests/lib.sh"

bpf_only() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all,+bpf,+perfmon --ambient-caps=-all,+bpf,+perfmon "$@"
}

caps=$(bpf_only grep CapEff /proc/self/status)
echo "capabilities of the test process: $caps"
# CAP_PERFMON = 38, CAP_BPF = 39: effective mask 0xc000000000 exactly.
check "it holds CAP_BPF and CAP_PERFMON and nothing else" \
	[ "$(awk '{ print $2 }' <<<"$caps")" = 000000c000000000 ]

out=$(bpf_only "$BPFTOOL" struct_ops register "$BPFO/one_node.bpf.o" /sys/fs/bpf 2>&1); rc=$?
echo "bpftool struct_ops register as uid 65534 with CAP_BPF+CAP_PERFMON: rc=$rc"
echo "$out" | sed 's/^/  /'
check "the attach is refused" [ $rc -ne 0 ]
check "by the kernel, with EPERM" grep -q 'Operation not permitted' <<<"$out"
check "nothing was attached" [ "$(policy_of demotion)" = none ]
check "state none" [ "$(hookstat demotion state)" = none ]
check "no link left behind" [ -z "$("$BPFTOOL" link show 2>/dev/null | grep struct_ops)" ]

out=$(bpf_only "$BPFTOOL" struct_ops register "$BPFO/thp_threshold.bpf.o" /sys/fs/bpf 2>&1); rc=$?
check "the THP hook refuses too (rc=$rc)" [ $rc -ne 0 -a "$(policy_of thp)" = none ]

# Control: the same command as root attaches.
"$BPFTOOL" struct_ops register "$BPFO/one_node.bpf.o" /sys/fs/bpf >/dev/null 2>&1
check "root attaches the same object" [ "$(policy_of demotion)" = one_node ]
check "sysfs names its link ($(hookstat demotion link_id))" \
	grep -q struct_ops <<<"$("$BPFTOOL" link show id "$(hookstat demotion link_id)" 2>&1)"

# bpftool pinned the link under /sys/fs/bpf: leave nothing for later tests.
mmpolicy unload demotion >/dev/null
rm -f /sys/fs/bpf/one_node /sys/fs/bpf/thp_threshold
check "no struct_ops link left" [ -z "$("$BPFTOOL" link show 2>/dev/null | grep struct_ops)" ]
