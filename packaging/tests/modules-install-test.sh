#!/bin/sh
# `make modules_install` (kmod/kmod.mk) for a board kernel: a cross build
# for Debian's arm64 headers installed into a temporary INSTALL_MOD_PATH
# with DEPMOD=true (headers trees have no System.map, so kbuild skips
# depmod anyway), then Debian's depmod run on that tree the way a board's
# image build would, and modprobe/modinfo find the module there.
# Usage: modules-install-test.sh MAKE KERNEL_DIR WORKDIR
set -u
make=$1 kernel=$2 work=$3
abi=$(cat "$kernel/abi")
root=$work/root
fail=0
ok() { echo "PASS modules_install: $1"; }
ko() { echo "FAIL modules_install: $1"; fail=1; }

rm -rf "$work"
mkdir -p "$root"
log=$work/make.log
if $make --no-print-directory modules_install KDIR="$(cd "$kernel/kdir" && pwd -P)" \
	ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	INSTALL_MOD_PATH="$root" DEPMOD=true >"$log" 2>&1; then
	ok "cross build installed into $root"
else
	cat "$log"; ko "make modules_install failed"; exit 1
fi
moddir=$root/lib/modules/$abi
found=$(cd "$root" && find . -type f | sort)
# kbuild puts external modules in INSTALL_MOD_DIR ("extra" in 6.1,
# "updates" in later kernels); exactly one file is installed.
case $found in
"./lib/modules/$abi/updates/memheap.ko" | "./lib/modules/$abi/extra/memheap.ko")
	ok "installed only ${found#./}" ;;
*) ko "unexpected tree: $found" ;;
esac
# A board's image has the kernel's own module lists beside ours.
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$kernel/modules/$f" "$moddir/$f"
done
if depmod -b "$root" "$abi" 2>"$work/depmod.err" && [ ! -s "$work/depmod.err" ]; then
	ok "depmod -b on the tree is clean"
else
	ko "depmod: $(cat "$work/depmod.err")"
fi
if grep -q "memheap.ko:" "$moddir/modules.dep" 2>/dev/null; then
	ok "modules.dep lists memheap.ko"
else
	ko "memheap.ko not in $moddir/modules.dep"
fi
show=$(modprobe -d "$root" -S "$abi" --show-depends memheap 2>&1)
case $show in
"insmod $moddir/"*/memheap.ko*) ok "modprobe finds it: $show" ;;
*) ko "modprobe --show-depends: $show" ;;
esac
vermagic=$(modinfo -b "$root" -k "$abi" -F vermagic memheap 2>&1)
case $vermagic in
"$abi "*) ok "modinfo -k $abi: vermagic $abi" ;;
*) ko "modinfo vermagic '$vermagic'" ;;
esac
exit $fail
