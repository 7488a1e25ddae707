/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* Minimum free size (low watermark) and the local minimum monitor: start
 * and stop return ESP_FAIL when called in the wrong state; while on, the
 * minimum counts from the start; after stop it is the lifetime minimum again. */
#include "esp_helpers.h"

int main(void)
{
	const uint64_t in_set = esp_regions_for(MALLOC_CAP_INTERNAL);
	const uint64_t ex_set = esp_regions_for(MALLOC_CAP_SPIRAM);
	/* Internal memory as on ESP-IDF; any byte memory where none is. */
	const uint32_t c = in_set ? MALLOC_CAP_INTERNAL : MALLOC_CAP_8BIT;
	size_t free0 = heap_caps_get_free_size(c), min0, min1, min_local;
	struct memheap_region sum;
	multi_heap_info_t info;
	void *a, *b;

	CHECK(heap_caps_get_minimum_free_size(c) <= free0);
	a = heap_caps_malloc(100000, c);
	REQUIRE(a);
	heap_caps_free(a);
	min0 = heap_caps_get_minimum_free_size(c);
	CHECK(min0 <= free0 - 100000);
	CHECK_EQU(heap_caps_get_free_size(c), free0);

	CHECK_EQ(heap_caps_monitor_local_minimum_free_size_stop(), ESP_FAIL);
	CHECK_EQ(heap_caps_monitor_local_minimum_free_size_start(), ESP_OK);
	CHECK_EQ(heap_caps_monitor_local_minimum_free_size_start(), ESP_FAIL);
	/* From now on: the local minimum is the current free size. */
	CHECK_EQU(heap_caps_get_minimum_free_size(c), free0);
	b = heap_caps_malloc(20000, c);
	REQUIRE(b);
	heap_caps_free(b);
	min_local = heap_caps_get_minimum_free_size(c);
	CHECK(min_local <= free0 - 20000);
	CHECK(min_local > min0);
	heap_caps_get_info(&info, c);
	CHECK_EQU(info.minimum_free_bytes, min_local);
	CHECK_EQ(heap_caps_monitor_local_minimum_free_size_stop(), ESP_OK);
	CHECK_EQ(heap_caps_monitor_local_minimum_free_size_stop(), ESP_FAIL);
	/* Lifetime minimum again (the deeper low before monitoring). */
	min1 = heap_caps_get_minimum_free_size(c);
	CHECK_EQU(min1, min0);

	/* A low reached while monitoring stays in the lifetime minimum. */
	CHECK_EQ(heap_caps_monitor_local_minimum_free_size_start(), ESP_OK);
	a = heap_caps_malloc(200000, c);
	REQUIRE(a);
	heap_caps_free(a);
	CHECK_EQ(heap_caps_monitor_local_minimum_free_size_stop(), ESP_OK);
	CHECK(heap_caps_get_minimum_free_size(c) <= free0 - 200000);
	CHECK(heap_caps_get_minimum_free_size(c) < min0);
	/* Caps matching several regions: the sum of their minimums. */
	esp_layout_sum(MALLOC_CAP_8BIT, &sum);
	CHECK_EQU(heap_caps_get_minimum_free_size(MALLOC_CAP_8BIT), sum.min_free);
	esp_layout_sum(c, &sum);
	CHECK_EQU(heap_caps_get_minimum_free_size(c), sum.min_free);
	/* Where INTERNAL and SPIRAM split the 8BIT memory (the default layout),
	 * also the sum of those two. */
	if (!(in_set & ex_set) && (in_set | ex_set) == esp_regions_for(MALLOC_CAP_8BIT))
		CHECK_EQU(heap_caps_get_minimum_free_size(MALLOC_CAP_8BIT),
			  heap_caps_get_minimum_free_size(MALLOC_CAP_INTERNAL) +
			  heap_caps_get_minimum_free_size(MALLOC_CAP_SPIRAM));
	else
		ESP_PART_SKIPPED("INTERNAL and SPIRAM regions do not split the 8BIT ones: no INTERNAL + SPIRAM identity");
	return lt_done();
}
