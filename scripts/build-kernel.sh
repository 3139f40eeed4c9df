#!/usr/bin/env bash
# Configure (tinyconfig + kernel-patch/mm-bpf.config) and build bzImage,
# printing progress. Incremental; uses ccache when present.
#
#   FLAVOUR=normal  build/linux, the fragment above
#   FLAVOUR=debug   build/linux-debug (same commits, see prepare-kernel.sh),
#                   plus kernel-patch/mm-bpf-debug.config (KASAN, lockdep,
#                   DEBUG_VM, PREEMPT)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${FLAVOUR:-normal}
frags=("$top/kernel-patch/mm-bpf.config")
case "$flavour" in
normal)
	tree=${KERNEL_TREE:-$top/build/linux}
	log=$top/build/kernel-build.log
	expected=1500 ;;
debug)
	tree=${KERNEL_TREE:-$top/build/linux-debug}
	frags+=("$top/kernel-patch/mm-bpf-debug.config")
	log=$top/build/kernel-build-debug.log
	expected=1600 ;;
*)
	echo "kernel: unknown FLAVOUR '$flavour' (normal, debug)" >&2
	exit 2 ;;
esac
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
cfgdir=$top/build/kconfig-$flavour
cfg=$cfgdir/.config
kcfg() { make -s -C "$tree" KCONFIG_CONFIG="$cfg" "$@" >/dev/null; }
rm -rf "$cfgdir" && mkdir -p "$cfgdir"
kcfg tinyconfig
"$tree/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" "$cfg" "${frags[@]}" >/dev/null
kcfg olddefconfig
# Every option the fragments set (the last one wins) must be in the result:
# Kconfig drops what a dependency forbids without a word.
missing=0
while read -r opt want; do
	if [ "$want" = n ] && grep -q "^$opt=" "$cfg"; then
		echo "kernel: config fragment turns $opt off, but Kconfig kept it on" >&2
		missing=1
	elif [ "$want" != n ] && ! grep -qx "$opt=$want" "$cfg"; then
		echo "kernel: config fragment asks for $opt=$want, but Kconfig did not take it" >&2
		missing=1
	fi
done < <(cat "${frags[@]}" | sed -nE 's/^(CONFIG_[A-Z0-9_]+)=(.*)/\1 \2/p; s/^# (CONFIG_[A-Z0-9_]+) is not set/\1 n/p' |
	 awk '{ v[$1] = substr($0, index($0, " ") + 1); o[$1] = NR } END { for (k in v) print o[k], k, v[k] }' |
	 sort -n | cut -d' ' -f2-)
[ $missing -eq 0 ] || exit 1
if ! cmp -s "$cfg" "$tree/.config"; then
	[ -f "$tree/.config" ] && echo "kernel: configuration changed; expect a near-full rebuild"
	cp "$cfg" "$tree/.config"
fi
rm -rf "$cfgdir"

# $expected: about the number of files a cold build compiles, for the
# progress figure.
cold="~17 min"
[ "$flavour" = normal ] || cold="~20 min"
echo "kernel: building the $flavour flavour's bzImage in ${tree#$top/} with $jobs jobs ($cc); cold $cold, warm ~1 min. Log: ${log#$top/}"
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
