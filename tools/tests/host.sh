#!/bin/sh
# Host checks of memshow (no module here): the clang build, the command
# line, and the exit status and message when the module is absent.
# Usage: tools/tests/host.sh MEMSHOW CLANG "CFLAGS"
set -u
memshow=$1 clang=$2 cflags=$3
pass=0 fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/    /' "$err" "$out"; }

# expect NAME STATUS STDERR-PATTERN -- ARGS...
expect() {
	name=$1 want=$2 pattern=$3
	shift 4
	"$memshow" "$@" >"$out" 2>"$err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "    exit status $got, wanted $want" >>"$err"
		bad "$name"
	elif [ -n "$pattern" ] && ! grep -q -e "$pattern" "$err" "$out"; then
		echo "    output lacks '$pattern'" >>"$err"
		bad "$name"
	else
		ok "$name"
	fi
}

if command -v "$clang" >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	if $clang $cflags $(pkg-config --cflags libnl-genl-3.0) -fsyntax-only \
		tools/memshow/*.c 2>"$err"; then ok "clang -Werror build"; else bad "clang -Werror build"; fi
fi

expect "help" 0 "usage: memshow" -- --help
expect "version" 0 "^memshow " -- --version
expect "map needs a region" 2 "exactly one region" -- map
expect "map takes one region" 2 "exactly one region" -- map a b
expect "monitor takes no args" 2 "no arguments" -- monitor x
expect "-p takes no view" 2 "-p takes no view" -- -p map x
expect "bad --count" 2 "wants a number" -- --count x monitor
expect "negative --timeout" 2 "wants a number" -- --timeout -1 monitor
expect "small --width" 2 "at least 8" -- --width 3 map x
expect "unknown option" 2 "usage: memshow" -- --frobnicate
expect "long region name" 2 "longer than 31" -- map abcdefghijklmnopqrstuvwxyz0123456789

if [ -e /sys/module/memheap ]; then
	echo "SKIP no-module checks: memheap is loaded on this host"
else
	for view in "" "-p" "map sram" "monitor" "--json"; do
		# shellcheck disable=SC2086
		expect "no module: memshow $view" 3 "module is not loaded" -- $view
	done
fi

echo "tools-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
