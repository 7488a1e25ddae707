// SPDX-License-Identifier: MIT
/*
 * oneos_memheap.c - user heaps: os_memheap_init (re-initialisation ->
 * OS_EINVAL), os_memheap_add (regions with their own algorithms, overlap
 * with a heap holding live blocks -> OS_EINVAL, too small -> OS_ENOMEM),
 * alloc/aligned/realloc/free/info/check, misuse reported without damage, and blocks freed through other
 * families' free (os_free, vPortFree, heap_caps_free).
 */
#include <os_memory.h>
#include <portable.h>
#include <esp_heap_caps.h>

#include <stdalign.h>

#include "lt.h"
#include "rtos_capture.h"

static alignas(64) unsigned char zone1[8 * 1024];
static alignas(64) unsigned char zone2[32 * 1024];
static alignas(64) unsigned char zone3[4 * 1024];
static struct os_memheap heap1, heap2;

static bool in(const void *p, const unsigned char *r, size_t n)
{
	return (const unsigned char *)p >= r && (const unsigned char *)p < r + n;
}

int main(void)
{
	os_meminfo_t info, before;
	struct capture c;
	const char *err;
	void *a, *b, *p, *q;
	os_memheap_t uninit;

	CHECK_EQ(os_memheap_init(&heap1, "memheap-with-a-long-name"), OS_EOK);
	CHECK_STR(heap1.name, "memheap-with-a-");	/* cut to OS_NAME_MAX */
	capture_begin(&c, STDERR_FILENO);
	CHECK_EQ(os_memheap_init(&heap1, "again"), OS_EINVAL);
	CHECK_EQ(os_memheap_init(NULL, "x"), OS_EINVAL);
	capture_end(&c);
	capture_free(&c);
	CHECK_EQ(os_memheap_init(&heap2, "heap2"), OS_EOK);

	CHECK_EQ(os_memheap_add(&heap1, zone1, sizeof(zone1), OS_MEM_ALG_FIRSTFIT), OS_EOK);
	CHECK_EQ(os_memheap_add(&heap1, zone2, sizeof(zone2), OS_MEM_ALG_BUDDY), OS_EOK);
	/* overlap with a heap that has a live block: refused (one with every
	 * block free gives its memory up: oneos_memheap_reuse) */
	q = os_memheap_alloc(&heap1, 16);
	CHECK(in(q, zone1, sizeof(zone1)));
	capture_begin(&c, STDERR_FILENO);
	CHECK_EQ(os_memheap_add(&heap2, zone1 + 512, 1024, OS_MEM_ALG_FIRSTFIT), OS_EINVAL);
	CHECK_EQ(os_memheap_add(&heap1, zone2 + 64, 1024, OS_MEM_ALG_FIRSTFIT), OS_EINVAL);
	CHECK_EQ(os_memheap_add(&heap2, zone3, 4, OS_MEM_ALG_FIRSTFIT), OS_ENOMEM);
	CHECK_EQ(os_memheap_add(&heap2, zone3, sizeof(zone3), (enum os_mem_alg)-1), OS_EINVAL);
	memset(&uninit, 0, sizeof(uninit));
	CHECK_EQ(os_memheap_add(&uninit, zone3, sizeof(zone3), OS_MEM_ALG_FIRSTFIT), OS_EINVAL);
	CHECK(os_memheap_alloc(&uninit, 8) == NULL);
	CHECK_EQ(os_memheap_check(&uninit), OS_EINVAL);
	capture_end(&c);
	capture_free(&c);
	os_memheap_free(&heap1, q);
	CHECK_EQ(os_memheap_add(&heap2, zone3, sizeof(zone3), OS_MEM_ALG_DEFAULT), OS_EOK);

	/* first region first, second when the first cannot hold it */
	a = os_memheap_alloc(&heap1, 1000);
	CHECK(in(a, zone1, sizeof(zone1)));
	b = os_memheap_alloc(&heap1, 16 * 1024);
	CHECK(in(b, zone2, sizeof(zone2)));
	CHECK(os_memheap_alloc(&heap1, 64 * 1024) == NULL);

	os_memheap_info(&heap1, &info);
	CHECK(info.mem_total > 32 * 1024 && info.mem_total <= sizeof(zone1) + sizeof(zone2));
	CHECK(info.mem_used >= 1000 + 16 * 1024);
	CHECK_EQU(info.mem_maxused, info.mem_used);

	/* aligned */
	p = os_memheap_aligned_alloc(&heap1, 512, 100);
	REQUIRE(p != NULL);
	CHECK(((uintptr_t)p & 511) == 0);
	os_memheap_free(&heap1, p);
	capture_begin(&c, STDERR_FILENO);
	CHECK(os_memheap_aligned_alloc(&heap1, 48, 100) == NULL);
	capture_end(&c);
	capture_free(&c);

	/* realloc keeps data; failure keeps the original */
	memcpy(a, "user heap", 10);
	q = os_memheap_realloc(&heap1, a, 2000);
	REQUIRE(q != NULL);
	CHECK(memcmp(q, "user heap", 10) == 0);
	CHECK(os_memheap_realloc(&heap1, q, 1u << 20) == NULL);
	CHECK(memcmp(q, "user heap", 10) == 0);
	a = q;

	/* a pointer of another heap: reported, nothing freed */
	p = os_memheap_alloc(&heap2, 64);
	REQUIRE(in(p, zone3, sizeof(zone3)));
	os_memheap_info(&heap2, &before);
	capture_begin(&c, STDERR_FILENO);
	os_memheap_free(&heap1, p);
	CHECK(os_memheap_realloc(&heap1, p, 10) == NULL);
	err = capture_end(&c);
	CHECK_EQ(count_lines_with(err, "os_memheap_free"), 1);
	CHECK_EQ(count_lines_with(err, "os_memheap_realloc"), 1);
	capture_free(&c);
	os_memheap_info(&heap2, &info);
	CHECK_EQU(info.mem_used, before.mem_used);

	/* double free: reported, heap intact */
	os_memheap_free(&heap2, p);
	capture_begin(&c, STDERR_FILENO);
	os_memheap_free(&heap2, p);
	err = capture_end(&c);
	CHECK(strstr(err, "os_memheap_free") != NULL);
	capture_free(&c);
	CHECK_EQ(os_memheap_check(&heap2), OS_EOK);

	/* any family's free serves user-heap blocks */
	os_memheap_info(&heap2, &before);
	p = os_memheap_alloc(&heap2, 100);
	q = os_memheap_alloc(&heap2, 200);
	REQUIRE(p && q);
	os_free(p);
	vPortFree(q);
	p = os_memheap_alloc(&heap2, 300);
	REQUIRE(p != NULL);
	heap_caps_free(p);
	p = os_memheap_alloc(&heap2, 40);
	REQUIRE(p != NULL);
	p = os_realloc(p, 400);		/* stays in its heap */
	CHECK(in(p, zone3, sizeof(zone3)));
	os_free(p);
	os_memheap_info(&heap2, &info);
	CHECK_EQU(info.mem_used, before.mem_used);

	os_memheap_free(&heap1, a);
	os_memheap_free(&heap1, b);
	os_memheap_free(&heap1, NULL);
	os_memheap_info(&heap1, &info);
	CHECK_EQU(info.mem_used, 0);
	CHECK_EQ(os_memheap_check(&heap1), OS_EOK);

	/* damage is found */
	a = os_memheap_alloc(&heap2, 64);
	REQUIRE(a != NULL);
	memset((unsigned char *)a - 8, 0xff, 8);
	capture_begin(&c, STDERR_FILENO);
	CHECK_EQ(os_memheap_check(&heap2), OS_ERROR);
	capture_end(&c);
	capture_free(&c);
	return lt_done();
}
