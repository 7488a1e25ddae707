#!/bin/sh
# Build the rig's base initramfs: busybox, /init, Debian's modules needed
# for the virtio console and vgem, the aarch64 loader and libc (so dynamic
# programs run), memheap.ko when built, and /etc/memheap/* from the board.
# The payload goes in a second archive appended at boot time (run.sh), so
# this one is rebuilt only when its inputs change.
#
# Usage: mkinitramfs.sh OUT.cpio.gz KERNEL_DIR BOARD_CONF [MEMHEAP_KO]
#   KERNEL_DIR  output of scripts/fetch-arm64-kernel.sh (build/kernel)
# Environment: GUEST_TOOLS  aarch64 programs installed in /usr/bin (memshow)
set -eu

die() { echo "mkinitramfs: $*" >&2; exit 1; }
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
	die "usage: mkinitramfs.sh OUT.cpio.gz KERNEL_DIR BOARD_CONF [MEMHEAP_KO]"
fi
out=$1
kernel=$2
board=$3
ko=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
sysroot=${AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}

abi=$(cat "$kernel/abi") || die "no $kernel/abi (run 'make kernel-fetch')"
[ -f "$kernel/busybox" ] || die "no $kernel/busybox (run 'make kernel-fetch')"

# A private staging directory: several engineers may build at once.
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.XXXXXX.d")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp" "$stage/run" \
	"$stage/etc/memheap" "$stage/lib/modules/$abi" "$stage/lib/aarch64-linux-gnu" \
	"$stage/payload"

cp "$kernel/busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/guest/init" "$stage/init"
cp "$here/guest/memheap-load" "$stage/usr/sbin/memheap-load"
chmod 755 "$stage/init" "$stage/usr/sbin/memheap-load" "$stage/bin/busybox"

# virtio_mmio + virtio_console: the results channel (modules in Debian's
# 6.1, built in elsewhere: /init's modprobe then finds them in
# modules.builtin); vgem: a dma-buf importer for the selftests.
python3 "$here/kmods.py" --builtin-ok "$kernel/modules" "$stage/lib/modules/$abi" \
	virtio_mmio virtio_console vgem

# glibc runtime at the paths Debian's arm64 ld.so searches.
cp -L "$sysroot/lib/ld-linux-aarch64.so.1" "$stage/lib/"
for lib in libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 \
	libresolv.so.2 libutil.so.1 libanl.so.1 libgcc_s.so.1 libatomic.so.1 \
	libstdc++.so.6; do
	[ -e "$sysroot/lib/$lib" ] || die "no $sysroot/lib/$lib (install libc6-dev-arm64-cross)"
	cp -L "$sysroot/lib/$lib" "$stage/lib/aarch64-linux-gnu/"
done
ln -s lib "$stage/lib64"

for tool in ${GUEST_TOOLS:-}; do
	[ -f "$tool" ] || die "guest tool $tool does not exist"
	cp "$tool" "$stage/usr/bin/"
	chmod 755 "$stage/usr/bin/$(basename "$tool")"
done

if [ -n "$ko" ]; then
	[ -f "$ko" ] || die "$ko does not exist"
	cp "$ko" "$stage/lib/modules/memheap.ko"
fi

python3 "$here/board.py" "$board" params >"$stage/etc/memheap/params"
python3 "$here/board.py" "$board" expected >"$stage/etc/memheap/regions.expected"
python3 "$here/board.py" "$board" carveouts >"$stage/etc/memheap/carveouts"
# the host's splat list for guest-side checks (selftests/lib.sh), patterns
# only: an empty line given to grep -f would match every line
grep -v -e '^#' -e '^[[:space:]]*$' "$here/splat-patterns" >"$stage/etc/memheap/splat-patterns"
echo "memheap-qemu" >"$stage/etc/hostname"

python3 "$here/mkcpio.py" "$out" "$stage" --node /dev/console:600:c:5:1
