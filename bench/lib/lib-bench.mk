# bench/lib: libmemheap's API-level benchmark (see bench/lib/libbench.c).
#
#   make bench-lib   (part of make bench) build against libmemheap.a, run,
#                    table on stdout, CSV in $(BUILD)/bench/lib.csv

BENCH_LIB_BIN := $(BUILD)/bench/libbench
BENCH_LIB_SRCS := bench/lib/libbench.c bench/allocators.c bench/naive_firstfit.c

# Included from bench/bench.mk, before lib/lib.mk: name the library by path.
BENCH_LIB_A := $(BUILD)/lib/gcc/libmemheap.a

$(BENCH_LIB_BIN): $(BENCH_LIB_SRCS) bench/membench.h $(wildcard lib/include/*.h lib/include/*/*.h) $(BENCH_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -DNDEBUG -Ibench -Ilib/include $(BENCH_LIB_SRCS) \
		$(BENCH_LIB_A) -ldl -lpthread -o $@

.PHONY: bench-lib
BENCH_GOALS += bench-lib
bench-lib:
	@$(MAKE) --no-print-directory bench-deps
	@$(MAKE) --no-print-directory $(BENCH_LIB_BIN)
	$(BENCH_LIB_BIN) -o $(BUILD)/bench | tee $(BUILD)/bench/lib.txt
