# QEMU aarch64 rig: see selftests/qemu/README.md.
