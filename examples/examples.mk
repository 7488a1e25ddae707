# examples/: the demo, a ported firmware's memory code on memheap
# (docs/demo.md).
#
#   make run        the main job: install what is missing, build memheap.ko,
#                   memshow and the demo for aarch64, boot the QEMU board
#                   (two DT carveouts, a parameter region, a self-backed
#                   one), load the module, memshow, the demo, memshow; one
#                   verdict line.  Logs in $(DEMO_QEMU_OUT)/.
#   make run-host   the same demo on this machine: embedded backend, no
#                   QEMU, no module
#   make demo       the host demo, $(DEMO_HOST) (part of make)
#   make demo-aarch64  the static aarch64 demo, $(DEMO_AARCH64)
#   make demo-test  (in make check) the host demo built with gcc, clang and
#                   ASan+UBSan on two layouts, and its command-line errors
#
# The aarch64 demo is also a guest test (GUEST_TESTS): the selftests' run
# in the full scenario runs it on the kernel backend.

DEMO_OUT := $(BUILD)/demo
DEMO_SRCS := examples/demo/demo.c examples/demo/verdict.c
DEMO_DEPS := $(DEMO_SRCS) examples/demo/verdict.h $(LIB_HDRS)
DEMO_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -Ilib/include
# The host demo: the library's gcc build, embedded backend.
DEMO_HOST := $(DEMO_OUT)/gcc/demo
DEMO_AARCH64 := $(DEMO_OUT)/aarch64/demo
DEMO_PAYLOAD := $(DEMO_OUT)/payload
DEMO_QEMU_OUT := $(DEMO_OUT)/qemu
# install-deps.sh groups make run needs (compilers, cross tools, QEMU,
# libnl for memshow).
DEMO_DEPS_GROUPS := build kernel lib tools

# $(1) = library variant (lib/lib.mk builds $(LIB_OUT)/$(1)/libmemheap.a),
# $(2) = compiler, $(3) = extra flags, $(4) = extra link flags
define demo_variant
$(DEMO_OUT)/$(1)/demo: $(DEMO_DEPS) $(LIB_OUT)/$(1)/libmemheap.a
	@mkdir -p $$(@D)
	$(2) $(DEMO_CFLAGS) $(3) $(DEMO_SRCS) $(LIB_OUT)/$(1)/libmemheap.a -pthread $(4) -o $$@
endef
$(eval $(call demo_variant,gcc,$(CC),,))
$(eval $(call demo_variant,clang,$(CLANG),,))
$(eval $(call demo_variant,asan,$(CLANG),$(LIB_ASAN_FLAGS),))
$(eval $(call demo_variant,aarch64,$(CROSS_CC),,-static))

.PHONY: run run-qemu run-host demo demo-aarch64 demo-test
demo: $(DEMO_HOST)
demo-aarch64: $(DEMO_AARCH64)
ALL_GOALS += demo

$(DEMO_PAYLOAD)/.stamp: examples/demo/run.sh $(DEMO_AARCH64)
	@rm -rf $(DEMO_PAYLOAD)
	@mkdir -p $(DEMO_PAYLOAD)
	cp examples/demo/run.sh $(DEMO_PAYLOAD)/run
	cp $(DEMO_AARCH64) $(DEMO_PAYLOAD)/demo
	@touch $@

# Installs first (a separate make, so nothing is built before the tools
# are there), then builds quietly (the compiler lines go to a log, shown
# only on failure), then boots.  The first run downloads Debian's arm64
# kernel, headers and busybox (measured: 91 MB: 72 MB of packages, 19 MB
# of package lists) and fills about 600 MB under $(BUILD)/ (528 MB of it
# the unpacked kernel tree).
DEMO_BUILD_LOG := $(DEMO_OUT)/build.log
run:
	@scripts/install-deps.sh $(DEMO_DEPS_GROUPS)
	@mkdir -p $(DEMO_OUT)
	@if [ ! -f $(KERNEL_OUT)/.complete ] && [ ! -f $(KERNEL_OUT)/abi ]; then \
		echo "make run: first run: downloading Debian 12's arm64 kernel, headers and busybox (about 91 MB; about 600 MB under $(BUILD)/ once unpacked and built)"; \
	fi
	@echo "make run: building memheap.ko, memshow, libmemheap and the demo for arm64 (log: $(DEMO_BUILD_LOG))"
	@$(MAKE) --no-print-directory $(DEMO_PAYLOAD)/.stamp qemu-dtb qemu-initramfs \
		>$(DEMO_BUILD_LOG) 2>&1 || { tail -n 40 $(DEMO_BUILD_LOG); \
		echo "make run: FAIL — the build failed (whole log: $(DEMO_BUILD_LOG))"; exit 1; }
	@$(MAKE) --no-print-directory -s run-qemu

# run.sh: the payload's status, 125 when the guest never finished, 126 when
# the kernel log holds a splat.  The board's pieces are named by their goals
# (qemu.mk is read after this fragment, its variables are empty here).
run-qemu: $(DEMO_PAYLOAD)/.stamp qemu-dtb qemu-initramfs
	@echo "make run: booting the QEMU aarch64 board ($(notdir $(QEMU_KERNEL)) $$(cat $(KERNEL_OUT)/abi))"
	@rm -f $(DEMO_QEMU_OUT)/results.log
	@$(QEMU_RUN) $(QEMU_RUN_OPTS) --scenario full --payload $(DEMO_PAYLOAD) \
		--out $(DEMO_QEMU_OUT); rc=$$?; \
	log=$(DEMO_QEMU_OUT)/results.log; [ -f $$log ] || log=/dev/null; \
	regions=$$(sed -n 's/^demo: PASS .*(\([0-9]*\) regions).*/\1/p' $$log); \
	why=$$(sed -n 's/^run: FAIL — //p' $$log | tail -n 1); \
	case $$rc in \
	0) echo "make run: PASS — demo passed on memheap.ko in QEMU aarch64 ($$regions regions), memory all back after exit, no kernel splat" ;; \
	126) echo "make run: FAIL — kernel splat in the guest log ($(DEMO_QEMU_OUT)/guest.log)" ;; \
	125) echo "make run: FAIL — the guest did not finish (logs in $(DEMO_QEMU_OUT)/)" ;; \
	*) echo "make run: FAIL — $${why:-the rig exited $$rc} (logs in $(DEMO_QEMU_OUT)/)" ;; \
	esac; \
	exit $$rc

# MEMHEAP_BACKEND=embedded: simulated regions even where /dev/memheap exists.
run-host: $(DEMO_HOST)
	@MEMHEAP_BACKEND=embedded $(DEMO_HOST) >$(DEMO_OUT)/run-host.log 2>&1; rc=$$?; \
	cat $(DEMO_OUT)/run-host.log; \
	regions=$$(sed -n 's/^demo: PASS .*(\([0-9]*\) regions).*/\1/p' $(DEMO_OUT)/run-host.log); \
	if [ $$rc -eq 0 ]; then \
		echo "make run-host: PASS — demo passed on the embedded backend ($$regions simulated regions), no QEMU, no module"; \
	else \
		echo "make run-host: FAIL — the demo exited $$rc (output in $(DEMO_OUT)/run-host.log)"; \
	fi; exit $$rc

demo-test: $(DEMO_HOST) $(DEMO_OUT)/clang/demo $(DEMO_OUT)/asan/demo
	@examples/demo/host-test.sh $^

CHECK_GOALS += demo-test run-host
GUEST_TESTS += $(DEMO_AARCH64)
