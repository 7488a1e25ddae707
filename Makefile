# memheap - top-level build.
#
#   make            build the pool engines, the tests and the tools
#   make check      install missing Debian packages (root), then run every test
#   make bench      run the engine benchmark (build/bench/)
#   make fuzz       long libFuzzer runs (FUZZ_SECONDS per target)
#
# Each part keeps its rules in a fragment beside its sources:
#   engine/engine.mk  tests/tests.mk  bench/bench.mk

BUILD ?= build
CC ?= cc
CLANG ?= clang
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARNFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	     -Wmissing-prototypes -Wpointer-arith -Wcast-align
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE $(WARNFLAGS) -Iengine
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps check test bench fuzz clean
.DEFAULT_GOAL := all

include engine/engine.mk
include tests/tests.mk
include bench/bench.mk

all: engine tests

# Installs what is missing (through apt, as root); a clear error otherwise.
deps:
	@scripts/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory test

clean:
	rm -rf $(BUILD)
