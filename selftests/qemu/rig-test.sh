#!/bin/bash
# Tests of the QEMU rig itself (make qemu-rig-test).
# Usage: rig-test.sh BUILD_DIR KERNEL BOARD_CONF INITRAMFS
#   BUILD_DIR holds the scenario trees (build/qemu); INITRAMFS is a base
#   initramfs (made without memheap.ko: these tests are about the rig).
# Without booting: the splat scanner on synthetic logs, the verdict on
# synthetic results channels, board.py on bad boards, kmods.py, mkcpio.py,
# qemu-exec's program check.  Then two boots: scenario full (the guest
# checks carveouts, device tree, guest layout, vgem, a dynamic program,
# bulk output; its payload exits 3, which must come back as 3) and scenario
# bare (no carveouts; the payload powers off before the end marker, which
# must be reported as a failure).
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: rig-test.sh BUILD_DIR KERNEL BOARD_CONF}
kernel=${2:?usage: rig-test.sh BUILD_DIR KERNEL BOARD_CONF}
board=${3:?usage: rig-test.sh BUILD_DIR KERNEL BOARD_CONF INITRAMFS}
initramfs=${4:?usage: rig-test.sh BUILD_DIR KERNEL BOARD_CONF INITRAMFS}
work="$build/rig-test"
rm -rf "$work"
mkdir -p "$work"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# ---- splat scanner ------------------------------------------------------

clean_log="$work/clean.log"
cat >"$clean_log" <<'EOF'
[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x000f0510]
[    0.000000] Linux version 6.1.0-56-arm64 (debian-kernel@lists.debian.org)
[    0.000000] Reserved memory: created DMA memory pool at 0x7c000000
[    0.512000] Warning: unable to open an initial console.
[    1.203000] memheap: loading out-of-tree module taints kernel.
[    1.204000] memheap: module verification failed: signature and/or required key missing - tainting kernel
[    1.300000] memheap: region 'sram' ready, 2048 KiB firstfit
[    2.000000] memheap: regions=: bad entry 'x' (size 0)
[    2.100000] random: crng init done
[    2.200000] memheap-rig: payload exited rc=0
EOF
check "splat-scan: a clean log passes" "$here/splat-scan.sh" "$clean_log"

# The boot of a debug kernel (KASAN, KFENCE, kmemleak, lockdep, DMA-API
# debug, ODEBUG banners) is no splat.
debug_boot="$here/rig-tests/debug-boot.log"
found=$("$here/splat-scan.sh" "$debug_boot")
check "splat-scan: a debug kernel's boot lines pass ($(wc -l <"$debug_boot") lines)" \
	test $? -eq 0 -a -z "$found"

