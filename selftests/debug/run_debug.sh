#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-debug's second boot on the debug kernel (/payload/run): kmemleak
# with the module loaded and after unload, the fault-injection pass, the
# leak check and CHECK audit, unload and reload.  See selftests/README.md.
#
# Prints "check-debug-guest: KEY VALUE" lines the host sums up (injected,
# kmemleak-loaded, kmemleak-unloaded, unclean), "check-debug-guest: step
# NAME" before each step (a run that stops shows where), and exits 1 on
# any failure.
cd "$(dirname "$0")" || exit 1
T=$PWD/tests
D=/sys/kernel/debug
KO=/lib/modules/memheap.ko
PARAMS=$(cat /etc/memheap/params)
failed=0
injected=0

say() { echo "check-debug-guest: $*"; }
fail() { echo "check-debug-guest: FAIL: $*"; failed=1; }

# ---- kmemleak -------------------------------------------------------------
# Reports only objects older than 5 s (kmemleak's minimum age), so a scan
# waits that long first; two scans, as the kernel's documentation advises
# for objects whose last reference was being moved during the first.
kmemleak_scan() {
	sleep 6
	# -1: kmemleak cannot scan (disabled: see the kernel log)
	echo scan >$D/kmemleak 2>/dev/null && echo scan >$D/kmemleak 2>/dev/null ||
		{ echo -1; return; }
	n=$(grep -c '^unreferenced object' $D/kmemleak)
	[ "$n" -eq 0 ] || sed 's/^/# kmemleak: /' $D/kmemleak >&2
	echo "$n"
}

[ -e $D/kmemleak ] || { fail "no $D/kmemleak: not the debug kernel"; exit 1; }
echo 0 >/proc/sys/kernel/kptr_restrict
[ -w $D/dma-api/all_errors ] && echo 1 >$D/dma-api/all_errors
# Boot-time objects are not ours: mark what is reported now as seen.
echo scan >$D/kmemleak && echo clear >$D/kmemleak || fail "kmemleak clear failed"

# ---- loaded: a clean workload, then a scan with the module in ------------
say "step load"
/usr/sbin/memheap-load || { fail "memheap-load failed"; exit 1; }
say "step workload"
"$T/fault_ops" ops 30 2 || fail "the workload without injection was not clean"
say "step kmemleak-loaded-workload"
n=$(kmemleak_scan)
say "kmemleak-loaded-workload $n"
[ "$n" -eq 0 ] || fail "kmemleak: $n after the workload with the module loaded"

# ---- fault injection -------------------------------------------------------
# armed: failslab and fail_page_alloc, for processes with make-it-fail set
# (task-filter) and stacks with a frame in [START, END).
TIMES=1000000
arm() {
	for a in failslab fail_page_alloc; do
		echo 0 >$D/$a/probability
		echo 1 >$D/$a/interval
		echo $TIMES >$D/$a/times
		echo 0 >$D/$a/space
		echo 1 >$D/$a/verbose
		echo Y >$D/$a/task-filter
		echo N >$D/$a/ignore-gfp-wait
		echo 32 >$D/$a/stacktrace-depth
		echo "$1" >$D/$a/require-start
		echo "$2" >$D/$a/require-end
		echo 0 >$D/$a/reject-start
		echo 0 >$D/$a/reject-end
	done
	echo N >$D/fail_page_alloc/ignore-gfp-highmem
	echo 0 >$D/fail_page_alloc/min-order
	echo 20 >$D/failslab/probability
	echo 20 >$D/fail_page_alloc/probability
}
disarm() {
	for a in failslab fail_page_alloc; do
		echo 0 >$D/$a/probability
		t=$(cat $D/$a/times)
		injected=$((injected + TIMES - t))
		echo $TIMES >$D/$a/times
	done
}
# run_faulty CMD...: CMD with make-it-fail set (inherited by its children),
# its output in a file (a write to the console must not meet a fault).
run_faulty() {
	(echo 1 >/proc/self/make-it-fail && exec "$@") >/tmp/faulty.out 2>&1
	rc=$?
	return $rc
}

