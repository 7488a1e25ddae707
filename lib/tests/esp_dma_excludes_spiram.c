/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* A region that is DMA-capable external memory (as EDMA PSRAM is) serves
 * MALLOC_CAP_DMA only when MALLOC_CAP_SPIRAM is asked for too: plain DMA
 * requests never return external memory, not even when internal DMA memory
 * is full.  (The layout syntax refuses dma+spiram, so the region is added
 * with heap_caps_add_region_with_caps.) */
#include "esp_helpers.h"

static _Alignas(4096) unsigned char ext[1 << 20];

int main(void)
{
	const uint32_t ext_caps[SOC_MEMORY_TYPE_NO_PRIOS] = {
		MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM,
		MALLOC_CAP_8BIT | MALLOC_CAP_32BIT | MALLOC_CAP_DEFAULT, 0,
	};
	void *held[128], *p, *q;
	size_t n = 0, i, l;

	setenv("MEMHEAP_BACKEND", "embedded", 1);
	setenv("MEMHEAP_REGIONS", "iram:64K:dma:internal:8bit:32bit:default", 1);
	esp_hook_install();
	REQUIRE(heap_caps_add_region_with_caps(ext_caps, (intptr_t)ext,
					       (intptr_t)(ext + sizeof(ext))) == ESP_OK);
	REQUIRE(heap_caps_get_total_size(MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM) > 0);

	/* Plain DMA: only the internal region counts. */
	CHECK_EQU(heap_caps_get_total_size(MALLOC_CAP_DMA),
		  heap_caps_get_total_size(MALLOC_CAP_INTERNAL));
	p = heap_caps_malloc(256, MALLOC_CAP_DMA);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_INTERNAL) && !esp_in_caps(p, MALLOC_CAP_SPIRAM));
	/* DMA | SPIRAM: the external DMA region. */
	q = heap_caps_aligned_alloc(64, 256, MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM);
	CHECK(q && esp_in_caps(q, MALLOC_CAP_SPIRAM));
	/* realloc to plain DMA moves it out of external memory. */
	q = heap_caps_realloc(q, 512, MALLOC_CAP_DMA);
	CHECK(q && !esp_in_caps(q, MALLOC_CAP_SPIRAM));
	heap_caps_free(q);

	/* The largest DMA block is the internal region's, exactly. */
	l = heap_caps_get_largest_free_block(MALLOC_CAP_DMA);
	CHECK(l < 64 * 1024);
	CHECK(heap_caps_malloc(l + 1, MALLOC_CAP_DMA) == NULL);
	q = heap_caps_malloc(l, MALLOC_CAP_DMA);
	CHECK(q && !esp_in_caps(q, MALLOC_CAP_SPIRAM));
	heap_caps_free(q);

	/* Internal DMA memory full: DMA fails although the external region
	 * (DMA-capable) has most of a megabyte free. */
	while (n < 128 && (p = heap_caps_malloc(1024, MALLOC_CAP_DMA)) != NULL)
		held[n++] = p;
	REQUIRE(n < 128);
	esp_failed_reset();
	CHECK(heap_caps_malloc(1024, MALLOC_CAP_DMA) == NULL);
	CHECK_EQ(esp_failed.count, 1);
	CHECK(heap_caps_get_free_size(MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM) > 512 * 1024);
	/* DEFAULT may still use the external region. */
	p = heap_caps_malloc(1024, MALLOC_CAP_DEFAULT);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	for (i = 0; i < n; i++)
		heap_caps_free(held[i]);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
