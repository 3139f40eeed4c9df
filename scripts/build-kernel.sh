#!/usr/bin/env bash
# Configure (tinyconfig + kernel-patch/mm-bpf.config) and build bzImage in
# build/linux, printing progress. Incremental; uses ccache when present.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=${KERNEL_TREE:-$top/build/linux}
frag=$top/kernel-patch/mm-bpf.config
log=$top/build/kernel-build.log
jobs=${JOBS:-$(nproc)}

cc=gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc"
	export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/mm-bpf-ccache}
	ccache -M 5G >/dev/null
fi
kmake() { make -C "$tree" -j"$jobs" CC="$cc" HOSTCC="$cc" "$@"; }

# Regenerate the config beside the live one and swap it in only when it
# differs, so an unchanged fragment costs no rebuild.
cfgdir=$top/build/kconfig
cfg=$cfgdir/.config
kcfg() { make -s -C "$tree" KCONFIG_CONFIG="$cfg" "$@" >/dev/null; }
rm -rf "$cfgdir" && mkdir -p "$cfgdir"
kcfg tinyconfig
"$tree/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" "$cfg" "$frag" >/dev/null
kcfg olddefconfig
missing=0
while read -r opt; do
	if ! grep -qx "$opt" "$cfg"; then
		echo "kernel: config fragment asks for $opt, but Kconfig did not take it" >&2
		missing=1
	fi
done < <(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag")
[ $missing -eq 0 ] || exit 1
if ! cmp -s "$cfg" "$tree/.config"; then
	[ -f "$tree/.config" ] && echo "kernel: configuration changed; expect a near-full rebuild"
	cp "$cfg" "$tree/.config"
fi
rm -rf "$cfgdir"

# A cold build compiles about this many files; used for the progress figure.
expected=1500
echo "kernel: building bzImage with $jobs jobs ($cc); cold ~9 min, warm ~1 min. Log: ${log#$top/}"
start=$(date +%s)
kmake bzImage >"$log" 2>&1 &
pid=$!
last=$start
while kill -0 $pid 2>/dev/null; do
	sleep 1
	[ $(( $(date +%s) - last )) -ge 20 ] || continue
	last=$(date +%s)
	n=$(grep -c '^  CC ' "$log" || true)
	pct=$((n * 100 / expected)); [ $pct -le 99 ] || pct=99
	printf 'kernel: %3ds elapsed, %4d files compiled (~%d%% of a cold build)\n' \
		$((last - start)) "$n" "$pct"
done
if ! wait $pid; then
	echo "kernel: build FAILED; last lines of ${log#$top/}:" >&2
	grep -E 'error|Error' "$log" | head -20 >&2 || true
	tail -20 "$log" >&2
	exit 1
fi
echo "kernel: bzImage ready in $(( $(date +%s) - start ))s ($(du -h "$tree/arch/x86/boot/bzImage" | cut -f1))"
