#!/usr/bin/env bash
# Build the kernel at every patch of the series, in order: each patch must
# build on its own (reviewers bisect). Uses build/linux and its .config (run
# 'make kernel' first), so each step recompiles only what that patch
# touched; the tree is back at the full series when this ends, whatever
# happens. Fails on the first patch that does not build, or that adds a
# compiler warning in a file it touches.
#
# FROM=N starts at patch N: the patches before it were checked already, and
# going back to them can cost a full rebuild (a patch that changes a header
# every file includes, such as include/linux/mm.h).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=${KERNEL_TREE:-$top/build/linux}
jobs=${JOBS:-$(nproc)}
log=$top/build/kernel-build-each.log

[ -f "$tree/.config" ] || { echo "build-each-patch: no $tree/.config; run 'make kernel' first" >&2; exit 1; }
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "build-each-patch: ${tree#$top/} has edits that are not committed; commit or stash them first" >&2
	exit 1
fi

cc=gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc"
	export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/mm-bpf-ccache}
fi

head=$(git -C "$tree" rev-parse HEAD)
branch=$(git -C "$tree" symbolic-ref -q --short HEAD || true)
cp "$tree/.config" "$top/build/.config.each-patch"
# Back to the full series and its configuration; the next 'make kernel'
# recompiles only what the last step changed.
restore() {
	if [ -n "$branch" ]; then
		git -C "$tree" checkout -q "$branch"
	else
		git -C "$tree" checkout -q --detach "$head"
	fi
	cp "$top/build/.config.each-patch" "$tree/.config"
}
trap restore EXIT
# Killed or interrupted: still go through the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

commits=$(git -C "$tree" rev-list --reverse base.."$head")
n=$(wc -w <<<"$commits")
i=0
for c in $commits; do
	i=$((i + 1))
	[ $i -ge "${FROM:-1}" ] || continue
	subject=$(git -C "$tree" log -1 --format=%s "$c")
	git -C "$tree" checkout -q --detach "$c"
	start=$(date +%s)
	echo "build-each-patch: [$i/$n] $subject"
	# olddefconfig: an option a later patch adds is simply absent here.
	make -s -C "$tree" olddefconfig >/dev/null
	if ! make -C "$tree" -j"$jobs" CC="$cc" HOSTCC="$cc" bzImage >"$log" 2>&1; then
		echo "build-each-patch: patch $i does not build on its own; ${log#$top/}:" >&2
		grep -E 'error|Error' "$log" | head -20 >&2 || true
		exit 1
	fi
	files=$(git -C "$tree" diff-tree --no-commit-id --name-only -r "$c" | grep '\.[ch]$' || true)
	warn=$(grep -E 'warning:' "$log" | grep -F "$(printf '%s\n' $files)" || true)
	if [ -n "$files" ] && [ -n "$warn" ]; then
		echo "build-each-patch: patch $i builds with warnings in files it touches:" >&2
		echo "$warn" | head -20 >&2
		exit 1
	fi
	echo "build-each-patch: [$i/$n] builds ($(( $(date +%s) - start )) s)"
done
echo "build-each-patch: all $n patches build on their own$([ "${FROM:-1}" -le 1 ] || echo " (checked from patch $FROM)")"
