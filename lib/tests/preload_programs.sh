#!/bin/sh
# preload_programs: existing programs run under LD_PRELOAD=libmemheap-malloc.so
# give the same output as a normal run, and the preload really served their
# allocations (MEMHEAP_PRELOAD_STATS counters).  Also runs preload_api under
# the preload.  Environment (from lib/lib.mk): LIB_PRELOAD_SO, LIB_OUT.
set -u
so=$(realpath "${LIB_PRELOAD_SO:-build/lib/libmemheap-malloc.so}")
api="${LIB_OUT:-build/lib}/gcc/tests/preload_api"
[ -f "$so" ] || { echo "SKIP: $so not built"; exit 4; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/memheap-preload.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
# the programs need more than the 8.5 MiB default layout
layout="sram:512K:dma:internal:8bit:32bit:default,psram:512M:spiram:8bit:32bit:default"

# run NAME MIN_ALLOCS CMD...: normal run vs preloaded run, stdout compared
run() {
	name=$1 min=$2; shift 2
	"$@" >"$dir/$name.want" 2>"$dir/$name.err.want" || { echo "$name: normal run failed"; fail=1; return; }
	rm -f "$dir/$name.stats"
	env LD_PRELOAD="$so" MEMHEAP_BACKEND=embedded MEMHEAP_REGIONS="$layout" \
	    MEMHEAP_PRELOAD_STATS="$dir/$name.stats" "$@" >"$dir/$name.got" 2>"$dir/$name.err" ||
		{ echo "$name: preloaded run failed:"; cat "$dir/$name.err"; fail=1; return; }
	if ! cmp -s "$dir/$name.want" "$dir/$name.got"; then
		echo "$name: output differs under the preload"; fail=1; return
	fi
	# the last line is the program's own process (env exec()s it)
	line=$(tail -n 1 "$dir/$name.stats" 2>/dev/null)
	allocs=$(echo "$line" | sed -n 's/.*allocs=\([0-9]*\).*/\1/p')
	failed=$(echo "$line" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
	if [ -z "$allocs" ] || [ "$allocs" -lt "$min" ]; then
		echo "$name: preload served too few allocations: '$line' (want >= $min)"; fail=1; return
	fi
	echo "$name: same output; $line"
	[ "$failed" = 0 ] || echo "$name: note: $failed requests failed (the program retried smaller)"
}

seq 1 200000 | awk 'BEGIN{srand(7)} {print int(rand()*1000000) " line " $1}' >"$dir/input"
run sort 100 sort -k1,1n -k3,3n "$dir/input"
run sort-u 100 sort -u -k2 "$dir/input"
gzip -9 -c "$dir/input" >"$dir/input.gz"
run gzip 0 gzip -9 -c "$dir/input"
run gunzip 10 gunzip -c "$dir/input.gz"
py=$(command -v /usr/bin/python3 || command -v python3)
run python 100000 env PYTHONMALLOC=malloc PYTHONHASHSEED=0 "$py" -c '
import json, collections
d = [{"k": i, "v": str(i) * 3, "l": list(range(i % 17))} for i in range(60000)]
s = json.dumps(d, sort_keys=True)
c = collections.Counter(len(x["l"]) for x in json.loads(s))
print(len(s), sorted(c.items()), sum(hash(str(x)) % 7 for x in range(50000)), sorted(set(str(i * 7919 % 100003) for i in range(100000)))[:5])'
# the malloc family's own conformance test, under the preload
if [ -x "$api" ]; then
	out=$(env LD_PRELOAD="$so" MEMHEAP_BACKEND=embedded MEMHEAP_PRELOAD_STATS=1 "$api" 2>&1) ||
		{ echo "preload_api under the preload failed:"; echo "$out"; fail=1; }
	echo "$out" | grep -q "foreign_frees=2" ||
		{ echo "preload_api: glibc's blocks did not go back to glibc: $out"; fail=1; }
	echo "preload_api: $(echo "$out" | tr '\n' ' ')"
fi
exit $fail
