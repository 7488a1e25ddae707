# memheap.ko: cross-build for Debian arm64 (default) or a board kernel
# (KDIR / KERNEL_SRC), and its style checks.  See kmod/README.md.
#
#   make kmod              cross-build for Debian's arm64 kernel -> $(KMOD_KO)
#   make modules [KDIR=...|KERNEL_SRC=...] [ARCH=...] [CROSS_COMPILE=...]
#   make modules_install [INSTALL_MOD_PATH=...]
#   make kmod-lint         W=1 + sparse (C=2) + checkpatch --strict, zero
#                          findings allowed (part of make check)
#
# kbuild runs in mirrors under $(BUILD)/kmod/ (one symlink per source file)
# so objects never land in kmod/, engine/ or uapi/.

KMOD_OUT := $(BUILD)/kmod$(KERNEL_SUFFIX)
KMOD_KO := $(KMOD_OUT)/memheap.ko
KMOD_ENGINE := engine/heap.c engine/buddy.c engine/firstfit.c \
	       engine/internal.h engine/mh_pool.h engine/mh_platform.h
KMOD_C_H := $(wildcard kmod/*.c kmod/*.h)
# the region grammar, shared with libmemheap
KMOD_SPEC := spec/region_spec.c spec/region_spec.h
# VERSION: the project's one version, the module's MODULE_VERSION (Kbuild)
KMOD_SOURCES := Kbuild VERSION $(KMOD_C_H) $(KMOD_ENGINE) $(KMOD_SPEC) uapi/linux/memheap.h
KMOD_CROSS_KDIR := $(KERNEL_OUT)/kdir
KMOD_CROSS := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
# extra make variables a kernel's headers need (5.10: CC=, see fetch-kernel.sh)
KMOD_KARGS = $$(cat $(KERNEL_OUT)/make-args 2>/dev/null)
KMOD_JOBS := -j2

# Board / native / Yocto build: KERNEL_SRC (Yocto) is a synonym of KDIR.
KMOD_KDIR = $(or $(KERNEL_SRC),$(KDIR),/lib/modules/$(shell uname -r)/build)
KMOD_PASS = $(if $(ARCH),ARCH=$(ARCH)) \
	    $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) \
	    $(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH))

# $(call kmod_mirror,DIR): symlink every source into DIR (idempotent).
kmod_mirror = set -e; for f in $(KMOD_SOURCES); do \
		mkdir -p $(1)/$$(dirname $$f); \
		ln -sfn $(abspath .)/$$f $(1)/$$f; \
	done

.PHONY: kmod modules modules_install kmod-lint kmod-checkpatch kmod-w1-sparse

kmod: kernel-fetch
	@$(call kmod_mirror,$(KMOD_OUT)/arm64)
	$(MAKE) --no-print-directory -C $(KMOD_CROSS_KDIR) \
		M=$(abspath $(KMOD_OUT)/arm64) $(KMOD_CROSS) $(KMOD_KARGS) $(KMOD_JOBS) modules
	@cmp -s $(KMOD_OUT)/arm64/memheap.ko $(KMOD_KO) || \
		cp $(KMOD_OUT)/arm64/memheap.ko $(KMOD_KO)
	@echo "kmod: $(KMOD_KO) ($$(cat $(KERNEL_OUT)/abi))"

$(KMOD_KO): kmod
	@:

modules:
	@$(call kmod_mirror,$(KMOD_OUT)/native)
	$(MAKE) --no-print-directory -C $(KMOD_KDIR) \
		M=$(abspath $(KMOD_OUT)/native) $(KMOD_PASS) $(KMOD_JOBS) modules

modules_install: modules
	$(MAKE) --no-print-directory -C $(KMOD_KDIR) \
		M=$(abspath $(KMOD_OUT)/native) $(KMOD_PASS) modules_install

# A fresh W=1 build with sparse on every file, in its own mirror; any
# warning from the compiler or sparse fails.
kmod-w1-sparse: kernel-fetch
	@rm -rf $(KMOD_OUT)/lint
	@$(call kmod_mirror,$(KMOD_OUT)/lint)
	@set -e; log=$(KMOD_OUT)/lint.log; \
	if ! $(MAKE) --no-print-directory -C $(KMOD_CROSS_KDIR) \
		M=$(abspath $(KMOD_OUT)/lint) $(KMOD_CROSS) $(KMOD_KARGS) $(KMOD_JOBS) \
		W=1 C=2 CHECK=sparse modules >$$log 2>&1; then \
		cat $$log; echo "kmod-lint: W=1/sparse build failed"; exit 1; \
	fi; \
	if grep -E 'warning:|error:|: note:' $$log; then \
		echo "kmod-lint: W=1/sparse findings above (full log: $$log)"; \
		exit 1; \
	fi; \
	checked=$$(grep -c '^  CHECK' $$log || true); \
	if [ "$$checked" -eq 0 ]; then \
		if [ "$(KERNEL)" != 6.1 ] && grep -q 'specified, but sparse is not available or not up to date' $$log; then \
			echo "kmod-lint: SKIP sparse on $(KERNEL): its scripts/checker-valid.sh refuses $$(sparse --version 2>/dev/null || echo sparse) (no __typeof_unqual__); W=1 clean"; \
			exit 0; \
		fi; \
		echo "kmod-lint: sparse checked no file (full log: $$log)"; exit 1; \
	fi; \
	echo "kmod-lint: W=1 and sparse C=2 clean ($$checked files checked)"

# kmod/compat.h is the one place that tests the kernel version (out of tree,
# the module meets kernels from 5.10 on): there, and only there, the
# version tests checkpatch frowns on in mainline code are the point.
KMOD_COMPAT_IGNORE := --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON

# checkpatch --strict on every source compiled into the module.  The uapi
# header is checked under its in-tree name (include/uapi/linux/...), which
# is how checkpatch knows it is a uapi header.
kmod-checkpatch: linux-source
	@set -e; cp=$(abspath $(LINUX_SRC))/scripts/checkpatch.pl; \
	mkdir -p $(KMOD_OUT)/checkpatch/include/uapi/linux; \
	ln -sfn $(abspath uapi/linux/memheap.h) \
		$(KMOD_OUT)/checkpatch/include/uapi/linux/memheap.h; \
	fail=0; \
	for f in $(filter %.c %.h,$(KMOD_C_H) $(KMOD_ENGINE) $(KMOD_SPEC)); do \
		ign=; [ $$f = kmod/compat.h ] && ign="$(KMOD_COMPAT_IGNORE)"; \
		perl $$cp --strict --no-tree --quiet --show-types $$ign -f $$f || fail=1; \
	done; \
	(cd $(KMOD_OUT)/checkpatch && perl $$cp --strict --no-tree --quiet \
		--show-types -f include/uapi/linux/memheap.h) || fail=1; \
	if [ $$fail = 1 ]; then echo "kmod-lint: checkpatch findings above"; exit 1; fi; \
	echo "kmod-lint: checkpatch --strict clean"

kmod-lint:
	@failed=""; \
	$(MAKE) --no-print-directory kmod-w1-sparse || failed="$$failed w1-sparse"; \
	$(MAKE) --no-print-directory kmod-checkpatch || failed="$$failed checkpatch"; \
	if [ -n "$$failed" ]; then echo "kmod-lint: FAILED:$$failed"; exit 1; fi; \
	echo "kmod-lint: all clean"

CHECK_GOALS += kmod-lint

# Development smoke test in the guest (the real suite is selftests/).
KMOD_SMOKE := $(KMOD_OUT)/smoke
$(KMOD_SMOKE): kmod/tests/smoke.c uapi/linux/memheap.h
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -static -std=c11 -D_GNU_SOURCE $(WARNFLAGS) -O2 \
		-Iuapi $< -o $@

.PHONY: kmod-smoke
kmod-smoke: $(KMOD_SMOKE) kmod
	$(MAKE) --no-print-directory qemu-exec PROG=$(KMOD_SMOKE)
