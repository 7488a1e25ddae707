# memheap - top-level build.
#
#   make            build the pool engines, the tests and the tools
#   make check      install missing Debian packages (root), then run every test
#   make bench      run the engine benchmark (build/bench/)
#   make fuzz       long libFuzzer runs (FUZZ_SECONDS per target)
#
# Each part keeps its rules in a fragment beside its sources:
#   engine/engine.mk  tests/tests.mk  bench/bench.mk  kmod/kmod.mk
#   selftests/selftests.mk  lib/lib.mk  tools/tools.mk  docs/docs.mk
# A fragment adds its test goals to CHECK_GOALS and its benchmark goals to
# BENCH_GOALS; `make check` and `make bench` run every one of them.

BUILD ?= build
CC ?= cc
CLANG ?= clang
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARNFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	     -Wmissing-prototypes -Wpointer-arith -Wcast-align
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE $(WARNFLAGS) -Iengine
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps check test bench fuzz clean kernel-fetch linux-source
.DEFAULT_GOAL := all

CHECK_GOALS := test
BENCH_GOALS :=
ALL_GOALS := engine tests

# The kernel the module is built for and the board boots:
#   KERNEL=6.1 (default: Debian 12's arm64, $(BUILD)/kernel)
#   KERNEL=5.10|6.12|6.12-rt|6.12-16k|sid (the matrix, make check-kernels)
#   KERNEL=debug (linux-source-6.1 with KASAN & co, make check-debug)
# each downloaded (not installed) by scripts/fetch-kernel.sh.  Outputs
# that depend on the kernel (module, initramfs, logs) get a -KERNEL suffix.
KERNEL ?= 6.1
KERNELS := 5.10 6.1 6.12 6.12-rt 6.12-16k sid
ifeq ($(filter $(KERNEL),$(KERNELS) debug),)
$(error KERNEL=$(KERNEL): one of $(KERNELS) debug)
endif
ifeq ($(KERNEL),6.1)
KERNEL_OUT := $(BUILD)/kernel
KERNEL_SUFFIX :=
else
KERNEL_OUT := $(BUILD)/kernels/$(KERNEL)
KERNEL_SUFFIX := -$(KERNEL)
endif
# checkpatch.pl and the kselftest harness from Debian's linux-source-6.1.
LINUX_SRC := $(BUILD)/linux-source

kernel-fetch:
	@scripts/fetch-kernel.sh $(KERNEL) $(KERNEL_OUT)
linux-source:
	@scripts/extract-linux-source.sh $(LINUX_SRC)

include engine/engine.mk
include tests/tests.mk
include bench/bench.mk
include kmod/kmod.mk
include lib/lib.mk
include tools/tools.mk
include docs/docs.mk
include packaging/packaging.mk
include examples/examples.mk
# Last: it lists GUEST_TESTS (appended to by the fragments above) as
# prerequisites, which make expands when it reads the rule.
include selftests/selftests.mk

all: $(ALL_GOALS)

# Installs what is missing (through apt, as root); a clear error otherwise.
deps:
	@scripts/install-deps.sh

# Every goal runs even if an earlier one failed; the exit status says
# whether all passed.
check: deps
	@failed=""; for g in $(CHECK_GOALS); do \
		$(MAKE) --no-print-directory $$g || failed="$$failed $$g"; \
	done; \
	if [ -n "$$failed" ]; then echo "make check: FAILED:$$failed"; exit 1; fi; \
	echo "make check: all passed ($(CHECK_GOALS))"

bench:
	@failed=""; for g in $(BENCH_GOALS); do \
		$(MAKE) --no-print-directory $$g || failed="$$failed $$g"; \
	done; \
	if [ -n "$$failed" ]; then echo "make bench: FAILED:$$failed"; exit 1; fi

clean:
	rm -rf $(BUILD)
