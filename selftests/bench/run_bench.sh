#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmark payload: /payload/run in the rig's guest (bench-kmod).
# Loads memheap.ko with the board's regions plus the large self-backed
# regions listed in ./regions (so that 10,000 live one-page buffers fit),
# falling back to the board's parameters alone; then runs kmod_bench on
# the bench regions, or on the board's own.
cd "$(dirname "$0")" || exit 1
ko=/lib/modules/memheap.ko
extra=$(cat regions 2>/dev/null)
board=$(tr ' ' '\n' </etc/memheap/params | sed -n 's/^regions=//p')
others=$(tr ' ' '\n' </etc/memheap/params | grep -v '^regions=')
names=""
# shellcheck disable=SC2086 # $others is a list of words
if [ -n "$extra" ] && insmod "$ko" "regions=${board:+$board,}$extra" $others; then
	names=$(echo "$extra" | tr ',' '\n' | sed 's/:.*//' | tr '\n' ' ')
	echo "# bench regions loaded: $extra"
else
	echo "# bench regions could not be loaded (see the guest log); board regions only"
	/usr/sbin/memheap-load || { echo "# memheap-load failed"; exit 1; }
fi
# shellcheck disable=SC2086 # a list of region names
./kmod_bench -r "$(cat reps 2>/dev/null || echo 3000)" $names
