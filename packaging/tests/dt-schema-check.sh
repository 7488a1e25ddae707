#!/bin/sh
# Validate the binding with dt-schema (Debian's dt-schema package) and
# device trees against it: the binding itself (dt-doc-validate), then each
# given .dtb must raise no finding from the memheap schema, and a copy of
# the first tree with an unknown algorithm must raise one.
# Usage: dt-schema-check.sh BINDING OUTDIR TREE.dts [TREE.dtb...]
set -u
binding=$1 out=$2 first_dts=$3
shift 3
fail=0

schemas=$(/usr/bin/python3 -c 'import dtschema, os; print(os.path.dirname(dtschema.__file__))')/schemas ||
	{ echo "FAIL dt-schema is not installed (scripts/install-deps.sh docs)"; exit 1; }
# dt-schema wants the file at the path its $id names, under a schema root.
id_path=$(sed -n 's|^\$id: http://devicetree.org/schemas/\(.*\)#$|\1|p' "$binding")
rm -rf "$out" && mkdir -p "$out/root/$(dirname "$id_path")"
cp "$binding" "$out/root/$id_path"

if dt-doc-validate -u "$out/root" "$out/root/$id_path" >"$out/doc.log" 2>&1 &&
	! [ -s "$out/doc.log" ]; then
	echo "PASS dt-doc-validate $binding"
else
	echo "FAIL dt-doc-validate $binding:"; sed 's/^/    /' "$out/doc.log"; fail=1
fi
dt-mk-schema -j "$schemas" "$out/root" >"$out/processed.json" 2>"$out/mk.log" ||
	{ echo "FAIL dt-mk-schema:"; sed 's/^/    /' "$out/mk.log"; exit 1; }

# Findings of the memheap schema only: the base trees are QEMU's and a
# board's, whose other nodes are not ours to judge.
ours() { grep -B1 "From schema: .*$id_path" "$1" | grep -v '^--$' | grep -v 'From schema'; }

for dtb in "$@"; do
	dt-validate -s "$out/processed.json" "$dtb" >"$out/validate.log" 2>&1
	if [ -n "$(ours "$out/validate.log")" ]; then
		echo "FAIL $dtb does not follow the binding:"; ours "$out/validate.log" | sed 's/^/    /'; fail=1
	elif ! dtc -I dtb -O dts "$dtb" 2>/dev/null | grep -q 'compatible = "memheap,memheap"'; then
		echo "FAIL $dtb has no memheap node to validate"; fail=1
	else
		echo "PASS $dtb follows the binding"
	fi
done

sed 's/memheap,algorithm = "[a-z]*"/memheap,algorithm = "bogus"/' "$first_dts" >"$out/bad.dts"
if dtc -q -I dts -O dtb "$out/bad.dts" -o "$out/bad.dtb" 2>"$out/bad.dtc.log" &&
	dt-validate -s "$out/processed.json" "$out/bad.dtb" >"$out/bad.log" 2>&1 &&
	ours "$out/bad.log" | grep -q 'bogus'; then
	echo "PASS an unknown algorithm is refused by the binding"
else
	echo "FAIL an unknown algorithm was not refused (see $out/bad.log)"; fail=1
fi

[ "$fail" -eq 0 ] && echo "dt-schema-check: binding and trees valid"
