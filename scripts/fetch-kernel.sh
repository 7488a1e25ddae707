#!/bin/sh
# Fetch one kernel of memheap's matrix into OUT, ready for cross-building
# the module and booting the QEMU board.  Nothing is installed on the host.
#
# Usage: scripts/fetch-kernel.sh NAME OUT
#   NAME   suite / metapackages                         notes
#   6.1    bookworm       linux-{image,headers}-arm64      scripts/fetch-arm64-kernel.sh
#   5.10   bullseye       linux-{image,headers}-arm64      headers want gcc-10: CC= given
#   6.12   bookworm-backports linux-{image,headers}-arm64
#   6.12-rt  bookworm-backports linux-{image,headers}-rt-arm64  PREEMPT_RT
#   6.12-16k bookworm-backports linux-{image,headers}-arm64-16k 16 KiB pages
#   sid    sid            linux-{image,headers}-arm64      build tree prepared from
#                                                          linux-source-<x.y> (below)
#   debug  scripts/build-debug-kernel.sh (linux-source-6.1, debug config)
#
# Every ABI and version is resolved from the archive each time the lists
# are refreshed (the metapackages' dependencies), never written down here.
# Each suite has its own apt lists directory under OUT/apt/, so the host's
# apt state is untouched; the mirror is the one the host's apt uses
# (MEMHEAP_DEBIAN_MIRROR overrides it).
#
# OUT gets the layout of scripts/fetch-arm64-kernel.sh:
#   abi, version, vmlinuz, modules/ (plain .ko, decompressed), kdir,
#   busybox and root/ (bookworm's arm64 user space, linked from BUILD/kernel,
#   the 6.1 fetch), kroot/ (this kernel's unpacked packages),
#   make-args (extra make variables for module builds, may be empty),
#   cmdline (debug options for every boot: slub_debug=FZPU init_on_free=1,
#   page_poison=1 and kfence.sample_interval=100 where the kernel has them).
#
# sid: its linux-kbuild binaries need a newer glibc than Debian 12's, so
# the build tree is made from sid's own linux-source-<x.y>: the image's
# config, olddefconfig and modules_prepare with the project's cross gcc,
# Module.symvers from linux-headers-<abi>, and the image's release string
# as kernel.release / UTS_RELEASE so the module's vermagic matches.
#
# Re-run is cheap: with a complete OUT it does nothing unless
# MEMHEAP_REFRESH_KERNEL=1.
set -eu

[ $# -eq 2 ] || { echo "usage: fetch-kernel.sh NAME OUT" >&2; exit 2; }
name=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
cross=aarch64-linux-gnu-

die() { echo "fetch-kernel $name: $*" >&2; exit 1; }
say() { echo "fetch-kernel $name: $*"; }

# The user-space half (busybox, libnl) always comes from bookworm's fetch.
base=$(dirname "$(dirname "$out")")/kernel
case $name in
6.1) exec "$here/fetch-arm64-kernel.sh" "$out" ;;
debug)
	"$here/fetch-arm64-kernel.sh" "$base"
	"$here/build-debug-kernel.sh" "$out"
	ln -sfn "$(cd "$base" && pwd)/busybox" "$out/busybox"
	ln -sfn "$(cd "$base" && pwd)/root" "$out/root"
	: >"$out/make-args"
	: >"$out/cmdline"	# the debug options are built in
	exit 0 ;;
5.10) suite=bullseye image_meta=linux-image-arm64 headers_meta=linux-headers-arm64 ;;
6.12) suite=bookworm-backports image_meta=linux-image-arm64 headers_meta=linux-headers-arm64 ;;
6.12-rt) suite=bookworm-backports image_meta=linux-image-rt-arm64 headers_meta=linux-headers-rt-arm64 ;;
6.12-16k) suite=bookworm-backports image_meta=linux-image-arm64-16k headers_meta=linux-headers-arm64-16k ;;
sid) suite=sid image_meta=linux-image-arm64 headers_meta=linux-headers-arm64 ;;
*) die "unknown kernel (5.10 6.1 6.12 6.12-rt 6.12-16k sid debug)" ;;
esac

if [ -f "$out/.complete" ] && [ "${MEMHEAP_REFRESH_KERNEL:-0}" != 1 ]; then
	exit 0
fi
# Several kernels may be fetched at once: one fetch of the base at a time.
mkdir -p "$base"
(flock 8; "$here/fetch-arm64-kernel.sh" "$base") 8>"$base.lock" || exit 1
base=$(cd "$base" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/.complete"

mirror=${MEMHEAP_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '$1 == "URIs:" { for (i = 2; i <= NF; i++)
			if ($i ~ /\/debian\/?$/) { print $i; exit } }')
fi
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list 2>/dev/null |
		awk '$1 == "deb" { for (i = 2; i <= NF; i++)
			if ($i ~ /\/debian\/?$/) { print $i; exit } }')
