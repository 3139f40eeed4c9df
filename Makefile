# BPF-pluggable memory-management policies for Linux 6.12.
#
#   make demo    build everything, boot the tiered-memory VM, show policies at work
#   make test    build everything, run the selftests in the VM
#
# FLAVOUR=debug (for any target) builds and boots the debug kernel instead:
# the same series with KASAN, lockdep, DEBUG_VM and PREEMPT
# (kernel-patch/mm-bpf-debug.config). CI runs the tests on both.
#
# Both install what they need with apt-get first (as root). `make help` lists
# the other targets.

SHELL := /bin/bash
TOP := $(abspath .)
B := $(TOP)/build
FLAVOUR ?= normal
ifeq ($(FLAVOUR),normal)
KTREE := $(B)/linux
else ifeq ($(FLAVOUR),debug)
KTREE := $(B)/linux-debug
else
$(error FLAVOUR must be normal or debug, not '$(FLAVOUR)')
endif
export FLAVOUR
# Sources of the tools (libbpf, bpftool, checkpatch), whatever the flavour.
SRCTREE := $(B)/linux
BZIMAGE := $(KTREE)/arch/x86/boot/bzImage
VMLINUX := $(KTREE)/vmlinux

CLANG ?= clang-19
LLVM_STRIP ?= llvm-strip-19
CC := gcc
JOBS ?= $(shell nproc)

