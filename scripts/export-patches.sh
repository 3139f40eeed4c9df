#!/usr/bin/env bash
# Regenerate kernel-patch/*.patch and kernel-patch/series from the commits
# on top of "base" in build/linux. The series is the source of truth: edit
# the kernel there, commit, then run this (make kernel-patches).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=${KERNEL_TREE:-$top/build/linux}
out=$top/kernel-patch

[ -d "$tree/.git" ] || { echo "no kernel tree; run 'make kernel-tree' first" >&2; exit 1; }
if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "build/linux has uncommitted changes; commit them first" >&2
	exit 1
fi

rm -f "$out"/*.patch
# --zero-commit and no signature: regenerating an unchanged series gives
# byte-identical files, so diffs of kernel-patch/ show only real changes.
git -C "$tree" format-patch -q --zero-commit --no-signature -o "$out" base..HEAD
(cd "$out" && ls [0-9]*.patch) >"$out/series"
echo "kernel-patch: $(wc -l <"$out/series") patches written"

# The tree now matches kernel-patch/: record that, so the next build does
# not re-apply the series over it.
series_hash=$( (cd "$out" && cat series $(cat series)) | sha256sum | cut -c1-16)
printf '%s %s\n' "$series_hash" "$(git -C "$tree" rev-parse HEAD)" >"$tree/.git/mm-bpf-applied"
