# The kernel matrix and the debug kernel (not part of make check: CI runs
# them after it, .ci/run).  See selftests/README.md, "Other kernels".
#
#   make check-kernels [CHECK_KERNELS="5.10 6.1 ..."]
#                        the module on every kernel of the matrix: lint,
#                        the rig's checks, the whole guest suite; a table and
#                        "check-kernels: N passed, M failed" (N, M = kernels)
#   make check-debug     the debug kernel: the guest suite, kmemleak, the
#                        fault-injection pass; "check-debug: PASS — ..."
#   make debug-kernel    just build (or find in the cache) the debug kernel

CHECK_KERNELS ?= $(KERNELS)
DBG_OUT := $(BUILD)/debug
DBG_PAYLOAD := $(DBG_OUT)/payload

.PHONY: check-kernels check-debug check-debug-payload debug-kernel

check-kernels:
	@selftests/kernels/check-kernels.sh "$(MAKE)" $(BUILD) $(CHECK_KERNELS)

check-debug:
	@selftests/debug/check-debug.sh "$(MAKE)" $(BUILD)

debug-kernel:
	@scripts/fetch-kernel.sh debug $(BUILD)/kernels/debug

$(DBG_OUT)/fault_ops: selftests/debug/fault_ops.c selftests/mh_genl.c selftests/mh_genl.h \
		uapi/linux/memheap.h
	@mkdir -p $(@D)
	$(ST_CC) $(ST_CFLAGS) selftests/debug/fault_ops.c selftests/mh_genl.c -o $@

check-debug-payload: $(DBG_OUT)/fault_ops $(ST_OUT)/mhtool selftests/debug/run_debug.sh
	@rm -rf $(DBG_PAYLOAD)
	@mkdir -p $(DBG_PAYLOAD)/tests
	install -m 755 selftests/debug/run_debug.sh $(DBG_PAYLOAD)/run
	cp $(DBG_OUT)/fault_ops $(ST_OUT)/mhtool $(DBG_PAYLOAD)/tests/

# fault_ops is compiled (gcc, -Werror) by make check too, as the other
# guest programs are.
selftests-cc: $(DBG_OUT)/fault_ops
