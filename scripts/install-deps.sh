#!/usr/bin/env bash
# Install every host package the build, the VM and the tests need.
# Idempotent: checks with dpkg first, so a second run costs ~1 s and
# never touches the network.
set -euo pipefail

PKGS=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev zlib1g-dev
	libzstd-dev cpio kmod dwarves ccache xz-utils rsync python3
	# the kernel source we patch
	linux-source-6.12
	# BPF toolchain (bookworm's libbpf/bpftool are too old; we build the
	# 6.12 tree's own, which needs these)
	clang-19 llvm-19 libcap-dev
	# make fuzz: libFuzzer and the sanitizers' runtimes for clang-19
	libclang-rt-19-dev
	# the VM
	qemu-system-x86 qemu-utils
	# guest-side test helpers
	numactl procps util-linux jq strace
	# benchmark charts
	gnuplot-nox
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi

echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
echo "deps: done"
