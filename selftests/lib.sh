#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shared by the shell selftests (load.sh, rmmod.sh): KTAP reporting, the
# kernel-log window of one step, splat detection, module state.
# Sourced; busybox sh compatible.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KO=${MEMHEAP_KO:-/lib/modules/memheap.ko}
here=$(cd "$(dirname "$0")" && pwd)
MHTOOL=${MHTOOL:-$here/mhtool}
SCENARIO=$(cat /etc/memheap/scenario 2>/dev/null || echo full)

t_num=0
t_failed=0
t_checks_failed=0

# A check inside the current test: "check DESCRIPTION COMMAND..." runs
# COMMAND; on failure the description goes out as a diagnostic.
check() {
	desc=$1
	shift
	if "$@"; then
		return 0
	fi
	echo "# FAIL: $desc"
	t_checks_failed=$((t_checks_failed + 1))
	return 1
}

t_begin() {
	t_checks_failed=0
	t_name=$1
	echo "# RUN $t_name"
}

t_end() {
	t_num=$((t_num + 1))
	if [ "$t_checks_failed" -eq 0 ]; then
		echo "ok $t_num $t_name"
	else
		echo "not ok $t_num $t_name"
		t_failed=$((t_failed + 1))
	fi
}

t_skip() {
	t_num=$((t_num + 1))
	echo "ok $t_num $1 # SKIP $2"
}

t_finish() {
	echo "1..$t_num"
	[ "$t_failed" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# Kernel log since a mark: "mark NAME" then "since_mark NAME".
mark_seq=0
mark() {
	mark_seq=$((mark_seq + 1))
	current_mark="memheap-selftest: mark $$.$mark_seq $1"
	echo "$current_mark" >/dev/kmsg
}

since_mark() {
	dmesg | awk -v m="$current_mark" 'found { print } index($0, m) { found = 1 }'
}

# The rig's splat list (selftests/qemu/splat-patterns, which the host scans
# guest.log with), as the initramfs carries it.
SPLAT_PATTERNS=/etc/memheap/splat-patterns

# No splat in the log since the mark.
no_splat() {
	if [ ! -r "$SPLAT_PATTERNS" ]; then
		echo "# splat: cannot read $SPLAT_PATTERNS"
		return 1
	fi
	splat=$(since_mark | grep -E -f "$SPLAT_PATTERNS")
	[ -z "$splat" ] && return 0
	echo "$splat" | sed 's/^/# splat: /'
	return 1
}

# memheap lines of the log since the mark, without the kernel's taint notices.
memheap_lines() {
	since_mark | grep memheap | grep -v -e 'memheap-selftest: mark' -e 'taint'
}

# Lines of stdin joined by $1.
join_lines() {
	awk -v sep="$1" '{ printf "%s%s", (NR > 1 ? sep : ""), $0 } END { print "" }'
}

is_loaded() {
	grep -q '^memheap ' /proc/modules
}

unload_if_loaded() {
	is_loaded && rmmod memheap
	! is_loaded
}

# Reach a state where $1 exists (file test), polling: devtmpfs nodes and
# helper-made files appear asynchronously.  The bound (600 polls 0.05 s
# apart, 30 s or more) only costs time when something is broken; a loaded
# emulated guest can take seconds to start a helper.  With $2, a pid,
# stop as soon as that process is gone (it will not make the file).
wait_for() {
	n=0
	while [ ! -e "$1" ] && [ $n -lt 600 ]; do
		[ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || break
		sleep 0.05
		n=$((n + 1))
	done
	[ -e "$1" ]
}
