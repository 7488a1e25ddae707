#!/bin/sh
# SPDX-License-Identifier: MIT
# make run's payload: /payload/run in the QEMU guest (selftests/qemu rig).
#
# Loads memheap.ko with the board's parameters (the device tree gives the
# two carveouts, the parameters the third region and a self-backed one),
# shows the regions with memshow, runs the demo on the kernel backend,
# shows them again and checks that the kernel got every byte back when the
# demo exited.  While the demo holds its DMA and PSRAM buffers it runs
# memshow -p (the demo's process and its buffers) and the map of the
# region holding the DMA buffer.  Last line: "run: PASS ..." or "run: FAIL ..."; exit status
# 0 or 1 (the host adds the kernel-log verdict).
cd "$(dirname "$0")" || exit 1

fail() {
	echo "run: FAIL — $*"
	exit 1
}

# "name N", "used N", "live N", "allocations N" per region, from memshow's
# exact-byte JSON (one line; every field is "key":value).
region_numbers() {
	# shellcheck disable=SC2020 # each of the three becomes a newline
	memshow -b --json | tr '{},' '\n\n\n' |
		sed -n 's/^"\(name\|used\|live\|allocations\)":"\{0,1\}\([^"]*\)"\{0,1\}$/\1 \2/p'
}

echo "== insmod memheap.ko $(cat /etc/memheap/params)"
memheap-load || {
	dmesg | tail -n 5
	fail "memheap.ko did not load"
}
dmesg | grep -E 'memheap( |:)' | sed 's/^\[[^]]*\] /   /'
[ -c /dev/memheap ] || fail "/dev/memheap is missing after the load"

echo
echo "== memshow (before the demo)"
memshow || fail "memshow exited $?"
before=$(region_numbers)

echo
live='memshow -p && memshow map sram --width 64'
echo "== ./demo --while-live '$live'"
./demo --while-live "$live"
demo_rc=$?

echo
echo "== memshow (after the demo exited)"
memshow || fail "memshow exited $?"
after=$(region_numbers)

[ $demo_rc -eq 0 ] || fail "the demo exited $demo_rc"
for numbers in "$before" "$after"; do
	echo "$numbers" | grep -q '^used ' || fail "memshow -b --json gave no 'used' field"
done
# Used bytes and live buffers as before; allocation counters moved.
b_used=$(echo "$before" | grep -v '^allocations ')
a_used=$(echo "$after" | grep -v '^allocations ')
[ "$b_used" = "$a_used" ] ||
	fail "the kernel did not get everything back: before [$b_used] after [$a_used]"
[ "$before" != "$after" ] || fail "memshow saw no allocation by the demo"
regions=$(echo "$after" | grep -c '^name ')
echo "run: PASS — demo passed on memheap.ko ($regions regions); every byte back in the kernel after it exited"
