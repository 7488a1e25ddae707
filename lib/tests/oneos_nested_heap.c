// SPDX-License-Identifier: MIT
/*
 * oneos_nested_heap.c - a user heap over a block of the system heap (what
 * OneOS's user-heap sample does): accepted, its blocks served and freed
 * (by os_memheap_free and by os_free), overlaps inside the same block
 * refused, and freeing the enclosing block retires the heap cleanly.
 */
#include <os_memory.h>

#include "lt.h"
#include "rtos_capture.h"

static struct os_memheap heap, other;

int main(void)
{
	struct capture c;
	unsigned char *block, *p, *q;
	const char *err;

	block = os_malloc(4096);
	REQUIRE(block != NULL);
	CHECK_EQ(os_memheap_init(&heap, "nested"), OS_EOK);
	CHECK_EQ(os_memheap_init(&other, "other"), OS_EOK);
	CHECK_EQ(os_memheap_add(&heap, block, 2048, OS_MEM_ALG_FIRSTFIT), OS_EOK);
	/* overlapping the nested range, inside the same block: refused */
	capture_begin(&c, STDERR_FILENO);
	CHECK_EQ(os_memheap_add(&other, block + 1024, 2048, OS_MEM_ALG_FIRSTFIT), OS_EINVAL);
	/* past the end of the live block: refused */
	CHECK_EQ(os_memheap_add(&other, block + 2048, 8192, OS_MEM_ALG_FIRSTFIT), OS_EINVAL);
	capture_end(&c);
	capture_free(&c);
	/* the rest of the block: fine */
	CHECK_EQ(os_memheap_add(&other, block + 2048, 2048, OS_MEM_ALG_DEFAULT), OS_EOK);

	p = os_memheap_alloc(&heap, 100);
	q = os_memheap_alloc(&other, 100);
	REQUIRE(p && q);
	CHECK(p > block && p < block + 2048);
	CHECK(q >= block + 2048 && q < block + 4096);
	os_free(p);			/* routed to the nested heap */
	p = os_realloc(q, 300);		/* resized within its heap */
	CHECK(p >= block + 2048 && p < block + 4096);
	os_free(p);
	CHECK_EQ(os_memheap_check(&heap), OS_EOK);
	CHECK_EQ(os_memheap_check(&other), OS_EOK);
	CHECK_EQ(os_memory_check(), OS_EOK);

	/* freeing the enclosing block retires both heaps */
	p = os_memheap_alloc(&heap, 64);
	REQUIRE(p != NULL);
	os_free(block);
	capture_begin(&c, STDERR_FILENO);
	CHECK(os_memheap_alloc(&heap, 16) == NULL);
	CHECK(os_memheap_alloc(&other, 16) == NULL);
	os_memheap_free(&heap, p);
	err = capture_end(&c);
	CHECK(strstr(err, "released") != NULL);
	capture_free(&c);
	CHECK_EQ(os_memory_check(), OS_EOK);
	return lt_done();
}
