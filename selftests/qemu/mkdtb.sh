#!/bin/sh
# Build the scenario device trees from QEMU's own.
# Usage: mkdtb.sh BUILD_DIR BOARD_CONF
# Writes into BUILD_DIR:
#   virt.dtb / virt.dts   QEMU's tree, dumped with the boot's machine options
#   bare.dtb              that tree unchanged (scenario bare)
#   full.dts / full.dtb   plus the board's carveouts and memheap node
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: mkdtb.sh BUILD_DIR BOARD_CONF}
board=${2:?usage: mkdtb.sh BUILD_DIR BOARD_CONF}
mkdir -p "$build"

"$here/run.sh" --board "$board" --dump-dtb "$build/virt.dtb"
dtc -q -I dtb -O dts -o "$build/virt.dts" "$build/virt.dtb"
# The additions assume 2 address and 2 size cells at the root (virt's).
if ! grep -q '^	#address-cells = <0x02>;' "$build/virt.dts" ||
	! grep -q '^	#size-cells = <0x02>;' "$build/virt.dts"; then
	echo "mkdtb: QEMU's root node does not use 2 address/size cells" >&2
	exit 1
fi
if grep -q 'reserved-memory' "$build/virt.dts"; then
	echo "mkdtb: QEMU's tree already has a reserved-memory node; extend board.py" >&2
	exit 1
fi
dtc -q -I dts -O dtb -o "$build/bare.dtb" "$build/virt.dts"
{
	cat "$build/virt.dts"
	python3 "$here/board.py" "$board" dts
} >"$build/full.dts"
dtc -q -I dts -O dtb -o "$build/full.dtb" "$build/full.dts"
