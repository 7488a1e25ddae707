#!/bin/sh
# ok and ko always succeed: "test && ok || ko" is an if-then-else here.
# shellcheck disable=SC2015
# `make install` into temporary DESTDIRs: the exact file list (library with
# its soname link, headers, pc file, memshow, man pages with one link page
# per exported function, udev rule, sysusers group, modprobe example),
# then that the installed pieces work: a program built with the installed
# pc file and headers runs against the installed library, every header
# compiles alone, man finds and renders the pages, memshow runs, the
# sysusers file creates the group; BINDIR/MANDIR/PREFIX/LIBDIR overrides
# land where asked; a second install changes nothing; one version (VERSION)
# in pkg-config, memshow -V and the soname; an ldconfig hint; uninstall
# removes every file.
# Usage: install-test.sh MAKE WORKDIR   (from the repository root)
set -u
make=$1 work=$2
fail=0
ok() { echo "PASS install: $1"; }
ko() { echo "FAIL install: $1"; fail=1; }

rm -rf "$work"
mkdir -p "$work"
d=$work/usr-root
log=$work/make.log
run_install() { # DESTDIR [VAR=VALUE...]
	dest=$1
	shift
	$make --no-print-directory install DESTDIR="$dest" "$@" >>"$log" 2>&1
}
tree() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }

if run_install "$d" PREFIX=/usr; then ok "make install DESTDIR=... PREFIX=/usr"
else cat "$log"; ko "make install failed"; exit 1; fi

# ---- the file list ---------------------------------------------------------
lib=$d/usr/lib/libmemheap.so.1
funcs=$(nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
[ "$(echo "$funcs" | grep -c .)" -gt 50 ] || ko "too few exported functions in $lib"
{
	echo usr/lib/libmemheap.so.1
	echo usr/lib/libmemheap.so
	echo usr/lib/libmemheap.a
	ls lib/preload/*.c >/dev/null 2>&1 && echo usr/lib/libmemheap-malloc.so &&
		echo usr/lib/pkgconfig/libmemheap-malloc.pc
	echo usr/lib/pkgconfig/libmemheap.pc
	(cd lib/include && find . -name '*.h' | sed 's|^\./|usr/include/memheap/|')
	echo usr/bin/memshow
	for p in docs/man/man*/*.[1-9]; do
		echo "usr/share/man/${p#docs/man/}"
	done
	for f in $funcs; do echo "usr/share/man/man3/$f.3"; done
	echo usr/lib/udev/rules.d/60-memheap.rules
	echo usr/lib/sysusers.d/memheap.conf
	echo usr/share/doc/memheap/examples/modprobe.d/memheap.conf
} | sort -u >"$work/expected"
tree "$d" >"$work/installed"
if cmp -s "$work/expected" "$work/installed"; then
	ok "file list: $(wc -l <"$work/installed") files as expected"
else
	ko "file list differs (- expected, + installed):"
	diff -u "$work/expected" "$work/installed" | sed -n 's/^[-+][^-+]/  &/p'
fi

# ---- the library -------------------------------------------------------------
[ "$(readlink "$d/usr/lib/libmemheap.so")" = libmemheap.so.1 ] &&
	ok "libmemheap.so -> libmemheap.so.1" || ko "libmemheap.so is not a link to libmemheap.so.1"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libmemheap.so.1 ] && ok "SONAME $soname" || ko "SONAME '$soname'"
modes=$(stat -c '%a %n' "$lib" "$d/usr/bin/memshow" "$d/usr/lib/libmemheap.a" \
	"$d/usr/lib/udev/rules.d/60-memheap.rules" | sed "s|$d/||")
