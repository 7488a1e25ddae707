#!/usr/bin/env python3
"""Copy kernel modules and everything they depend on into a guest tree.

Usage: kmods.py [--builtin-ok] MODDIR DEST MODULE...
  MODDIR  a /lib/modules/<abi> tree (build/kernel/modules)
  DEST    the guest's /lib/modules/<abi> directory to fill
  --builtin-ok  a wanted MODULE built into the kernel (modules.builtin) is
          left out instead of being an error: kernels differ (6.12 builds
          virtio_console in, 6.1 has it as a module)

Dependencies come from the "depends=" entry of each module's .modinfo
section, so no host depmod (kmod) is needed.  DEST gets the modules at their
usual relative paths and a modules.dep listing just them, in the format
busybox modprobe reads: "path: deps..." with each module's own
dependencies after it (the last one is loaded first).  Compressed modules
(.ko.xz, .ko.zst, .ko.gz) are refused with a clear message: Debian 12's
kernel ships plain .ko files and busybox modprobe may not unpack others.
"""

import os
import shutil
import struct
import sys


def modinfo(path):
    """Return the .modinfo key=value pairs of an ELF64 little-endian module."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"kmods: {path}: not an ELF64 little-endian module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def section(i):
        name, _type, _flags, _addr, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize)
        return name, off, size

    _n, stroff, _s = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            pairs = {}
            for item in data[off:off + size].split(b"\0"):
                key, sep, value = item.decode(errors="replace").partition("=")
                if sep:
                    pairs.setdefault(key, value)
            return pairs
    raise SystemExit(f"kmods: {path}: no .modinfo section")


def index(moddir):
    """Map module name (dashes as underscores) to its path under moddir."""
    found = {}
    for dirpath, _dirs, files in os.walk(os.path.join(moddir, "kernel")):
        for name in files:
            for ext in (".ko.xz", ".ko.zst", ".ko.gz", ".ko"):
                if name.endswith(ext):
                    mod = name[:-len(ext)].replace("-", "_")
                    found[mod] = os.path.relpath(os.path.join(dirpath, name), moddir)
                    break
    return found


def main(argv):
    builtin_ok = len(argv) > 1 and argv[1] == "--builtin-ok"
    if builtin_ok:
        argv = argv[:1] + argv[2:]
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    moddir, dest, wanted = argv[1], argv[2], argv[3:]
    paths = index(moddir)
    builtin = set()
    builtin_list = os.path.join(moddir, "modules.builtin")
    if os.path.exists(builtin_list):
        with open(builtin_list, encoding="utf-8") as f:
            builtin = {os.path.basename(line.strip())[:-3].replace("-", "_")
                       for line in f if line.strip().endswith(".ko")}

    deps = {}

    def visit(mod, chain):
        if mod in deps:
            return
        if mod in chain:
            raise SystemExit(f"kmods: dependency loop: {' -> '.join(chain + [mod])}")
        rel = paths.get(mod)
        if rel is None:
            raise SystemExit(f"kmods: module '{mod}' is not in {moddir}"
                             + (" (it is built into the kernel)" if mod in builtin else ""))
        if not rel.endswith(".ko"):
            raise SystemExit(f"kmods: {rel}: compressed module; decompress support "
                             "is not implemented (Debian 12 ships plain .ko)")
        direct = [d.replace("-", "_") for d in
                  modinfo(os.path.join(moddir, rel)).get("depends", "").split(",") if d]
        for d in direct:
            visit(d, chain + [mod])
        deps[mod] = direct

    for mod in wanted:
        mod = mod.replace("-", "_")
        if builtin_ok and mod in builtin and mod not in paths:
            continue
        visit(mod, [])

    def closure(mod):
        """Dependencies of mod, each before its own dependencies."""
        order = []

        def post(m):
            for d in deps[m]:
                if d not in order:
                    post(d)
                    order.append(d)
        post(mod)
        return list(reversed(order))

    os.makedirs(dest, exist_ok=True)
    lines = []
    for mod in sorted(deps, key=lambda m: paths[m]):
        src = os.path.join(moddir, paths[mod])
        dst = os.path.join(dest, paths[mod])
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
        lines.append(f"{paths[mod]}: {' '.join(paths[d] for d in closure(mod))}".rstrip())
    with open(os.path.join(dest, "modules.dep"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    # busybox modprobe treats modules listed here as already present.
    if os.path.exists(builtin_list):
        shutil.copyfile(builtin_list, os.path.join(dest, "modules.builtin"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
