#!/bin/sh
# make check-kernels: memheap.ko on every kernel of the matrix.
#
# For each kernel (default: 5.10 6.1 6.12 6.12-rt 6.12-16k sid):
#   fetch    scripts/fetch-kernel.sh (versions resolved from the archive)
#   lint     make kmod-w1-sparse KERNEL=k: W=1 and sparse C=2, zero findings,
#            and checkpatch --strict (kernel-independent: run once)
#   rig      make qemu-rig-test KERNEL=k: the rig's own checks on that kernel
#   suite    make selftests-qemu KERNEL=k: the whole guest suite, full and
#            bare scenarios, with the kernel's debug boot options
# then prints a table  kernel | abi | lint | rig | pass | fail | skip | splats
# with every skipped test and every kernel-specific outcome a test asserts
# (lines with "kernel-specific:") named with its reason, and ends with
#   check-kernels: N passed, M failed       (N, M = kernels)
#
# Usage: check-kernels.sh MAKE BUILD [KERNEL...]
# Logs: BUILD/check-kernels/<kernel>.{fetch,lint,rig,suite}.log
set -u

make=${1:?usage: check-kernels.sh MAKE BUILD [KERNEL...]}
build=${2:?usage: check-kernels.sh MAKE BUILD [KERNEL...]}
shift 2
kernels=${*:-5.10 6.1 6.12 6.12-rt 6.12-16k sid}
# per boot; the suite with slub_debug on a loaded 2-core machine needs
# more than the rig's default 300 s
timeout=${CHECK_KERNELS_TIMEOUT:-1500}
here=$(cd "$(dirname "$0")/.." && pwd)
logs="$build/check-kernels"
mkdir -p "$logs"
table="$logs/table"
skips="$logs/skips"
: >"$table"
: >"$skips"

npass=0
nfail=0
elapsed() { echo $(($(date +%s) - $1)); }

cp_status=ok
$make --no-print-directory kmod-checkpatch >"$logs/checkpatch.log" 2>&1 || cp_status=FAIL
echo "check-kernels: checkpatch --strict: $cp_status"

for k in $kernels; do
	t0=$(date +%s)
	result=ok
	abi="-" lint="-" rig="-" pass="-" fail="-" skip="-" splats="-"
	if ! $make --no-print-directory kernel-fetch KERNEL="$k" >"$logs/$k.fetch.log" 2>&1; then
		result="FAIL (fetch: see $logs/$k.fetch.log)"
	else
		if [ "$k" = 6.1 ]; then kout="$build/kernel"; else kout="$build/kernels/$k"; fi
		abi=$(cat "$kout/abi")
		lint=$cp_status
		$make --no-print-directory kmod-w1-sparse KERNEL="$k" >"$logs/$k.lint.log" 2>&1 ||
			lint=FAIL
		if [ "$lint" = ok ] && grep -q '^kmod-lint: SKIP' "$logs/$k.lint.log"; then
			lint=W=1
			sed -n "s/^kmod-lint: SKIP /  $k lint: SKIP /p" "$logs/$k.lint.log" >>"$skips"
		fi
		case $lint in ok | W=1) ;; *) result=FAIL ;; esac
		$make --no-print-directory qemu-rig-test KERNEL="$k" >"$logs/$k.rig.log" 2>&1 ||
			result=FAIL
		rig=$(sed -n 's/^rig-test: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' \
			"$logs/$k.rig.log" | awk '{ print $1 "/" $1 + $2 }')
		[ -n "$rig" ] || rig=FAIL
		$make --no-print-directory selftests-qemu KERNEL="$k" QEMU_TIMEOUT="$timeout" \
			>"$logs/$k.suite.log" 2>&1 ||
			result=FAIL
		pass=0 fail=0 skip=0 splats=0
		for s in full bare; do
			if [ "$k" = 6.1 ]; then d="$build/selftests/qemu/$s"; else d="$build/selftests/qemu-$k/$s"; fi
			tot=$(sed -n 's/^# totals: pass \([0-9]*\) fail \([0-9]*\) skip \([0-9]*\)$/\1 \2 \3/p' \
				"$d/results.log" 2>/dev/null | tail -n1)
			if [ -z "$tot" ]; then
				fail=$((fail + 1))	# the run did not end: counted as a failure
				result=FAIL
			else
				set -- $tot
				pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
			fi
			n=$("$here/qemu/splat-scan.sh" "$d/guest.log" 2>/dev/null | wc -l)
			splats=$((splats + n))
			# every skip with the reason the test gave, and every outcome
			# a test expects only on some kernels ("kernel-specific:")
			grep -a -E '^ *(ok [0-9]+ .*# SKIP|# SKIP|#.*SKIP)|kernel-specific:' \
				"$d/results.log" 2>/dev/null |
				sed -e 's/^.*kernel-specific: /kernel-specific: /' -e "s/^/  $k $s: /" >>"$skips"
		done
		[ "$fail" -eq 0 ] && [ "$splats" -eq 0 ] || result=FAIL
		case $result in FAIL) result="FAIL (logs: $logs/$k.*.log)" ;; esac
	fi
	case $result in
	ok) npass=$((npass + 1)) ;;
	*) nfail=$((nfail + 1)) ;;
	esac
	printf '%-9s| %-26s| %-5s| %-7s| %5s | %4s | %4s | %6s | %s (%s s)\n' \
		"$k" "$abi" "$lint" "$rig" "$pass" "$fail" "$skip" "$splats" "$result" \
		"$(elapsed "$t0")" | tee -a "$table"
done

echo
echo "check-kernels: results (pass/fail/skip: guest tests, full + bare scenarios)"
printf '%-9s| %-26s| %-5s| %-7s| %5s | %4s | %4s | %6s | %s\n' \
	kernel abi lint rig pass fail skip splats result
cat "$table"
if [ -s "$skips" ]; then
	echo "check-kernels: skipped tests and kernel-specific outcomes, with the reason each gave:"
	cat "$skips"
else
	echo "check-kernels: no test skipped and no kernel-specific outcome on any kernel"
fi
[ "$cp_status" = ok ] || echo "check-kernels: checkpatch findings (see $logs/checkpatch.log)"
echo "check-kernels: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
