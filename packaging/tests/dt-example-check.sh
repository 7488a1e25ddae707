#!/bin/sh
# A device-tree overlay example compiles with dtc -@ without warnings,
# applies to a base tree with fdtoverlay, and the merged tree holds what
# memheap.ko reads (kmod/region_dt.c): a "memheap,memheap" node whose
# children name a no-map reserved-memory carveout through memory-region,
# inside the base tree's memory, page aligned, not overlapping, with a
# valid unique memheap,name and only the words spec/region_spec.c knows
# (the grammar the module compiles in).
# Then broken copies of the example must be refused (the check can fail).
# Usage: dt-example-check.sh EXAMPLE.dtso BASE.dtb OUTDIR
#
# dtc cannot know the cell sizes of the node an overlay fragment lands in,
# so it warns about reserved-memory's #address-cells/ranges in any overlay
# (avoid_default_addr_size, ranges_format); those two are off, every other
# warning fails the check.
# "[ a ] && [ b ] || fail" is meant: fail when any test is false.
# shellcheck disable=SC2015
set -u
src=$1 base=$2 out=$3
name=$(basename "$src" .dtso)
mkdir -p "$out"
opts="$(dirname "$0")/../../spec/region_spec.c"
words() { sed -n "/$1\\[\\] = {/,/};/p" "$opts" | grep -o '"[a-z0-9]*"' | tr -d '"'; }
caps=$(words cap_words) algos=$(words algo_words) maps=$(words map_words)
[ -n "$caps" ] && [ -n "$algos" ] && [ -n "$maps" ] ||
	{ echo "FAIL dt: cannot read the vocabulary from $opts"; exit 1; }

in_list() { printf '%s\n' "$2" | grep -qx "$1"; }
hex() { printf '%d' "0x$1"; }

# check SRC TAG: 0 when SRC passes; prints one line per problem.
check() {
	c_src=$1 tag=$2 bad=0
	dtbo=$out/$tag.dtbo merged=$out/$tag.dtb
	if ! dtc -q -@ -Wno-avoid_default_addr_size -Wno-ranges_format -I dts -O dtb \
		-o "$dtbo" "$c_src" 2>"$out/$tag.dtc.err" || [ -s "$out/$tag.dtc.err" ]; then
		# -q drops nothing dtc -W would show; an error still fails it
		dtc -@ -Wno-avoid_default_addr_size -Wno-ranges_format -I dts -O dtb \
			-o "$dtbo" "$c_src" 2>&1 | sed 's/^/  dtc: /'
		return 1
	fi
	if ! fdtoverlay -i "$base" -o "$merged" "$dtbo" 2>"$out/$tag.fdtoverlay.err"; then
		echo "  fdtoverlay: $(cat "$out/$tag.fdtoverlay.err")"; return 1
	fi
	node=$(for n in $(fdtget -l "$merged" /); do
		[ "$(fdtget "$merged" "/$n" compatible 2>/dev/null)" = memheap,memheap ] && echo "/$n"
	done)
	[ "$(echo "$node" | grep -c .)" = 1 ] || { echo "  not one memheap,memheap node: '$node'"; return 1; }
	mem=$(fdtget -t x "$merged" /memory@40000000 reg 2>/dev/null ||
		for n in $(fdtget -l "$merged" /); do case $n in memory@*) fdtget -t x "$merged" "/$n" reg ;; esac; done)
	# shellcheck disable=SC2086
	set -- $mem
	mem_lo=$(( ($(hex "$1") << 32) + $(hex "$2") ))
	mem_hi=$(( mem_lo + ($(hex "$3") << 32) + $(hex "$4") ))
	names="" ranges=""
	children=$(fdtget -l "$merged" "$node")
	[ -n "$children" ] || { echo "  $node has no region"; bad=1; }
	for child in $children; do
		p="$node/$child"
		rname=$(fdtget "$merged" "$p" memheap,name 2>/dev/null)
		if ! printf '%s' "$rname" | grep -Eqx '[A-Za-z0-9_.-]{1,31}'; then
			echo "  $p: bad memheap,name '$rname'"; bad=1
		elif in_list "$rname" "$names"; then
			echo "  $p: duplicate name $rname"; bad=1
		fi
		names="$names