LIBBPF_OBJ := $(B)/libbpf/lib64/libbpf.a
LIBBPF_INC := $(B)/libbpf/include
# So that a fix to the tree's libbpf (kernel-patch/) rebuilds what links it;
# empty before the tree exists, which builds it anyway.
LIBBPF_SRCS := $(wildcard $(SRCTREE)/tools/lib/bpf/*.[ch])
BPFTOOL := $(B)/bpftool/bpftool
VMLINUX_H := $(B)/bpf/vmlinux.h

POLICY_SRCS := $(wildcard bpf-policies/*.bpf.c)
TESTPROG_SRCS := $(wildcard selftests/progs/*.bpf.c)
POLICY_OBJS := $(patsubst bpf-policies/%.bpf.c,$(B)/bpf/%.bpf.o,$(POLICY_SRCS))
TESTPROG_OBJS := $(patsubst selftests/progs/%.bpf.c,$(B)/bpf/%.bpf.o,$(TESTPROG_SRCS))
POLICY_SKELS := $(POLICY_OBJS:.bpf.o=.skel.h)
BPF_HDRS := $(wildcard include/*.h)

LOADER := $(B)/bin/mmpolicy
LOADER_SRCS := $(wildcard loader/*.c)
LOADER_HDRS := $(wildcard loader/*.h)
TEST_TOOLS := $(patsubst selftests/tools/%.c,$(B)/bin/%,$(wildcard selftests/tools/*.c))

BPF_CFLAGS := -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_x86 \
	-I$(B)/bpf -I$(TOP)/include -I$(LIBBPF_INC)
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -I$(TOP)/include -I$(B)/bpf -I$(LIBBPF_INC) \
	-I$(SRCTREE)/tools/include/uapi

.PHONY: all deps kernel tools policies loader test-tools test demo bench install \
	kernel-tree kernel-patches build-each-patch checkpatch vm clean distclean help \
	fuzz fuzz-run

all: kernel policies loader test-tools

help:
	@echo "make demo            build, boot the tiered VM, show a policy's effect, swap it"
	@echo "make test            build and run the selftests in the VM (TAP; N passed, N failed)"
	@echo "make test FLAVOUR=debug   the kernel-path tests on the debug kernel (KASAN, lockdep, DEBUG_VM,"
	@echo "                          PREEMPT; DEBUG_ALL=1 for every test)"
	@echo "make bench           the benchmarks in the VM (demotion, swap, placement with and"
	@echo "                     without room, THP, THP priority, compaction; ~2 h):"
	@echo "                     bench/results/README.md; BENCH=\"placement thp\" picks sections"
	@echo "make all             build kernel, libbpf/bpftool, policies, loader, test tools"
	@echo "make fuzz            libFuzzer over opening policy objects and --set, FUZZ_SECONDS"
	@echo "                     (60); fails on any crash, leak or timeout"
	@echo "make vm              boot the VM with a shell (TOPOLOGY=tiered|flat)"
	@echo "make kernel-tree     build/linux: pristine 6.12 + kernel-patch/ as git commits"
	@echo "                     (FLAVOUR=debug: also build/linux-debug, a worktree at its HEAD)"
	@echo "make kernel-patches  regenerate kernel-patch/ from build/linux (git format-patch)"
	@echo "make checkpatch      scripts/checkpatch.pl --strict on kernel-patch/"
	@echo "make build-each-patch  build the kernel at every patch of the series, in order"
	@echo "                     (FROM=N: from patch N on, when those before it are checked)"
	@echo "make install         mmpolicy, its systemd unit and /etc/mmpolicy.conf (PREFIX, DESTDIR)"
	@echo "make clean           remove build outputs but keep the kernel tree and objects"

deps:
	@$(TOP)/scripts/install-deps.sh

kernel-tree: deps
	@$(TOP)/scripts/prepare-kernel.sh

# The kernel's own make decides what to rebuild: always ask it.
kernel: kernel-tree
	@JOBS=$(JOBS) $(TOP)/scripts/build-kernel.sh

kernel-patches:
	@$(TOP)/scripts/export-patches.sh

# Every patch of the series builds on its own (normal flavour's config).
build-each-patch: kernel-tree
	@$(MAKE) -s kernel FLAVOUR=normal
	@FLAVOUR=normal $(TOP)/scripts/build-each-patch.sh

# Through stdin: checkpatch treats files git tracks as source files, not
# patches, and kernel-patch/*.patch are tracked.
checkpatch: kernel-tree
	@for p in $$(cat $(TOP)/kernel-patch/series); do \
		echo "== $$p"; \
		$(SRCTREE)/scripts/checkpatch.pl --strict --no-tree - < $(TOP)/kernel-patch/$$p || exit 1; \
	done

# libbpf 1.5 and bpftool 7.5 from the same tree: bookworm's are too old for
# .struct_ops.link and link updates.
tools: $(LIBBPF_OBJ) $(BPFTOOL)

$(LIBBPF_OBJ): $(LIBBPF_SRCS) | kernel-tree
	@echo "==> libbpf (from the 6.12 tree)"
	@$(MAKE) -s -C $(SRCTREE)/tools/lib/bpf BUILD_STATIC_ONLY=1 \
		OBJDIR=$(B)/libbpf/obj DESTDIR=$(B)/libbpf prefix= \
		INCLUDEDIR=/include install >/dev/null

$(BPFTOOL): | kernel-tree
	@echo "==> bpftool (from the 6.12 tree, ~30 s)"
	@mkdir -p $(B)/bpftool
	@$(MAKE) -s -C $(SRCTREE)/tools/bpf/bpftool CLANG=$(CLANG) \
		LLVM_STRIP=$(LLVM_STRIP) OUTPUT=$(B)/bpftool/ >/dev/null 2>&1 || \
		{ echo "bpftool build failed; rerun: make -C $(SRCTREE)/tools/bpf/bpftool OUTPUT=$(B)/bpftool/" >&2; exit 1; }

$(VMLINUX_H): kernel $(BPFTOOL)
	@mkdir -p $(B)/bpf
	@$(BPFTOOL) btf dump file $(VMLINUX) format c > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || { mv $@.tmp $@; echo "==> vmlinux.h regenerated"; }

policies: $(POLICY_OBJS) $(POLICY_SKELS) $(TESTPROG_OBJS)

$(B)/bpf/%.bpf.o: bpf-policies/%.bpf.c $(VMLINUX_H) $(BPF_HDRS) | $(LIBBPF_OBJ)
	@echo "  CLANG   $<"
	@$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/bpf/%.bpf.o: selftests/progs/%.bpf.c $(VMLINUX_H) $(BPF_HDRS) | $(LIBBPF_OBJ)
	@echo "  CLANG   $<"
	@$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/bpf/%.skel.h: $(B)/bpf/%.bpf.o $(BPFTOOL)
	@$(BPFTOOL) gen skeleton $< name $* > $@

# The loader embeds every shipped policy (through its skeleton), so
# `mmpolicy load NAME` works without the object files.
$(B)/bpf/builtin_policies.h: $(POLICY_SKELS)
	@{ for s in $(notdir $(POLICY_SKELS)); do echo "#include \"$$s\""; done; \
	   echo "static const struct builtin_policy builtin_policies[] = {"; \
	   for s in $(notdir $(POLICY_SKELS:.skel.h=)); do \
	     echo "	{ \"$$s\", $${s}__elf_bytes },"; done; \
	   echo "};"; } > $@

loader: $(LOADER)

# Every loader/*.c in one compiler run; loader/mmpolicy.h says which file does what.
$(LOADER): $(LOADER_SRCS) $(LOADER_HDRS) $(B)/bpf/builtin_policies.h $(LIBBPF_OBJ) $(BPF_HDRS)
	@echo "  CC      loader/*.c -> $(notdir $@)"
	@mkdir -p $(B)/bin
	@$(CC) $(USER_CFLAGS) $(LOADER_SRCS) $(LIBBPF_OBJ) -lelf -lz -o $@

test-tools: $(TEST_TOOLS)

# Test tools that drive policies through their skeletons.
$(B)/bin/swapstorm: selftests/tools/swapstorm.c $(POLICY_SKELS) $(LIBBPF_OBJ)
	@echo "  CC      $<"
	@mkdir -p $(B)/bin
	@$(CC) $(USER_CFLAGS) $< $(LIBBPF_OBJ) -lelf -lz -o $@

$(B)/bin/%: selftests/tools/%.c
	@echo "  CC      $<"
	@mkdir -p $(B)/bin
	@$(CC) -O2 -g -Wall -Wextra -Werror -I$(TOP)/include $< -o $@

# libFuzzer (clang-19, ASan, UBSan) over what the loader does with an object
# and --set before the kernel sees it: loader/fuzz/fuzz_policy.c. Its seeds
# are build/bpf's objects, whole and broken (loader/fuzz/make-corpus.py).
# Those need vmlinux.h, so the kernel's build: where vmlinux.h and the
# kernel tree exist they are taken as they are (make -o), so that fuzzing
# never rebuilds or re-patches the kernel; a clean tree builds it once.
FUZZ_SECONDS ?= 60
FUZZ_BIN := $(B)/fuzz/fuzz_policy
FUZZ_LIBBPF := $(B)/fuzz/libbpf/lib64/libbpf.a
FUZZ_SRCS := loader/fuzz/fuzz_policy.c $(addprefix loader/,object.c tunables.c log.c kernel.c)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

fuzz: deps
	@$(MAKE) -s $(if $(wildcard $(VMLINUX_H)),-o $(VMLINUX_H)) \
		$(if $(wildcard $(SRCTREE)/tools/lib/bpf),-o kernel-tree) fuzz-run

fuzz-run: $(FUZZ_BIN) policies
	@rm -rf $(B)/fuzz/corpus/seed
	@python3 loader/fuzz/make-corpus.py --bpftool $(BPFTOOL) \
		--host-object "$$($(CC) -print-file-name=crt1.o)" \
		$(B)/fuzz/corpus/seed $(POLICY_OBJS) $(TESTPROG_OBJS)
	@loader/fuzz/run.sh $(FUZZ_BIN) $(B)/fuzz/corpus $(FUZZ_SECONDS)

# libbpf again, from the same tree, instrumented: malformed ELF and BTF are
# parsed there. Two UBSan checks are off in it: memcpy(p, NULL, 0) from
# empty sections, and loads from where the object puts them, misaligned in
# a broken one, are its habits and harmless on x86.
$(FUZZ_LIBBPF): $(LIBBPF_SRCS) | kernel-tree
	@echo "==> libbpf for the fuzzer (clang-19, ASan, UBSan, libFuzzer coverage; ~30 s)"
	@$(MAKE) -s -C $(SRCTREE)/tools/lib/bpf BUILD_STATIC_ONLY=1 CC=$(CLANG) \
		EXTRA_CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
		-fno-sanitize=nonnull-attribute,alignment" OBJDIR=$(B)/fuzz/libbpf/obj \
		DESTDIR=$(B)/fuzz/libbpf prefix= INCLUDEDIR=/include install >/dev/null

# --wrap: the fuzzer says this machine has every hook (fuzz_policy.c).
$(FUZZ_BIN): $(FUZZ_SRCS) $(LOADER_HDRS) $(B)/bpf/builtin_policies.h $(FUZZ_LIBBPF)
	@echo "  CLANG   $(FUZZ_SRCS) -> $(notdir $@)"
	@$(CLANG) -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) -Wall -Wextra -Werror \
		-I$(TOP)/include -I$(B)/bpf -I$(B)/fuzz/libbpf/include \
		-I$(SRCTREE)/tools/include/uapi $(FUZZ_SRCS) $(FUZZ_LIBBPF) -lelf -lz \
		-Wl,--wrap=kernel_has_kind -o $@

test: all
	@$(TOP)/selftests/run.sh

demo: all
	@$(TOP)/scripts/demo.sh

bench: all
	@$(TOP)/selftests/run.sh --bench

vm: all
	@$(TOP)/selftests/vm.sh --topology $(or $(TOPOLOGY),tiered) --shell

# The loader, its systemd unit and an example configuration (kept if one
# is there): what README.md's "Running it at boot" installs.
PREFIX ?= /usr/local
install: loader
	install -D -m 0755 $(LOADER) $(DESTDIR)$(PREFIX)/sbin/mmpolicy
	sed 's|/usr/local/sbin/mmpolicy|$(PREFIX)/sbin/mmpolicy|' loader/mmpolicy.service | \
		install -D -m 0644 /dev/stdin $(DESTDIR)/etc/systemd/system/mmpolicy.service
	[ -e $(DESTDIR)/etc/mmpolicy.conf ] || \
		install -D -m 0644 loader/mmpolicy.conf.example $(DESTDIR)/etc/mmpolicy.conf
	@echo "installed; then: systemctl daemon-reload && systemctl enable --now mmpolicy"

clean:
	rm -rf $(B)/bpf $(B)/bin $(B)/libbpf $(B)/bpftool $(B)/vm $(B)/fuzz

distclean:
	rm -rf $(B)
