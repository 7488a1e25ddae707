#!/usr/bin/env python3
"""Write a gzip-compressed cpio "newc" archive of a directory tree.

Usage: mkcpio.py OUT.cpio.gz DIR [--node PATH:MODE:c|b:MAJOR:MINOR]...

Every entry is owned by root with mtime 0, and the gzip header carries no
time stamp, so the same tree always gives the same bytes (make then only
rebuilds what really changed).  Device nodes such as /dev/console are
added by --node because creating them in a staging directory needs root;
the kernel needs /dev/console before /init runs.
"""

import gzip
import os
import stat
import sys

TRAILER = "TRAILER!!!"


class Writer:
    def __init__(self, out):
        self.out = out
        self.ino = 1

    def entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        encoded = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(encoded), 0)
        self.ino += 1
        header = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out.write(header + encoded)
        self.out.write(b"\0" * (-(len(header) + len(encoded)) % 4))
        self.out.write(data)
        self.out.write(b"\0" * (-len(data) % 4))


def add_tree(writer, root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            writer.entry(rel, stat.S_IFDIR | 0o755, nlink=2)
        for name in sorted(filenames) + [d for d in dirnames
                                         if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            relname = os.path.normpath(os.path.join(rel, name))
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                writer.entry(relname, stat.S_IFLNK | 0o777,
                             os.readlink(path).encode())
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
                perm = 0o755 if st.st_mode & 0o111 else 0o644
                writer.entry(relname, stat.S_IFREG | perm, data)
            else:
                raise SystemExit(f"mkcpio: {path}: not a file, link or directory")


def parse_node(spec):
    try:
        path, mode, kind, major, minor = spec.split(":")
        fmt = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[kind]
        return path.lstrip("/"), fmt | int(mode, 8), (int(major), int(minor))
    except (ValueError, KeyError):
        raise SystemExit(f"mkcpio: bad --node '{spec}' (PATH:MODE:c|b:MAJOR:MINOR)")


def main(argv):
    if len(argv) < 3 or (len(argv) - 3) % 2:
        sys.stderr.write(__doc__)
        return 2
    out_path, root = argv[1], argv[2]
    nodes = []
    for flag, spec in zip(argv[3::2], argv[4::2]):
        if flag != "--node":
            sys.stderr.write(__doc__)
            return 2
        nodes.append(parse_node(spec))
    if not os.path.isdir(root):
        sys.stderr.write(f"mkcpio: {root}: not a directory\n")
        return 1
    tmp = f"{out_path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as raw, \
            gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0,
                          compresslevel=6) as gz:
        writer = Writer(gz)
        add_tree(writer, root)
        for path, mode, rdev in nodes:
            writer.entry(path, mode, rdev=rdev)
        writer.entry(TRAILER, 0)
    # Archives are concatenated at boot (base + payload); the kernel skips
    # zero padding between members, so end on a 4-byte boundary.
    with open(tmp, "ab") as raw:
        raw.write(b"\0" * (-raw.tell() % 4))
    os.replace(tmp, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
