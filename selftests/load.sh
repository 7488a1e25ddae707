#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load and unload memheap.ko: without parameters, with the board's
# parameters, repeatedly, and with every kind of bad regions= value (the
# load fails with one clear "memheap:" line, no splat, nothing left
# loaded).  Runs before the default load; leaves the module unloaded.
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root"
	exit $KSFT_SKIP
fi
if [ ! -f "$KO" ]; then
	echo "1..0 # SKIP $KO absent"
	exit $KSFT_SKIP
fi
unload_if_loaded || { echo "1..0 # SKIP memheap loaded and cannot be removed"; exit $KSFT_SKIP; }

params=$(cat /etc/memheap/params 2>/dev/null)
regions_param=$(echo "$params" | tr ' ' '\n' | sed -n 's/^regions=//p')
# The self-backed entries alone (no @PHYS): valid on any board.
self_regions=$(echo "$regions_param" | tr ',' '\n' | grep -v @ | join_lines ,)
expected=/etc/memheap/regions.expected

# The first load taints the kernel and says so; get that out of the way
# of the one-line checks below.
insmod "$KO" >/dev/null 2>&1 && rmmod memheap

dev_mode() {
	stat -c %a "$1" 2>/dev/null
}

unload_cleanly() {
	check "rmmod succeeds" rmmod memheap
	check "module gone from /proc/modules" eval '! is_loaded'
	check "/dev/memheap removed" test ! -e /dev/memheap
}

# ---- load without parameters -------------------------------------------
t_begin "load_without_parameters"
mark noparam
check "insmod without parameters" insmod "$KO"
check "/dev/memheap appears" wait_for /dev/memheap
check "/dev/memheap is 0600" test "$(dev_mode /dev/memheap)" = 600
for p in regions file_limit low_watermark_pct; do
	check "parameter $p in sysfs" test -e /sys/module/memheap/parameters/$p
	check "parameter $p described" \
		eval "tr '\\000' '\\n' <'$KO' | grep -q '^parm=$p:.'"
done
check "file_limit defaults to 0" \
	test "$(cat /sys/module/memheap/parameters/file_limit)" = 0
check "low_watermark_pct defaults to 10" \
	test "$(cat /sys/module/memheap/parameters/low_watermark_pct)" = 10
got=$("$MHTOOL" regions)
if [ "$SCENARIO" = bare ]; then
	check "no regions without device tree and parameters" test -z "$got"
	check "ALLOC fails with ENODEV" test "$("$MHTOOL" alloc 4096)" = ENODEV
else
	want=$(awk '$6 == "dt"' "$expected")
	check "device-tree regions only" test "$got" = "$want"
	[ "$got" = "$want" ] || { echo "# got:"; echo "$got" | sed 's/^/#   /'; \
		echo "# want:"; echo "$want" | sed 's/^/#   /'; }
	check "ALLOC works" test "$("$MHTOOL" alloc 4096)" = ok
fi
unload_cleanly
check "no splat" no_splat
t_end

# ---- load with the board's parameters ----------------------------------
t_begin "load_with_board_parameters"
mark params
if [ "$SCENARIO" = bare ]; then
	# Carveouts given by address are System RAM on the bare board: only
	# the self-backed regions can load.
	check "insmod regions=$self_regions" insmod "$KO" "regions=$self_regions"
	got=$("$MHTOOL" regions | awk '{ print $2, $6 }' | join_lines ' ')
	want=$(echo "$self_regions" | tr ',' '\n' | sed 's/:.*/ self/' | join_lines ' ')
	check "self-backed regions $want" test "$got" = "$want"
else
	# shellcheck disable=SC2086 # a list of words
	check "insmod $params" insmod "$KO" $params
	got=$("$MHTOOL" regions)
	check "regions match $expected" test "$got" = "$(grep -v '^#' "$expected")"
	[ "$got" = "$(grep -v '^#' "$expected")" ] || { echo "# got:"; echo "$got" | sed 's/^/#   /'; }
