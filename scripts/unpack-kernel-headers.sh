#!/bin/sh
# Unpack downloaded Debian kernel packages into ROOT and make the headers
# usable from there: Debian's linux-headers-<abi> Makefile includes the
# -common tree by its absolute /usr/src path (rewritten to the unpacked
# copy), and its scripts/ and tools/ link to ../../lib/linux-kbuild-<x.y>,
# which must be unpacked beside it.  Shared by fetch-arm64-kernel.sh,
# fetch-kernel.sh and fetch-host-headers.sh.
#
# Usage: unpack-kernel-headers.sh DEBS_DIR ROOT ABI
#   ABI  e.g. 6.1.0-56-arm64 (headers package linux-headers-ABI)
# Prints the headers directory (KDIR) on success.
set -eu

die() { echo "unpack-kernel-headers: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: unpack-kernel-headers.sh DEBS_DIR ROOT ABI"
debs=$1 root=$2 abi=$3

rm -rf "$root"
mkdir -p "$root"
for deb in "$debs"/*.deb; do
	dpkg-deb -x "$deb" "$root" || die "cannot unpack $deb"
done

# No assumption on the package names (-common, -common-rt, the kbuild
# package's version): the Makefile names the tree it includes.
hdr="$root/usr/src/linux-headers-$abi"
[ -f "$hdr/Makefile" ] || die "no headers tree linux-headers-$abi in $debs"
sed -i "s|\([ \t]\)/usr/src/|\1$root/usr/src/|g" "$hdr/Makefile"
inc=$(sed -n 's/^include //p' "$hdr/Makefile" | head -n1)
[ -n "$inc" ] && [ -f "$inc" ] ||
	die "the -common tree included by $hdr/Makefile was not found (${inc:-no include})"
[ -e "$hdr/scripts/Makefile.build" ] ||
	die "$hdr/scripts does not reach a linux-kbuild tree (not downloaded?)"
echo "$hdr"
