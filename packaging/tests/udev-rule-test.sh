#!/bin/sh
# The udev rule parses (udev_rule.py; Debian 12's udevadm has no verify),
# asks for what docs/packaging.md promises, and the checker itself refuses
# broken rules, naming the line.
# Usage: udev-rule-test.sh RULES_FILE SYSUSERS_FILE TMPDIR
set -u
rule=$1 sysusers=$2 tmp=$3
here=$(dirname "$0")
check="python3 $here/udev_rule.py"
fail=0
ok() { echo "PASS udev: $1"; }
ko() { echo "FAIL udev: $1"; fail=1; }

if out=$($check check "$rule"); then ok "$rule parses"; else ko "$rule: $out"; fi
for kv in SUBSYSTEM=misc KERNEL=memheap MODE=0660 GROUP=memheap; do
	got=$($check get "$rule" "${kv%%=*}")
	if [ "$got" = "${kv#*=}" ]; then ok "${kv%%=*} is ${kv#*=}"
	else ko "${kv%%=*} is '$got', want '${kv#*=}'"; fi
done
# The group the rule names is the one sysusers.d creates.
if grep -Eq '^g[[:space:]]+memheap[[:space:]]' "$sysusers"; then
	ok "$sysusers creates group memheap"
else ko "$sysusers has no 'g memheap' line"; fi

# Broken rules: each must be refused with FILE:LINE and a reason.
mkdir -p "$tmp"
n=0
while IFS='|' read -r line want; do
	n=$((n + 1))
	printf '# comment\n%s\n' "$line" >"$tmp/bad$n.rules"
	if out=$($check check "$tmp/bad$n.rules"); then
		ko "accepted: $line"
	elif printf '%s' "$out" | grep -q "bad$n.rules:2: .*$want"; then
		ok "refused ($want): $line"
	else
		ko "refused without '$want' at line 2: $line -> $out"
	fi
done <<'CASES'
KERNEL=="memheap", MODE=0660|expected KEY OP
KERNEL=="memheap" MODE="0660"|expected ','
KERNEL="memheap", MODE="0660"|KERNEL cannot be assigned
GROUP=="memheap"|GROUP is not a match key
KERNEL=="memheap", MODE="rw-rw----"|not an octal mode
KERNEL=="memheap", MODE="0960"|not an octal mode
KERNEL=="memheap", GROUP="mem heap"|not a name or a number
KERNL=="memheap", MODE="0660"|KERNL is not a match key
ATTR=="x", MODE="0660"|ATTR needs an {attribute}
KERNEL{x}=="memheap"|KERNEL takes no {attribute}
KERNEL=="memheap", MODE="0660",|expected KEY OP
CASES
printf '# only a comment\n' >"$tmp/empty.rules"
if $check check "$tmp/empty.rules" >/dev/null; then ko "a file without a rule passed"
else ok "a file without a rule is refused"; fi
exit $fail
