#!/usr/bin/env bash
# Boot the built kernel under QEMU with a NUMA topology, the host's root
# read-only over 9p, and selftests/guest-init.sh as init.
#
#   vm.sh [--topology tiered|flat] [--shell] [--out DIR] [--timeout S]
#         [--swap MiB] [--kvm] [-- GUEST-INIT-ARGS...]
#
# tiered: node 0 = 2 CPUs + fast memory; nodes 1-2 CPU-less and slower
#         (HMAT), so the tier code demotes 0 -> {1,2}.
# flat:   nodes 0 and 1, one CPU each, same tier: no demotion target.
#
# The guest writes TAP to its second serial port: DIR/tap.txt. The kernel
# console goes to DIR/console.log (or the terminal with --shell). The
# guest's arguments are passed in DIR/init-args.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# FLAVOUR=debug boots the debug kernel (build/linux-debug). Its KASAN
# shadow (an eighth of all memory), lockdep's tables and a larger kernel all
# land on node 0: measured at boot, node 0 of 592 MiB had 261 MiB free,
# against 473 MiB of 512 on the normal kernel. An 800 MiB node 0 gives the
# tests about the free memory they are written for; the other nodes lose
# only their struct pages, as on the normal kernel.
node_mib=${NODE_MIB:-512}
case "${FLAVOUR:-normal}" in
normal) kernel=${KERNEL:-$top/build/linux/arch/x86/boot/bzImage}; node0_mib=${NODE0_MIB:-$node_mib} ;;
debug) kernel=${KERNEL:-$top/build/linux-debug/arch/x86/boot/bzImage}; node0_mib=${NODE0_MIB:-800} ;;
*) echo "vm.sh: unknown FLAVOUR '$FLAVOUR' (normal, debug)" >&2; exit 2 ;;
esac
topology=tiered
shell=0
out=$top/build/vm
timeout_s=1800
swap_mib=0
accel="tcg,thread=multi"

while [ $# -gt 0 ]; do
	case "$1" in
	--topology) topology=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--swap) swap_mib=$2; shift 2 ;;
	--kvm) accel=kvm; shift ;;
	--) shift; break ;;
	*) echo "vm.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

[ -r "$kernel" ] || { echo "vm.sh: no kernel at $kernel (run make)" >&2; exit 1; }
mkdir -p "$out"
[ -f "$out/tap.txt" ] || : >"$out/tap.txt"

numa=()
smp=2
case "$topology" in
tiered)
	numa=(-machine q35,hmat=on)
	for n in 0 1 2; do
		size=$node_mib
		[ $n -ne 0 ] || size=$node0_mib
		numa+=(-object "memory-backend-ram,id=m$n,size=${size}M")
	done
	numa+=(-numa node,nodeid=0,memdev=m0,cpus=0-1,initiator=0
	       -numa node,nodeid=1,memdev=m1,initiator=0
	       -numa node,nodeid=2,memdev=m2,initiator=0)
	# Node 0 fast, nodes 1-2 ten times slower: HMAT puts them a tier lower.
	for n in 0 1 2; do
		lat=10 bw=10G
		[ $n -eq 0 ] || { lat=100 bw=1G; }
		numa+=(-numa "hmat-lb,initiator=0,target=$n,hierarchy=memory,data-type=access-latency,latency=$lat"
		       -numa "hmat-lb,initiator=0,target=$n,hierarchy=memory,data-type=access-bandwidth,bandwidth=$bw")
	done
	mem=$((node0_mib + 2 * node_mib))
	;;
flat)
	numa=(-machine q35)
	# One socket per node: two cores of one package on two nodes make
	# the kernel warn at boot that the LLC spans nodes (topology_sane).
	smp=2,sockets=2,cores=1,threads=1
	for n in 0 1; do
		size=$node_mib
		[ $n -ne 0 ] || size=$node0_mib
		numa+=(-object "memory-backend-ram,id=m$n,size=${size}M")
	done
	numa+=(-numa node,nodeid=0,memdev=m0,cpus=0
	       -numa node,nodeid=1,memdev=m1,cpus=1)
	mem=$((node0_mib + node_mib))
	;;
*)
	echo "vm.sh: unknown topology '$topology' (tiered, flat)" >&2
	exit 2
	;;
esac

disks=()
if [ "$swap_mib" -gt 0 ]; then
	truncate -s 0 "$out/swap.img"
	truncate -s "${swap_mib}M" "$out/swap.img"
	disks=(-drive "if=virtio,format=raw,file=$out/swap.img")
fi

if [ $shell -eq 1 ]; then
	console=(-serial mon:stdio)
	set -- shell "$@"
else
	console=(-serial "file:$out/console.log")
fi

cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
cmdline+=" init=$top/selftests/guest-init.sh panic=-1 oops=panic loglevel=4"
cmdline+=" transparent_hugepage=always"
# KASAN prints only its first report unless told otherwise: every test
# must see its own.
[ "${FLAVOUR:-normal}" = normal ] || cmdline+=" kasan_multi_shot"
[ -z "${EXTRA_CMDLINE:-}" ] || cmdline+=" $EXTRA_CMDLINE"
# guest-init.sh's arguments (a mode and, for the tests, every test's name)
# go in a file on the out share, not on the command line: the kernel hands
# init at most 32 arguments (CONFIG_INIT_ENV_ARG_LIMIT) and panics on more
# ("Too many boot init vars"); the full test list is longer.
printf '%s\n' "$@" >"$out/init-args"
cmdline+=" -- $topology @init-args"

exec timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
	-nodefaults -nographic -no-reboot \
	-accel "$accel" -cpu max -smp "$smp" -m "${mem}M" "${numa[@]}" \
	-kernel "$kernel" -append "$cmdline" \
	-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap" \
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
	-fsdev "local,id=repo,path=$top,security_model=none,readonly=on,multidevs=remap" \
	-device virtio-9p-pci,fsdev=repo,mount_tag=repo \
	-fsdev "local,id=out,path=$out,security_model=none" \
	-device virtio-9p-pci,fsdev=out,mount_tag=out \
	"${disks[@]}" \
	"${console[@]}" -serial "file:$out/tap.txt"