fi
check "ALLOC works" test "$("$MHTOOL" alloc 4096 8bit)" = ok
unload_cleanly
check "no splat" no_splat
t_end

# ---- repeated load/unload ----------------------------------------------
t_begin "reload_cycles"
mark reload
i=0
while [ $i -lt 3 ]; do
	if [ "$SCENARIO" = bare ]; then
		check "insmod #$i" insmod "$KO" "regions=$self_regions"
	else
		# shellcheck disable=SC2086
		check "insmod #$i" insmod "$KO" $params
	fi
	check "alloc #$i" test "$("$MHTOOL" alloc 65536 8bit)" = ok
	check "rmmod #$i" rmmod memheap
	i=$((i + 1))
done
check "no splat" no_splat
t_end

# ---- bad parameters ----------------------------------------------------
# Each: one finit_module() fails, exactly one memheap line explains it,
# no splat, the module is not loaded and no device is left.  With $reason
# set (it is cleared after each call), the line must give that reason: a
# value refused for another reason than the one it was written for (as
# 5.10 once refused every carveout as "not memory") fails.
bad_load() {
	name=$1
	shift
	t_begin "bad_param_$name"
	mark "bad $name"
	out=$("$MHTOOL" load "$KO" "$@" 2>&1)
	rc=$?
	check "loading with $* fails" test $rc -ne 0
	if [ $rc -eq 0 ]; then
		rmmod memheap
	elif [ -n "$expect_errno" ]; then
		check "the error is '$expect_errno' (got: $out)" \
			eval 'echo "$out" | grep -q "$expect_errno"'
	fi
	lines=$(memheap_lines)
	count=$(echo "$lines" | grep -c .)
	if [ "$one_line" = 1 ]; then
		check "exactly one memheap line (got $count)" test "$count" -eq 1
	else
		check "a memheap line (got $count)" test "$count" -ge 1
	fi
	check "the line starts with 'memheap:'" \
		eval 'echo "$lines" | grep -q "memheap: "'
	if [ -n "$reason" ]; then
		check "the line says '$reason'" \
			eval 'echo "$lines" | grep -qF "$reason"'
	fi
	reason=""
	echo "$lines" | sed 's/^/# dmesg: /'
	check "not loaded afterwards" eval '! is_loaded'
	check "no /dev/memheap afterwards" test ! -e /dev/memheap
	check "no splat" no_splat
	t_end
}

long=abcdefghijklmnopqrstuvwxyzabcdefghij	# 36 characters
# Each bad value: EINVAL and exactly one line.
expect_errno="Invalid argument"
one_line=1
bad_load size_zero regions=z:0:dma
bad_load size_missing regions=z
bad_load size_garbage regions=z:12Q:dma
bad_load size_negative regions=z:-1M:dma
bad_load phys_garbage regions=z:1M@0xzz:dma
reason="z: address 0x000000007e400800 is not page aligned"
bad_load phys_unaligned regions=z:1M@0x7e400800:internal
# The no-map carveouts of the full board are memory the kernel knows, but
# not System RAM; on the bare board the same addresses are System RAM.
if [ "$SCENARIO" = full ]; then
	reason="b: range 0x000000007e500000+0x100000 overlaps region a"
else
	reason="a: range 0x000000007e400000+0x200000 overlaps System RAM"
fi
bad_load overlap_param_param regions=a:2M@0x7e400000:internal,b:1M@0x7e500000:internal
reason="z: range 0x0000000040000000+0x100000 overlaps System RAM"
bad_load overlap_system_ram regions=z:1M@0x40000000:internal
if [ "$SCENARIO" = full ]; then
	reason="z: range 0x000000007c000000+0x100000 overlaps region sram"
else
	reason="z: range 0x000000007c000000+0x100000 overlaps System RAM"
