#!/usr/bin/env python3
"""Derive the rig's artefacts from board.conf.

Usage: board.py BOARD_CONF WHAT
  WHAT  machine   "MACHINE CPU SMP MEMORY" for the QEMU command line
        dts       device-tree source to append to QEMU's own decompiled tree:
                  the no-map reserved-memory carveouts and the memheap node
        params    the default module parameter string (regions=...)
        expected  one line per region the default load must produce:
                  index name caps algo map origin size_bytes
        carveouts one line per no-map carveout: name first last, as
                  /proc/iomem prints them (hex, at least 8 digits, no 0x)

Every inconsistency in the board (overlap, misalignment, outside RAM, bad
name, unknown word) is an error naming the line: a wrong board must not
quietly produce a tree the driver then rejects.
"""

import re
import sys

RAM_BASE = 0x40000000  # where QEMU's virt machine puts RAM
PAGE = 4096            # Debian's arm64 kernel uses 4 KiB pages
NAME_MAX = 31          # MEMHEAP_NAME_LEN - 1
# Capability words in MEMHEAP_CAP_* bit order; caps are printed in this order.
CAPS = ("dma", "spiram", "internal", "8bit", "32bit", "default")
ALGOS = ("firstfit", "buddy")
MAPPINGS = ("cached", "uncached", "wc")
SUFFIX = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class BoardError(Exception):
    pass


def parse_size(text, where):
    m = re.fullmatch(r"([0-9]+)([KMG]?)", text)
    if not m or int(m.group(1)) == 0:
        raise BoardError(f"{where}: bad size '{text}' (N with optional K/M/G, > 0)")
    return int(m.group(1)) * SUFFIX[m.group(2)]


class Region:
    def __init__(self, fields, where):
        if len(fields) != 7:
            raise BoardError(f"{where}: region needs 7 fields "
                             "(name source size phys caps algo mapping)")
        name, source, size, phys, caps, algo, mapping = fields
        if not re.fullmatch(r"[a-z0-9_]+", name) or len(name) > NAME_MAX:
            raise BoardError(f"{where}: bad region name '{name}' "
                             f"([a-z0-9_], at most {NAME_MAX} characters)")
        if source not in ("dt", "param"):
            raise BoardError(f"{where}: source must be dt or param, not '{source}'")
        self.name, self.source = name, source
        self.size_text = size
        self.size = parse_size(size, where)
        if phys == "-":
            if source == "dt":
                raise BoardError(f"{where}: a dt region needs a physical address")
            self.phys = None
        else:
            if not re.fullmatch(r"0x[0-9a-fA-F]+", phys):
                raise BoardError(f"{where}: bad physical address '{phys}' (hex)")
            self.phys = int(phys, 16)
        if self.size % PAGE or (self.phys is not None and self.phys % PAGE):
            raise BoardError(f"{where}: region '{name}' is not page aligned")
        self.caps = caps.split(",")
        for cap in self.caps:
            if cap not in CAPS:
                raise BoardError(f"{where}: unknown capability '{cap}' ({' '.join(CAPS)})")
        if len(set(self.caps)) != len(self.caps):
            raise BoardError(f"{where}: capability listed twice")
        if algo not in ALGOS:
            raise BoardError(f"{where}: unknown algorithm '{algo}' ({' '.join(ALGOS)})")
        if mapping not in MAPPINGS:
            raise BoardError(f"{where}: unknown mapping '{mapping}' ({' '.join(MAPPINGS)})")
        self.algo, self.mapping = algo, mapping
        self.where = where

    @property
    def origin(self):
        if self.source == "dt":
            return "dt"
        return "param" if self.phys is not None else "self"

    @property
    def label(self):
        return f"{self.name}_carveout"

    def sorted_caps(self):
        return [c for c in CAPS if c in self.caps]


