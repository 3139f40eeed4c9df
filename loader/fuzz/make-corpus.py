#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for fuzz_policy: real objects, broken ones, --set strings.

    make-corpus.py --bpftool BPFTOOL --host-object HOST.o OUTDIR OBJ...

Each input is the --set strings, one a line, a NUL, then the object's bytes
(fuzz_policy.c). Every OBJ goes in whole, with no --set and with --set
strings for its tunables: valid, out of range, octal-looking, negative,
hexadecimal, bool, unknown, malformed. The objects in BASES also go in
broken: truncated, headers and section headers damaged, BTF damaged. And
HOST.o, an ELF object for another machine, as it is and relabelled BPF.
Deterministic: the same objects give the same corpus.
"""
import argparse
import os
import re
import struct
import subprocess
import sys

BASES = ("tunables", "most_free", "two_kinds")

# Sections whose header is damaged in the broken objects.
SECTIONS = (".BTF", ".BTF.ext", ".symtab", ".strtab", ".rodata",
            ".struct_ops.link", ".rel.struct_ops.link", ".maps", "license")


def tunables(bpftool, path):
    """The names of OBJ's .rodata variables, as bpftool dumps its BTF."""
    out = subprocess.run([bpftool, "btf", "dump", "file", path],
                         capture_output=True, text=True).stdout
    names, in_rodata = [], False
    for line in out.splitlines():
        if line.startswith("["):
            in_rodata = "DATASEC '.rodata'" in line
        elif in_rodata:
            m = re.search(r"\(VAR '([^']+)'\)", line)
            if m:
                names.append(m.group(1))
    return names


def set_variants(names):
    """(tag, --set strings) for an object with tunables NAMES."""
    v = [("noset", [])]
    if not names:
        return v + [("unknown", ["nosuch=1"])]
    t = names[0]
    v += [("valid-" + n, [n + "=1"]) for n in names]
    v += [("zero-all", [n + "=0" for n in names]),
          ("huge", [t + "=99999999999999999999"]),
          ("max64", [t + "=0xffffffffffffffff"]),
          ("octal", [t + "=010"]),
          ("negative", [t + "=-1"]),
          ("min64", [t + "=-9223372036854775808"]),
          ("hex", [t + "=0x1F"]),
          ("hex-empty", [t + "=0x"]),
          ("bool", [t + "=true"]),
          ("junk", [t + "=12abc"]),
          ("empty-value", [t + "="]),
          ("unknown", ["nosuch=1"]),
          ("no-equals", [t]),
          ("no-name", ["=1"]),
          ("long-name", ["n" * 200 + "=1"]),
          ("twice", [t + "=1", t + "=2", "nosuch=3"])]
    return v


def put(data, off, fmt, val):
    struct.pack_into(fmt, data, off, val)


