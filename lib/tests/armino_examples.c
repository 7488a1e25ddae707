// SPDX-License-Identifier: MIT
/*
 * armino_examples.c - the Armino document's examples (compiled unchanged in
 * lib/examples/armino/memory_examples.c) print what they should and leave
 * no block behind.
 */
#define MEMHEAP_EXAMPLE_NO_MAIN
#include "../examples/armino/memory_examples.c"

#include "core/core.h"
#include "lt.h"
#include "rtos_capture.h"

int main(void)
{
	struct capture c;
	const char *out;
	struct mhl_stats before, after;
	char expect[64];
	void *probe;

	mhl_caps_stats(0, &before);
	capture_begin(&c, STDOUT_FILENO);
	memory_basic_example();
	zalloc_example();
	psram_example();
	realloc_example();
	memory_operations_example();
	struct_memory_example();
	out = capture_end(&c);

	/* "Allocated 1024 bytes at <p>": p is where os_malloc(1024) lands */
	probe = os_malloc(1024);
	snprintf(expect, sizeof(expect), "Allocated 1024 bytes at %p\r\n", probe);
	os_free(probe);
	CHECK(strstr(out, expect) == out);
	CHECK(strstr(out, "Memory content is same\r\n") != NULL);
	CHECK(strstr(out, "Failed") == NULL);
	CHECK(strstr(out, "Realloc failed") == NULL);
	CHECK_EQ(count_lines_with(out, "\r"), 2);
	capture_free(&c);

	mhl_caps_stats(0, &after);
	CHECK_EQU(after.allocated, before.allocated);
	/* 6 by the examples, 1 more if os_realloc moved, and the probe */
	CHECK(after.alloc_count - before.alloc_count >= 7 &&
	      after.alloc_count - before.alloc_count <= 8);
	CHECK_EQ(mhl_check(0, true), MHL_OK);
	return lt_done();
}
