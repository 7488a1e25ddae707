#!/bin/sh
# Runs lib tests: each argument is a test program, an example program
# (.../examples/FAMILY/NAME, compared with lib/examples/FAMILY/NAME.expected
# when that file exists) or a shell test (*.sh).  Exit status 0 = pass,
# 4 = skip, anything else = fail.  Prints one line per test and a summary;
# the output of a failed test is shown in full.
# Environment from lib/lib.mk: LIB_OUT, LIB_SO, LIB_PRELOAD_SO, CC, ...
set -u
pass=0; fail=0; skip=0; failed=""
log=$(mktemp "${TMPDIR:-/tmp}/memheap-libtest.XXXXXX")
trap 'rm -f "$log" "$log.out"' EXIT

for t in "$@"; do
	case "$t" in
	*.sh) name="sh/$(basename "$t")"; sh "$t" >"$log" 2>&1; rc=$? ;;
	*/examples/*)
		name="${t#"${LIB_OUT:-build/lib}"/}"
		"$t" >"$log.out" 2>"$log"; rc=$?
		src="lib/examples/${t#*/examples/}"
		if [ $rc -eq 0 ] && [ -f "$src.expected" ] && \
		   ! diff -u "$src.expected" "$log.out" >>"$log" 2>&1; then
			echo "stdout differs from $src.expected" >>"$log"
			rc=1
		fi
		cat "$log.out" >>"$log" ;;
	*)	name="${t#"${LIB_OUT:-build/lib}"/}"; "$t" >"$log" 2>&1; rc=$? ;;
	esac
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name" ;;
	4) skip=$((skip + 1)); echo "SKIP $name: $(grep -m1 SKIP "$log" || true)" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log" ;;
	esac
done
echo "lib-test: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "lib-test: FAILED:$failed"; exit 1; }