# One real report line per class (rig-tests/splat-reports.log): each one,
# put in the middle of the debug boot log, is caught, and only it.
mapfile -t splats < <(grep -v -e '^#' -e '^[[:space:]]*$' "$here/rig-tests/splat-reports.log")
check "splat-scan: report corpus read (${#splats[@]} lines)" test ${#splats[@]} -ge 40
i=0
for line in "${splats[@]}"; do
	i=$((i + 1))
	log="$work/splat-$i.log"
	{ head -n 20 "$debug_boot"; echo "$line"; tail -n +21 "$debug_boot"; } >"$log"
	found=$("$here/splat-scan.sh" "$log")
	status=$?
	check "splat-scan: caught '${line#*] }'" \
		test "$status" -eq 1 -a "$found" = "21:$line"
done
# Every pattern in the list is exercised by at least one line above.
while read -r pattern; do
	hit=0
	for line in "${splats[@]}"; do
		if printf '%s\n' "$line" | grep -q -E -e "$pattern"; then hit=1; break; fi
	done
	check "splat-scan: pattern '$pattern' has a test line" test $hit -eq 1
done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$here/splat-patterns")
"$here/splat-scan.sh" "$work/no-such.log" 2>/dev/null
check "splat-scan: an unreadable log is an error (2), not a pass" test $? -eq 2

# ---- verdict on synthetic runs --------------------------------------------

verdict_case() { # NAME QEMU_STATUS WANT_STATUS WANT_TEXT GUEST_LOG RESULTS_TEXT
	local dir="$work/verdict-$1"
	mkdir -p "$dir"
	cp "$5" "$dir/guest.log"
	printf '%b' "$6" >"$dir/results.log"
	local text
	text=$("$here/verdict.sh" "$dir" "$2" 60)
	local status=$?
	check "verdict: $1 -> $3" test "$status" -eq "$3"
	case $text in
	*"$4"*) ok "verdict: $1 says '$4'" ;;
	*) not_ok "verdict: $1 says '$4' (it said: $text)" ;;
	esac
}
splat_log="$work/splat-1.log"
verdict_case pass 0 0 "PASS" "$clean_log" 'line\nMEMHEAP-RESULT rc=0\n'
verdict_case payload-status-3 0 3 "payload exited 3" "$clean_log" 'MEMHEAP-RESULT rc=3\n'
verdict_case payload-status-255 0 255 "payload exited 255" "$clean_log" 'MEMHEAP-RESULT rc=255\n'
verdict_case no-marker 0 125 "no end marker" "$clean_log" 'output, then nothing\n'
verdict_case empty-channel 0 125 "no end marker" "$clean_log" ''
verdict_case timeout 124 125 "no progress for 60 s" "$clean_log" 'still running\n'
verdict_case qemu-error 1 125 "QEMU exited with status 1" "$clean_log" ''
verdict_case marker-not-last 0 125 "no end marker" "$clean_log" 'MEMHEAP-RESULT rc=0\nlate output\n'
verdict_case marker-garbled 0 125 "no end marker" "$clean_log" 'MEMHEAP-RESULT rc=0x\n'
verdict_case marker-no-status 0 125 "no end marker" "$clean_log" 'MEMHEAP-RESULT rc=\n'
verdict_case splat-after-pass 0 126 "kernel splat" "$splat_log" 'MEMHEAP-RESULT rc=0\n'
verdict_case splat-and-failure 0 126 "payload exited 4" "$splat_log" 'MEMHEAP-RESULT rc=4\n'
mkdir -p "$work/verdict-no-guest-log"
printf 'MEMHEAP-RESULT rc=0\n' >"$work/verdict-no-guest-log/results.log"
"$here/verdict.sh" "$work/verdict-no-guest-log" 0 >/dev/null
check "verdict: a missing kernel log fails the run" test $? -ne 0

# ---- board.py -------------------------------------------------------------

good_board="$work/good.conf"
cat >"$good_board" <<'EOF'
machine virt
cpu max
smp 2
memory 1G
region fast dt 64K 0x7f000000 dma,8bit firstfit uncached   # comment
region big param 1M 0x7e000000 32bit,spiram buddy wc
region own param 2M - default,internal firstfit cached
EOF
check "board.py: params of a small board" test \
	"$(python3 "$here/board.py" "$good_board" params)" = \
	"regions=big:1M@0x7e000000:32bit:spiram:buddy:wc,own:2M:default:internal:firstfit:cached"
check "board.py: expected table of a small board (caps in bit order)" test \
	"$(python3 "$here/board.py" "$good_board" expected)" = \
	"$(printf '%s\n' "0 fast dma+8bit firstfit uncached dt 65536" \
		"1 big spiram+32bit buddy wc param 1048576" \
		"2 own internal+default firstfit cached self 2097152")"
check "board.py: carveouts of a small board" test \
	"$(python3 "$here/board.py" "$good_board" carveouts)" = \
	"$(printf '%s\n' "fast 7f000000 7f00ffff" "big 7e000000 7e0fffff")"
check "board.py: machine of a small board" test \
	"$(python3 "$here/board.py" "$good_board" machine)" = "virt max 2 1G"
python3 "$here/board.py" "$good_board" dts >"$work/good.dtsi"
check "board.py: dts references the dt carveout only" test \
	"$(grep -c 'memory-region = <&' "$work/good.dtsi")" -eq 1
check "board.py: dts reserves both carveouts no-map" test \
	"$(grep -c 'no-map;' "$work/good.dtsi")" -eq 2

