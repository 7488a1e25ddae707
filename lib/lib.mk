# libmemheap: shared and static library, headers, pkg-config, tests.
