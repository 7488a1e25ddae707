/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_*_prefer: caps are tried in the order given; the first that
 * works wins (the region it lands in is worked out from the region list);
 * when none does, NULL and one failure report naming the last caps tried. */
#include "esp_helpers.h"

/* The region heap_caps_malloc_prefer(@size, 2, @first, @second) should use. */
static int expected(size_t size, uint32_t first, uint32_t second)
{
	int r = esp_expected_region(first, size);

	return r >= 0 ? r : esp_expected_region(second, size);
}

static void check_prefer(size_t size, uint32_t first, uint32_t second)
{
	int want = expected(size, first, second);
	unsigned char *p = heap_caps_malloc_prefer(size, 2, first, second);

	CHECK(want >= 0);
	CHECK(p != NULL);
	CHECK_EQ(esp_region_of(p), want);
	if (p && esp_expected_region(first, size) >= 0)
		CHECK(esp_in_caps(p, first));
	else if (p)
		CHECK(esp_in_caps(p, second));
	heap_caps_free(p);
}

int main(void)
{
	const bool have_spiram = esp_layout_has(MALLOC_CAP_SPIRAM);
	const bool have_dma = esp_layout_has(MALLOC_CAP_DMA);
	const uint32_t internal = esp_layout_has(MALLOC_CAP_INTERNAL) ?
				  MALLOC_CAP_INTERNAL : MALLOC_CAP_8BIT;
	const uint32_t external = have_spiram ? MALLOC_CAP_SPIRAM : MALLOC_CAP_8BIT;
	size_t big;
	unsigned char *p;

	esp_hook_install();
	REQUIRE(have_dma || have_spiram);
	check_prefer(128, MALLOC_CAP_SPIRAM, MALLOC_CAP_DMA);
	check_prefer(128, MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM);
	/* First choice impossible: the second serves, no failure report. */
	p = heap_caps_malloc_prefer(128, 3, MALLOC_CAP_EXEC, MALLOC_CAP_TCM, external);
	CHECK(p && esp_in_caps(p, external));
	CHECK_EQ(esp_region_of(p), esp_expected_region(external, 128));
	CHECK_EQ(esp_failed.count, 0);
	heap_caps_free(p);
	/* First choice too small (larger than any DMA block): PSRAM serves. */
	big = heap_caps_get_largest_free_block(MALLOC_CAP_DMA) + 4096;
	if (have_dma && have_spiram && esp_expected_region(MALLOC_CAP_SPIRAM, big) >= 0) {
		CHECK(esp_expected_region(MALLOC_CAP_DMA, big) < 0);
		check_prefer(big, MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM);
	} else {
		ESP_PART_SKIPPED("no DMA region, or no SPIRAM region with a block larger than every DMA block");
	}
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
	p = heap_caps_calloc_prefer(10, 10, 2, MALLOC_CAP_RETENTION, internal);
	REQUIRE(p);
	CHECK(esp_in_caps(p, internal));
	CHECK_EQ(esp_region_of(p), esp_expected_region(internal, 100));
	CHECK(p[0] == 0 && p[99] == 0);

	/* realloc_prefer: moves by the first caps that work; data kept. */
	memset(p, 0x42, 100);
	p = heap_caps_realloc_prefer(p, 200, 2, MALLOC_CAP_EXEC, external);
	REQUIRE(p);
	CHECK(esp_in_caps(p, external));
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