bad_board() { # NAME WANTED_MESSAGE REGION_LINE...
	local name=$1 want=$2
	shift 2
	local conf="$work/bad-$name.conf"
	{ printf 'machine virt\ncpu max\nsmp 2\nmemory 1G\n'; printf '%s\n' "$@"; } >"$conf"
	local text
	text=$(python3 "$here/board.py" "$conf" params 2>&1 >/dev/null)
	local status=$?
	if [ $status -eq 1 ] && [[ $text == *"$want"* ]] && [[ $text == *"$conf:"* ]]; then
		ok "board.py: rejects $name"
	else
		not_ok "board.py: rejects $name (status $status: $text)"
	fi
}
bad_board overlap "overlaps 'a'" "region a dt 2M 0x7c000000 dma firstfit cached" \
	"region b dt 2M 0x7c100000 dma firstfit cached"
bad_board unaligned "not page aligned" "region a dt 2M 0x7c000800 dma firstfit cached"
bad_board unaligned-size "not page aligned" "region a dt 5000 0x7c000000 dma firstfit cached"
bad_board outside-ram "outside RAM" "region a dt 2M 0x3fe00000 dma firstfit cached"
bad_board past-ram-end "outside RAM" "region a dt 2M 0x7ff00000 dma firstfit cached"
bad_board duplicate "duplicate region name" "region a dt 2M 0x7c000000 dma firstfit cached" \
	"region a param 2M - dma firstfit cached"
bad_board unknown-cap "unknown capability 'fast'" "region a dt 2M 0x7c000000 fast firstfit cached"
bad_board repeated-cap "listed twice" "region a dt 2M 0x7c000000 dma,dma firstfit cached"
bad_board unknown-algo "unknown algorithm" "region a dt 2M 0x7c000000 dma tlsf cached"
bad_board unknown-mapping "unknown mapping" "region a dt 2M 0x7c000000 dma buddy writeback"
bad_board dt-without-phys "needs a physical address" "region a dt 2M - dma buddy cached"
bad_board dt-after-param "dt regions must come before" "region a param 2M - dma buddy cached" \
	"region b dt 2M 0x7c000000 dma buddy cached"
bad_board long-name "bad region name" \
	"region a234567890123456789012345678901x dt 2M 0x7c000000 dma buddy cached"
bad_board bad-name "bad region name" "region a:b dt 2M 0x7c000000 dma buddy cached"
bad_board zero-size "bad size" "region a dt 0 0x7c000000 dma buddy cached"
bad_board few-fields "needs 7 fields" "region a dt 2M 0x7c000000 dma buddy"
bad_board bad-source "source must be dt or param" "region a rom 2M 0x7c000000 dma buddy cached"
bad_board unknown-keyword "unknown keyword" "colour blue"

# ---- kmods.py and mkcpio.py ---------------------------------------------

kmoddir=$(dirname "$kernel")/modules
mods="$work/modules"
# Nothing here assumes one kernel's layout (which modules are built in,
# vgem's dependency chain): the expectations come from the modules' own
# .modinfo (make check-kernels runs this on every kernel of the matrix).
if python3 "$here/kmods.py" "$kmoddir" "$mods" vgem >/dev/null; then
	vgem_line=$(grep '/vgem.ko:' "$mods/modules.dep")
	check "kmods.py: vgem's line lists drm last (loaded first)" test \
		"${vgem_line##* }" = kernel/drivers/gpu/drm/drm.ko
	order=$(python3 - "$here" "$kmoddir" "$mods/modules.dep" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
import kmods
moddir, dep = sys.argv[2], sys.argv[3]
lines = dict(l.split(":", 1) for l in open(dep).read().splitlines())
def name(rel):
    return os.path.basename(rel)[:-3].replace("-", "_")
byname = {name(r): r for r in lines}
bad = []
for rel, rest in lines.items():
    listed = rest.split()
    # the transitive closure of .modinfo depends=, each after its users
    want, todo = set(), [name(rel)]
    while todo:
        m = todo.pop()
        for d in kmods.modinfo(os.path.join(moddir, byname[m])).get("depends", "").split(","):
            d = d.replace("-", "_")
            if d and d not in want:
                want.add(d)
                todo.append(d)
    if {name(r) for r in listed} != want:
        bad.append(f"{rel}: lists {sorted(name(r) for r in listed)}, closure {sorted(want)}")
    for i, r in enumerate(listed):
        for d in lines[r].split():
            if d not in listed[i + 1:]:
                bad.append(f"{rel}: {d} not after {r}")
    for r in [rel] + listed:
        if not os.path.isfile(os.path.join(os.path.dirname(dep), r)):
            bad.append(f"{r} not copied")
print("\n".join(bad) if bad else "ok")
PY
)
	check "kmods.py: every line is its module's dependency closure, in load order" \
		test "$order" = ok
	[ "$order" = ok ] || echo "# $order"
