/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* multi_heap_get_info / free_size / minimum_free_size and
 * reset_minimum_free_bytes / restore_minimum_free_bytes. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[32 * 1024];

int main(void)
{
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem));
	multi_heap_info_t a, b;
	size_t free0, low, old;
	void *p, *q;

	REQUIRE(h);
	multi_heap_get_info(h, &a);
	free0 = a.total_free_bytes;
	CHECK_EQU(free0, multi_heap_free_size(h));
	CHECK_EQU(a.total_allocated_bytes, 0);
	CHECK_EQU(a.largest_free_block, free0 - 8);	/* one block, 8-byte header */
	CHECK_EQU(a.minimum_free_bytes, free0);
	CHECK_EQU(a.allocated_blocks, 0);
	CHECK_EQU(a.free_blocks, 1);
	CHECK_EQU(a.total_blocks, 1);

	p = multi_heap_malloc(h, 1000);
	q = multi_heap_malloc(h, 3000);
	REQUIRE(p && q);
	multi_heap_get_info(h, &b);
	CHECK_EQU(b.allocated_blocks, 2);
	CHECK_EQU(b.total_blocks, b.allocated_blocks + b.free_blocks);
	/* data bytes only (ESP-IDF): the headers come out of the free bytes */
	CHECK_EQU(b.total_allocated_bytes, multi_heap_get_allocated_size(h, p) +
					   multi_heap_get_allocated_size(h, q));
	CHECK(b.total_free_bytes + b.total_allocated_bytes < free0);
	CHECK(b.total_allocated_bytes >= 4000);
	/* largest_free_block is malloc-able, one byte more is not. */
	{
		void *l = multi_heap_malloc(h, b.largest_free_block + 1);

		CHECK(l == NULL);
		l = multi_heap_malloc(h, b.largest_free_block);
		CHECK(l != NULL);
		multi_heap_free(h, l);
	}
	multi_heap_free(h, q);
	low = multi_heap_minimum_free_size(h);
	CHECK(low < free0 - 4000);

	/* reset: returns the old minimum, minimum becomes the free size. */
	old = multi_heap_reset_minimum_free_bytes(h);
	CHECK_EQU(old, low);
	CHECK_EQU(multi_heap_minimum_free_size(h), multi_heap_free_size(h));
	/* restore a larger value: the smaller current one is kept. */
	multi_heap_restore_minimum_free_bytes(h, multi_heap_free_size(h) + 100);
	CHECK_EQU(multi_heap_minimum_free_size(h), multi_heap_free_size(h));
	/* restore the old (smaller) value: taken. */
	multi_heap_restore_minimum_free_bytes(h, old);
	CHECK_EQU(multi_heap_minimum_free_size(h), old);
	multi_heap_get_info(h, &b);
	CHECK_EQU(b.minimum_free_bytes, old);
	/* A new reset returns the restored value. */
	CHECK_EQU(multi_heap_reset_minimum_free_bytes(h), old);

	multi_heap_free(h, p);
	CHECK_EQU(multi_heap_free_size(h), free0);
	return lt_done();
}
