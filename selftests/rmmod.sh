#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# rmmod is refused while anything still refers to the module (an open
# file, a mapping whose file is closed, a dma-buf whose file is closed),
# and is clean once the last reference is gone.  Runs last: expects the
# module loaded with the board's parameters and leaves it unloaded.
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root"
	exit $KSFT_SKIP
fi
if ! is_loaded || [ ! -e /dev/memheap ]; then
	echo "1..0 # SKIP memheap not loaded"
	exit $KSFT_SKIP
fi

ready=/tmp/mhtool.ready

# "refused_while KIND": a holder process keeps KIND alive; rmmod must fail.
refused_while() {
	t_begin "rmmod_refused_while_$1"
	mark "hold $1"
	rm -f "$ready"
	"$MHTOOL" hold "$1" "$ready" &
	holder=$!
	if check "holder set up" wait_for "$ready" $holder; then
		check "rmmod refused" eval '! rmmod memheap 2>/dev/null'
		check "still loaded" is_loaded
		check "device still there" test -e /dev/memheap
	fi
	kill -9 $holder 2>/dev/null
	wait $holder 2>/dev/null
	check "no splat" no_splat
	t_end
}

refused_while fd
refused_while map
refused_while dmabuf

t_begin "rmmod_refused_while_shell_holds_device"
mark shell
exec 3<>/dev/memheap
check "rmmod refused" eval '! rmmod memheap 2>/dev/null'
check "still loaded" is_loaded
exec 3>&-
check "no splat" no_splat
t_end

t_begin "rmmod_clean_after_last_user"
mark last
check "rmmod succeeds" rmmod memheap
check "module gone" eval '! is_loaded'
check "/dev/memheap removed" test ! -e /dev/memheap
check "sysfs module directory removed" test ! -e /sys/module/memheap
check "no splat" no_splat
t_end

# The unload path frees self-backed regions (dma_alloc_pages memory): with
# DMA-API debugging an unchecked mapping is reported there.
t_begin "reload_after_use"
mark reload
if [ -x /usr/sbin/memheap-load ]; then
	check "memheap-load" /usr/sbin/memheap-load
	check "a self-backed region is loaded" eval \
		'"$MHTOOL" regions | grep -q " self [0-9]*\$"'
	check "ALLOC works" test "$("$MHTOOL" alloc 8192 8bit)" = ok
	check "ALLOC in a DMA region works" test "$("$MHTOOL" alloc 8192 dma)" = ok
	check "rmmod succeeds" rmmod memheap
	check "no splat" no_splat
	check "no DMA-API report" eval '! since_mark | grep -q "DMA-API"'
	t_end
else
	t_skip "reload_after_use" "no memheap-load"
fi

t_finish