else
	not_ok "kmods.py: vgem resolves"
fi
text=$(python3 "$here/kmods.py" "$kmoddir" "$work/modules-bad" no_such_module 2>&1)
check "kmods.py: an unknown module is an error" test $? -ne 0 -a -n "$text"
builtin=$(sed -n 's|.*/\([^/]*\)\.ko$|\1|p' "$kmoddir/modules.builtin" 2>/dev/null | head -n1)
if [ -n "$builtin" ]; then
	text=$(python3 "$here/kmods.py" "$kmoddir" "$work/modules-bad" "$builtin" 2>&1)
	[[ $text == *"built into the kernel"* ]]
	check "kmods.py: a built-in module ($builtin) is named as such" test $? -eq 0
else
	not_ok "kmods.py: $kmoddir/modules.builtin lists no module to check with"
fi

mkdir -p "$work/tree/a/b"
echo hello >"$work/tree/a/b/file"
ln -s b/file "$work/tree/a/link"
python3 "$here/mkcpio.py" "$work/tree.cpio.gz" "$work/tree" --node /dev/console:600:c:5:1
listing=$(zcat "$work/tree.cpio.gz" 2>/dev/null | cpio -itv --quiet 2>/dev/null |
	awk '{ print $1, $NF }' | tr '\n' ' ')
check "mkcpio.py: directories, files, links and nodes are archived" test \
	"$listing" = "drwxr-xr-x a lrwxrwxrwx b/file drwxr-xr-x a/b -rw-r--r-- a/b/file crw------- dev/console "
python3 "$here/mkcpio.py" "$work/tree2.cpio.gz" "$work/tree" --node /dev/console:600:c:5:1
check "mkcpio.py: the same tree gives the same bytes" cmp -s "$work/tree.cpio.gz" "$work/tree2.cpio.gz"
check "mkcpio.py: the archive ends on a 4-byte boundary" \
	test $(($(stat -c %s "$work/tree.cpio.gz") % 4)) -eq 0
python3 "$here/mkcpio.py" "$work/x.cpio.gz" "$work/tree" --node /dev/x:600:q:1:1 2>/dev/null
check "mkcpio.py: a bad node spec is an error" test $? -ne 0

# ---- qemu-exec argument checks (no boot) ------------------------------------

"$here/qemu-exec.sh" --build "$work/exec" -- /bin/true >/dev/null 2>&1
check "qemu-exec: a host program is refused before booting" test $? -eq 2
"$here/qemu-exec.sh" --build "$work/exec" -- "$work/none" >/dev/null 2>&1
check "qemu-exec: a missing program is refused" test $? -eq 2
"$here/run.sh" --build "$build" --initramfs "$initramfs" --kernel "$kernel" --board "$board" \
	--scenario odd --payload "$work" >/dev/null 2>&1
check "run.sh: an unknown scenario is a usage error" test $? -eq 2

# ---- boot 1: scenario full, status propagation, guest checks -----------------

cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
payload="$work/payload-full"
mkdir -p "$payload"
cp "$here/rig-tests/check-full.sh" "$payload/run"
python3 "$here/board.py" "$board" carveouts >"$payload/carveouts"
python3 "$here/board.py" "$board" params >"$payload/params"
python3 "$here/board.py" "$board" expected >"$payload/regions.expected"
grep -v -e '^#' -e '^[[:space:]]*$' "$here/splat-patterns" >"$payload/splat-patterns"
cp "$here/rig-tests/debug-boot.log" "$here/rig-tests/splat-reports.log" "$payload/"
if ! "${cross}gcc" -std=c11 -Wall -Wextra -Werror -O2 \
	-o "$payload/echo-args" "$here/rig-tests/echo-args.c"; then
	not_ok "cross-compiling rig-tests/echo-args.c"
fi
start=$(date +%s.%N)
"$here/run.sh" --build "$build" --initramfs "$initramfs" --kernel "$kernel" --board "$board" \
	--scenario full --out "$work/full" --timeout 240 --payload "$payload" \
	>"$work/full.stdout" 2>&1
