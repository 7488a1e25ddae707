// SPDX-License-Identifier: MIT
/*
 * oneos_sys_heap.c - os_sys_heap_init/os_sys_heap_add: several regions with
 * different algorithms searched in the order added; the documented error
 * codes (overlap -> OS_EINVAL, too small -> OS_ENOMEM); os_malloc,
 * os_aligned_malloc, os_calloc, os_realloc, os_free on it; os_memory_info
 * and os_memory_check.
 */
#include <os_memory.h>

#include <stdalign.h>
#include <stdbool.h>

#include "lt.h"
#include "rtos_capture.h"

static alignas(64) unsigned char ram1[16 * 1024];	/* first-fit, searched first */
static alignas(64) unsigned char ram2[64 * 1024];	/* buddy, searched second */

static bool in(const void *p, const unsigned char *r, size_t n)
{
	return (const unsigned char *)p >= r && (const unsigned char *)p < r + n;
}

int main(void)
{
	os_meminfo_t info, info2;
	struct capture c;
	void *a, *b, *d, *p;
	unsigned char *z;
	size_t i;

	os_sys_heap_init();
	os_memory_info(&info);
	CHECK_EQU(info.mem_total, 0);
	CHECK(os_malloc(8) == NULL);	/* initialised, no region yet */

	CHECK_EQ(os_sys_heap_add(ram1, sizeof(ram1), OS_MEM_ALG_FIRSTFIT), OS_EOK);
	/* errors: nothing changes */
	capture_begin(&c, STDERR_FILENO);
	CHECK_EQ(os_sys_heap_add(ram1 + 100, 1000, OS_MEM_ALG_BUDDY), OS_EINVAL);
	CHECK_EQ(os_sys_heap_add(ram1 + sizeof(ram1) - 8, 64, OS_MEM_ALG_BUDDY), OS_EINVAL);
	CHECK_EQ(os_sys_heap_add(ram2, 8, OS_MEM_ALG_FIRSTFIT), OS_ENOMEM);
	CHECK_EQ(os_sys_heap_add(ram2, 0, OS_MEM_ALG_FIRSTFIT), OS_ENOMEM);
	CHECK_EQ(os_sys_heap_add(NULL, 4096, OS_MEM_ALG_FIRSTFIT), OS_EINVAL);
	CHECK_EQ(os_sys_heap_add(ram2, sizeof(ram2), (enum os_mem_alg)7), OS_EINVAL);
	capture_end(&c);
	capture_free(&c);
	CHECK_EQ(os_sys_heap_add(ram2, sizeof(ram2), OS_MEM_ALG_BUDDY), OS_EOK);
	/* and the range of another heap type: also an overlap */
	CHECK_EQ(os_sys_heap_add(ram2 + 4096, 4096, OS_MEM_ALG_DEFAULT), OS_EINVAL);
	os_sys_heap_init();	/* again: keeps both regions */

	os_memory_info(&info);
	CHECK(info.mem_total > 64 * 1024 && info.mem_total <= sizeof(ram1) + sizeof(ram2));
	CHECK_EQU(info.mem_used, 0);

	/* search order: region 1 first, region 2 when 1 cannot hold it */
	a = os_malloc(100);
	CHECK(in(a, ram1, sizeof(ram1)));
	b = os_malloc(20 * 1024);
	CHECK(in(b, ram2, sizeof(ram2)));
	d = os_malloc(1000);
	CHECK(in(d, ram1, sizeof(ram1)));
	CHECK(os_malloc(100 * 1024) == NULL);

	os_memory_info(&info2);
	CHECK(info2.mem_used >= 100 + 20 * 1024 + 1000);
	CHECK(info2.mem_maxused >= info2.mem_used);
	os_free(b);
	os_free(d);
	os_memory_info(&info);
	CHECK(info.mem_used < info2.mem_used);
	CHECK_EQU(info.mem_maxused, info2.mem_maxused);

	/* aligned: power of two only */
	p = os_aligned_malloc(256, 40);
	REQUIRE(p != NULL);
	CHECK(((uintptr_t)p & 255) == 0);
	CHECK(in(p, ram1, sizeof(ram1)) || in(p, ram2, sizeof(ram2)));
	os_free(p);
	capture_begin(&c, STDERR_FILENO);
	CHECK(os_aligned_malloc(24, 40) == NULL);
	CHECK(os_aligned_malloc(0, 40) == NULL);
	capture_end(&c);
	capture_free(&c);

	/* calloc zeroes, and refuses overflowing products */
	memset(ram1 + 4096, 0x77, 1024);	/* dirty free memory (not metadata) */
	z = os_calloc(100, 10);
	REQUIRE(z != NULL);
	for (i = 0; i < 1000; i++)
		if (z[i])
			break;
	CHECK_EQU(i, 1000);
	CHECK(os_calloc(SIZE_MAX / 2, 3) == NULL);
	os_free(z);

	/* realloc keeps the data, may move to the second region */
	memcpy(a, "oneos", 6);
	p = os_realloc(a, 30 * 1024);
	REQUIRE(p != NULL);
	CHECK(in(p, ram2, sizeof(ram2)));
	CHECK(memcmp(p, "oneos", 6) == 0);
	CHECK(os_realloc(p, 1u << 30) == NULL);
	CHECK(memcmp(p, "oneos", 6) == 0);
	CHECK_EQ(os_memory_check(), OS_EOK);
	os_free(p);
	os_memory_info(&info);
	CHECK_EQU(info.mem_used, 0);

	/* damage is found */
	a = os_malloc(64);
	REQUIRE(a != NULL);
	memset((unsigned char *)a - 8, 0xff, 8);	/* first-fit header */
	capture_begin(&c, STDERR_FILENO);
	CHECK_EQ(os_memory_check(), OS_ERROR);
	capture_end(&c);
	capture_free(&c);
	return lt_done();
}
