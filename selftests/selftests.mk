# kselftests for memheap.ko and the QEMU aarch64 rig that runs them.
# The rig itself (boot, device tree, initramfs, qemu-exec) is in
# selftests/qemu/qemu.mk.
include selftests/qemu/qemu.mk
