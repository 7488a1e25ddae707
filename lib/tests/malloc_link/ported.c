/* SPDX-License-Identifier: MIT */
/*
 * ported.c - a program written for ESP-IDF (and OneOS/FreeRTOS habits),
 * built unchanged with `pkg-config --libs libmemheap-malloc`: malloc() is
 * heap_caps memory and free() takes any family's pointer, as on ESP-IDF
 * (where malloc is heap_caps_malloc(MALLOC_CAP_DEFAULT)).  Run by
 * malloc_link.sh and install_check.sh; exits 0 when every check passed.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esp_heap_caps.h>
#include <multi_heap.h>
#include <os_memory.h>
#include <portable.h>

#include "lt.h"

/* the blocks held in DEFAULT memory, from heap_caps' own statistics */
static size_t held(void)
{
	multi_heap_info_t info;

	heap_caps_get_info(&info, MALLOC_CAP_DEFAULT);
	return info.allocated_blocks;
}

static _Alignas(16) unsigned char arena[16 * 1024];

int main(void)
{
	size_t base;
	char *s, *d;
	void *p, *q;
	int i;

	/* warm the C library up (stdio buffers) so the counts below are ours */
	printf("ported: start\n");
	fflush(stdout);
	base = held();

	/* free() of heap_caps memory: glibc's free would abort here */
	s = heap_caps_malloc(10, MALLOC_CAP_DEFAULT);
	REQUIRE(s);
	strcpy(s, "123456789");
	free(s);
	for (i = 0; i < 100; i++) {
		p = heap_caps_malloc(16 + (size_t)i * 8, MALLOC_CAP_8BIT);
		REQUIRE(p);
		free(p);
		p = heap_caps_calloc(4, 8, MALLOC_CAP_DEFAULT);
		REQUIRE(p);
		free(p);
	}
	p = heap_caps_aligned_alloc(256, 100, MALLOC_CAP_DEFAULT);
	REQUIRE(p && ((uintptr_t)p & 255) == 0);
	free(p);
	CHECK_EQU(held(), base);

	/* malloc() is heap_caps memory: heap_caps sees it, frees it */
	p = malloc(100);
	REQUIRE(p);
	CHECK(heap_caps_get_allocated_size(p) >= 100);
	CHECK_EQU(held(), base + 1);
	heap_caps_free(p);
	CHECK_EQU(held(), base);
	q = calloc(10, 10);
	REQUIRE(q);
	for (i = 0; i < 100; i++)
		CHECK_EQ(((unsigned char *)q)[i], 0);
	q = heap_caps_realloc(q, 5000, MALLOC_CAP_DEFAULT);
	REQUIRE(q);
	q = realloc(q, 20);
	REQUIRE(q);
	CHECK(malloc_usable_size(q) >= 20);
	CHECK_EQU(malloc_usable_size(q), heap_caps_get_allocated_size(q));
	free(q);
	CHECK(posix_memalign(&p, 64, 200) == 0);
	CHECK(((uintptr_t)p & 63) == 0);
	heap_caps_free(p);
	p = aligned_alloc(128, 256);
	REQUIRE(p);
	heap_caps_free(p);
	/* the C library's own allocations are memheap's too */
	d = strdup("ported");
	REQUIRE(d);
	CHECK(heap_caps_get_allocated_size(d) >= 7);
	heap_caps_free(d);
	CHECK_EQU(held(), base);

	/* other families' pointers: os_malloc, pvPortMalloc, a multi_heap's */
	p = os_malloc(64);
	REQUIRE(p);
	free(p);
	p = pvPortMalloc(64);
	REQUIRE(p);
	free(p);
	{
		multi_heap_handle_t h = multi_heap_register(arena, sizeof(arena));
		multi_heap_info_t info;

		REQUIRE(h);
		p = multi_heap_malloc(h, 300);
		REQUIRE(p);
		free(p);
		multi_heap_get_info(h, &info);
		CHECK_EQU(info.allocated_blocks, 0);
	}
	/* a OneOS user heap nested in an os_malloc block: free() and
	 * realloc() serve its blocks as os_free does */
	{
		os_memheap_t uh;
		void *block = os_malloc(8192), *u;

		REQUIRE(block);
		memset(&uh, 0, sizeof(uh));
		REQUIRE(os_memheap_init(&uh, "nested") == OS_EOK);
		REQUIRE(os_memheap_add(&uh, block, 8192, OS_MEM_ALG_FIRSTFIT) == OS_EOK);
		u = os_memheap_alloc(&uh, 100);
		REQUIRE(u);
		u = realloc(u, 200);
		REQUIRE(u);
		CHECK((char *)u > (char *)block && (char *)u < (char *)block + 8192);
		free(u);
		u = os_memheap_alloc(&uh, 100);
		CHECK(u != NULL);
		os_memheap_free(&uh, u);
		free(block);
	}
	/* os_memheap_init's state block stays: OneOS has no call to end a heap */
	CHECK_EQU(held(), base + 1);
	CHECK(heap_caps_check_integrity_all(true));
	printf("ported: done\n");
	return lt_done();
}
