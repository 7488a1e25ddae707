/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_get_info aggregates multi_heap_info_t over the heaps with the
 * caps (checked against the region list); heap_caps_print_heap_info prints
 * two lines per heap and a total. */
#include "esp_helpers.h"

int main(void)
{
	const uint32_t small_caps = esp_layout_has(MALLOC_CAP_INTERNAL) ?
				    MALLOC_CAP_INTERNAL : MALLOC_CAP_8BIT;
	const uint32_t other_caps = esp_layout_has(MALLOC_CAP_SPIRAM) ?
				    MALLOC_CAP_SPIRAM : MALLOC_CAP_8BIT;
	const uint64_t byte_set = esp_regions_for(MALLOC_CAP_8BIT);
	const uint64_t in_set = esp_regions_for(MALLOC_CAP_INTERNAL);
	const uint64_t ex_set = esp_regions_for(MALLOC_CAP_SPIRAM);
	multi_heap_info_t a, b, in, ex;
	struct memheap_region sum;
	struct esp_capture cap;
	unsigned int heaps;
	char *out;
	void *p[3];

	heap_caps_get_info(&a, MALLOC_CAP_8BIT);
	CHECK_EQU(a.total_free_bytes, heap_caps_get_free_size(MALLOC_CAP_8BIT));
	CHECK_EQU(a.total_free_bytes + a.total_allocated_bytes,
		  heap_caps_get_total_size(MALLOC_CAP_8BIT));
	CHECK_EQU(a.largest_free_block, heap_caps_get_largest_free_block(MALLOC_CAP_8BIT));
	CHECK_EQU(a.minimum_free_bytes, heap_caps_get_minimum_free_size(MALLOC_CAP_8BIT));
	CHECK_EQU(a.total_blocks, a.allocated_blocks + a.free_blocks);

	p[0] = heap_caps_malloc(100, small_caps);
	p[1] = heap_caps_malloc(200, small_caps);
	p[2] = heap_caps_malloc(300, other_caps);
	REQUIRE(p[0] && p[1] && p[2]);
	heap_caps_get_info(&b, MALLOC_CAP_8BIT);
	CHECK_EQU(b.allocated_blocks, a.allocated_blocks + 3);
	CHECK(b.total_allocated_bytes >= a.total_allocated_bytes + 600);
	CHECK_EQU(b.total_free_bytes + b.total_allocated_bytes,
		  heap_caps_get_total_size(MALLOC_CAP_8BIT));

	/* The aggregate is the sum (max for the largest block) of its regions. */
	heaps = esp_layout_sum(MALLOC_CAP_8BIT, &sum);
	CHECK_EQU(b.total_free_bytes, sum.free);
	CHECK_EQU(b.total_allocated_bytes, sum.allocated);
	CHECK_EQU(b.allocated_blocks, sum.allocated_blocks);
	CHECK_EQU(b.free_blocks, sum.free_blocks);
	CHECK_EQU(b.largest_free_block, sum.largest_free);
	CHECK_EQU(b.minimum_free_bytes, sum.min_free);
	/* Where INTERNAL and SPIRAM split the 8BIT memory (the default layout),
	 * the aggregate is also the sum of those two. */
	if (!(in_set & ex_set) && (in_set | ex_set) == byte_set) {
		heap_caps_get_info(&in, MALLOC_CAP_INTERNAL);
		heap_caps_get_info(&ex, MALLOC_CAP_SPIRAM);
		CHECK_EQU(b.total_free_bytes, in.total_free_bytes + ex.total_free_bytes);
		CHECK_EQU(b.allocated_blocks, in.allocated_blocks + ex.allocated_blocks);
		CHECK_EQU(b.largest_free_block, in.largest_free_block > ex.largest_free_block ?
			  in.largest_free_block : ex.largest_free_block);
	} else {
		ESP_PART_SKIPPED("INTERNAL and SPIRAM regions do not split the 8BIT ones: no INTERNAL + SPIRAM identity");
	}

	/* Caps nothing has: all zero. */
	heap_caps_get_info(&in, MALLOC_CAP_EXEC);
	CHECK_EQU(in.total_free_bytes + in.total_blocks + in.largest_free_block, 0);
	heap_caps_get_info(NULL, MALLOC_CAP_8BIT);	/* ignored, no crash */

	/* Two lines per heap and a total. */
	esp_capture_begin(&cap, 1);
	heap_caps_print_heap_info(MALLOC_CAP_8BIT);
	out = esp_capture_end(&cap);
	CHECK(strstr(out, "Heap summary for capabilities 0x00000004:") != NULL);
	CHECK_EQ(esp_count(out, "  At "), (int)heaps);
	CHECK_EQ(esp_count(out, "largest_free_block"), (int)heaps + 1);
	CHECK_EQ(esp_count(out, "Totals:"), 1);
	free(out);
	esp_capture_begin(&cap, 1);
	heap_caps_print_heap_info(MALLOC_CAP_DMA);
	out = esp_capture_end(&cap);
	CHECK_EQ(esp_count(out, "  At "), (int)esp_layout_sum(MALLOC_CAP_DMA, &sum));
	free(out);

	heap_caps_free(p[0]);
	heap_caps_free(p[1]);
	heap_caps_free(p[2]);
	return lt_done();
}