status=$?
boot_full=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
check "boot full: the payload's status 3 comes back as 3" test $status -eq 3
if [ $status -ne 3 ]; then
	sed 's/^/  | /' "$work/full.stdout"
fi
grep -q '^rig-check: all passed$' "$work/full/results.log"
check "boot full: every guest check passed" test $? -eq 0
grep '^rig-check: FAIL' "$work/full/results.log" | sed 's/^/  | /'
sed -n '/^BEGIN-SEQ$/,/^END-SEQ$/p' "$work/full/results.log" | sed '1d;$d' >"$work/seq.got"
seq 1 20000 >"$work/seq.want"
check "boot full: 20000 lines of output arrive intact on the results channel" \
	cmp -s "$work/seq.got" "$work/seq.want"
check "boot full: the results channel ends with the marker" \
	test "$(tail -n 1 "$work/full/results.log")" = "MEMHEAP-RESULT rc=3"
grep -q '^rig-check: all passed$' "$work/full.stdout" &&
	! grep -q 'MEMHEAP-RESULT' "$work/full.stdout"
check "boot full: payload output is copied to stdout, marker left out" test $? -eq 0
grep -q 'MEMHEAP-RESULT\|BEGIN-SEQ' "$work/full/guest.log"
check "boot full: payload output stays out of the kernel log" test $? -ne 0
grep -q 'memheap-rig: payload exited rc=3' "$work/full/guest.log"
check "boot full: the kernel log is kept" test $? -eq 0

# ---- boot 2: scenario bare, missing end marker --------------------------------

payload="$work/payload-bare"
mkdir -p "$payload"
cp "$here/rig-tests/check-bare.sh" "$payload/run"
python3 "$here/board.py" "$board" carveouts >"$payload/carveouts"
start=$(date +%s.%N)
"$here/run.sh" --build "$build" --initramfs "$initramfs" --kernel "$kernel" --board "$board" \
	--scenario bare --out "$work/bare" --timeout 240 --payload "$payload" \
	>"$work/bare.stdout" 2>&1
status=$?
boot_bare=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
check "boot bare: a run without end marker fails (125)" test $status -eq 125
grep -q 'no end marker' "$work/bare.stdout"
check "boot bare: the failure says the marker is missing" test $? -eq 0
grep -q '^rig-check: all passed$' "$work/bare/results.log"
check "boot bare: every guest check passed" test $? -eq 0
grep '^rig-check: FAIL' "$work/bare/results.log" | sed 's/^/  | /'

# ---- boots 3 and 4: the hang guard counts silence, not time ------------------
# A payload that writes a line every 3 s for 60 s outlives a 25 s guard and
# passes; one that goes silent is stopped after 25 s without progress.

payload="$work/payload-slow"
mkdir -p "$payload"
printf '#!/bin/sh\nfor i in $(seq 20); do echo "tick $i"; sleep 3; done\nexit 0\n' >"$payload/run"
chmod 755 "$payload/run"
start=$(date +%s)
"$here/run.sh" --build "$build" --initramfs "$initramfs" --kernel "$kernel" --board "$board" \
	--scenario bare --out "$work/slow" --timeout 25 --payload "$payload" \
	>"$work/slow.stdout" 2>&1
status=$?
took=$(( $(date +%s) - start ))
check "boot slow: a payload writing for 60 s passes a 25 s no-progress guard (took ${took} s)" \
	test $status -eq 0 -a $took -gt 25
[ $status -eq 0 ] || sed 's/^/  | /' "$work/slow.stdout" | tail -n 25

payload="$work/payload-silent"
mkdir -p "$payload"
printf '#!/bin/sh\necho "going quiet"\nsleep 3600\n' >"$payload/run"
chmod 755 "$payload/run"
"$here/run.sh" --build "$build" --initramfs "$initramfs" --kernel "$kernel" --board "$board" \
	--scenario bare --out "$work/silent" --timeout 25 --payload "$payload" \
	>"$work/silent.stdout" 2>&1
status=$?
check "boot silent: a payload silent for 25 s is stopped (125)" test $status -eq 125
grep -q 'no progress for 25 s' "$work/silent.stdout"
check "boot silent: the failure says no progress" test $? -eq 0

echo "rig-test: boots took ${boot_full} s (full) and ${boot_bare} s (bare)"
echo "rig-test: $passed passed, $failed failed (files in $work)"
[ $failed -eq 0 ]
