# membench: the engines side by side with glibc, jemalloc, mimalloc.
.PHONY: bench
bench:
	@echo "membench: not built yet" >&2; exit 1
