#!/bin/sh
# Unpack downloaded Debian kernel packages into ROOT and make the headers
# usable from there: Debian's linux-headers-<abi> Makefile includes the
# -common tree by its absolute /usr/src path (rewritten to the unpacked
# copy), and its scripts/ and tools/ link to ../../lib/linux-kbuild-<x.y>,
# which must be unpacked beside it.  Shared by fetch-arm64-kernel.sh and
# fetch-host-headers.sh.
#
# Usage: unpack-kernel-headers.sh DEBS_DIR ROOT ABI
#   ABI  e.g. 6.1.0-56-arm64 (headers package linux-headers-ABI)
# Prints the headers directory (KDIR) on success.
set -eu

die() { echo "unpack-kernel-headers: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: unpack-kernel-headers.sh DEBS_DIR ROOT ABI"
debs=$1 root=$2 abi=$3
flavour=${abi##*-}
abi_base=${abi%-"$flavour"}
common="linux-headers-$abi_base-common"
kbuild="linux-kbuild-$(echo "$abi_base" | cut -d. -f1,2)"

rm -rf "$root"
mkdir -p "$root"
for deb in "$debs"/*.deb; do
	dpkg-deb -x "$deb" "$root" || die "cannot unpack $deb"
done

hdr="$root/usr/src/linux-headers-$abi"
[ -f "$hdr/Makefile" ] || die "no headers tree linux-headers-$abi in $debs"
sed -i "s|/usr/src/$common|$root/usr/src/$common|g" "$hdr/Makefile"
grep -q "$root/usr/src/$common" "$hdr/Makefile" ||
	die "the include of the -common tree was not found in $hdr/Makefile"
[ -d "$root/usr/lib/$kbuild/scripts" ] || die "$kbuild not unpacked"
[ -e "$hdr/scripts/Makefile.build" ] || die "$hdr/scripts does not reach $kbuild"
echo "$hdr"
