# QEMU aarch64 rig: see selftests/qemu/README.md.
#
#   make qemu-dtb          device trees for the scenarios (full, bare)
#   make qemu-initramfs    the base initramfs (busybox, modules, memheap.ko)
#   make qemu-run [SCENARIO=full|bare] [PAYLOAD=dir] [QEMU_TIMEOUT=s]
#                          boot, run PAYLOAD/run, fail on failure or splat
#   make qemu-exec PROG=<aarch64 program> [ARGS="..."] [LOAD=0]
#                          run one program on the board, module loaded
#   make qemu-rig-test     tests of the rig itself (part of make check)
#
# Variables other fragments use: QEMU_BUILD (build/qemu), QEMU_INITRAMFS,
# QEMU_DTBS, QEMU_RUN (the runner script), QEMU_RUN_OPTS (its options for
# this build: --build --kernel --board --timeout [--append]), PAYLOAD (default
# $(BUILD)/selftests/payload), SCENARIO, QEMU_TIMEOUT, QEMU_APPEND (extra
# kernel command line), QEMU_KO (module put in the initramfs; defaults to
# $(KMOD_KO) from kmod/kmod.mk, empty to leave it out), GUEST_TOOLS (aarch64
# programs other fragments put in the guest's /usr/bin, e.g. memshow).

QEMU_DIR := selftests/qemu
QEMU_BUILD := $(BUILD)/qemu$(KERNEL_SUFFIX)
QEMU_BOARD ?= $(QEMU_DIR)/board.conf
QEMU_KERNEL := $(KERNEL_OUT)/vmlinuz
QEMU_INITRAMFS := $(QEMU_BUILD)/initramfs.cpio.gz
# The rig's own tests boot one without memheap.ko: a module that does not
# build or load must not fail the tests of the rig.
QEMU_RIG_INITRAMFS := $(QEMU_BUILD)/rig-test-initramfs.cpio.gz
QEMU_DTBS := $(QEMU_BUILD)/full.dtb $(QEMU_BUILD)/bare.dtb
QEMU_RUN := $(QEMU_DIR)/run.sh
QEMU_KO ?= $(KMOD_KO)

SCENARIO ?= full
PAYLOAD ?= $(BUILD)/selftests/payload
QEMU_TIMEOUT ?= 900
QEMU_APPEND ?=
LOAD ?= 1

QEMU_RUN_OPTS = --build $(QEMU_BUILD) --kernel $(QEMU_KERNEL) \
	--board $(QEMU_BOARD) --timeout $(QEMU_TIMEOUT) \
	$(if $(QEMU_APPEND),--append "$(QEMU_APPEND)")

QEMU_INITRAMFS_INPUTS := $(addprefix $(QEMU_DIR)/,mkinitramfs.sh kmods.py \
	mkcpio.py board.py guest/init guest/memheap-load splat-patterns) $(QEMU_BOARD)

.PHONY: qemu-dtb qemu-initramfs qemu-run qemu-exec qemu-rig-test qemu-kernel

# No-op when build/kernel is complete.
qemu-kernel:
	@scripts/fetch-kernel.sh $(KERNEL) $(KERNEL_OUT)

qemu-dtb: $(QEMU_DTBS)
qemu-initramfs: $(QEMU_INITRAMFS)

# Both trees come from one dump, so they are made together.
$(QEMU_BUILD)/full.dtb $(QEMU_BUILD)/bare.dtb &: $(QEMU_DIR)/mkdtb.sh \
		$(QEMU_DIR)/board.py $(QEMU_BOARD) $(QEMU_RUN)
	@echo "  DTB     $(QEMU_DTBS)"
	@$(QEMU_DIR)/mkdtb.sh $(QEMU_BUILD) $(QEMU_BOARD)

GUEST_TOOLS ?=

$(QEMU_INITRAMFS): $(QEMU_INITRAMFS_INPUTS) $(QEMU_KO) $(GUEST_TOOLS) | qemu-kernel
	@echo "  CPIO    $@$(if $(QEMU_KO),, (without memheap.ko))"
	@GUEST_TOOLS="$(GUEST_TOOLS)" $(QEMU_DIR)/mkinitramfs.sh $@ $(KERNEL_OUT) $(QEMU_BOARD) $(QEMU_KO)

qemu-run: $(QEMU_DTBS) $(QEMU_INITRAMFS)
	@$(QEMU_RUN) $(QEMU_RUN_OPTS) --scenario $(SCENARIO) --payload $(PAYLOAD)

# make cannot return the program's own status (it exits 2 on any failure);
# the status is printed, and selftests/qemu/qemu-exec.sh returns it as is.
# PROG is a prerequisite: a program the build knows (build/selftests/mmap,
# build/lib/aarch64/tests/...) is built first.
qemu-exec: $(QEMU_DTBS) $(QEMU_INITRAMFS) $(PROG)
	@test -n "$(PROG)" || { echo "qemu-exec: PROG=<aarch64 program> is required" >&2; exit 2; }
	@$(QEMU_DIR)/qemu-exec.sh $(if $(filter 0,$(LOAD)),--no-load) \
		$(QEMU_RUN_OPTS) --scenario $(SCENARIO) -- $(PROG) $(ARGS); \
	status=$$?; echo "qemu-exec: $(PROG) exited with status $$status"; exit $$status

$(QEMU_RIG_INITRAMFS): $(QEMU_INITRAMFS_INPUTS) | qemu-kernel
	@echo "  CPIO    $@ (without memheap.ko)"
	@$(QEMU_DIR)/mkinitramfs.sh $@ $(KERNEL_OUT) $(QEMU_BOARD)

qemu-rig-test: $(QEMU_DTBS) $(QEMU_RIG_INITRAMFS)
	@$(QEMU_DIR)/rig-test.sh $(QEMU_BUILD) $(QEMU_KERNEL) $(QEMU_BOARD) \
		$(QEMU_RIG_INITRAMFS)

CHECK_GOALS += qemu-rig-test
