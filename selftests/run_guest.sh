#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The selftest payload: /payload/run in the rig's guest (see README.md).
#
# full scenario: load.sh (loads and unloads by itself), memheap-load
# with the board's parameters, every kselftest binary, the programs other
# parts registered through GUEST_TESTS (extra/list), rmmod.sh last.
# bare scenario (no carveouts in the device tree): load.sh only.
#
# Prints KTAP: one line per test program, its own output nested as "# "
# diagnostics.  Exit status 1 when any program failed; skips (exit 4)
# are reported but are not failures.
cd "$(dirname "$0")" || exit 1
TESTS=$PWD/tests
EXTRA=$PWD/extra
SCENARIO=$(cat /etc/memheap/scenario 2>/dev/null || echo full)
KTESTS="regions alloc_map bad_input mmap lifetime concurrency netlink lib_events"

num=0
pass=0
fail=0
skip=0

# run NAME COMMAND...: one KTAP result line for COMMAND.
run() {
	name=$1
	shift
	num=$((num + 1))
	start=$(date +%s)
	{ "$@"; echo $? >/tmp/run_guest.rc; } 2>&1 | sed 's/^/# /'
	rc=$(cat /tmp/run_guest.rc)
	echo "# $name: exit $rc after $(($(date +%s) - start)) s"
	case $rc in
	0) echo "ok $num $name"; pass=$((pass + 1)) ;;
	4) echo "ok $num $name # SKIP"; skip=$((skip + 1)) ;;
	*) echo "not ok $num $name # exit $rc"; fail=$((fail + 1)) ;;
	esac
}

extras=""
[ -f "$EXTRA/list" ] && extras=$(cat "$EXTRA/list")

echo "TAP version 13"
if [ "$SCENARIO" = bare ]; then
	echo "1..1"
	echo "# scenario bare: load/unload without regions only"
	run load "$TESTS/load.sh"
else
	set -- $KTESTS
	echo "1..$((3 + $# + $(echo "$extras" | grep -c .)))"
	echo "# scenario $SCENARIO"
	run load "$TESTS/load.sh"
	run memheap-load /usr/sbin/memheap-load
	for t in $KTESTS; do
		run "$t" "$TESTS/$t"
	done
	for t in $extras; do
		if [ -x "$EXTRA/$t" ]; then
			run "extra/$t" "$EXTRA/$t"
		else
			# make GUEST_SKIP=...: named, never silently absent
			num=$((num + 1)) skip=$((skip + 1))
			echo "ok $num extra/$t # SKIP left out by GUEST_SKIP"
		fi
	done
	run rmmod "$TESTS/rmmod.sh"
fi
echo "# totals: pass $pass fail $fail skip $skip"
[ $fail -eq 0 ]
