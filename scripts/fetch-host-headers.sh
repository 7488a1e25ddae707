#!/bin/sh
# Fetch the host-architecture Debian kernel headers of the same version as
# the arm64 kernel the rig boots (build/kernel/version), for the DKMS build
# check: DKMS builds for the machine's own architecture and cannot
# cross-build, so the check builds memheap.ko for linux-<abi>-<host arch>.
# Nothing is installed on the host; the host's apt state is untouched.
#
# Result (OUT/, default build/dkms/headers):
#   abi       the host ABI string, e.g. 6.1.0-56-amd64
#   version   the Debian package version (equal to build/kernel/version)
#   kdir ->   the unpacked linux-headers-<abi> tree (KDIR / DKMS
#             --kernelsourcedir)
#   root/     everything unpacked (headers, -common, linux-kbuild-6.1)
#
# Usage: scripts/fetch-host-headers.sh [OUT] [KERNEL_DIR]
#   KERNEL_DIR is the arm64 fetch's output (default build/kernel).
# Re-run is cheap: with a complete OUT for the same version it does nothing.
set -eu

die() { echo "fetch-host-headers: $*" >&2; exit 1; }

out=${1:-build/dkms/headers}
kernel_dir=${2:-build/kernel}
if [ ! -f "$kernel_dir/abi" ] || [ ! -f "$kernel_dir/version" ]; then
	die "no $kernel_dir/abi or version: run scripts/fetch-arm64-kernel.sh first"
fi
arm_abi=$(cat "$kernel_dir/abi")
version=$(cat "$kernel_dir/version")
case $arm_abi in
*-arm64) ;;
*) die "unexpected arm64 ABI '$arm_abi' in $kernel_dir/abi" ;;
esac
host_arch=$(dpkg --print-architecture)
abi_base=${arm_abi%-arm64}
abi="$abi_base-$host_arch"
# The kbuild helpers live in linux-kbuild-<major.minor>.
kbuild_pkg="linux-kbuild-$(echo "$abi_base" | cut -d. -f1,2)"

mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp="$abi $version"
if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$stamp" ]; then
	exit 0
fi
rm -f "$out/.complete"

lists="$out/apt/lists"
cache="$out/apt/cache"
debs="$out/debs"
mkdir -p "$lists/partial" "$cache/archives/partial" "$debs"

# Private package lists, as the arm64 fetch keeps them.
apt_opts="-o APT::Architecture=$host_arch -o APT::Architectures=$host_arch \
-o Dir::State::Lists=$lists -o Dir::Cache=$cache -o Dir::State::Status=/dev/null"
# shellcheck disable=SC2086
host_apt() { apt-get -q $apt_opts "$@"; }

echo "fetch-host-headers: refreshing $host_arch package lists"
host_apt update >"$out/apt/update.log" 2>&1 ||
	die "apt-get update failed (see $out/apt/update.log)"

headers_pkg="linux-headers-$abi"
common_pkg="linux-headers-$abi_base-common"
echo "fetch-host-headers: $headers_pkg $common_pkg $kbuild_pkg at $version"
(
	cd "$debs"
	rm -f ./*.deb
	host_apt download "$headers_pkg=$version" "$common_pkg=$version" \
		"$kbuild_pkg=$version" >"$out/apt/download.log" 2>&1 ||
		die "download failed (see $out/apt/download.log); is $version still in the archive?"
)

root="$out/root"
hdr=$("$(dirname "$0")/unpack-kernel-headers.sh" "$debs" "$root" "$abi") ||
	die "unpacking failed"

ln -sfn "$hdr" "$out/kdir"
echo "$abi" >"$out/abi"
echo "$version" >"$out/version"
echo "$stamp" >"$out/.complete"
echo "fetch-host-headers: ready in $out (KDIR=$out/kdir)"
