/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_malloc / heap_caps_free: memory with the caps asked for, size 0,
 * unsatisfiable caps, free of NULL, data integrity, free restores free size. */
#include "esp_helpers.h"

int main(void)
{
	static const uint32_t never[] = {
		MALLOC_CAP_EXEC, MALLOC_CAP_PID2, MALLOC_CAP_PID7, MALLOC_CAP_IRAM_8BIT,
		MALLOC_CAP_RETENTION, MALLOC_CAP_RTCRAM, MALLOC_CAP_TCM,
		MALLOC_CAP_DMA_DESC_AHB, MALLOC_CAP_DMA_DESC_AXI, MALLOC_CAP_INVALID,
		MALLOC_CAP_8BIT | (1u << 25),
	};
	size_t free8 = heap_caps_get_free_size(MALLOC_CAP_8BIT), i;
	unsigned char *p;

	esp_hook_install();
	REQUIRE(free8 > 0);

	p = heap_caps_malloc(1000, MALLOC_CAP_8BIT);
	REQUIRE(p);
	CHECK(((uintptr_t)p & 7) == 0);
	memset(p, 0xa5, 1000);
	CHECK(heap_caps_get_free_size(MALLOC_CAP_8BIT) < free8);
	CHECK(heap_caps_get_allocated_size(p) >= 1000);
	for (i = 0; i < 1000; i++)
		if (p[i] != 0xa5)
			break;
	CHECK_EQU(i, 1000);
	heap_caps_free(p);
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_8BIT), free8);

	/* Each cap the default layout offers gives memory of a heap with it. */
	{
		static const uint32_t caps[] = {
			MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM, MALLOC_CAP_INTERNAL,
			MALLOC_CAP_DEFAULT, MALLOC_CAP_32BIT, MALLOC_CAP_8BIT | MALLOC_CAP_DMA, 0,
		};
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			p = heap_caps_malloc(64, caps[i]);
			CHECK(p != NULL);
			CHECK(esp_in_caps(p, caps[i]));
			heap_caps_free(p);
		}
	}

	/* Size 0: NULL, as on ESP-IDF, and no failure report. */
	CHECK(heap_caps_malloc(0, MALLOC_CAP_8BIT) == NULL);
	CHECK_EQ(esp_failed.count, 0);

	/* Caps no memheap region can have: NULL, the callback fires. */
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		esp_failed_reset();
		CHECK(heap_caps_malloc(16, never[i]) == NULL);
		CHECK_EQ(esp_failed.count, 1);
		CHECK_EQU(esp_failed.caps, never[i]);
	}
	/* More than any region has. */
	esp_failed_reset();
	CHECK(heap_caps_malloc(heap_caps_get_total_size(0) + 1, 0) == NULL);
	CHECK(heap_caps_malloc(SIZE_MAX, MALLOC_CAP_8BIT) == NULL);
	CHECK(heap_caps_malloc(SIZE_MAX - 2, MALLOC_CAP_32BIT) == NULL);
	CHECK_EQ(esp_failed.count, 3);

	heap_caps_free(NULL);
	CHECK_EQU(heap_caps_get_free_size(MALLOC_CAP_8BIT), free8);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
