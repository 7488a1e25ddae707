#!/bin/sh
# rig-test, guest side, scenario full: checks what the rig promises the
# selftests, then exits 3 (the host checks that 3 comes back).  Any failed
# check exits 1 with a "rig-check: FAIL:" line.  Files beside it (written
# by rig-test.sh from board.conf and the splat lists): carveouts, params,
# regions.expected, splat-patterns, debug-boot.log, splat-reports.log.
cd /payload || exit 1
fail=0
bad() { echo "rig-check: FAIL: $*"; fail=1; }

# Each carveout is a top-level "reserved" range and no System RAM range
# overlaps it.
while read -r name first last; do
	grep -q "^$first-$last : reserved\$" /proc/iomem ||
		bad "carveout $name $first-$last is not a reserved range in /proc/iomem"
	grep ' : System RAM$' /proc/iomem | grep -v '^ ' | tr '-' ' ' |
		while read -r s e _; do
			if [ $((0x$s)) -le $((0x$last)) ] && [ $((0x$first)) -le $((0x$e)) ]; then
				echo "$s-$e"
			fi
		done >ram-overlap
	[ -s ram-overlap ] && bad "carveout $name overlaps System RAM $(cat ram-overlap)"
done <carveouts
[ -s carveouts ] || bad "no carveouts given to the check"

dt=/sys/firmware/devicetree/base
[ -d $dt/memheap ] || bad "no $dt/memheap"
[ "$(tr -d '\0' 2>/dev/null <$dt/memheap/compatible)" = "memheap,memheap" ] ||
	bad "memheap node has the wrong compatible"
while read -r _index name _caps _algo _map origin _size; do
	[ "$origin" = dt ] || continue
	[ "$(tr -d '\0' 2>/dev/null <"$dt/memheap/region-$name/memheap,name")" = "$name" ] ||
		bad "no DT region-$name with memheap,name = $name"
done <regions.expected
[ -d $dt/reserved-memory ] || bad "no $dt/reserved-memory"

cmp -s /etc/memheap/params params || bad "/etc/memheap/params differs from the board"
cmp -s /etc/memheap/regions.expected regions.expected ||
	bad "/etc/memheap/regions.expected differs from the board"
cmp -s /etc/memheap/carveouts carveouts || bad "/etc/memheap/carveouts differs from the board"
[ "$(cat /etc/memheap/scenario)" = full ] || bad "/etc/memheap/scenario is not full"
# The splat list the guest-side checks use (selftests/lib.sh) is the host's,
# and busybox grep reads it as GNU grep does: the debug boot corpus passes,
# every report line is caught.
cmp -s /etc/memheap/splat-patterns splat-patterns ||
	bad "/etc/memheap/splat-patterns differs from the host's list"
grep -E -f /etc/memheap/splat-patterns debug-boot.log >splat-boot &&
	bad "guest grep finds a splat in the debug boot lines: $(head -n 1 splat-boot)"
while IFS= read -r line; do
	printf '%s\n' "$line" | grep -q -E -f /etc/memheap/splat-patterns ||
		bad "guest grep misses the report line: $line"
done <splat-reports.log
# /init's way of trying to open a port: a failed redirection of "command
# exec" must not end the shell (it would end init)
[ "$(sh -c 'command exec 3>/nonexistent/port 2>/dev/null; echo alive')" = alive ] ||
	bad "busybox sh exits on a failed 'command exec' redirection"
[ "$(sh -c 'if (exec 3>/nonexistent/port) 2>/dev/null; then echo opened; else echo refused; fi')" = refused ] ||
	bad "busybox sh: a subshell's failed open is not reported as failure"
[ -x /usr/sbin/memheap-load ] || bad "no /usr/sbin/memheap-load"
[ -x /bin/busybox ] || bad "no /bin/busybox"
for applet in insmod rmmod modprobe poweroff dmesg mount; do
	command -v $applet >/dev/null || bad "no $applet applet in PATH"
done

[ "$(cat /proc/sys/kernel/panic_on_warn)" = 0 ] || bad "panic_on_warn is not 0"
[ "$(cut -f1 /proc/sys/kernel/printk)" = 7 ] || bad "console log level is not 7"
for m in "devtmpfs /dev" "proc /proc" "sysfs /sys" "debugfs /sys/kernel/debug" "tmpfs /tmp"; do
	grep -q "^${m% *} ${m#* } " /proc/mounts || bad "$m is not mounted"
done

modprobe vgem || bad "modprobe vgem failed"
grep -q '^vgem ' /proc/modules || bad "vgem is not loaded"
grep -q '^drm ' /proc/modules || bad "drm (a dependency of vgem) is not loaded"

# A dynamically linked program: loader and libc present, arguments intact.
./echo-args "two words" "it's" "" >echo.out
status=$?
printf 'arg1=[two words]\narg2=[it'"'"'s]\narg3=[]\n' >echo.want
[ $status -eq 3 ] || bad "echo-args exited $status, not 3"
cmp -s echo.out echo.want || bad "echo-args printed: $(cat echo.out)"

# Bulk output for the host to compare byte for byte.
echo "BEGIN-SEQ"
seq 1 20000
echo "END-SEQ"

if [ $fail -ne 0 ]; then
	exit 1
fi
echo "rig-check: all passed"
exit 3
