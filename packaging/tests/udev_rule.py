#!/usr/bin/env python3
"""Syntax check of udev rules files, and field extraction.

Debian 12's udev (systemd 252) has no `udevadm verify`, and `udevadm test`
needs the device in sysfs, so this checks what udev(7) defines: every
rule line is comma-separated KEY[{attr}]OP"value" pairs, match keys use ==
or !=, assignment keys =, += , -= or :=, values are double-quoted; MODE is
octal, OWNER and GROUP are names or numbers.

  udev_rule.py check FILE...      exit 0 when every file parses, else 1
                                  with one "FILE:LINE: reason" per error
  udev_rule.py get FILE KEY       the value of KEY in the file's only rule
"""
import re
import sys

MATCH_KEYS = {
    "ACTION", "DEVPATH", "KERNEL", "KERNELS", "NAME", "SYMLINK",
    "SUBSYSTEM", "SUBSYSTEMS", "DRIVER", "DRIVERS", "ATTR", "ATTRS",
    "SYSCTL", "ENV", "CONST", "TAG", "TAGS", "TEST", "PROGRAM", "RESULT",
}
ASSIGN_KEYS = {
    "NAME", "SYMLINK", "OWNER", "GROUP", "MODE", "SECLABEL", "ATTR",
    "SYSCTL", "ENV", "TAG", "RUN", "LABEL", "GOTO", "IMPORT", "OPTIONS",
}
ATTR_KEYS = {"ATTR", "ATTRS", "SYSCTL", "ENV", "CONST", "TEST", "IMPORT",
             "RUN", "SECLABEL"}
PAIR = re.compile(r'\s*([A-Z]+)(\{[^}]+\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
NAME_OR_ID = re.compile(r'^([a-z_][a-z0-9_-]*|[0-9]+)$')


def parse_line(text):
    """Return [(key, attr, op, value)] or raise ValueError(reason)."""
    pairs = []
    pos = 0
    while True:
        m = PAIR.match(text, pos)
        if not m:
            raise ValueError("expected KEY OP \"value\" at column %d: %r"
                             % (pos + 1, text[pos:pos + 20]))
        key, attr, op, value = m.groups()
        if attr and key not in ATTR_KEYS:
            raise ValueError("%s takes no {attribute}" % key)
        if key in ("ATTR", "ATTRS", "SYSCTL", "ENV") and not attr:
            raise ValueError("%s needs an {attribute}" % key)
        if op in ("==", "!="):
            if key not in MATCH_KEYS:
                raise ValueError("%s is not a match key (%s)" % (key, op))
        elif key not in ASSIGN_KEYS:
            raise ValueError("%s cannot be assigned (%s)" % (key, op))
        if key == "MODE" and not re.fullmatch(r"0?[0-7]{3,4}", value):
            raise ValueError("MODE %r is not an octal mode" % value)
        if key in ("OWNER", "GROUP") and not NAME_OR_ID.match(value):
            raise ValueError("%s %r is not a name or a number" % (key, value))
        pairs.append((key, attr, op, value))
        pos = m.end()
        if pos == len(text):
            return pairs
        if text[pos] != ",":
            raise ValueError("expected ',' at column %d" % (pos + 1))
        pos += 1


def rules(path):
    """Yield (line number, pairs) per rule; ValueError names the line."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        start = i + 1
        text = lines[i]
        while text.endswith("\\"):
            i += 1
            if i >= len(lines):
                raise ValueError("%s:%d: continuation at end of file"
                                 % (path, start))
            text = text[:-1] + lines[i]
        i += 1
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        try:
            yield start, parse_line(text.strip())
        except ValueError as e:
            raise ValueError("%s:%d: %s" % (path, start, e)) from None


def main(argv):
    if len(argv) >= 3 and argv[1] == "check":
        bad = 0
        for path in argv[2:]:
            try:
                if not list(rules(path)):
                    print("%s: no rule" % path)
                    bad = 1
            except (ValueError, OSError) as e:
                print(e)
                bad = 1
        return bad
    if len(argv) == 4 and argv[1] == "get":
        try:
            found = list(rules(argv[2]))
        except (ValueError, OSError) as e:
            print(e, file=sys.stderr)
            return 1
        if len(found) != 1:
            print("%s: expected one rule, found %d" % (argv[2], len(found)),
                  file=sys.stderr)
            return 1
        values = [v for k, _, _, v in found[0][1] if k == argv[3]]
        if len(values) != 1:
            print("%s: %s appears %d times" % (argv[2], argv[3], len(values)),
                  file=sys.stderr)
            return 1
        print(values[0])
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