fi
bad_load overlap_dt_carveout regions=z:1M@0x7c000000:internal
# virt's PCIe MMIO window: an address, but no memory at all
reason="z: range 0x0000000010000000+0x100000 is not memory the kernel knows"
bad_load not_memory regions=z:1M@0x10000000:internal
reason="d: duplicate region name"
bad_load duplicate_name regions=d:1M:dma:8bit,d:1M:dma:8bit
bad_load name_too_long "regions=$long:1M:dma"
bad_load name_empty regions=:1M:dma
bad_load unknown_option regions=z:1M:dma:fast
bad_load two_algorithms regions=z:1M:dma:firstfit:buddy
bad_load two_mappings regions=z:1M:dma:cached:wc
if [ "$SCENARIO" = full ]; then
	reason="sram: duplicate region name"
	bad_load duplicate_of_dt_name regions=sram:1M:dma
fi
bad_load file_limit_garbage file_limit=lots
# Too big to back: not an invalid value, so any error and at least one
# line (the driver core may add its own probe-failure line); still no
# splat, no allocation-failure warning either.
expect_errno=""
one_line=0
bad_load self_backed_too_big regions=huge:64G:dma

# ---- the shared table of region descriptions ----------------------------
# spec/cases.txt, which lib/tests/core_spec_cases.c runs through the
# library's parser: every "bad" entry is refused with one line giving the
# table's reason; every "ok" entry passes the grammar, and a small one loads
# as exactly the region the table describes.
t_begin "spec_cases"
cases=$here/cases.txt
page=$("$MHTOOL" pagesize)
check "cases.txt in the payload" test -s "$cases"
n_ok=0
n_bad=0
while read -r verdict spec f3 f4 f5 f6; do
	case "$verdict" in ok|bad) ;; *) continue ;; esac
	mark "spec $spec"
	out=$("$MHTOOL" load "$KO" "regions=$spec" 2>&1)
	rc=$?
	got=""
	if [ $rc -eq 0 ]; then
		got=$("$MHTOOL" regions | awk -v n="${spec%%:*}" '$2 == n { print $3, $4, $5, $7 }')
		rmmod memheap
	fi
	lines=$(memheap_lines)
	if [ "$verdict" = bad ]; then
		n_bad=$((n_bad + 1))
		reason=$("$MHTOOL" spec-reason "$f3")
		check "'$spec' refused (got: $out)" test $rc -ne 0
		check "'$spec': one line with '$reason' (got: $lines)" \
			test "$(echo "$lines" | grep -cF "memheap: regions: entry 1 '$spec': $reason")" -eq 1
	elif [ "$f3" -le 2097152 ] && [ $((f3 % page)) -ne 0 ]; then
		# a grammar-valid size this kernel's page cannot hold (16 KiB)
		n_ok=$((n_ok + 1))
		check "'$spec' refused on $page-byte pages (got: $out)" test $rc -ne 0
		check "'$spec': the line says the size is not a page multiple (got: $lines)" \
			eval 'echo "$lines" | grep -q "is not a multiple of the page size"'
		echo "# kernel-specific: '$spec' refused: $f3 bytes is not a multiple of this kernel's $page-byte page"
	elif [ "$f3" -le 2097152 ]; then
		n_ok=$((n_ok + 1))
		check "'$spec' loads (got: $out $lines)" test $rc -eq 0
		check "'$spec' is '$f4 $f5 $f6 $f3' (got '$got')" test "$got" = "$f4 $f5 $f6 $f3"
	else
		# too large to back on this board: it may fail, but not in the grammar
		n_ok=$((n_ok + 1))
		check "'$spec' passes the grammar (got: $lines)" \
			eval '! echo "$lines" | grep -q "memheap: regions: entry"'
	fi
done <"$cases"
echo "# spec_cases: $n_ok accepted, $n_bad refused"
check "both kinds of case ran" test $n_ok -ge 10 -a $n_bad -ge 10
check "not loaded afterwards" eval '! is_loaded'
check "no splat" no_splat
t_end

t_finish