[ "$modes" = "755 usr/lib/libmemheap.so.1
755 usr/bin/memshow
644 usr/lib/libmemheap.a
644 usr/lib/udev/rules.d/60-memheap.rules" ] && ok "modes 755/644" || ko "modes: $modes"

pc() { PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_LIBDIR=$d/usr/lib/pkgconfig pkg-config "$@" libmemheap; }
cflags=$(pc --cflags | sed "s/ *$//") libs=$(pc --libs)
[ "$cflags" = "-I$d/usr/include/memheap" ] && ok "pkg-config --cflags" || ko "pkg-config --cflags: '$cflags'"
grep -qx 'prefix=/usr' "$d/usr/lib/pkgconfig/libmemheap.pc" &&
	ok "pc file prefix=/usr" || ko "pc file: $(grep '^prefix=' "$d/usr/lib/pkgconfig/libmemheap.pc")"

hdr_fail=""
for h in $(cd lib/include && find . -name '*.h' | sed 's|^\./||'); do
	# shellcheck disable=SC2086
	printf '#include <%s>\n' "$h" | cc -std=c11 -Wall -Wextra -Werror -fsyntax-only \
		$cflags -x c - 2>"$work/hdr.err" || hdr_fail="$hdr_fail $h"
done
[ -z "$hdr_fail" ] && ok "every installed header compiles alone" || ko "headers that do not compile alone:$hdr_fail"

cat >"$work/prog.c" <<'PROG'
#include <stdio.h>
#include <string.h>
#include <esp_heap_caps.h>
#include <FreeRTOS.h>
#include <memheap.h>
int main(void)
{
	char *a = heap_caps_malloc(100, MALLOC_CAP_8BIT);
	char *b = pvPortMalloc(64);

	if (!a || !b)
		return 1;
	memset(a, 1, 100);
	printf("backend %s\n", memheap_backend());
	heap_caps_free(a);
	vPortFree(b);
	return 0;
}
PROG
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror $cflags "$work/prog.c" $libs -o "$work/prog" 2>"$work/cc.err"; then
	out=$(LD_LIBRARY_PATH=$d/usr/lib "$work/prog" 2>&1) &&
		ok "program built with the installed pc file runs ($out)" ||
		ko "installed program failed: $out"
	ldd_line=$(LD_LIBRARY_PATH=$d/usr/lib ldd "$work/prog" | grep libmemheap)
	case $ldd_line in *"$d/usr/lib/libmemheap.so.1"*) ok "linked against the installed libmemheap.so.1" ;;
	*) ko "ldd: $ldd_line" ;; esac
else
	ko "cannot build against the install: $(cat "$work/cc.err")"
fi

# ---- memshow and the man pages ---------------------------------------------------
v=$("$d/usr/bin/memshow" --version 2>&1) && ok "memshow --version: $v" || ko "memshow --version: $v"
mandir=$d/usr/share/man
missing=""
for f in $funcs; do
	page=$(man -M "$mandir" -w "$f" 2>/dev/null) || { missing="$missing $f"; continue; }
	case $page in "$mandir/man3/"*) ;; *) missing="$missing $f" ;; esac
done
[ -z "$missing" ] && ok "man -w finds a page for each of the $(echo "$funcs" | wc -l) exported functions" ||
	ko "no man page for:$missing"
for name in heap_caps_malloc multi_heap_malloc os_malloc os_memheap_alloc pvPortMalloc memheap_alloc; do
	txt=$(MANWIDTH=80 man --warnings -M "$mandir" 3 "$name" 2>"$work/man.err" | col -b)
	if [ -s "$work/man.err" ]; then ko "man $name warns: $(cat "$work/man.err")"
	elif printf '%s' "$txt" | grep -q "$name *("; then ok "man 3 $name renders the family page with its synopsis"
	else ko "man 3 $name does not show $name("; fi
done
for sp in "4 memheap" "7 memheap" "8 memshow"; do
	# shellcheck disable=SC2086
	MANWIDTH=80 man --warnings -M "$mandir" $sp >/dev/null 2>"$work/man.err" && [ ! -s "$work/man.err" ] &&
		ok "man $sp" || ko "man $sp: $(cat "$work/man.err")"
done

# ---- udev group --------------------------------------------------------------
sysroot=$work/sysusers-root
mkdir -p "$sysroot/etc"
if systemd-sysusers --root="$sysroot" "$d/usr/lib/sysusers.d/memheap.conf" 2>"$work/sysusers.err"; then
	gid=$(awk -F: '$1 == "memheap" { print $3 }' "$sysroot/etc/group")
	[ -n "$gid" ] && [ "$gid" -lt 1000 ] && ok "systemd-sysusers creates system group memheap (gid $gid)" ||
		ko "no system group memheap in $sysroot/etc/group"
