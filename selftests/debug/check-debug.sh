#!/bin/sh
# make check-debug: memheap.ko on the debug kernel (KASAN, KFENCE, lockdep,
# kmemleak, UBSAN, DEBUG_PAGEALLOC, DMA-API debug, fault injection; built
# from linux-source-6.1 by scripts/build-debug-kernel.sh, cached outside
# the clone).
#
#   1. the kernel: cached, or built (cold: about 30 min on 2 cores)
#   2. the whole guest suite (make selftests-qemu KERNEL=debug)
#   3. a second boot (selftests/debug/run_debug.sh): kmemleak with the module
#      loaded and after unload, the fault-injection pass (failslab and
#      fail_page_alloc, for the test process and memheap.ko's stacks) over
#      loads with bad and good parameters, alloc/map/export, lifetime,
#      netlink and concurrent use; then audit (nothing held, CHECK clean),
#      unload, reload
# and ends with
#   check-debug: PASS — N tests, 0 splats, 0 kmemleak reports, K injected faults
# (or FAIL — ...).  A splat is any line of selftests/qemu/splat-patterns in
# either boot's kernel log; the FAULT_INJECTION notices the pass provokes
# match none of them (verbose=1: no stack dump), so nothing hides a splat.
#
# Usage: check-debug.sh MAKE BUILD
set -u
make=${1:?usage: check-debug.sh MAKE BUILD}
build=${2:?usage: check-debug.sh MAKE BUILD}
here=$(cd "$(dirname "$0")/.." && pwd)
logs="$build/check-debug"
mkdir -p "$logs"
verdict=PASS
why=""
no() { verdict=FAIL; why="$why; $*"; echo "check-debug: $*"; }

t0=$(date +%s)
if ! $make --no-print-directory kernel-fetch KERNEL=debug >"$logs/kernel.log" 2>&1; then
	tail -n 20 "$logs/kernel.log"
	echo "check-debug: FAIL — the debug kernel could not be built (see $logs/kernel.log)"
	exit 1
fi
t1=$(date +%s)
echo "check-debug: kernel $(cat "$build/kernels/debug/abi") ready in $((t1 - t0)) s ($(tail -n1 "$logs/kernel.log"))"

# 2. the guest suite
$make --no-print-directory selftests-qemu KERNEL=debug QEMU_TIMEOUT=1800 \
	>"$logs/suite.log" 2>&1 || no "guest suite failed (see $logs/suite.log)"
t2=$(date +%s)
tests=0 splats=0
for s in full bare; do
	d="$build/selftests/qemu-debug/$s"
	tot=$(sed -n 's/^# totals: pass \([0-9]*\) fail \([0-9]*\) skip \([0-9]*\)$/\1 \2 \3/p' \
		"$d/results.log" 2>/dev/null | tail -n1)
	if [ -n "$tot" ]; then
		set -- $tot
		tests=$((tests + $1 + $2 + $3))
		[ "$2" -eq 0 ] || no "$2 guest tests failed ($s)"
	else
		no "the $s run did not finish"
	fi
	n=$("$here/qemu/splat-scan.sh" "$d/guest.log" 2>/dev/null | wc -l)
	splats=$((splats + n))
done
echo "check-debug: guest suite: $tests tests, $splats splat lines, $((t2 - t1)) s"

# 3. kmemleak, fault injection, audit, unload, reload
$make --no-print-directory check-debug-payload KERNEL=debug >"$logs/payload.log" 2>&1 ||
	no "payload build failed (see $logs/payload.log)"
$make --no-print-directory qemu-run KERNEL=debug PAYLOAD="$build/debug/payload" \
	QEMU_TIMEOUT=1800 >"$logs/faults.log" 2>&1 || no "fault pass failed (see $logs/faults.log)"
t3=$(date +%s)
res="$build/qemu-debug/full/results.log"
grep -a '^check-debug-guest:' "$res" 2>/dev/null | sed 's/^/  /'
val() { sed -n "s/^check-debug-guest: $1 \\(-\\{0,1\\}[0-9]*\\).*/\\1/p" "$res" 2>/dev/null | tail -n1; }
injected=$(val injected)
leaks=0
for k in kmemleak-loaded-workload kmemleak-loaded kmemleak-unloaded; do
	v=$(val $k)
	if [ -z "$v" ] || [ "$v" -lt 0 ]; then
		no "no kmemleak result '$k'"
	else
		leaks=$((leaks + v))
	fi
done
[ -n "$injected" ] || { injected=0; no "no fault count from the fault pass"; }
[ "$injected" -ge 100 ] || no "only $injected faults injected (want hundreds)"
grep -aq '^check-debug-guest: done failed=0$' "$res" 2>/dev/null || no "the fault pass reported failures"
n=$("$here/qemu/splat-scan.sh" "$build/qemu-debug/full/guest.log" 2>/dev/null | wc -l)
splats=$((splats + n))
[ "$splats" -eq 0 ] || no "$splats splat lines"
[ "$leaks" -eq 0 ] || no "$leaks kmemleak reports"
echo "check-debug: fault pass and leak checks: $((t3 - t2)) s; total $((t3 - t0)) s"
echo "check-debug: $verdict — $tests tests, $splats splats, $leaks kmemleak reports, $injected injected faults"
[ "$verdict" = PASS ]