fi
[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources (set MEMHEAP_DEBIAN_MIRROR)"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# apt_for ARCH: apt options for SUITE and ARCH with private state.
apt_dir() { echo "$out/apt/$1"; }
apt_opts() {
	d=$(apt_dir "$1")
	echo "-o APT::Architecture=$1 -o APT::Architectures=$1" \
		"-o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache" \
		"-o Dir::State::Status=/dev/null -o Dir::Etc::SourceList=$d/sources.list" \
		"-o Dir::Etc::SourceParts=/dev/null -o APT::Get::List-Cleanup=0"
}
# shellcheck disable=SC2046
xapt() { a=$1; shift; apt-get -q $(apt_opts "$a") "$@"; }
# shellcheck disable=SC2046
xcache() { a=$1; shift; apt-cache $(apt_opts "$a") "$@"; }

for arch in arm64 amd64; do
	d=$(apt_dir $arch)
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	echo "deb [signed-by=$keyring] $mirror $suite main" >"$d/sources.list"
done
host_arch=$(dpkg --print-architecture)
[ "$host_arch" = amd64 ] || [ "$name" = sid ] ||
	die "the kbuild helpers are fetched for amd64 hosts only (host: $host_arch)"

say "refreshing the $suite package lists"
xapt arm64 update >"$out/apt/update.log" 2>&1 ||
	die "apt-get update ($suite, arm64) failed (see $out/apt/update.log)"
if [ "$name" != sid ]; then
	xapt amd64 update >>"$out/apt/update.log" 2>&1 ||
		die "apt-get update ($suite, amd64) failed (see $out/apt/update.log)"
fi

dep_of() {
	xcache arm64 depends "$1" 2>/dev/null |
		sed -n "s/^ *Depends: \($2\)\$/\1/p" | head -n1
}
image_pkg=$(dep_of "$image_meta" 'linux-image-[0-9][^ ]*')
headers_pkg=$(dep_of "$headers_meta" 'linux-headers-[0-9][^ ]*')
[ -n "$image_pkg" ] || die "cannot resolve the image from $image_meta"
[ -n "$headers_pkg" ] || die "cannot resolve the headers from $headers_meta"
abi=${headers_pkg#linux-headers-}
case $image_pkg in
linux-image-"$abi" | linux-image-"$abi"-unsigned) ;;
*) die "image $image_pkg and headers $headers_pkg disagree on the ABI" ;;
esac
version=$(xcache arm64 show "$headers_pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
[ -n "$version" ] || die "no version for $headers_pkg"
# The headers' own dependencies name the -common tree and the kbuild
# package (their names differ per suite and flavour).
hdeps=$(xcache arm64 depends "$headers_pkg" 2>/dev/null | sed -n 's/^ *Depends: //p')
common_pkg=$(echo "$hdeps" | grep -E '^linux-headers-.*-common' | head -n1)
kbuild_pkg=$(echo "$hdeps" | grep -E '^linux-kbuild-' | head -n1)
[ -n "$common_pkg" ] || die "no -common dependency of $headers_pkg"
[ -n "$kbuild_pkg" ] || die "no linux-kbuild dependency of $headers_pkg"
# The image may pull its kernel, modules and config from further packages
# (sid: linux-binary-, linux-modules-, linux-base-<abi>).
extra_img=$(xcache arm64 depends "$image_pkg" 2>/dev/null | sed -n 's/^ *Depends: //p' |
	grep -xF -e "linux-modules-$abi" -e "linux-base-$abi" -e "linux-binary-$abi" || true)
say "ABI $abi, version $version ($image_pkg, $headers_pkg, $common_pkg)"

debs="$out/debs"
rm -rf "$debs"
mkdir -p "$debs"
(
	cd "$debs"
	# shellcheck disable=SC2086
	xapt arm64 download "$image_pkg" $extra_img "$headers_pkg" "$common_pkg" \
		>"$out/apt/download.log" 2>&1 ||
		die "download failed (see $out/apt/download.log)"
	if [ "$name" != sid ]; then
		xapt amd64 download "$kbuild_pkg=$version" >>"$out/apt/download.log" 2>&1 ||
			die "download of $kbuild_pkg=$version failed (see $out/apt/download.log)"
	fi
)

kroot="$out/kroot"
make_args=""
if [ "$name" != sid ]; then
	kdir=$("$here/unpack-kernel-headers.sh" "$debs" "$kroot" "$abi") || die "unpacking failed"
	# Headers made for another compiler name (5.10: gcc-10) get the
	# project's cross gcc.
	if grep -qs 'gcc-[0-9]' "$kdir/.kernelvariables" 2>/dev/null ||
		grep -rqs '^CC *:\?= *.*gcc-[0-9]' "$kroot"/usr/src/linux-headers-*/Makefile; then
		make_args="CC=${cross}gcc"
	fi
else
	rm -rf "$kroot"
	mkdir -p "$kroot"
	for deb in "$debs"/*.deb; do
		dpkg-deb -x "$deb" "$kroot" || die "cannot unpack $deb"
	done
	hdr="$kroot/usr/src/linux-headers-$abi"
	[ -f "$hdr/Module.symvers" ] || die "no Module.symvers in $headers_pkg"
	config=""
	for c in "$kroot/boot/config-$abi" "$kroot/usr/lib/modules/$abi/config" \
		"$kroot/lib/modules/$abi/config" "$hdr/.config"; do
		[ -f "$c" ] && { config=$c; break; }
	done
	[ -n "$config" ] || die "no kernel config in $image_pkg or $headers_pkg"
	# linux-source-<x.y> of the same source version.
	src_ver=$(echo "$abi" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
	src_pkg=linux-source-$src_ver
	srcdeb_ver=$(xcache arm64 show "$src_pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ "$srcdeb_ver" = "$version" ] ||
		die "$src_pkg is at ${srcdeb_ver:-nothing}, the headers at $version: no matching source"
	(cd "$debs" && xapt arm64 download "$src_pkg=$version" >>"$out/apt/download.log" 2>&1) ||
		die "download of $src_pkg failed (see $out/apt/download.log)"
	srcroot="$out/srcdeb"
	rm -rf "$srcroot"
	dpkg-deb -x "$debs/${src_pkg}_"*.deb "$srcroot" || die "cannot unpack $src_pkg"
	tarball=$(ls "$srcroot"/usr/src/linux-source-"$src_ver".tar.* | head -n1)
	kdir="$out/ksrc"
	gccver=$(${cross}gcc -dumpfullversion)
	stamp="$abi $version gcc$gccver"
	if [ "$(cat "$kdir/.memheap-prepared" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$kdir"
		mkdir -p "$kdir"
		say "preparing a build tree from $src_pkg $version"
		tar -xf "$tarball" -C "$kdir" --strip-components=1 || die "cannot extract $tarball"
		cp "$config" "$kdir/.config"
		kmake() { make -C "$kdir" ARCH=arm64 CROSS_COMPILE=$cross "$@"; }
		kmake olddefconfig >"$out/prepare.log" 2>&1 ||
			die "olddefconfig failed (see $out/prepare.log)"
		kmake -j"$(nproc)" modules_prepare >>"$out/prepare.log" 2>&1 ||
			{ tail -n 20 "$out/prepare.log" >&2; die "modules_prepare failed (see $out/prepare.log)"; }
		echo "$stamp" >"$kdir/.memheap-prepared"
	fi
	rm -rf "$srcroot"
	cp "$hdr/Module.symvers" "$kdir/Module.symvers"
	# olddefconfig under gcc-12 drops what the image's compiler and tools
	# allowed (Rust, BTF, sched_ext, ...), and with them fields of
	# struct module and task_struct: a module built so is refused ("struct
	# module size must match").  The image's own generated config (in its
	# headers) is used instead, except for the options that describe the
	# toolchain (probed from the compiler: CC_*, AS_*, LD_*, ...), which
	# must describe the compiler used here.
	[ -f "$kdir/include/config/auto.conf.prepared" ] ||
		cp "$kdir/include/config/auto.conf" "$kdir/include/config/auto.conf.prepared"
	[ -f "$kdir/include/generated/autoconf.h.prepared" ] ||
		cp "$kdir/include/generated/autoconf.h" "$kdir/include/generated/autoconf.h.prepared"
	python3 - "$kdir" "$hdr" <<'PY' || die "cannot merge the image's config"
import re, sys
kdir, hdr = sys.argv[1], sys.argv[2]
tool = re.compile(r"CONFIG_(CC_|AS_|LD_|GCC_|CLANG_|RUSTC|RUST_IS_AVAILABLE|BINDGEN|PAHOLE|TOOLS_SUPPORT_)")
def read(path, pat):
    return {m.group(1): m.group(2) for m in (re.match(pat, l.rstrip("\n")) for l in open(path)) if m}
for rel, pat, fmt in (("include/config/auto.conf", r"(CONFIG_\w+)=(.*)", "{}={}\n"),
                      ("include/generated/autoconf.h", r"#define (CONFIG_\w+) (.*)", "#define {} {}\n")):
    ours = read(f"{kdir}/{rel}.prepared", pat)
    image = read(f"{hdr}/{rel}", pat)
    merged = {k: v for k, v in image.items() if not tool.match(k)}
    merged.update({k: v for k, v in ours.items() if tool.match(k)})
    with open(f"{kdir}/{rel}", "w") as f:
        f.write("".join(fmt.format(k, v) for k, v in sorted(merged.items())))
PY
	cp "$hdr/.config" "$kdir/.config.image"
	# vermagic: the release string of the image, not of this tree.
	echo "$abi" >"$kdir/include/config/kernel.release"
	echo "#define UTS_RELEASE \"$abi\"" >"$kdir/include/generated/utsrelease.h"
	rm -rf "$hdr" "$kroot/usr/src"
fi

vmlinuz=$(ls "$kroot/boot/vmlinuz-$abi" "$kroot/usr/lib/modules/$abi/vmlinuz" \
	"$kroot/lib/modules/$abi/vmlinuz" 2>/dev/null | head -n1)
[ -n "$vmlinuz" ] || die "no vmlinuz in $image_pkg"
moddir=""
for m in "$kroot/lib/modules/$abi" "$kroot/usr/lib/modules/$abi"; do
	[ -d "$m/kernel" ] && { moddir=$m; break; }
done
[ -n "$moddir" ] || die "no modules tree for $abi"
# busybox modprobe loads plain .ko files: decompress what is compressed.
find "$moddir" -name '*.ko.xz' -exec xz -d {} + 2>/dev/null || true
find "$moddir" -name '*.ko.zst' -exec zstd -q --rm -d {} + || true
find "$moddir" -name '*.ko.gz' -exec gzip -d {} + || true
if find "$moddir" -name '*.ko.*' | grep -q .; then
	die "compressed modules left in $moddir"
fi

# QEMU 7.2 boots a gzip Image; an EFI zboot image carries its payload
# (compressed) at an offset given in its header: unpack it.
img="$out/Image"
python3 - "$vmlinuz" "$img" <<'EOF' || die "cannot unpack $vmlinuz"
import gzip, struct, subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
if data[:2] == b"MZ" and data[4:8] == b"zimg":
    off, size = struct.unpack_from("<II", data, 8)
    comp = data[24:32].rstrip(b"\0").decode()
    payload = data[off:off + size]
    if comp == "gzip":
        data = gzip.decompress(payload)
    elif comp in ("zstd", "zstd22"):
        data = subprocess.run(["zstd", "-dc"], input=payload, check=True,
                              stdout=subprocess.PIPE).stdout
    elif comp == "xzkern":
        data = subprocess.run(["xz", "-dc"], input=payload, check=True,
                              stdout=subprocess.PIPE).stdout
    else:
        sys.exit(f"unknown zboot compression {comp}")
elif data[:2] == b"\x1f\x8b":
    data = gzip.decompress(data)
open(dst, "wb").write(data)
EOF

cfg="$kdir/.config"
[ -f "$kdir/.config.image" ] && cfg="$kdir/.config.image"
[ -f "$cfg" ] || die "no .config in $kdir"
# Module BTF needs pahole and the kernel's vmlinux, neither of which is
# here: the module is built without it (it loads the same).
grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$cfg" &&
	make_args="${make_args:+$make_args }CONFIG_DEBUG_INFO_BTF_MODULES="
cmdline=""
grep -q '^CONFIG_SLUB_DEBUG=y' "$cfg" && cmdline="$cmdline slub_debug=FZPU"
cmdline="$cmdline init_on_free=1"
grep -q '^CONFIG_PAGE_POISONING=y' "$cfg" && cmdline="$cmdline page_poison=1"
grep -q '^CONFIG_KFENCE=y' "$cfg" && cmdline="$cmdline kfence.sample_interval=100"

ln -sfn "$img" "$out/vmlinuz"
ln -sfn "$kdir" "$out/kdir"
ln -sfn "$moddir" "$out/modules"
ln -sfn "$base/busybox" "$out/busybox"
ln -sfn "$base/root" "$out/root"
echo "$abi" >"$out/abi"
echo "$version" >"$out/version"
echo "$make_args" >"$out/make-args"
echo "${cmdline# }" >"$out/cmdline"
rm -rf "$debs"
echo "$abi" >"$out/.complete"
say "ready in $out (KDIR=$out/kdir, boot options: ${cmdline# })"