class Board:
    def __init__(self, path):
        self.machine = self.cpu = self.smp = self.memory = None
        self.regions = []
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                where = f"{path}:{lineno}"
                fields = line.split("#", 1)[0].split()
                if not fields:
                    continue
                key, rest = fields[0], fields[1:]
                if key == "region":
                    self.regions.append(Region(rest, where))
                elif key in ("machine", "cpu", "smp", "memory"):
                    if len(rest) != 1:
                        raise BoardError(f"{where}: {key} takes one value")
                    setattr(self, key, rest[0])
                else:
                    raise BoardError(f"{where}: unknown keyword '{key}'")
        for key in ("machine", "cpu", "smp", "memory"):
            if getattr(self, key) is None:
                raise BoardError(f"{path}: no '{key}' line")
        if not self.smp.isdigit() or int(self.smp) == 0:
            raise BoardError(f"{path}: smp must be a positive number")
        self.ram_size = parse_size(self.memory, f"{path}: memory")
        self.check(path)

    def check(self, path):
        seen = set()
        placed = []
        params_started = False
        for r in self.regions:
            if r.name in seen:
                raise BoardError(f"{r.where}: duplicate region name '{r.name}'")
            seen.add(r.name)
            if r.source == "param":
                params_started = True
            elif params_started:
                raise BoardError(f"{r.where}: dt regions must come before param "
                                 "regions (the driver indexes them first)")
            if r.phys is None:
                continue
            if r.phys < RAM_BASE or r.phys + r.size > RAM_BASE + self.ram_size:
                raise BoardError(f"{r.where}: region '{r.name}' is outside RAM "
                                 f"0x{RAM_BASE:x}+{self.memory}")
            for o in placed:
                if r.phys < o.phys + o.size and o.phys < r.phys + r.size:
                    raise BoardError(f"{r.where}: region '{r.name}' overlaps '{o.name}'")
            placed.append(r)

    def dts(self):
        out = ["", "/* memheap board additions, generated from board.conf */",
               "/ {", "\treserved-memory {",
               "\t\t#address-cells = <2>;", "\t\t#size-cells = <2>;",
               "\t\tranges;"]
        for r in self.regions:
            if r.phys is None:
                continue
            out += ["",
                    f"\t\t{r.label}: memheap-{r.name}@{r.phys:x} {{",
                    f"\t\t\treg = <0x{r.phys >> 32:x} 0x{r.phys & 0xffffffff:x} "
                    f"0x{r.size >> 32:x} 0x{r.size & 0xffffffff:x}>;",
                    "\t\t\tno-map;", "\t\t};"]
        out += ["\t};", "", "\tmemheap {", '\t\tcompatible = "memheap,memheap";']
        for r in self.regions:
            if r.source != "dt":
                continue
            caps = ", ".join(f'"{c}"' for c in r.caps)
            out += ["",
                    f"\t\tregion-{r.name} {{",
                    f"\t\t\tmemory-region = <&{r.label}>;",
                    f'\t\t\tmemheap,name = "{r.name}";',
                    f"\t\t\tmemheap,caps = {caps};",
                    f'\t\t\tmemheap,algorithm = "{r.algo}";',
                    f'\t\t\tmemheap,mapping = "{r.mapping}";',
                    "\t\t};"]
        out += ["\t};", "};", ""]
        return "\n".join(out)

    def params(self):
        entries = []
        for r in self.regions:
            if r.source != "param":
                continue
            head = f"{r.name}:{r.size_text}"
            if r.phys is not None:
                head += f"@0x{r.phys:x}"
            entries.append(":".join([head] + r.caps + [r.algo, r.mapping]))
        return f"regions={','.join(entries)}" if entries else ""

    def carveouts(self):
        return "".join(f"{r.name} {r.phys:08x} {r.phys + r.size - 1:08x}\n"
                       for r in self.regions if r.phys is not None)

    def expected(self):
        return "".join(
            f"{i} {r.name} {'+'.join(r.sorted_caps())} {r.algo} {r.mapping} "
            f"{r.origin} {r.size}\n" for i, r in enumerate(self.regions))


def main(argv):
    if len(argv) != 3 or argv[2] not in ("machine", "dts", "params", "expected",
                                            "carveouts"):
        sys.stderr.write(__doc__)
        return 2
    try:
        board = Board(argv[1])
    except (BoardError, OSError) as e:
        sys.stderr.write(f"board.py: {e}\n")
        return 1
    what = argv[2]
    if what == "machine":
        print(board.machine, board.cpu, board.smp, board.memory)
    elif what == "dts":
        sys.stdout.write(board.dts())
    elif what == "params":
        print(board.params())
    elif what == "carveouts":
        sys.stdout.write(board.carveouts())
    else:
        sys.stdout.write(board.expected())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
