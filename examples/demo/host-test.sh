#!/bin/sh
# SPDX-License-Identifier: MIT
# demo-test: the host demo (embedded backend) for each build given.
# Usage: host-test.sh DEMO...
#
# For every binary: it passes on the default layout and on a layout with
# other names and a buddy PSRAM, and says where each buffer went; it fails
# (exit 1, "demo: FAIL" naming the claim) when a claim cannot hold (no DMA
# region, a --while-live command that fails); a bad command line is exit 2
# with the usage on stderr and nothing on stdout.
set -u
[ $# -ge 1 ] || { echo "usage: host-test.sh DEMO..." >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "demo-test: FAIL: $name: $*"
	sed 's/^/    | /' "$tmp/out" "$tmp/err" | tail -n 15
}

# run NAME WANT_STATUS [ENV=VALUE...] -- ARGS: run the demo under test.
run() {
	name=$1
	want=$2
	shift 2
	env=""
	while [ "$1" != -- ]; do
		env="$env $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # $env is a list of assignments
	env MEMHEAP_BACKEND=embedded $env "$demo" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $status -ne "$want" ]; then
		bad "exit status $status, expected $want"
		return 1
	fi
	return 0
}

# has TEXT: the demo's stdout holds the fixed string TEXT.
has() {
	if grep -qF -- "$1" "$tmp/out"; then ok; else bad "no line with '$1'"; fi
}

# last TEXT: the demo's last line of stdout starts with TEXT.
last() {
	case $(tail -n 1 "$tmp/out") in
	"$1"*) ok ;;
	*) bad "last line is '$(tail -n 1 "$tmp/out")', expected '$1...'" ;;
	esac
}

for demo in "$@"; do
	v=$(basename "$(dirname "$demo")")

	if run "$v default layout" 0 --; then
		last "demo: PASS — ESP-IDF, Armino, OneOS and FreeRTOS on the embedded backend (2 regions)"
		has "heap_caps_malloc(4096, MALLOC_CAP_DMA) -> region 'sram'"
		has "psram_malloc(256 KiB) -> region 'psram'"
		has "alloc 100, 12000, 8192 -> first-fit, first-fit, buddy range"
		has "-> region 'sram'; free heap -4048 B"
		has "memheap_dev_addr says EOPNOTSUPP"
		has "Heap summary for capabilities 0x00000008:"
		has "memheap: backend embedded"
		if grep -q "FAILED" "$tmp/out"; then bad "a FAILED line in a passing run"; else ok; fi
		if [ -s "$tmp/err" ]; then bad "unexpected stderr"; else ok; fi
	fi

	layout="iram:256K:internal:8bit:32bit:default:firstfit,dmaram:128K:dma:8bit:32bit:firstfit,psram:4M:spiram:8bit:32bit:buddy"
	if run "$v other layout" 0 MEMHEAP_REGIONS=$layout --; then
		last "demo: PASS — ESP-IDF, Armino, OneOS and FreeRTOS on the embedded backend (3 regions)"
		has "heap_caps_malloc(4096, MALLOC_CAP_DMA) -> region 'dmaram'"
		has "psram_malloc(256 KiB) -> region 'psram'"
		has "pvPortMalloc(24), (1000), (3000) -> region 'iram'"
	fi

	if run "$v no DMA region" 1 MEMHEAP_REGIONS=sram:256K:internal:8bit:32bit:default,psram:1M:spiram:8bit:32bit --; then
		last "demo: FAIL — "
		has "FAILED: heap_caps_malloc(4096, MALLOC_CAP_DMA) returned a buffer"
	fi

	if run "$v failing --while-live" 1 -- --while-live 'exit 3'; then
		last "demo: FAIL — 1 of "
		has "[live]     \$ exit 3"
		has "'exit 3' exited with status 3"
	fi

	if run "$v --while-live" 0 -- --while-live 'echo live-marker'; then
		has "live-marker"
		last "demo: PASS"
	fi

	for args in "--bogus" "--while-live" "--while-live=" "extra"; do
		# shellcheck disable=SC2086 # one word each
		if run "$v bad command line '$args'" 2 -- $args; then
			if [ -s "$tmp/out" ]; then bad "stdout not empty"; else ok; fi
			if grep -q "^usage: " "$tmp/err"; then ok; else bad "no usage on stderr"; fi
		fi
	done
	if run "$v empty --while-live" 2 -- --while-live ''; then
		if grep -q "^usage: " "$tmp/err"; then ok; else bad "no usage on stderr"; fi
	fi
done

echo "demo-test: $pass passed, $fail failed ($# builds)"
[ $fail -eq 0 ]
