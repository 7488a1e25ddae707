#!/bin/sh
# Install the Debian 12 packages memheap needs, only those missing.
# Idempotent: with everything present it runs no apt command at all.
# Usage: scripts/install-deps.sh [group...]
#   groups: build test bench kernel lib tools docs (default: all of them)
set -eu

pkgs_build="make gcc libc6-dev"
pkgs_test="clang libclang-rt-14-dev valgrind binutils"
pkgs_bench="libjemalloc-dev libmimalloc-dev gnuplot-nox"
# cross-building memheap.ko, checking it, booting it under QEMU; the arm64
# kernel itself is downloaded, not installed (scripts/fetch-arm64-kernel.sh);
# flex..libelf-dev build the debug kernel (make check-debug) and prepare the
# newest kernel's build tree (make check-kernels); zstd unpacks its debs
pkgs_kernel="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm \
linux-source-6.1 sparse device-tree-compiler cpio xz-utils python3 dkms kmod openssl \
flex bison bc libssl-dev libelf-dev zstd"
pkgs_lib="pkg-config python3 gzip"
pkgs_tools="libnl-3-dev libnl-genl-3-dev"
pkgs_docs="man-db groff-base dt-schema"
all_groups="build test bench kernel lib tools docs"

groups=${*:-$all_groups}
want=""
for g in $groups; do
	case $g in
	build) want="$want $pkgs_build" ;;
	test) want="$want $pkgs_test" ;;
	bench) want="$want $pkgs_bench" ;;
	kernel) want="$want $pkgs_kernel" ;;
	lib) want="$want $pkgs_lib" ;;
	tools) want="$want $pkgs_tools" ;;
	docs) want="$want $pkgs_docs" ;;
	*) echo "install-deps: unknown group '$g' ($all_groups)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || { echo "install-deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing || {
	echo "install-deps: apt-get install failed for:$missing" >&2
	exit 1
}
