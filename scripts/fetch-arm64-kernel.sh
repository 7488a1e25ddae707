#!/bin/sh
# Fetch Debian 12's current arm64 kernel, its headers, and the arm64
# busybox-static into OUT (default build/kernel), ready for cross-building
# the module and booting QEMU.  Nothing is installed on the host.
#
# The ABI (e.g. 6.1.0-56-arm64) is resolved from the linux-image-arm64 and
# linux-headers-arm64 metapackages every time the lists are refreshed; the
# host-side linux-kbuild-6.1 is downloaded at exactly the headers' version
# so the kbuild helpers always match.
#
# Result (OUT/):
#   abi              the ABI string, e.g. 6.1.0-56-arm64
#   version          the Debian package version of that kernel
#   vmlinuz          the kernel image
#   modules/         the image's /lib/modules/<abi> tree (vgem.ko, ...)
#   kdir -> ...      KDIR for out-of-tree builds (linux-headers-<abi>)
#   busybox          static arm64 busybox
#   root/            everything unpacked, including the arm64 libnl static
#                    libraries and headers that tools/ links into memshow
#
# Usage: scripts/fetch-arm64-kernel.sh [OUT]
# Re-run is cheap: with a complete OUT it does nothing unless
# MEMHEAP_REFRESH_KERNEL=1.
set -eu

out=${1:-build/kernel}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# arm64 user-space packages unpacked beside the kernel (static libraries
# for the guest's tools); a change of this list refreshes the tree.
extra_pkgs="busybox-static libnl-3-dev libnl-genl-3-dev"
# bumped when the layout of OUT changes (cmdline, make-args)
layout=2

if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$layout $extra_pkgs" ] &&
	[ "${MEMHEAP_REFRESH_KERNEL:-0}" != 1 ]; then
	exit 0
fi
rm -f "$out/.complete"

die() { echo "fetch-arm64-kernel: $*" >&2; exit 1; }

lists="$out/apt/lists"
cache="$out/apt/cache"
debs="$out/debs"
mkdir -p "$lists/partial" "$cache/archives/partial" "$debs"

# Separate package lists for arm64 so the host's apt state is untouched.
arm64_opts() {
	echo "-o APT::Architecture=arm64 -o APT::Architectures=arm64" \
		"-o Dir::State::Lists=$lists -o Dir::Cache=$cache" \
		"-o Dir::State::Status=/dev/null"
}
# shellcheck disable=SC2046
arm64_apt() { apt-get -q $(arm64_opts) "$@"; }
# shellcheck disable=SC2046
arm64_cache() { apt-cache $(arm64_opts) "$@"; }

echo "fetch-arm64-kernel: refreshing arm64 package lists"
arm64_apt update >"$out/apt/update.log" 2>&1 ||
	die "apt-get update for arm64 failed (see $out/apt/update.log)"

# linux-image-arm64 depends on linux-image-<abi>; take <abi> from there.
dep_of() {
	arm64_cache depends "$1" 2>/dev/null |
		sed -n "s/^ *Depends: \($2\)\$/\1/p" | head -n1
}
image_pkg=$(dep_of linux-image-arm64 'linux-image-[0-9][^ ]*-arm64[^ ]*')
headers_pkg=$(dep_of linux-headers-arm64 'linux-headers-[0-9][^ ]*-arm64')
[ -n "$image_pkg" ] || die "cannot resolve the arm64 image from linux-image-arm64"
[ -n "$headers_pkg" ] || die "cannot resolve the arm64 headers from linux-headers-arm64"
abi=${headers_pkg#linux-headers-}
case $image_pkg in
linux-image-"$abi"*) ;;
*) die "image $image_pkg and headers $headers_pkg disagree on the ABI" ;;
esac
common_pkg="linux-headers-${abi%-arm64}-common"
version=$(arm64_cache show "$headers_pkg" 2>/dev/null |
	sed -n 's/^Version: //p' | head -n1)
[ -n "$version" ] || die "no version for $headers_pkg"
echo "fetch-arm64-kernel: ABI $abi, version $version"

(
	cd "$debs"
	rm -f ./*.deb
	# shellcheck disable=SC2086
	arm64_apt download "$image_pkg" "$headers_pkg" "$common_pkg" \
		$extra_pkgs >"$out/apt/download.log" 2>&1 ||
		die "download of arm64 packages failed (see $out/apt/download.log)"
	# host-architecture kbuild helpers at exactly the headers' version
	apt-get -q download "linux-kbuild-6.1=$version" \
		>>"$out/apt/download.log" 2>&1 ||
		die "download of linux-kbuild-6.1=$version failed (see $out/apt/download.log)"
)

root="$out/root"
hdr=$("$(dirname "$0")/unpack-kernel-headers.sh" "$debs" "$root" "$abi") ||
	die "unpacking failed"

vmlinuz=$(ls "$root"/boot/vmlinuz-"$abi"* 2>/dev/null | head -n1)
[ -n "$vmlinuz" ] || die "no vmlinuz in $image_pkg"
ln -sfn "$vmlinuz" "$out/vmlinuz"
ln -sfn "$hdr" "$out/kdir"
ln -sfn "$root/lib/modules/$abi" "$out/modules"
ln -sfn "$root/bin/busybox" "$out/busybox"
echo "$abi" >"$out/abi"
echo "$version" >"$out/version"
# No extra make variables for module builds; the debug options every boot
# gets (run.sh reads this file): see fetch-kernel.sh.
: >"$out/make-args"
cfg="$hdr/.config"
opts=""
grep -q '^CONFIG_SLUB_DEBUG=y' "$cfg" && opts="$opts slub_debug=FZPU"
opts="$opts init_on_free=1"
grep -q '^CONFIG_PAGE_POISONING=y' "$cfg" && opts="$opts page_poison=1"
grep -q '^CONFIG_KFENCE=y' "$cfg" && opts="$opts kfence.sample_interval=100"
echo "${opts# }" >"$out/cmdline"
echo "$layout $extra_pkgs" >"$out/.complete"
echo "fetch-arm64-kernel: ready in $out (KDIR=$out/kdir)"
