#!/bin/sh
# check-layers.sh [-v] OBJ...     fail if the objects' calls form a cycle
# check-layers.sh -s OBJ...        fail if an object calls one of another folder
#
# File A uses file B when A's object has an undefined symbol that B's object
# defines (nm).  Prints each cycle found (A -> B -> ... -> A), or with -s
# each call between folders, and exits 1; -v prints every edge first.  Run
# by `make lib-layers` (make check): over lib/src/core (the core stays
# layered, leaf utilities at the bottom, public entry points on top: see
# lib/src/core/internal.h, docs/architecture.md) and, with -s, over the API
# families (lib/src/armino, esp, freertos, oneos: no family calls another;
# what they share is the RTOS layer, lib/src/rtos, or the core).
set -eu
verbose=0 separate=0
case "${1:-}" in
-v) verbose=1; shift ;;
-s) separate=1; shift ;;
esac
[ $# -gt 0 ] || { echo "usage: $0 [-v|-s] OBJ..." >&2; exit 2; }
NM=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for o in "$@"; do
	[ -f "$o" ] || { echo "check-layers: $o: no such object" >&2; exit 2; }
	f=$(basename "$o" .o)
	[ "$separate" = 1 ] && f=$(basename "$(dirname "$o")")
	# defined: text, data, bss, read-only (global); undefined: U
	"$NM" -g "$o" | awk -v f="$f" '$1 != "U" && NF == 3 { print $3, f }' >>"$tmp/def"
	"$NM" -g "$o" | awk -v f="$f" '$1 == "U" { print f, $2 }' >>"$tmp/use"
done
awk 'NR == FNR { def[$1] = $2; next }
     ($2 in def) && def[$2] != $1 { print $1, def[$2] }' \
	"$tmp/def" "$tmp/use" | sort -u >"$tmp/edges"
[ "$verbose" = 1 ] && sed 's/ / -> /' "$tmp/edges"
if [ "$separate" = 1 ]; then
	if [ -s "$tmp/edges" ]; then
		sed 's/^/calls another folder: /; s/ \([^ ]*\)$/ -> \1/' "$tmp/edges"
		echo "check-layers: the folders above must not call each other" >&2
		exit 1
	fi
	echo "check-layers: $# objects, no folder calls another"
	exit 0
fi
# Depth-first search for a back edge; report each cycle once (by its set).
awk '
{ adj[$1] = adj[$1] " " $2; node[$1] = 1; node[$2] = 1 }
function dfs(u,    i, n, v, a, k, c, key) {
	state[u] = 1; stack[++sp] = u
	n = split(adj[u], a, " ")
	for (i = 1; i <= n; i++) {
		v = a[i]
		if (state[v] == 1) {
			c = v; key = ""
			for (k = sp; k >= 1 && stack[k] != v; k--) ;
			for (; k <= sp; k++) { if (stack[k] != v) c = c " -> " stack[k] }
			c = c " -> " v
			if (!(c in seen)) { seen[c] = 1; print "cycle: " c; found++ }
		} else if (state[v] == 0) {
			dfs(v)
		}
	}
	sp--; state[u] = 2
}
END {
	for (u in node) if (state[u] == 0) dfs(u)
	exit found ? 1 : 0
}' "$tmp/edges" && { echo "check-layers: $# objects, no cycle"; exit 0; }
echo "check-layers: the objects above call each other in a cycle" >&2
exit 1
