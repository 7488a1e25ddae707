// SPDX-License-Identifier: MIT
/*
 * oneos_memheap_reuse.c - a user heap on memory of an earlier user heap or
 * multi_heap: an earlier heap whose blocks are all free gives the memory
 * up (it is retired: later calls on it fail) whatever the overlap's shape;
 * one with a live block makes os_memheap_add fail with one line on stderr
 * and keeps working.
 */
#include <os_memory.h>
#include <multi_heap.h>

#include <stdalign.h>

#include "lt.h"
#include "rtos_capture.h"

#define K 1024
static alignas(64) unsigned char zone[64 * K];

/* A new user heap on zone[off, off + len) after one alloc/free. */
static void fresh(os_memheap_t *h, const char *name, size_t off, size_t len,
		  enum os_mem_alg alg)
{
	void *p;

	memset(h, 0, sizeof(*h));
	REQUIRE(os_memheap_init(h, name) == OS_EOK);
	REQUIRE(os_memheap_add(h, zone + off, len, alg) == OS_EOK);
	p = os_memheap_alloc(h, 200);
	CHECK(p != NULL);
	os_memheap_free(h, p);
}

static const struct {
	size_t old_off, old_len, new_off, new_len;
} shapes[] = {
	{ 0, 16 * K, 8 * K, 16 * K },	/* new start inside old */
	{ 8 * K, 8 * K, 0, 32 * K },	/* old inside new */
	{ 8 * K, 16 * K, 0, 16 * K },	/* new end inside old */
	{ 0, 16 * K, 0, 16 * K },	/* the same range */
	{ 0, 32 * K, 8 * K, 8 * K },	/* new inside old */
};

int main(void)
{
	os_memheap_t old, nu;
	struct capture c;
	const char *text;
	void *p, *live;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++) {
		for (int alg = 0; alg < 2; alg++) {
			enum os_mem_alg a = alg ? OS_MEM_ALG_BUDDY : OS_MEM_ALG_FIRSTFIT;

			fresh(&old, "old", shapes[i].old_off, shapes[i].old_len, a);
			memset(&nu, 0, sizeof(nu));
			REQUIRE(os_memheap_init(&nu, "new") == OS_EOK);
			CHECK_EQ(os_memheap_add(&nu, zone + shapes[i].new_off,
						shapes[i].new_len, a), OS_EOK);
			p = os_memheap_alloc(&nu, 300);
			CHECK(p != NULL);
			CHECK((unsigned char *)p >= zone + shapes[i].new_off &&
			      (unsigned char *)p < zone + shapes[i].new_off + shapes[i].new_len);
			os_free(p);	/* any family's free serves it */
			CHECK_EQ(os_memheap_check(&nu), OS_EOK);
			/* the retired heap serves nothing any more */
			CHECK(os_memheap_alloc(&old, 16) == NULL);
			/* a live block of the new heap refuses the next reuse */
			live = os_memheap_alloc(&nu, 64);
			REQUIRE(live);
			capture_begin(&c, STDERR_FILENO);
			memset(&old, 0, sizeof(old));
			REQUIRE(os_memheap_init(&old, "third") == OS_EOK);
			CHECK(os_memheap_add(&old, zone + shapes[i].old_off,
					     shapes[i].old_len, a) != OS_EOK);
			text = capture_end(&c);
			CHECK(strstr(text, "still has 1 allocated block: refused") != NULL);
			CHECK(strchr(text, '\n') == text + strlen(text) - 1);
			capture_free(&c);
			CHECK_EQ(os_memheap_check(&nu), OS_EOK);
			os_memheap_free(&nu, live);
			/* freed: the third heap may take the memory now */
			CHECK_EQ(os_memheap_add(&old, zone + shapes[i].old_off,
						shapes[i].old_len, a), OS_EOK);
			CHECK(os_memheap_alloc(&nu, 16) == NULL);
			p = os_memheap_alloc(&old, 16);
			CHECK(p != NULL);
			os_memheap_free(&old, p);
			memset(zone, 0, sizeof(zone));
		}
	}

	/* A multi_heap first, then a user heap over it, then a multi_heap
	 * over the user heap (the same rule for both families). */
	{
		multi_heap_handle_t mh = multi_heap_register(zone, 16 * K);

		REQUIRE(mh);
		p = multi_heap_malloc(mh, 100);
		multi_heap_free(mh, p);
		memset(&nu, 0, sizeof(nu));
		REQUIRE(os_memheap_init(&nu, "over_mh") == OS_EOK);
		CHECK_EQ(os_memheap_add(&nu, zone + 4 * K, 16 * K, OS_MEM_ALG_FIRSTFIT), OS_EOK);
		p = os_memheap_alloc(&nu, 100);
		CHECK(p != NULL);
		os_memheap_free(&nu, p);
		mh = multi_heap_register(zone + 8 * K, 16 * K);
		CHECK(mh != NULL);
		CHECK(os_memheap_alloc(&nu, 16) == NULL);
	}
	return lt_done();
}
