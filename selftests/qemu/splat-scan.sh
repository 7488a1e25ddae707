#!/bin/sh
# Scan a guest kernel log for splats (patterns in splat-patterns).
# Usage: splat-scan.sh LOG [PATTERNS]
# Prints every matching line with its line number; exit 0 when the log is
# clean, 1 when it holds a splat, 2 when the log or patterns are unreadable.
set -u
here=$(cd "$(dirname "$0")" && pwd)
log=${1:?usage: splat-scan.sh LOG [PATTERNS]}
patterns=${2:-$here/splat-patterns}
[ -r "$log" ] || { echo "splat-scan: cannot read $log" >&2; exit 2; }
[ -r "$patterns" ] || { echo "splat-scan: cannot read $patterns" >&2; exit 2; }

list=$(mktemp) || exit 2
trap 'rm -f "$list"' EXIT
grep -v -e '^#' -e '^[[:space:]]*$' "$patterns" >"$list"
[ -s "$list" ] || { echo "splat-scan: no patterns in $patterns" >&2; exit 2; }
# grep -a: a crashing guest may leave binary junk in the log.
grep -a -n -E -f "$list" "$log"
case $? in
0) exit 1 ;;
1) exit 0 ;;
*) exit 2 ;;
esac
