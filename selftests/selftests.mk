# kselftests for memheap.ko and the QEMU aarch64 rig that runs them.
# The rig itself (boot, device tree, initramfs, qemu-exec) is in
# selftests/qemu/qemu.mk.  See selftests/README.md.
#
#   make selftests        cross-build the tests (static aarch64) and the
#                         guest payload $(BUILD)/selftests/payload/ (with run)
#   make selftests-qemu   (part of make check) boot the rig in the full and
#                         the bare scenario with that payload
#   make bench-kmod       (part of make bench) the in-guest benchmark,
#                         table on stdout, $(BUILD)/bench/kmod.csv
#
# Other fragments add guest test programs (aarch64 executables; exit 0
# pass, 4 skip, anything else fail) with  GUEST_TESTS += path/to/prog
# They run in the full scenario after the kselftests, before the rmmod test.
include selftests/qemu/qemu.mk

ST_OUT := $(BUILD)/selftests
ST_PAYLOAD := $(ST_OUT)/payload
ST_CC ?= aarch64-linux-gnu-gcc
ST_HARNESS_DIR := $(LINUX_SRC)/tools/testing/selftests
ST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -static -pthread -Wall -Wextra -Werror \
	     -Wshadow -Wstrict-prototypes \
	     -isystem $(ST_HARNESS_DIR) -Iuapi -Iselftests -Ispec
ST_HDRS := selftests/memheap_test.h selftests/mh_names.h uapi/linux/memheap.h \
	   spec/region_spec.h
# the region grammar's words (spec/), linked into every program
ST_SPEC := spec/region_spec.c

# kselftest_harness.h programs, one concern each.
ST_TESTS := regions alloc_map bad_input mmap lifetime concurrency netlink lib_events
# Shell tests: load.sh runs before the default load, rmmod.sh last;
# lib.sh is what they share.
ST_SCRIPTS := load.sh rmmod.sh lib.sh
# Small tool the shell tests drive the device with.
ST_TOOLS := mhtool

GUEST_TESTS ?=
# GUEST_SKIP="prog ...": leave these GUEST_TESTS programs (by file name)
# out of the payload; the guest reports each as "# SKIP left out by
# GUEST_SKIP" so no result hides the omission.  Empty in make check.
GUEST_SKIP ?=

ST_BINS := $(addprefix $(ST_OUT)/,$(ST_TESTS) $(ST_TOOLS))

.PHONY: selftests selftests-qemu selftests-cc
CHECK_GOALS += selftests-qemu selftests-cc

$(ST_HARNESS_DIR)/kselftest_harness.h:
	@scripts/extract-linux-source.sh $(LINUX_SRC)

$(ST_OUT)/netlink: selftests/netlink.c selftests/mh_genl.c selftests/mh_genl.h \
		$(ST_HDRS) $(ST_SPEC) $(ST_HARNESS_DIR)/kselftest_harness.h
	@mkdir -p $(@D)
	$(ST_CC) $(ST_CFLAGS) selftests/netlink.c selftests/mh_genl.c $(ST_SPEC) -o $@

# libmemheap's calls as the kernel sees them: linked with the aarch64 library.
ST_LIB_A := $(LIB_OUT)/aarch64/libmemheap.a
$(ST_OUT)/lib_events: selftests/lib_events.c selftests/mh_genl.c selftests/mh_genl.h \
		$(ST_HDRS) $(ST_HARNESS_DIR)/kselftest_harness.h $(ST_LIB_A)
	@mkdir -p $(@D)
	$(ST_CC) $(ST_CFLAGS) -Ilib/include selftests/lib_events.c selftests/mh_genl.c \
		$(ST_LIB_A) -o $@

$(ST_OUT)/%: selftests/%.c $(ST_HDRS) $(ST_SPEC) $(ST_HARNESS_DIR)/kselftest_harness.h
	@mkdir -p $(@D)
	$(ST_CC) $(ST_CFLAGS) $< $(ST_SPEC) -o $@

# The payload: /payload/run in the guest, tests under /payload/tests,
# other fragments' GUEST_TESTS under /payload/extra (run in list order).
# The GUEST_SKIP value in a file that changes only when the value does.
ST_SKIP_FILE := $(ST_OUT)/guest-skip
.PHONY: selftests-skip-value
selftests-skip-value:
$(ST_SKIP_FILE): selftests-skip-value
	@mkdir -p $(@D)
	@echo "$(GUEST_SKIP)" | cmp -s - $@ || echo "$(GUEST_SKIP)" > $@

$(ST_PAYLOAD)/.stamp: $(ST_BINS) $(addprefix selftests/,$(ST_SCRIPTS)) spec/cases.txt \
		selftests/run_guest.sh $(GUEST_TESTS) $(ST_SKIP_FILE)
	@rm -rf $(ST_PAYLOAD)
	@mkdir -p $(ST_PAYLOAD)/tests $(ST_PAYLOAD)/extra
	cp selftests/run_guest.sh $(ST_PAYLOAD)/run
	cp $(ST_BINS) $(addprefix selftests/,$(ST_SCRIPTS)) spec/cases.txt $(ST_PAYLOAD)/tests/
	@: > $(ST_PAYLOAD)/extra/list
	@set -e; for t in $(GUEST_TESTS); do \
		b=$$(basename $$t); \
		case " $(GUEST_SKIP) " in \
		*" $$b "*) echo "$$b" >> $(ST_PAYLOAD)/extra/list; continue ;; \
		esac; \
		cp $$t $(ST_PAYLOAD)/extra/; echo "$$b" >> $(ST_PAYLOAD)/extra/list; \
	done
	@touch $@

selftests: $(ST_PAYLOAD)/.stamp

# Same sources with clang (aarch64 target, syntax and warnings only).
# clang, unlike gcc, reports the unused 'variant' parameter of the
# harness's own TEST() wrapper even from a system header: that one
# warning is the harness's, so it is off here.
selftests-cc: $(ST_HARNESS_DIR)/kselftest_harness.h
	@set -e; for t in $(ST_TESTS) $(ST_TOOLS) bench/kmod_bench debug/fault_ops; do \
		src=selftests/$$t.c; [ $$t = netlink ] && src="$$src selftests/mh_genl.c"; \
		[ $$t = lib_events ] && src="-Ilib/include $$src selftests/mh_genl.c"; \
		$(CLANG) --target=aarch64-linux-gnu -fsyntax-only \
			$(filter-out -static -pthread -g -O2,$(ST_CFLAGS)) \
			-Wno-unused-parameter $$src; \
	done; echo "selftests-cc: clang clean"

# Boot the rig in both scenarios with the payload; logs in
# $(ST_QEMU_OUT)/<scenario>/{guest,results}.log.  Fails when either run
# fails (a test failed, a splat in the guest log, or no end marker).
ST_QEMU_OUT := $(ST_OUT)/qemu$(KERNEL_SUFFIX)
selftests-qemu: selftests $(QEMU_DTBS) $(QEMU_INITRAMFS)
	@rc=0; for s in full bare; do \
		$(QEMU_RUN) $(QEMU_RUN_OPTS) --scenario $$s --payload $(ST_PAYLOAD) \
			--out $(ST_QEMU_OUT)/$$s || rc=1; \
	done; \
	if [ $$rc -ne 0 ]; then echo "selftests-qemu: FAILED (logs in $(ST_QEMU_OUT))"; \
	else echo "selftests-qemu: passed (full and bare)"; fi; exit $$rc

include selftests/bench/bench.mk
include selftests/kernels/kernels.mk
