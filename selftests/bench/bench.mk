# In-guest benchmark of memheap.ko (issue 3, section 8); see README.md
# beside this file.
#
#   make bench-kmod   (part of make bench) boot the rig with the benchmark
#                     payload; table on stdout, $(BUILD)/bench/kmod.csv
#
# KBENCH_REGIONS: extra self-backed regions loaded for the run (large
# enough for 10,000 live one-page buffers); KBENCH_APPEND: kernel command
# line for the run (a CMA area that can back them); KBENCH_REPS:
# repetitions per row.

KBENCH_OUT := $(BUILD)/selftests/bench
KBENCH_BIN := $(KBENCH_OUT)/kmod_bench
KBENCH_PAYLOAD := $(KBENCH_OUT)/payload
KBENCH_CSV := $(BUILD)/bench/kmod.csv
KBENCH_REGIONS ?= kbff:48M:8bit:32bit:firstfit:cached,kbbuddy:64M:8bit:32bit:buddy:cached
KBENCH_APPEND ?= cma=256M
KBENCH_REPS ?= 3000

.PHONY: bench-kmod bench-kmod-build
BENCH_GOALS += bench-kmod

$(KBENCH_BIN): selftests/bench/kmod_bench.c uapi/linux/memheap.h
	@mkdir -p $(@D)
	$(ST_CC) $(ST_CFLAGS) $< -o $@

$(KBENCH_PAYLOAD)/.stamp: $(KBENCH_BIN) selftests/bench/run_bench.sh selftests/bench/bench.mk
	@rm -rf $(KBENCH_PAYLOAD)
	@mkdir -p $(KBENCH_PAYLOAD)
	cp selftests/bench/run_bench.sh $(KBENCH_PAYLOAD)/run
	cp $(KBENCH_BIN) $(KBENCH_PAYLOAD)/
	echo "$(KBENCH_REGIONS)" >$(KBENCH_PAYLOAD)/regions
	echo "$(KBENCH_REPS)" >$(KBENCH_PAYLOAD)/reps
	@touch $@

bench-kmod-build: $(KBENCH_PAYLOAD)/.stamp

bench-kmod: $(KBENCH_PAYLOAD)/.stamp $(QEMU_DTBS) $(QEMU_INITRAMFS)
	@$(QEMU_RUN) $(QEMU_RUN_OPTS) --append "$(strip $(QEMU_APPEND) $(KBENCH_APPEND))" \
		--scenario full --payload $(KBENCH_PAYLOAD) --out $(KBENCH_OUT)/run --quiet \
		|| { echo "bench-kmod: the run failed; logs in $(KBENCH_OUT)/run"; exit 1; }
	@mkdir -p $(dir $(KBENCH_CSV))
	@grep -v -e '^csv,' -e '^MEMHEAP-RESULT' $(KBENCH_OUT)/run/results.log
	@sed -n 's/^csv,//p' $(KBENCH_OUT)/run/results.log >$(KBENCH_CSV)
	@echo "bench-kmod: $(KBENCH_CSV)"