else
	ko "systemd-sysusers: $(cat "$work/sysusers.err")"
fi

# ---- again: nothing changes -----------------------------------------------------
find "$d" -exec stat -c '%n %s %a %N' {} + | sort >"$work/before"
run_install "$d" PREFIX=/usr || ko "second install failed"
find "$d" -exec stat -c '%n %s %a %N' {} + | sort >"$work/after"
cmp -s "$work/before" "$work/after" && ok "a second install leaves the same tree" ||
	ko "second install changed: $(diff "$work/before" "$work/after" | head -5)"

# ---- one version ----------------------------------------------------------------
want=$(cat VERSION)
pcv=$(pc --modversion)
mv=$("$d/usr/bin/memshow" -V 2>&1 | awk '{ print $2 }')
[ "$pcv" = "$want" ] && [ "$mv" = "$want" ] && [ "$soname" = "libmemheap.so.${want%%.*}" ] &&
	ok "one version $want: pkg-config, memshow -V and the soname agree" ||
	ko "versions: VERSION $want, pkg-config $pcv, memshow -V $mv, soname $soname"
grep -q "run ldconfig (as root)" "$log" && ok "install says to run ldconfig" ||
	ko "no ldconfig hint in the install output"

# ---- uninstall removes every file install wrote -----------------------------------
u=$work/uninstall-root
if run_install "$u" PREFIX=/usr/local && \
	$make --no-print-directory uninstall DESTDIR="$u" PREFIX=/usr/local >>"$log" 2>&1; then
	left=$(tree "$u")
	[ -z "$left" ] && ok "make uninstall removes all it installed" ||
		ko "make uninstall left: $(echo "$left" | head -5)"
else
	ko "make install/uninstall PREFIX=/usr/local failed (see $log)"
fi

# ---- LIBDIR: the library, the pc file and its libdir go there ---------------------
m=$work/multiarch-root
if run_install "$m" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu; then
	[ -e "$m/usr/lib/x86_64-linux-gnu/libmemheap.so.1" ] &&
	grep -qx 'libdir=/usr/lib/x86_64-linux-gnu' "$m/usr/lib/x86_64-linux-gnu/pkgconfig/libmemheap.pc" &&
		ok "LIBDIR=/usr/lib/x86_64-linux-gnu: library and pc file there, pc libdir says so" ||
		ko "LIBDIR override: $(tree "$m" | grep -e '\.pc$' -e 'so\.1$')"
	$make --no-print-directory uninstall DESTDIR="$m" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu >>"$log" 2>&1
	[ -z "$(tree "$m")" ] && ok "uninstall with the same LIBDIR removes it all" ||
		ko "uninstall LIBDIR left: $(tree "$m" | head -3)"
else
	ko "LIBDIR install failed (see $log)"
fi

# ---- overrides ---------------------------------------------------------------------
o=$work/opt-root
fail_before=$fail
if run_install "$o" PREFIX=/opt/memheap BINDIR=/opt/memheap/sbin MANDIR=/opt/memheap/man; then
	for f in opt/memheap/sbin/memshow opt/memheap/man/man8/memshow.8 \
		opt/memheap/man/man3/heap_caps_malloc.3 opt/memheap/lib/libmemheap.so.1 \
		opt/memheap/include/memheap/memheap.h opt/memheap/lib/udev/rules.d/60-memheap.rules; do
		[ -e "$o/$f" ] || ko "override install: no $f"
	done
	grep -qx 'prefix=/opt/memheap' "$o/opt/memheap/lib/pkgconfig/libmemheap.pc" ||
		ko "override install: pc file says $(grep '^prefix=' "$o/opt/memheap/lib/pkgconfig/libmemheap.pc")"
	! tree "$o" | grep -qv '^opt/memheap/' || ko "override install wrote outside /opt/memheap"
	[ "$fail" = "$fail_before" ] && ok "PREFIX=/opt/memheap BINDIR=.../sbin MANDIR=.../man land there"
else
	ko "override install failed (see $log)"
fi
exit $fail
