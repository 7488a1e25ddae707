/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_*_prefer: caps are tried in the order given; the first that
 * works wins; when none does, NULL and one failure report naming the last
 * caps tried. */
#include "esp_helpers.h"

int main(void)
{
	unsigned char *p;

	esp_hook_install();
	p = heap_caps_malloc_prefer(128, 2, MALLOC_CAP_SPIRAM, MALLOC_CAP_DMA);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	p = heap_caps_malloc_prefer(128, 2, MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_DMA));
	heap_caps_free(p);
	/* First choice impossible: the second serves, no failure report. */
	p = heap_caps_malloc_prefer(128, 3, MALLOC_CAP_EXEC, MALLOC_CAP_TCM, MALLOC_CAP_SPIRAM);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	CHECK_EQ(esp_failed.count, 0);
	/* First choice too small (DMA region is 512 KiB): PSRAM serves. */
	heap_caps_free(p);
	p = heap_caps_malloc_prefer(1 << 20, 2, MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	CHECK_EQ(esp_failed.count, 0);

	/* None works: one report with the last caps. */
	CHECK(heap_caps_malloc_prefer(64, 2, MALLOC_CAP_EXEC, MALLOC_CAP_RTCRAM) == NULL);
	CHECK_EQ(esp_failed.count, 1);
	CHECK_EQU(esp_failed.caps, MALLOC_CAP_RTCRAM);
	CHECK_EQU(esp_failed.size, 64);
	CHECK_STR(esp_failed.function, "heap_caps_malloc_prefer");
	/* num == 0: nothing to try. */
	esp_failed_reset();
	CHECK(heap_caps_malloc_prefer(64, 0) == NULL);
	CHECK_EQ(esp_failed.count, 1);

	/* calloc_prefer: zeroed, order respected. */
	p = heap_caps_calloc_prefer(10, 10, 2, MALLOC_CAP_RETENTION, MALLOC_CAP_INTERNAL);
	REQUIRE(p);
	CHECK(esp_in_caps(p, MALLOC_CAP_INTERNAL));
	CHECK(p[0] == 0 && p[99] == 0);

	/* realloc_prefer: moves by the first caps that work; data kept. */
	memset(p, 0x42, 100);
	p = heap_caps_realloc_prefer(p, 200, 2, MALLOC_CAP_EXEC, MALLOC_CAP_SPIRAM);
	REQUIRE(p);
	CHECK(esp_in_caps(p, MALLOC_CAP_SPIRAM));
	CHECK(p[0] == 0x42 && p[99] == 0x42);
	esp_failed_reset();
	CHECK(heap_caps_realloc_prefer(p, 300, 1, MALLOC_CAP_PID3) == NULL);
	CHECK_EQ(esp_failed.count, 1);
	CHECK_STR(esp_failed.function, "heap_caps_realloc_prefer");
	CHECK(p[0] == 0x42 && p[99] == 0x42);	/* untouched */
	heap_caps_free(p);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