def sections(obj):
    """{name: section header offset} of a little-endian ELF64 object."""
    shoff, = struct.unpack_from("<Q", obj, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", obj, 0x3c)
    strtab, = struct.unpack_from("<Q", obj, shoff + shstrndx * 64 + 0x18)
    found = {}
    for i in range(shnum):
        hdr = shoff + i * 64
        name, = struct.unpack_from("<I", obj, hdr)
        end = obj.index(b"\0", strtab + name)
        found[obj[strtab + name:end].decode()] = hdr
    return found


def symbols(obj, secs):
    """[(name, st_value offset)] of the OBJECT symbols of a section in SECS."""
    shoff, = struct.unpack_from("<Q", obj, 0x28)
    names = {hdr: name for name, hdr in secs.items()}
    hdr = secs[".symtab"]
    off, size, link = struct.unpack_from("<QQI", obj, hdr + 0x18)
    strtab, = struct.unpack_from("<Q", obj, shoff + link * 64 + 0x18)
    found = []
    for sym in range(off, off + size, 24):
        name, info, _, shndx = struct.unpack_from("<IBBH", obj, sym)
        if info & 0xf == 1 and names.get(shoff + shndx * 64) in SECTIONS:
            end = obj.index(b"\0", strtab + name)
            found.append((obj[strtab + name:end].decode(), sym + 8))
    return found


def broken(obj):
    """(tag, bytes) of damaged copies of the ELF object OBJ."""
    n = len(obj)
    out = [("empty", b""), ("not-elf", b"#!/bin/sh\necho not an ELF object\n"),
           ("magic-only", b"\177ELF" + bytes(14) + b"\xf7\x00")]
    out += [("trunc-%d" % t, obj[:t])
            for t in sorted({4, 19, 20, 63, 64, n // 4, n // 2, n - 1})]

    def patched(tag, off, fmt, val):
        d = bytearray(obj)
        put(d, off, fmt, val)
        out.append((tag, bytes(d)))

    patched("elf32", 4, "B", 1)
    patched("big-endian", 5, "B", 2)
    patched("e_type-flip", 16, "B", obj[16] ^ 0xff)
    patched("not-bpf", 18, "<H", 62)
    patched("shoff-past-end", 0x28, "<Q", n + 64)
    patched("shoff-inside", 0x28, "<Q", n - 32)
    patched("shentsize-0", 0x3a, "<H", 0)
    patched("shnum-huge", 0x3c, "<H", 0xffff)
    patched("shstrndx-bad", 0x3e, "<H", 0xfffe)

    secs = sections(obj)
    for name in SECTIONS:
        if name not in secs:
            continue
        hdr = secs[name]
        patched(name + "-size-huge", hdr + 0x20, "<Q", 1 << 40)
        patched(name + "-size-0", hdr + 0x20, "<Q", 0)
        patched(name + "-offset-past-end", hdr + 0x18, "<Q", n + 4096)
        patched(name + "-type-flip", hdr + 4, "<I", 8)	# SHT_NOBITS
    # A variable's offset is its symbol's value: 0xffffffff + its size
    # wraps around in 32 bits (tunables.c's bounds checks, libbpf's); 1
    # misaligns it (tunables.c's store).
    for name, value in symbols(obj, secs):
        patched("sym-wrap-" + name, value, "<Q", 0xffffffff)
        patched("sym-odd-" + name, value, "<Q", 1)
    if ".BTF" in secs:
        btf, = struct.unpack_from("<Q", obj, secs[".BTF"] + 0x18)
        type_len, str_off, str_len = struct.unpack_from("<III", obj, btf + 12)
        patched("btf-magic", btf, "<H", 0)
        patched("btf-hdr-len", btf + 4, "<I", 0xffff)
        patched("btf-type-len-odd", btf + 12, "<I", type_len + 2)
        patched("btf-str-len-huge", btf + 20, "<I", 0xffffffff)
        patched("btf-strs-unterminated", btf + 24 + str_off + str_len - 1,
                "B", ord("A"))
        for i, frac in enumerate((3, 2, 1.5)):
            off = btf + 24 + int(type_len / frac)
            patched("btf-flip-%d" % i, off, "B", obj[off] ^ 0xff)
    if ".rel.struct_ops.link" in secs:
        rel, = struct.unpack_from("<Q", obj, secs[".rel.struct_ops.link"] + 0x18)
        patched("rel-sym-huge", rel + 8, "<Q", 0xffffff << 32 | 1)
    return out


def write(outdir, name, sets, obj):
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:120]
    with open(os.path.join(outdir, safe), "wb") as f:
        f.write("\n".join(sets).encode() + b"\0" + obj)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bpftool", required=True)
    ap.add_argument("--host-object")
    ap.add_argument("outdir")
    ap.add_argument("objects", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)

    for path in args.objects:
        with open(path, "rb") as f:
            obj = f.read()
        name = os.path.basename(path).removesuffix(".bpf.o")
        names = tunables(args.bpftool, path)
        for tag, sets in set_variants(names):
            write(args.outdir, "%s.%s" % (name, tag), sets, obj)
        if name not in BASES:
            continue
        for tag, bad in broken(obj):
            write(args.outdir, "%s.%s" % (name, tag), [], bad)
            if names:
                write(args.outdir, "%s.%s.set" % (name, tag),
                      [n + "=1" for n in names], bad)

    if args.host_object and os.path.isfile(args.host_object):
        with open(args.host_object, "rb") as f:
            host = bytearray(f.read())
        write(args.outdir, "host", [], host)
        put(host, 18, "<H", 247)	# EM_BPF: past our check, into libbpf
        write(args.outdir, "host-as-bpf", [], host)
    print("corpus: %d seed inputs in %s" % (len(os.listdir(args.outdir)),
                                           args.outdir))


if __name__ == "__main__":
    sys.exit(main())