hex() { printf '0x%x' "$1"; }
# Module code lives in the 128 MiB below the end of the kernel's text
# (arm64 6.1 without KASLR: module_alloc_base = _etext - MODULES_VSIZE);
# the kernel's own text starts at _text.  A frame in [_etext-128M, _text)
# is module code: during insmod memheap.ko, only memheap's.
etext=$(sed -n 's/^\([0-9a-f]*\) . _etext$/\1/p' /proc/kallsyms)
text=$(sed -n 's/^\([0-9a-f]*\) . _text$/\1/p' /proc/kallsyms)
[ -n "$etext" ] && [ -n "$text" ] || { fail "no _text/_etext in /proc/kallsyms"; exit 1; }
mod_start=$(hex $((0x$etext - 128 * 1024 * 1024)))
mod_end=$(hex $((0x$text)))

# 1. load with bad and good parameters: a load fails cleanly or succeeds
# and unloads.
say "step load-rounds"
rmmod memheap || fail "rmmod before the load rounds failed"
arm "$mod_start" "$mod_end"
bad_params="regions=x:0 regions=carve:4M@0x7e400000:nocap regions=a:1M,a:1M"
loads=0 load_ok=0
i=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	if [ $((i % 4)) -eq 0 ]; then
		set -- $bad_params
		shift $(((i / 4) % 3))
		p=$1
		run_faulty "$T/mhtool" load $KO "$p"
		out=$(cat /tmp/faulty.out)
		case $out in
		*EINVAL* | *ENOMEM* | *"Invalid argument"* | *"Cannot allocate memory"*) ;;
		ok) fail "bad parameter $p loaded"; rmmod memheap ;;
		*) fail "bad parameter $p: unclean outcome '$out'" ;;
		esac
	else
		# shellcheck disable=SC2086
		run_faulty "$T/mhtool" load $KO $PARAMS
		out=$(cat /tmp/faulty.out)
		case $out in
		ok) load_ok=$((load_ok + 1))
			rmmod memheap || fail "rmmod after a load under faults failed" ;;
		*ENOMEM* | *"Cannot allocate memory"*) ;;
		*) fail "load under faults: unclean outcome '$out'" ;;
		esac
	fi
	loads=$((loads + 1))
done
disarm
say "load-rounds $loads ok $load_ok"

# 2. operations, alone and concurrent, with faults on memheap's stacks.
/usr/sbin/memheap-load || { fail "load after the load rounds failed"; exit 1; }
set -- $(grep '^memheap ' /proc/modules)
base=$6 size=$2
[ -n "$base" ] && [ "$base" != 0x0000000000000000 ] || { fail "no memheap address in /proc/modules"; exit 1; }
arm "$base" "$(hex $((base + size)))"
say "step fault-ops"
run_faulty "$T/fault_ops" ops 150 1 || fail "fault_ops (1 thread) not clean"
sed 's/^/# /' /tmp/faulty.out
run_faulty "$T/fault_ops" ops 80 4 || fail "fault_ops (4 threads) not clean"
sed 's/^/# /' /tmp/faulty.out
disarm
say "injected $injected"

# 3. nothing held, pools intact, no leak with the module still in.
say "step audit"
"$T/fault_ops" audit || fail "audit after the fault pass"
n=$(kmemleak_scan)
say "kmemleak-loaded $n"
[ "$n" -eq 0 ] || fail "kmemleak: $n after the fault pass, module loaded"

# 4. unload, scan, reload, use, unload.
say "step unload"
rmmod memheap || fail "rmmod after the fault pass failed"
n=$(kmemleak_scan)
say "kmemleak-unloaded $n"
[ "$n" -eq 0 ] || fail "kmemleak: $n after unload"
/usr/sbin/memheap-load || fail "reload failed"
"$T/mhtool" alloc 4096 >/dev/null || fail "alloc after reload failed"
"$T/fault_ops" audit >/dev/null || fail "audit after reload"
rmmod memheap || fail "final rmmod failed"
say "done failed=$failed"
[ $failed -eq 0 ]
