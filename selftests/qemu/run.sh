#!/bin/bash
# Boot the memheap QEMU board and run a payload in it.  See README.md.
#
# Usage:
#   run.sh [options] --payload DIR    boot, run DIR/run in the guest, judge
#   run.sh [options] --dump-dtb FILE  dump QEMU's own device tree, with the
#                                     same machine options the boot uses
# Options:
#   --scenario full|bare  device tree with the board's carveouts (full,
#                         default) or QEMU's own (bare)
#   --timeout SECONDS     hang guard: stop the guest when neither log has
#                         grown for SECONDS (default 300), or after 10 x
#                         SECONDS in all
#   --out DIR             logs and per-run files (default BUILD/SCENARIO)
#   --build DIR           rig build directory holding SCENARIO.dtb and
#                         initramfs.cpio.gz (default build/qemu)
#   --initramfs FILE      base initramfs (default BUILD/initramfs.cpio.gz)
#   --kernel FILE         kernel image (default build/kernel/vmlinuz); the
#                         options in the file "cmdline" beside it (the stock
#                         kernels' slub_debug=FZPU init_on_free=1 ..., written
#                         by scripts/fetch-kernel.sh) go on every boot
#   --board FILE          board description (default board.conf here)
#   --append "ARGS"       extra kernel command line arguments
#   --quiet               do not copy the payload's output to stdout
# Exit status: the payload's; 125 when the end marker is missing (timeout,
# crash, early power-off), 126 on a kernel splat; 2 on a usage error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
scenario=full
timeout=300
out=""
build=build/qemu
initramfs=""
kernel=build/kernel/vmlinuz
board="$here/board.conf"
append=""
payload=""
dump=""
quiet=0

usage() { sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "qemu-run: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--scenario) scenario=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--build) build=${2:?}; shift 2 ;;
	--initramfs) initramfs=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--board) board=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	--payload) payload=${2:?}; shift 2 ;;
	--dump-dtb) dump=${2:?}; shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h | --help) usage ;;
	*) echo "qemu-run: unknown argument '$1'" >&2; usage ;;
	esac
done

case $scenario in
full | bare) ;;
*) die "unknown scenario '$scenario' (full or bare)" ;;
esac
case $timeout in
'' | *[!0-9]* | 0) die "--timeout wants a positive number of seconds" ;;
esac

read -r machine cpu smp memory < <(python3 "$here/board.py" "$board" machine) ||
	die "cannot read the board $board"
[ -n "$memory" ] || die "cannot read the board $board"

# The machine as booted; --dump-dtb uses exactly these options (devices
# included) so the dumped tree is the one the kernel would get.
machine_args() {
	echo "-M $machine$1 -cpu $cpu -smp $smp -m $memory -nodefaults -display none" \
		"-no-reboot -device virtio-serial-device"
}

if [ -n "$dump" ]; then
	# shellcheck disable=SC2046
	qemu-system-aarch64 $(machine_args ",dumpdtb=$dump") 2>/dev/null ||
		die "QEMU could not dump its device tree to $dump"
	exit 0
fi

[ -n "$payload" ] || die "--payload DIR is required (see --help)"
[ -f "$payload/run" ] || die "$payload/run does not exist"
[ -x "$payload/run" ] || die "$payload/run is not executable"
dtb="$build/$scenario.dtb"
initramfs=${initramfs:-$build/initramfs.cpio.gz}
[ -f "$dtb" ] || die "no $dtb (make qemu-dtb)"
[ -f "$initramfs" ] || die "no $initramfs (make qemu-initramfs)"
[ -f "$kernel" ] || die "no kernel image $kernel (make kernel-fetch)"
kernel_opts=$(cat "$(dirname "$kernel")/cmdline" 2>/dev/null || true)
out=${out:-$build/$scenario}
mkdir -p "$out" || die "cannot create $out"

# Second archive: the payload and the scenario name, appended to the base.
stage=$(mktemp -d "$out/payload.XXXXXX") || die "cannot create a staging directory in $out"
mkdir -p "$stage/etc/memheap"
cp -a "$payload" "$stage/payload" || die "cannot copy $payload"
echo "$scenario" >"$stage/etc/memheap/scenario"
python3 "$here/mkcpio.py" "$out/payload.cpio.gz" "$stage" || die "cannot pack the payload"
rm -rf "$stage"
cat "$initramfs" "$out/payload.cpio.gz" >"$out/initrd.cpio.gz"

guest="$out/guest.log"
results="$out/results.log"
rm -f "$guest" "$results" "$out/qemu.log"
: >"$results"

start=$(date +%s.%N)
# shellcheck disable=SC2046
qemu-system-aarch64 $(machine_args "") \
	-kernel "$kernel" -initrd "$out/initrd.cpio.gz" -dtb "$dtb" \
	-append "console=ttyAMA0 panic=-1 $kernel_opts $append" \
	-serial "file:$guest" \
	-chardev "file,id=results,path=$results" \
	-device virtconsole,chardev=results,name=memheap.results \
	</dev/null >"$out/qemu.log" 2>&1 &
qemu_pid=$!
trap 'kill -TERM $qemu_pid 2>/dev/null; wait $qemu_pid; exit 130' INT TERM

# The hang guard counts time without progress, not time: a guest that
# writes nothing to either log for $timeout seconds is stopped (status
# 124, as timeout(1) gives).  A loaded host makes an emulated guest many
# times slower, and a whole-run limit then fails runs that are merely
# slow.  A guest that never stops writing is stopped after 10 x $timeout.
watchdog() {
	local began last_change now size last_size=""
	began=$(date +%s)
	last_change=$began
	while kill -0 "$qemu_pid" 2>/dev/null; do
		sleep 1
		size=$(cat "$guest" "$results" 2>/dev/null | wc -c)
		now=$(date +%s)
		if [ "$size" != "$last_size" ]; then
			last_size=$size
			last_change=$now
		fi
		if [ $((now - last_change)) -ge "$timeout" ] ||
		   [ $((now - began)) -ge $((timeout * 10)) ]; then
			: >"$out/stalled"
			kill -TERM "$qemu_pid" 2>/dev/null
			sleep 5
			kill -KILL "$qemu_pid" 2>/dev/null
			return
		fi
	done
}
rm -f "$out/stalled"
watchdog &
watchdog_pid=$!
tail_pid=""
if [ $quiet -eq 0 ]; then
	tail -n +1 -s 0.2 -f --pid=$qemu_pid "$results" |
		sed -u '/^MEMHEAP-RESULT rc=[0-9]*$/d' &
	tail_pid=$!
fi
wait $qemu_pid
qemu_status=$?
kill "$watchdog_pid" 2>/dev/null
wait "$watchdog_pid" 2>/dev/null
if [ -e "$out/stalled" ]; then
	qemu_status=124
	rm -f "$out/stalled"
fi
[ -z "$tail_pid" ] || wait "$tail_pid"
elapsed=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')

"$here/verdict.sh" "$out" "$qemu_status" "$timeout"
status=$?
echo "qemu-run: scenario $scenario, ${elapsed} s; logs: $guest (kernel), $results (payload)"
exit $status
