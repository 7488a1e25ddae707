#!/bin/sh
# Extract from Debian's linux-source-6.1 tarball the few files memheap
# uses at build time (never copied into the repository):
#   scripts/checkpatch.pl + its data files   (style checks of kmod/)
#   tools/testing/selftests/kselftest*.h      (the kselftest harness)
# Usage: scripts/extract-linux-source.sh [OUT]   (default build/linux-source)
set -eu

out=${1:-build/linux-source}
[ -f "$out/.complete" ] && exit 0

tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
[ -n "$tarball" ] || {
	echo "extract-linux-source: /usr/src/linux-source-6.1.tar.* not found" \
		"(install linux-source-6.1: scripts/install-deps.sh kernel)" >&2
	exit 1
}
mkdir -p "$out"
top=linux-source-6.1
tar -xf "$tarball" -C "$out" --strip-components=1 \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch" \
	"$top/tools/testing/selftests/kselftest.h" \
	"$top/tools/testing/selftests/kselftest_harness.h" ||
	{ echo "extract-linux-source: extraction from $tarball failed" >&2; exit 1; }
touch "$out/.complete"
