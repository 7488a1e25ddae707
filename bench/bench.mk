# membench: the engines side by side with glibc, jemalloc, mimalloc and a
# naive first-fit list, in one run (see bench/README.md).
#
#   make bench-engines  (part of make bench) install missing bench packages (root), build, run, chart
#   make bench-build  only build $(BUILD)/bench/membench
#   make bench-cc     compile the bench sources with gcc and clang, -Werror

BENCH_DIR := $(BUILD)/bench
BENCH_BIN := $(BENCH_DIR)/membench
BENCH_SRCS := bench/membench.c bench/allocators.c bench/naive_firstfit.c
BENCH_HDRS := bench/membench.h bench/naive_firstfit.h $(ENGINE_HDRS)
BENCH_CFLAGS := -O2 -DNDEBUG
BENCH_LIBS := -ldl -lpthread

# The engines as users get them: optimised, assertions off, no sanitizers.
$(eval $(call engine_variant,bench,$(CC),$(BENCH_CFLAGS)))

.PHONY: bench-engines bench-deps bench-build bench-cc
BENCH_GOALS += bench-engines

bench-deps:
	@scripts/install-deps.sh bench

$(BENCH_BIN): $(BENCH_SRCS) $(BENCH_HDRS) $(call engine_lib,bench)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(BENCH_CFLAGS) -Ibench $(BENCH_SRCS) \
		$(call engine_lib,bench) $(BENCH_LIBS) -o $@

bench-build: $(BENCH_BIN)

# C11 and warning-clean under both compilers (clang comes with the test deps).
bench-cc:
	@mkdir -p $(BENCH_DIR)/cc
	@set -e; for cc in $(CC) $(CLANG); do \
		if ! command -v $$cc >/dev/null 2>&1; then \
			echo "bench-cc: $$cc not installed, skipped"; continue; fi; \
		for src in $(BENCH_SRCS); do \
			$$cc $(BASE_CFLAGS) $(BENCH_CFLAGS) -Ibench -c $$src \
				-o $(BENCH_DIR)/cc/$$(basename $$src .c).$$(basename $$cc).o; \
		done; \
		echo "bench-cc: $$cc -std=c11 -Wall -Wextra -Werror: clean"; \
	done

# Packages first (gnuplot, jemalloc, mimalloc), then build, run, chart.
bench-engines:
	@$(MAKE) --no-print-directory bench-deps
	@$(MAKE) --no-print-directory bench-build bench-cc
	@start=$$(date +%s); rm -f $(BENCH_DIR)/membench.rc; \
	{ $(BENCH_BIN) -o $(BENCH_DIR); echo $$? >$(BENCH_DIR)/membench.rc; } \
		| tee $(BENCH_DIR)/membench.txt; \
	rc=$$(cat $(BENCH_DIR)/membench.rc 2>/dev/null || echo 1); \
	if [ "$$rc" != 0 ]; then echo "make bench: membench failed (exit $$rc)" >&2; exit 1; fi; \
	gnuplot -e "dir='$(BENCH_DIR)'" bench/plot.gp || exit 1; \
	echo "charts: $(BENCH_DIR)/engines.png $(BENCH_DIR)/scaling.png"; \
	echo "make bench: membench and charts took $$(( $$(date +%s) - start )) s"

# libmemheap API-level benchmark (bench/lib/).
include bench/lib/lib-bench.mk
