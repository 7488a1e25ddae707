#!/bin/sh
# Build memheap's arm64 debug kernel from Debian's linux-source-6.1:
# allnoconfig + selftests/debug/debug.config (KASAN, KFENCE, lockdep,
# kmemleak, UBSAN, DEBUG_PAGEALLOC, DMA-API debug, fault injection, ...),
# cross-compiled with aarch64-linux-gnu-gcc.
#
# The result is cached OUTSIDE the clone, so every clone and CI run on the
# machine reuses it:
#   $MEMHEAP_CACHE/debug-kernel/<key>/   (MEMHEAP_CACHE default
#   /var/cache/memheap, or ~/.cache/memheap when that is not writable)
# key = <linux-source-6.1 version>-<sha256 of debug.config, 12>-<gcc version>
# and OUT (default build/kernel-debug) becomes a kernel directory with the
# layout scripts/fetch-arm64-kernel.sh gives (abi, vmlinuz, modules/, kdir,
# busybox, root/), usable by the QEMU rig as KERNEL_OUT.
#
# Usage: scripts/build-debug-kernel.sh [OUT]
#   OUT   kernel directory to fill (links into the cache)
# Environment: JOBS (make -j, default nproc), MEMHEAP_CACHE.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build/kernel-debug}
frag="$here/selftests/debug/debug.config"
cross=aarch64-linux-gnu-
jobs=${JOBS:-$(nproc)}

die() { echo "build-debug-kernel: $*" >&2; exit 1; }
say() { echo "build-debug-kernel: $*"; }

tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
[ -n "$tarball" ] || die "/usr/src/linux-source-6.1.tar.* not found (scripts/install-deps.sh kernel)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed"
gccver=$(${cross}gcc -dumpfullversion 2>/dev/null) || die "${cross}gcc not found"
fraghash=$(sha256sum "$frag" | cut -c1-12)
key="$srcver-$fraghash-gcc$gccver"

cache=${MEMHEAP_CACHE:-/var/cache/memheap}
if ! mkdir -p "$cache/debug-kernel" 2>/dev/null || [ ! -w "$cache/debug-kernel" ]; then
	cache="${HOME:-/tmp}/.cache/memheap"
	mkdir -p "$cache/debug-kernel" || die "no writable cache directory"
fi
dir="$cache/debug-kernel/$key"

kmake() { make -C "$dir/src" O="$dir/obj" ARCH=arm64 CROSS_COMPILE=$cross "$@"; }

# A build that was stopped after its configuration (.configured) resumes:
# kbuild only recompiles what has no .cmd record or is older than its
# inputs, so the objects already compiled are kept. Anything earlier
# starts again from an empty directory.
build() {
	if [ -f "$dir/.configured" ]; then
		say "resuming the interrupted build of $key in $dir"
		compile
		return
	fi
	say "cold build of $key in $dir (about 30 min on 2 cores)"
	rm -rf "$dir"
	mkdir -p "$dir/src" "$dir/obj" "$dir/root"
	say "extracting $tarball"
	tar -xf "$tarball" -C "$dir/src" --strip-components=1 ||
		die "extraction of $tarball failed"
	KCONFIG_ALLCONFIG="$frag" kmake allnoconfig >"$dir/config.log" 2>&1 ||
		die "allnoconfig failed (see $dir/config.log)"
	# Every option of the fragment must have survived the dependencies.
	missing=$(grep -E '^(CONFIG_|# CONFIG_)' "$frag" | while read -r line; do
		case $line in
		"# "*) opt=${line#\# }; opt=${opt%% *}
			grep -q "^$opt=" "$dir/obj/.config" && echo "$opt (wanted off)" ;;
		*) grep -qxF "$line" "$dir/obj/.config" || echo "$line" ;;
		esac
	done)
	[ -z "$missing" ] || die "options not in the final .config: $(echo $missing)"
	: >"$dir/.configured"
	compile
}

compile() {
	say "compiling with $jobs jobs (log: $dir/build.log)"
	kmake -j"$jobs" Image modules >>"$dir/build.log" 2>&1 ||
		{ tail -n 30 "$dir/build.log" >&2; die "kernel build failed (see $dir/build.log)"; }
	kmake INSTALL_MOD_PATH="$dir/root" modules_install >>"$dir/build.log" 2>&1 ||
		die "modules_install failed"
	release=$(cat "$dir/obj/include/config/kernel.release")
	echo "$release" >"$dir/abi"
	echo "$srcver" >"$dir/version"
	echo "$key" >"$dir/.complete"
	say "built $release"
}

if [ ! -f "$dir/.complete" ]; then
	# One builder at a time per key (another clone may be building it).
	mkdir -p "$cache/debug-kernel"
	exec 9>"$cache/debug-kernel/$key.lock"
	flock 9
	[ -f "$dir/.complete" ] || build
	flock -u 9
else
	say "cached: $dir"
fi

release=$(cat "$dir/abi")
mkdir -p "$out"
out=$(cd "$out" && pwd)
ln -sfn "$dir/obj/arch/arm64/boot/Image" "$out/vmlinuz"
ln -sfn "$dir/obj" "$out/kdir"
ln -sfn "$dir/root/lib/modules/$release" "$out/modules"
echo "$release" >"$out/abi"
cp "$dir/version" "$out/version"
echo "$key" >"$out/key"
say "ready in $out (KDIR=$out/kdir, $release)"
