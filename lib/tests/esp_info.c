/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_get_info aggregates multi_heap_info_t over the heaps with the
 * caps; heap_caps_print_heap_info prints two lines per heap and a total. */
#include "esp_helpers.h"

int main(void)
{
	multi_heap_info_t a, b, in, ex;
	struct esp_capture cap;
	char *out;
	void *p[3];

	heap_caps_get_info(&a, MALLOC_CAP_8BIT);
	CHECK_EQU(a.total_free_bytes, heap_caps_get_free_size(MALLOC_CAP_8BIT));
	CHECK_EQU(a.total_free_bytes + a.total_allocated_bytes,
		  heap_caps_get_total_size(MALLOC_CAP_8BIT));
	CHECK_EQU(a.largest_free_block, heap_caps_get_largest_free_block(MALLOC_CAP_8BIT));
	CHECK_EQU(a.minimum_free_bytes, heap_caps_get_minimum_free_size(MALLOC_CAP_8BIT));
	CHECK_EQU(a.total_blocks, a.allocated_blocks + a.free_blocks);

	p[0] = heap_caps_malloc(100, MALLOC_CAP_INTERNAL);
	p[1] = heap_caps_malloc(200, MALLOC_CAP_INTERNAL);
	p[2] = heap_caps_malloc(300, MALLOC_CAP_SPIRAM);
	REQUIRE(p[0] && p[1] && p[2]);
	heap_caps_get_info(&b, MALLOC_CAP_8BIT);
	CHECK_EQU(b.allocated_blocks, a.allocated_blocks + 3);
	CHECK(b.total_allocated_bytes >= a.total_allocated_bytes + 600);
	CHECK_EQU(b.total_free_bytes + b.total_allocated_bytes,
		  heap_caps_get_total_size(MALLOC_CAP_8BIT));

	/* The aggregate is the sum (max for the largest block) of its parts. */
	heap_caps_get_info(&in, MALLOC_CAP_INTERNAL);
	heap_caps_get_info(&ex, MALLOC_CAP_SPIRAM);
	CHECK_EQU(b.total_free_bytes, in.total_free_bytes + ex.total_free_bytes);
	CHECK_EQU(b.allocated_blocks, in.allocated_blocks + ex.allocated_blocks);
	CHECK_EQU(b.largest_free_block, in.largest_free_block > ex.largest_free_block ?
		  in.largest_free_block : ex.largest_free_block);

	/* Caps nothing has: all zero. */
	heap_caps_get_info(&in, MALLOC_CAP_EXEC);
	CHECK_EQU(in.total_free_bytes + in.total_blocks + in.largest_free_block, 0);
	heap_caps_get_info(NULL, MALLOC_CAP_8BIT);	/* ignored, no crash */

	esp_capture_begin(&cap, 1);
	heap_caps_print_heap_info(MALLOC_CAP_8BIT);
	out = esp_capture_end(&cap);
	CHECK(strstr(out, "Heap summary for capabilities 0x00000004:") != NULL);
	CHECK_EQ(esp_count(out, "  At "), 2);			/* two heaps */
	CHECK_EQ(esp_count(out, "largest_free_block"), 3);	/* per heap + total */
	CHECK_EQ(esp_count(out, "Totals:"), 1);
	free(out);
	esp_capture_begin(&cap, 1);
	heap_caps_print_heap_info(MALLOC_CAP_DMA);
	out = esp_capture_end(&cap);
	CHECK_EQ(esp_count(out, "  At "), 1);
	free(out);

	heap_caps_free(p[0]);
	heap_caps_free(p[1]);
	heap_caps_free(p[2]);
	return lt_done();
}
