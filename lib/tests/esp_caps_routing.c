/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* Capability routing on the default layout: DMA and INTERNAL only from the
 * internal region, SPIRAM only from PSRAM, DEFAULT from internal memory first
 * and from PSRAM once internal memory is full, DMA never from PSRAM, 32BIT
 * rounds sizes up to 4. */
#include "esp_helpers.h"

#define MAX_BLOCKS 4096

int main(void)
{
	static void *held[MAX_BLOCKS];
	size_t n = 0, dma_free, spiram_free, i;
	void *p;

	esp_hook_install();
	REQUIRE(heap_caps_get_total_size(MALLOC_CAP_DMA) > 0);
	REQUIRE(heap_caps_get_total_size(MALLOC_CAP_SPIRAM) > 0);
	/* Disjoint on the default layout: DMA memory is internal. */
	CHECK_EQU(heap_caps_get_total_size(MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM), 0);
	CHECK_EQU(heap_caps_get_total_size(MALLOC_CAP_DEFAULT),
		  heap_caps_get_total_size(MALLOC_CAP_DMA) +
		  heap_caps_get_total_size(MALLOC_CAP_SPIRAM));

	p = heap_caps_malloc(100, MALLOC_CAP_SPIRAM);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM) && !esp_in_caps(p, MALLOC_CAP_INTERNAL));
	heap_caps_free(p);
	p = heap_caps_malloc(100, MALLOC_CAP_INTERNAL);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_INTERNAL) && !esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	/* DEFAULT prefers the first region (internal) while it has room. */
	p = heap_caps_malloc(100, MALLOC_CAP_DEFAULT);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_INTERNAL));
	heap_caps_free(p);

	/* 32BIT: the size is rounded up to a multiple of 4. */
	p = heap_caps_malloc(13, MALLOC_CAP_32BIT);
	REQUIRE(p);
	CHECK(heap_caps_get_allocated_size(p) >= 16);
	heap_caps_free(p);

	/* Fill internal memory with DMA blocks until DMA fails. */
	spiram_free = heap_caps_get_free_size(MALLOC_CAP_SPIRAM);
	while (n < MAX_BLOCKS && (p = heap_caps_malloc(4096, MALLOC_CAP_DMA)) != NULL) {
		CHECK(esp_in_caps(p, MALLOC_CAP_DMA));
		held[n++] = p;
	}
	while (n < MAX_BLOCKS && heap_caps_get_largest_free_block(MALLOC_CAP_DMA) >= 8 &&
	       (p = heap_caps_malloc(heap_caps_get_largest_free_block(MALLOC_CAP_DMA),
				     MALLOC_CAP_DMA)) != NULL)
		held[n++] = p;
	REQUIRE(n < MAX_BLOCKS);
	dma_free = heap_caps_get_largest_free_block(MALLOC_CAP_DMA);
	esp_failed_reset();
	/* DMA never falls back to PSRAM, though PSRAM has megabytes free. */
	CHECK(heap_caps_malloc(dma_free + 64, MALLOC_CAP_DMA) == NULL);
	CHECK_EQ(esp_failed.count, 1);
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_SPIRAM), spiram_free);
	/* DEFAULT and 8BIT now come from PSRAM. */
	p = heap_caps_malloc(1024, MALLOC_CAP_DEFAULT);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	p = heap_caps_malloc(1024, MALLOC_CAP_8BIT);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	/* INTERNAL is as full as DMA. */
	CHECK(heap_caps_malloc(dma_free + 64, MALLOC_CAP_INTERNAL) == NULL);

	for (i = 0; i < n; i++)
		heap_caps_free(held[i]);
	CHECK(heap_caps_check_integrity_all(true));
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_SPIRAM), spiram_free);
	return lt_done();
}
