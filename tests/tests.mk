# Host tests of the pool engines (owned by tests/; see tests/README.md).
#
#   make tests        build every test binary of the gcc variant
#   make test         build all variants and run the whole suite (tests/run.sh)
#   make fuzz         long libFuzzer runs: FUZZ_SECONDS (default 600) per target
#
# Knobs (all optional): DIFF_OPS (ops per optimised differential run, 9 runs),
# DIFF_SEED, FUZZ_CHECK_SECONDS (bounded fuzz run per target inside `test`),
# VALGRIND_SCALE / ASAN_SCALE (iteration factor of the unit tests there).
.PHONY: tests test fuzz tests-all

DIFF_OPS ?= 1150000
DIFF_SEED ?= 20240601
DIFF_OPS_ASAN ?= 150000
DIFF_OPS_VALGRIND ?= 20000
FUZZ_CHECK_SECONDS ?= 12
FUZZ_SECONDS ?= 600
VALGRIND_SCALE ?= 0.05
ASAN_SCALE ?= 0.5
VALGRIND ?= valgrind

T_SAN_COMMON := -fno-omit-frame-pointer -fno-sanitize-recover=all
T_ASAN_FLAGS := -fsanitize=address,undefined $(T_SAN_COMMON)
T_TSAN_FLAGS := -fsanitize=thread $(T_SAN_COMMON)
T_FUZZ_LIB_FLAGS := -fsanitize=fuzzer-no-link,address,undefined $(T_SAN_COMMON)
T_FUZZ_BIN_FLAGS := -fsanitize=fuzzer,address,undefined $(T_SAN_COMMON)

$(eval $(call engine_variant,clang,$(CLANG),))
$(eval $(call engine_variant,asan,$(CLANG),$(T_ASAN_FLAGS)))
$(eval $(call engine_variant,tsan,$(CLANG),$(T_TSAN_FLAGS)))
$(eval $(call engine_variant,fuzz,$(CLANG),$(T_FUZZ_LIB_FLAGS)))

