/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_realloc moves a buffer when the new caps demand it: internal to
 * SPIRAM, SPIRAM to DMA; with compatible caps it stays in its region. */
#include "esp_helpers.h"

int main(void)
{
	size_t spiram_free = heap_caps_get_free_size(MALLOC_CAP_SPIRAM);
	size_t dma_free = heap_caps_get_free_size(MALLOC_CAP_DMA);
	unsigned char *p;
	int i, ok = 1;

	p = heap_caps_malloc(300, MALLOC_CAP_DMA);
	REQUIRE(p && esp_in_caps(p, MALLOC_CAP_DMA));
	for (i = 0; i < 300; i++)
		p[i] = (unsigned char)i;
	/* Compatible caps (8BIT): stays in the DMA region. */
	p = heap_caps_realloc(p, 400, MALLOC_CAP_8BIT);
	REQUIRE(p);
	CHECK(esp_in_caps(p, MALLOC_CAP_DMA));
	/* SPIRAM: moves to PSRAM, data kept. */
	p = heap_caps_realloc(p, 400, MALLOC_CAP_SPIRAM);
	REQUIRE(p);
	CHECK(esp_in_caps(p, MALLOC_CAP_SPIRAM));
	for (i = 0; i < 300; i++)
		ok &= p[i] == (unsigned char)i;
	CHECK(ok);
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_DMA), dma_free);
	/* Back to DMA: moves again, even when shrinking. */
	p = heap_caps_realloc(p, 200, MALLOC_CAP_DMA);
	REQUIRE(p);
	CHECK(esp_in_caps(p, MALLOC_CAP_DMA));
	for (i = 0; i < 200; i++)
		ok &= p[i] == (unsigned char)i;
	CHECK(ok);
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_SPIRAM), spiram_free);
	/* CACHE_ALIGNED: the result is cache-line aligned. */
	p = heap_caps_realloc(p, 1000, MALLOC_CAP_DMA | MALLOC_CAP_CACHE_ALIGNED);
	REQUIRE(p);
	CHECK(((uintptr_t)p & 63) == 0);
	for (i = 0; i < 200; i++)
		ok &= p[i] == (unsigned char)i;
	CHECK(ok);
	heap_caps_free(p);
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_DMA), dma_free);
	return lt_done();
}
