/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* Minimum free size (low watermark) and the local minimum monitor: start
 * and stop return ESP_FAIL when called in the wrong state; while on, the
 * minimum counts from the start; after stop it is the lifetime minimum again. */
#include "esp_helpers.h"

int main(void)
{
	const uint32_t c = MALLOC_CAP_INTERNAL;
	size_t free0 = heap_caps_get_free_size(c), min0, min1, min_local;
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
	/* Sum over regions for caps matching several. */
	CHECK_EQU(heap_caps_get_minimum_free_size(MALLOC_CAP_8BIT),
		  heap_caps_get_minimum_free_size(MALLOC_CAP_INTERNAL) +
		  heap_caps_get_minimum_free_size(MALLOC_CAP_SPIRAM));
	return lt_done();
}
