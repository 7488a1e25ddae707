/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* Capability routing: each caps' totals are those of the regions serving
 * them; a request lands in the first region (priority order) serving its
 * caps that has room; DMA never comes from PSRAM, though PSRAM has megabytes
 * free; once DMA memory is full, DEFAULT and 8BIT move on to the next region
 * that can serve them, INTERNAL too unless all internal memory is DMA
 * memory; 32BIT rounds sizes up to 4.  On the default layout: DMA and
 * INTERNAL only from sram, SPIRAM only from psram, DEFAULT from sram first
 * and from psram once sram is full. */
#include "esp_helpers.h"

static const uint32_t totals_caps[] = {
	MALLOC_CAP_DEFAULT, MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM, MALLOC_CAP_INTERNAL,
	MALLOC_CAP_8BIT, MALLOC_CAP_32BIT, MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM,
	MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL, MALLOC_CAP_DEFAULT | MALLOC_CAP_INTERNAL,
	MALLOC_CAP_EXEC, MALLOC_CAP_TCM,
};

/* A fresh block of @size for @caps lands where the routing rule says. */
static void check_lands(uint32_t caps, size_t size)
{
	int want = esp_expected_region(caps, size);
	void *p = heap_caps_malloc(size, caps);

	if (want < 0) {
		CHECK(p == NULL);
	} else {
		CHECK(p != NULL);
		CHECK_EQ(esp_region_of(p), want);
		CHECK(esp_in_caps(p, caps));
	}
	heap_caps_free(p);
}

int main(void)
{
	const uint64_t dma_set = esp_regions_for(MALLOC_CAP_DMA);
	const uint64_t spiram_set = esp_regions_for(MALLOC_CAP_SPIRAM);
	const uint64_t default_set = esp_regions_for(MALLOC_CAP_DEFAULT);
	const uint64_t internal_set = esp_regions_for(MALLOC_CAP_INTERNAL);
	struct memheap_region sum;
	size_t n = 0, max_blocks, block, dma_free, spiram_free, i;
	void **held, *p;

	esp_hook_install();
	REQUIRE(dma_set != 0);	/* nothing of this test works without DMA memory */

	/* Totals: the sum over the regions serving the caps. */
	for (i = 0; i < sizeof(totals_caps) / sizeof(totals_caps[0]); i++) {
		esp_layout_sum(totals_caps[i], &sum);
		CHECK_EQU(heap_caps_get_total_size(totals_caps[i]), sum.total);
	}
	/* The default layout's identity: DEFAULT is the DMA and the SPIRAM memory. */
	if (default_set == (dma_set | spiram_set))
		CHECK_EQU(heap_caps_get_total_size(MALLOC_CAP_DEFAULT),
			  heap_caps_get_total_size(MALLOC_CAP_DMA) +
			  heap_caps_get_total_size(MALLOC_CAP_SPIRAM));
	else
		ESP_PART_SKIPPED("DEFAULT regions are not exactly the DMA and the SPIRAM ones: no DEFAULT = DMA + SPIRAM identity");

	/* Where fresh requests land. */
	check_lands(MALLOC_CAP_SPIRAM, 100);
	check_lands(MALLOC_CAP_INTERNAL, 100);
	check_lands(MALLOC_CAP_DEFAULT, 100);	/* the first DEFAULT region */
	check_lands(MALLOC_CAP_DMA, 100);
	check_lands(MALLOC_CAP_8BIT, 100);

	/* 32BIT: the size is rounded up to a multiple of 4. */
	p = heap_caps_malloc(13, MALLOC_CAP_32BIT);
	REQUIRE(p);
	CHECK(heap_caps_get_allocated_size(p) >= 16);
	heap_caps_free(p);

	/* Fill DMA memory until DMA fails: about a thousand blocks on any layout. */
	esp_layout_sum(MALLOC_CAP_DMA, &sum);
	block = sum.total / 1024 > 4096 ? sum.total / 1024 : 4096;
	max_blocks = sum.total / block + 4096;
	held = calloc(max_blocks, sizeof(*held));
	REQUIRE(held);
	spiram_free = heap_caps_get_free_size(MALLOC_CAP_SPIRAM);
	while (n < max_blocks && (p = heap_caps_malloc(block, MALLOC_CAP_DMA)) != NULL) {
		CHECK(esp_in_caps(p, MALLOC_CAP_DMA));
		CHECK(esp_set_has(dma_set, esp_region_of(p)));
		held[n++] = p;
	}
	while (n < max_blocks && heap_caps_get_largest_free_block(MALLOC_CAP_DMA) >= 8 &&
	       (p = heap_caps_malloc(heap_caps_get_largest_free_block(MALLOC_CAP_DMA),
				     MALLOC_CAP_DMA)) != NULL)
		held[n++] = p;
	REQUIRE(n < max_blocks);
	dma_free = heap_caps_get_largest_free_block(MALLOC_CAP_DMA);
	esp_failed_reset();
	/* DMA never falls back to PSRAM, whatever PSRAM has free. */
	CHECK(heap_caps_malloc(dma_free + 64, MALLOC_CAP_DMA) == NULL);
	CHECK_EQ(esp_failed.count, 1);
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_SPIRAM), spiram_free);
	if (!spiram_set)
		ESP_PART_SKIPPED("no SPIRAM region: DMA not falling back to PSRAM is not observable");
	else
		CHECK(spiram_free > dma_free + 64);
	/* DEFAULT and 8BIT now come from the next region that can serve them:
	 * psram on the default layout. */
	check_lands(MALLOC_CAP_DEFAULT, 1024);
	check_lands(MALLOC_CAP_8BIT, 1024);
	if (default_set == (dma_set | spiram_set) && spiram_set) {
		p = heap_caps_malloc(1024, MALLOC_CAP_DEFAULT);
		CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
		heap_caps_free(p);
	}
	/* INTERNAL: as full as DMA when all internal memory is DMA memory,
	 * else served by an internal region that is not DMA. */
	if (internal_set && !(internal_set & ~dma_set))
		CHECK(heap_caps_malloc(dma_free + 64, MALLOC_CAP_INTERNAL) == NULL);
	else if (internal_set)
		check_lands(MALLOC_CAP_INTERNAL, dma_free + 64);
	else
		ESP_PART_SKIPPED("no INTERNAL region: INTERNAL as full as DMA is not observable");

	for (i = 0; i < n; i++)
		heap_caps_free(held[i]);
	free(held);
	CHECK(heap_caps_check_integrity_all(true));
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_SPIRAM), spiram_free);
	return lt_done();
}