$rname"
		for w in $(fdtget "$merged" "$p" memheap,caps 2>/dev/null); do
			in_list "$w" "$caps" || { echo "  $p: unknown capability '$w'"; bad=1; }
		done
		a=$(fdtget "$merged" "$p" memheap,algorithm 2>/dev/null)
		[ -z "$a" ] || in_list "$a" "$algos" || { echo "  $p: unknown algorithm '$a'"; bad=1; }
		m=$(fdtget "$merged" "$p" memheap,mapping 2>/dev/null)
		[ -z "$m" ] || in_list "$m" "$maps" || { echo "  $p: unknown mapping '$m'"; bad=1; }
		ph=$(fdtget -t x "$merged" "$p" memory-region 2>/dev/null)
		target=""
		for r in $(fdtget -l "$merged" /reserved-memory 2>/dev/null); do
			[ "$(fdtget -t x "$merged" "/reserved-memory/$r" phandle 2>/dev/null)" = "$ph" ] &&
				target=/reserved-memory/$r
		done
		if [ -z "$ph" ] || [ -z "$target" ]; then
			echo "  $p: memory-region is not a reserved-memory child"; bad=1; continue
		fi
		fdtget "$merged" "$target" no-map >/dev/null 2>&1 ||
			{ echo "  $target: no no-map"; bad=1; }
		# shellcheck disable=SC2046
		set -- $(fdtget -t x "$merged" "$target" reg)
		lo=$(( ($(hex "$1") << 32) + $(hex "$2") ))
		hi=$(( lo + ($(hex "$3") << 32) + $(hex "$4") ))
		[ $((lo % 4096)) = 0 ] && [ $((hi % 4096)) = 0 ] && [ "$hi" -gt "$lo" ] ||
			{ echo "  $target: not page aligned or empty"; bad=1; }
		[ "$lo" -ge "$mem_lo" ] && [ "$hi" -le "$mem_hi" ] ||
			{ echo "  $target: outside the base tree's memory"; bad=1; }
		for rg in $ranges; do
			[ "$lo" -lt "${rg#*-}" ] && [ "${rg%-*}" -lt "$hi" ] &&
				{ echo "  $target overlaps another region"; bad=1; }
		done
		ranges="$ranges $lo-$hi"
	done
	return $bad
}

fail=0
if check "$src" "$name"; then
	echo "PASS dt: $name compiles (dtc -@), applies to $(basename "$base"), regions valid"
else
	echo "FAIL dt: $name"; fail=1
fi
# Broken copies: each must be refused.
n=0
while IFS='|' read -r what from to; do
	n=$((n + 1))
	sed "s|$from|$to|" "$src" >"$out/$name.bad$n.dtso"
	if cmp -s "$src" "$out/$name.bad$n.dtso"; then
		echo "FAIL dt: mutation '$what' does not apply to $name"; fail=1
	elif check "$out/$name.bad$n.dtso" "$name.bad$n" >/dev/null; then
		echo "FAIL dt: $name with $what was accepted"; fail=1
	else
		echo "PASS dt: $name with $what is refused"
	fi
done <<'CASES'
an unknown mapping|"uncached"|"uncachd"
an unknown capability|"spiram"|"psram"
no no-map|no-map;|
a dangling memory-region|<&memheap_dma>|<0x1234>
a bad name|"dma";|"dma pool";
a misaligned carveout|0x5a000000 0x0 0x2000000|0x5a000800 0x0 0x2000000
overlapping carveouts|0x58000000 0x0 0x400000|0x58000000 0x0 0x2400000
a syntax error|memheap {|memheap
CASES
exit $fail
