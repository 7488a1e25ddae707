#!/bin/sh
# install_check: `make lib-install` into a temporary DESTDIR with PREFIX=/usr,
# then a program builds with only `pkg-config --cflags --libs libmemheap`
# (PKG_CONFIG_PATH / sysroot into the DESTDIR) and runs against the
# installed library; every installed header compiles alone and all of
# them together; `nm -D` shows only public symbols.
set -u
dest=$(mktemp -d "${TMPDIR:-/tmp}/memheap-install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
fail() { echo "install_check: $*"; exit 1; }
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config not installed"; exit 4; }

${MAKE:-make} -s --no-print-directory lib-install DESTDIR="$dest" PREFIX=/usr \
	BUILD="${LIB_OUT%/lib}" >"$dest.log" 2>&1 || { cat "$dest.log"; rm -f "$dest.log"; fail "make lib-install failed"; }
rm -f "$dest.log"
for f in usr/lib/libmemheap.so.${LIB_MAJOR:-1} usr/lib/libmemheap.so usr/lib/libmemheap.a \
	 usr/lib/pkgconfig/libmemheap.pc usr/include/memheap/memheap.h; do
	[ -e "$dest/$f" ] || fail "missing $f"
done

export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
cflags=$(pkg-config --cflags libmemheap) || fail "pkg-config --cflags failed"
libs=$(pkg-config --libs libmemheap) || fail "pkg-config --libs failed"
echo "pkg-config: $cflags $libs"
${CC:-cc} -std=c11 -Wall -Wextra -Werror lib/tests/install/consumer.c $cflags $libs \
	-o "$dest/consumer" || fail "consumer does not build"
LD_LIBRARY_PATH="$dest/usr/lib" MEMHEAP_BACKEND=embedded "$dest/consumer" || fail "consumer failed"
# the soname the binary asks for is the major version
readelf -d "$dest/consumer" | grep -q "NEEDED.*libmemheap.so.${LIB_MAJOR:-1}\]" ||
	fail "consumer does not need libmemheap.so.${LIB_MAJOR:-1}"

# headers: each alone, and all in one file
all="$dest/all.c"
: >"$all"
for h in $(cd "$dest/usr/include/memheap" && find . -name '*.h' | sed 's|^\./||' | sort); do
	printf '#include <%s>\nint main(void) { return 0; }\n' "$h" >"$dest/one.c"
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -c $cflags "$dest/one.c" -o "$dest/one.o" ||
		fail "header $h does not compile alone"
	printf '#include <%s>\n' "$h" >>"$all"
done
echo 'int main(void) { return 0; }' >>"$all"
${CC:-cc} -std=c11 -Wall -Wextra -Werror -c $cflags "$all" -o "$dest/all.o" ||
	fail "the headers do not compile together"

# exported symbols: public prefixes only
bad=$(nm -D --defined-only "$dest/usr/lib/libmemheap.so.${LIB_MAJOR:-1}" | awk '{print $3}' |
	sed 's/@.*//' | grep -Ev '^(os_|psram_|bk_|heap_caps_|multi_heap_|esp_|pvPort|vPort|xPort|memheap_|LIBMEMHEAP_)')
[ -z "$bad" ] || fail "non-public symbols exported: $(echo $bad)"
n=$(nm -D --defined-only "$dest/usr/lib/libmemheap.so.${LIB_MAJOR:-1}" | wc -l)
echo "install_check: $n public symbols, headers self-sufficient, consumer ran"
# libmemheap-malloc.so exports the malloc family (unversioned, so that it
# interposes on the C library's) and the public API, nothing else
if [ -f "$dest/usr/lib/libmemheap-malloc.so" ]; then
	bad=$(nm -D --defined-only "$dest/usr/lib/libmemheap-malloc.so" | awk '{print $3}' |
		grep -Ev '^(malloc|calloc|realloc|free|posix_memalign|aligned_alloc|memalign|valloc|pvalloc|malloc_usable_size)$' |
		grep -Ev '^(os_|psram_|bk_|heap_caps_|multi_heap_|esp_|pvPort|vPort|xPort|memheap_)')
	[ -z "$bad" ] || fail "libmemheap-malloc.so exports $(echo $bad)"
	nm -D --defined-only "$dest/usr/lib/libmemheap-malloc.so" | awk '{print $3}' | grep -qx free ||
		fail "libmemheap-malloc.so: free is missing or versioned"
	# a ported program built with only the installed pkg-config module:
	# free() of heap_caps memory works
	[ -f "$dest/usr/lib/pkgconfig/libmemheap-malloc.pc" ] || fail "missing libmemheap-malloc.pc"
	mcflags=$(pkg-config --cflags libmemheap-malloc) || fail "pkg-config --cflags libmemheap-malloc failed"
	mlibs=$(pkg-config --libs libmemheap-malloc) || fail "pkg-config --libs libmemheap-malloc failed"
	echo "pkg-config libmemheap-malloc: $mcflags $mlibs"
	${CC:-cc} -std=c11 -Wall -Wextra -Werror -Ilib/tests lib/tests/malloc_link/ported.c \
		$mcflags $mlibs -o "$dest/ported" || fail "ported.c does not build with libmemheap-malloc.pc"
	LD_LIBRARY_PATH="$dest/usr/lib" MEMHEAP_BACKEND=embedded "$dest/ported" >"$dest/ported.out" 2>&1 ||
		{ cat "$dest/ported.out"; fail "ported (libmemheap-malloc) failed"; }
	echo "install_check: $(tail -1 "$dest/ported.out") in ported.c linked with libmemheap-malloc"
fi
exit 0
