# kselftests for memheap.ko and the QEMU aarch64 rig that runs them.
