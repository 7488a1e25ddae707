# memheap.ko: cross-build for Debian arm64 (default) or a board kernel
# (KDIR / KERNEL_SRC), and its style checks.  See kmod/README.md.
