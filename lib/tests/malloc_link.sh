#!/bin/sh
# malloc_link: a ported ESP-IDF-style program (malloc_link/ported.c) linked
# with -lmemheap-malloc, the link-time way to make malloc/free the
# library's: free() of heap_caps_/os_/pvPort/multi_heap memory works, and
# malloc memory is heap_caps memory (for the C library's own allocations
# too).  install_check.sh builds the same program through the installed
# pkg-config module.  Environment (lib/lib.mk): LIB_OUT, LIB_PRELOAD_SO,
# CC, BASE_CFLAGS.
set -u
out="${LIB_OUT:-build/lib}"
so="${LIB_PRELOAD_SO:-$out/libmemheap-malloc.so}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/memheap-malloclink.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail() { echo "malloc_link: $*"; exit 1; }
[ -f "$so" ] || fail "missing $so (make lib builds it)"

${CC:-cc} ${BASE_CFLAGS:-} -Ilib/include -Ilib/tests lib/tests/malloc_link/ported.c \
	-L"$(dirname "$so")" -lmemheap-malloc -pthread -o "$dir/ported" ||
	fail "ported.c does not build with -lmemheap-malloc"
readelf -d "$dir/ported" | grep -q "NEEDED.*libmemheap-malloc.so\]" ||
	fail "ported does not need libmemheap-malloc.so"
LD_LIBRARY_PATH="$(dirname "$so")" "$dir/ported" >"$dir/out" 2>&1 ||
	{ cat "$dir/out"; fail "ported failed"; }
grep -q "^ported: done" "$dir/out" || { cat "$dir/out"; fail "ported did not finish"; }
# the C library's malloc is memheap's for the whole process
LD_LIBRARY_PATH="$(dirname "$so")" MEMHEAP_PRELOAD_STATS=1 "$dir/ported" >/dev/null 2>"$dir/err" ||
	fail "ported failed with statistics on"
grep -q "memheap-malloc: allocs=" "$dir/err" || { cat "$dir/err"; fail "no memheap-malloc counters"; }
echo "malloc_link: ported program ran with -lmemheap-malloc: $(grep -o 'PASS: [0-9]* checks' "$dir/out")"
exit 0
