#!/bin/sh
# rig-test, guest side, scenario bare: QEMU's own tree, so no memheap node
# and the board's carveout ranges are ordinary System RAM.  Then it powers
# the machine off before /init can write the end marker: the host must see
# the missing marker as a failure.  File beside it: carveouts.
cd /payload || exit 1
fail=0
bad() { echo "rig-check: FAIL: $*"; fail=1; }

dt=/sys/firmware/devicetree/base
[ -d $dt/memheap ] && bad "$dt/memheap exists in the bare scenario"
[ -d $dt/reserved-memory ] && bad "$dt/reserved-memory exists in the bare scenario"
[ "$(cat /etc/memheap/scenario)" = bare ] || bad "/etc/memheap/scenario is not bare"
while read -r name first last; do
	grep -q "^$first-$last : reserved\$" /proc/iomem &&
		bad "carveout $name is reserved in the bare scenario"
	grep ' : System RAM$' /proc/iomem | grep -v '^ ' | tr '-' ' ' |
		while read -r s e _; do
			if [ $((0x$s)) -le $((0x$first)) ] && [ $((0x$last)) -le $((0x$e)) ]; then
				echo "$s-$e"
			fi
		done >ram-cover
	[ -s ram-cover ] || bad "range of $name is not inside System RAM"
done <carveouts
[ -s carveouts ] || bad "no carveouts given to the check"

if [ $fail -ne 0 ]; then
	exit 1
fi
echo "rig-check: all passed"
poweroff -f
