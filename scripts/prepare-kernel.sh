#!/usr/bin/env bash
# Make build/linux a git tree of Debian's pristine linux-source-6.12 (tag
# "base") with kernel-patch/series applied on top as commits.
#
# Idempotent and safe for kernel developers: the series is re-applied only
# when kernel-patch/ changed, and never over commits or edits that are not
# saved in kernel-patch/ yet (run 'make kernel-patches' to save them).
#
# FLAVOUR=debug also keeps build/linux-debug, a git worktree of build/linux,
# at the same commit: the debug kernel is built from its own tree, so the
# two flavours' objects never mix and switching costs no rebuild.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=${KERNEL_TREE:-$top/build/linux}
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
patches=$top/kernel-patch
stamp=$tree/.git/mm-bpf-applied

gitid=(-c user.name=mm-bpf -c user.email=mm-bpf@localhost)

series_hash() {
	(cd "$patches" && cat series $(grep -v '^#' series)) | sha256sum | cut -c1-16
}

extract() {
	[ -r "$tarball" ] || { echo "kernel: $tarball missing (apt-get install linux-source-6.12)" >&2; exit 1; }
	echo "kernel: unpacking $(basename "$tarball") into ${tree#$top/} and committing it as the base (~1 min)"
	rm -rf "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -C "$tree.tmp" --strip-components=1 -xf "$tarball"
	# Debian's tarball ignores every top-level path; that would hide new
	# files from 'git add'. Drop its block (patches never touch .gitignore).
	sed -i '/^# Debian packaging/,$d' "$tree.tmp/.gitignore"
	sed -i '${/^#$/d}' "$tree.tmp/.gitignore"
	git -C "$tree.tmp" init -q
	# A background gc over 86,000 files would compete with the build.
	git -C "$tree.tmp" config gc.auto 0
	git -C "$tree.tmp" add -A
	git -C "$tree.tmp" "${gitid[@]}" commit -q -m \
		"Debian linux-source-6.12 ($(make -s -C "$tree.tmp" kernelversion)), pristine"
	git -C "$tree.tmp" tag base
	mv "$tree.tmp" "$tree"
}

apply_series() {
	local n=0 p
	git -C "$tree" "${gitid[@]}" reset -q --hard base
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		if ! git -C "$tree" "${gitid[@]}" am -q --keep-cr "$patches/$p"; then
			git -C "$tree" "${gitid[@]}" am --abort || true
			echo "kernel: $p does not apply to $(git -C "$tree" log -1 --format=%s base)" >&2
			exit 1
		fi
		n=$((n + 1))
	done <"$patches/series"
	echo "kernel: applied $n patches from kernel-patch/series"
	printf '%s %s\n' "$(series_hash)" "$(git -C "$tree" rev-parse HEAD)" >"$stamp"
}

[ -d "$tree/.git" ] || extract

# The debug flavour builds what build/linux has committed.
sync_debug_tree() {
	local dtree=$top/build/linux-debug want
	want=$(git -C "$tree" rev-parse HEAD)
	if [ ! -e "$dtree/.git" ]; then
		echo "kernel: checking out ${dtree#$top/} for the debug flavour (a worktree of ${tree#$top/}, ~1 min)"
		git -C "$tree" worktree prune
		git -C "$tree" worktree add -q --detach "$dtree" "$want"
	elif [ "$(git -C "$dtree" rev-parse HEAD)" != "$want" ]; then
		git -C "$dtree" checkout -q --detach "$want"
	fi
	if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
		echo "kernel: note: edits not committed in ${tree#$top/} are not in the debug flavour" >&2
	fi
}

want=$(series_hash)
have=none head=none
[ -f "$stamp" ] && read -r have head <"$stamp"
# kernel-patch/ unchanged: leave the tree (and any work in it) alone.
if [ "$want" != "$have" ]; then
	if [ "$have" != none ]; then
		if [ "$(git -C "$tree" rev-parse HEAD)" != "$head" ] ||
		   [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
			cat >&2 <<MSG
kernel: kernel-patch/ changed, but ${tree#$top/} has commits or edits that are
kernel: not in kernel-patch/ yet. Save them with 'make kernel-patches', or
kernel: drop them with 'git -C ${tree#$top/} reset --hard' and run make again.
MSG
			exit 1
		fi
	fi
	apply_series
fi
[ "${FLAVOUR:-normal}" != debug ] || sync_debug_tree