# Every tests/*.c is one program.  differential and threads take arguments
# and are planned separately; all the others are unit / misuse / overflow /
# regression tests run without arguments.
T_ALL := $(sort $(basename $(notdir $(wildcard tests/*.c))))
T_SPECIAL := differential threads
T_UNIT := $(filter-out $(T_SPECIAL),$(T_ALL))
T_FUZZ := $(sort $(filter-out standalone gen_corpus,$(basename $(notdir $(wildcard tests/fuzz/*.c)))))
T_HDRS := tests/helpers.h tests/canary_common.h tests/fuzz/fuzz_common.h $(ENGINE_HDRS)

# $(1)=variant $(2)=compiler $(3)=flags
define test_variant
$(BUILD)/$(1)/tests/%: tests/%.c $(T_HDRS) $(call engine_lib,$(1))
	@mkdir -p $$(@D)
	$(2) $(BASE_CFLAGS) $(CFLAGS) $(3) -Itests $$< $(call engine_lib,$(1)) -pthread -o $$@
# fuzz targets without libFuzzer: a main() that replays files (corpus, crashes)
$(BUILD)/$(1)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/standalone.c $(T_HDRS) $(call engine_lib,$(1))
	@mkdir -p $$(@D)
	$(2) $(BASE_CFLAGS) $(CFLAGS) $(3) -Itests $$< tests/fuzz/standalone.c $(call engine_lib,$(1)) -pthread -o $$@
endef
$(eval $(call test_variant,gcc,$(CC),))
$(eval $(call test_variant,clang,$(CLANG),))
$(eval $(call test_variant,asan,$(CLANG),$(T_ASAN_FLAGS)))
$(eval $(call test_variant,tsan,$(CLANG),$(T_TSAN_FLAGS)))

t_bins = $(addprefix $(BUILD)/$(1)/tests/,$(2))

T_GCC_BINS := $(call t_bins,gcc,$(T_ALL) $(addprefix fuzz/,$(T_FUZZ)))
T_CLANG_BINS := $(call t_bins,clang,$(T_ALL) $(addprefix fuzz/,$(T_FUZZ)))
T_ASAN_BINS := $(call t_bins,asan,$(T_ALL) $(addprefix fuzz/,$(T_FUZZ)))
T_TSAN_BINS := $(call t_bins,tsan,threads)

# libFuzzer targets
T_FUZZ_DIR := $(BUILD)/fuzz
T_FUZZ_BINS := $(addprefix $(T_FUZZ_DIR)/tests/fuzz/,$(T_FUZZ))
$(T_FUZZ_DIR)/tests/fuzz/%: tests/fuzz/%.c $(T_HDRS) $(call engine_lib,fuzz)
	@mkdir -p $(@D)
	$(CLANG) $(BASE_CFLAGS) $(CFLAGS) $(T_FUZZ_BIN_FLAGS) -Itests $< $(call engine_lib,fuzz) -pthread -o $@

# Seed corpus, generated at build time (tests/fuzz/gen_corpus.c).
T_SEED_STAMP := $(T_FUZZ_DIR)/seed/.stamp
$(BUILD)/host/gen_corpus: tests/fuzz/gen_corpus.c tests/fuzz/fuzz_common.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests $< -o $@
$(T_SEED_STAMP): $(BUILD)/host/gen_corpus
	@rm -rf $(T_FUZZ_DIR)/seed && mkdir -p $(T_FUZZ_DIR)/seed
	$(BUILD)/host/gen_corpus $(T_FUZZ_DIR)/seed $(T_FUZZ)
	@touch $@

tests: $(T_GCC_BINS)

tests-all: $(T_GCC_BINS) $(T_CLANG_BINS) $(T_ASAN_BINS) $(T_TSAN_BINS) $(T_FUZZ_BINS) $(T_SEED_STAMP)

# ----------------------------------------------------------------- the plan
# One line per test: NAME<TAB>COMMAND.  Heaviest first (tests/run.sh runs
# them $(JOBS) at a time, in this order).
T_TAB := $(shell printf '\t')
T_VG := MH_TEST_SCALE=$(VALGRIND_SCALE) $(VALGRIND) -q \
	--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,possible
T_ASAN_ENV := MH_TEST_SCALE=$(ASAN_SCALE) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
T_DIFF_ALGOS := firstfit buddy mixed
T_DIFF_POISONS := none light comprehensive
T_FUZZ_ARGS = -max_total_time=$(1) -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix=$(T_FUZZ_DIR)/artifacts/$(2)-

define T_PLAN
$(foreach a,$(T_DIFF_ALGOS),$(foreach p,$(T_DIFF_POISONS),
gcc/differential-$(a)-$(p)$(T_TAB)$(BUILD)/gcc/tests/differential --algo $(a) --poison $(p) --ops $(DIFF_OPS) --seed $(DIFF_SEED)))
$(foreach f,$(T_FUZZ),
fuzz/$(f)$(T_TAB)mkdir -p $(T_FUZZ_DIR)/work/$(f) $(T_FUZZ_DIR)/artifacts && $(T_FUZZ_DIR)/tests/fuzz/$(f) $(call T_FUZZ_ARGS,$(FUZZ_CHECK_SECONDS),$(f)) $(T_FUZZ_DIR)/work/$(f) $(T_FUZZ_DIR)/seed/$(f))
$(foreach a,$(T_DIFF_ALGOS),
valgrind/differential-$(a)$(T_TAB)$(T_VG) $(BUILD)/gcc/tests/differential --algo $(a) --poison all --ops $(DIFF_OPS_VALGRIND) --seed $(DIFF_SEED))
$(foreach a,$(T_DIFF_ALGOS),
asan/differential-$(a)$(T_TAB)$(T_ASAN_ENV) $(BUILD)/asan/tests/differential --algo $(a) --poison all --ops $(DIFF_OPS_ASAN) --seed $(DIFF_SEED))
tsan/threads$(T_TAB)TSAN_OPTIONS=halt_on_error=1 $(BUILD)/tsan/tests/threads
asan/threads$(T_TAB)$(T_ASAN_ENV) $(BUILD)/asan/tests/threads
gcc/threads$(T_TAB)$(BUILD)/gcc/tests/threads
valgrind/threads$(T_TAB)$(T_VG) $(BUILD)/gcc/tests/threads --iters 2000
$(foreach t,$(T_UNIT),
valgrind/$(t)$(T_TAB)$(T_VG) $(BUILD)/gcc/tests/$(t))
$(foreach f,$(T_FUZZ),
valgrind/fuzz-corpus-$(f)$(T_TAB)$(T_VG) $(BUILD)/gcc/tests/fuzz/$(f) $(T_FUZZ_DIR)/seed/$(f))
$(foreach t,$(T_UNIT),
asan/$(t)$(T_TAB)$(T_ASAN_ENV) $(BUILD)/asan/tests/$(t))
$(foreach f,$(T_FUZZ),
asan/fuzz-corpus-$(f)$(T_TAB)$(T_ASAN_ENV) $(BUILD)/asan/tests/fuzz/$(f) $(T_FUZZ_DIR)/seed/$(f))
$(foreach t,$(T_UNIT),
gcc/$(t)$(T_TAB)$(BUILD)/gcc/tests/$(t))
$(foreach f,$(T_FUZZ),
gcc/fuzz-corpus-$(f)$(T_TAB)$(BUILD)/gcc/tests/fuzz/$(f) $(T_FUZZ_DIR)/seed/$(f))
$(foreach t,$(T_UNIT),
clang/$(t)$(T_TAB)$(BUILD)/clang/tests/$(t))
clang/differential$(T_TAB)$(BUILD)/clang/tests/differential --algo mixed --poison all --ops 100000 --seed $(DIFF_SEED)
endef

T_PLAN_FILE := $(BUILD)/test-plan.txt

test: test-freestanding tests-all
	@mkdir -p $(BUILD)
	$(file >$(T_PLAN_FILE),$(T_PLAN))
	@tests/run.sh -j $(JOBS) -l $(BUILD)/test-logs $(T_PLAN_FILE)

# Long fuzzing: each target FUZZ_SECONDS, its corpus kept in build/fuzz/work.
fuzz: $(T_FUZZ_BINS) $(T_SEED_STAMP)
	@mkdir -p $(T_FUZZ_DIR)/artifacts
	@set -e; for f in $(T_FUZZ); do \
		mkdir -p $(T_FUZZ_DIR)/work/$$f; \
		echo "fuzz: $$f for $(FUZZ_SECONDS)s"; \
		$(T_FUZZ_DIR)/tests/fuzz/$$f $(call T_FUZZ_ARGS,$(FUZZ_SECONDS),$$f) \
			$(T_FUZZ_DIR)/work/$$f $(T_FUZZ_DIR)/seed/$$f; \
	done
