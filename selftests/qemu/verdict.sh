#!/bin/sh
# Judge one guest run from its logs.
# Usage: verdict.sh OUTDIR QEMU_STATUS [TIMEOUT_SECONDS]
#   OUTDIR       holds guest.log (kernel console) and results.log (payload
#                channel, ended by the end marker "MEMHEAP-RESULT rc=N")
#   QEMU_STATUS  exit status of qemu-system-aarch64 (124: run.sh's hang
#                guard stopped it: no progress)
# Prints one line per finding and a final verdict; exit status:
#   the payload's status N     marker found, no splat (0 = pass)
#   125                        no end marker (timeout, crash, panic, early
#                              power-off) or a malformed results channel
#   126                        a kernel splat in guest.log
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: verdict.sh OUTDIR QEMU_STATUS [TIMEOUT]}
qemu_status=${2:?usage: verdict.sh OUTDIR QEMU_STATUS [TIMEOUT]}
timeout=${3:-?}
guest="$out/guest.log"
results="$out/results.log"

say() { echo "qemu-run: $*"; }

rc=""
if [ -f "$results" ]; then
	# The marker must be the channel's last line: anything after it means
	# something other than /init wrote there.
	last=$(tail -n 1 "$results")
	case $last in
	"MEMHEAP-RESULT rc="*)
		rc=${last#MEMHEAP-RESULT rc=}
		case $rc in
		'' | *[!0-9]*) rc="" ;;
		esac
		;;
	esac
fi

status=0
if [ -z "$rc" ]; then
	if [ "$qemu_status" -eq 124 ]; then
		say "FAIL: no end marker: the guest made no progress for ${timeout} s (or ran for 10 x ${timeout} s)"
	elif [ "$qemu_status" -ne 0 ]; then
		say "FAIL: no end marker: QEMU exited with status $qemu_status (see $out/qemu.log)"
	else
		say "FAIL: no end marker: the guest stopped before /payload/run returned (crash, panic or early power-off)"
	fi
	if [ -f "$guest" ]; then
		say "last lines of $guest:"
		tail -n 20 "$guest" | sed 's/^/  | /'
	fi
	status=125
fi

if [ ! -f "$guest" ]; then
	say "FAIL: no kernel log $guest"
	[ $status -ne 0 ] || status=125
else
	splats=$("$here/splat-scan.sh" "$guest")
	case $? in
	0) ;;
	1)
		say "FAIL: kernel splat in $guest:"
		echo "$splats" | head -n 20 | sed 's/^/  | /'
		status=126
		;;
	*)
		say "FAIL: cannot scan $guest"
		status=126
		;;
	esac
fi

if [ $status -eq 0 ]; then
	status=$rc
	if [ "$rc" -eq 0 ]; then
		say "PASS: payload exited 0, no splat"
	else
		say "FAIL: payload exited $rc"
	fi
elif [ -n "$rc" ]; then
	say "(payload exited $rc)"
fi
exit "$status"
