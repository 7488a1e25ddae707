/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_add_region / _with_caps: the reference's overlap table (equal,
 * inside and touching ranges allowed; straddling ones refused with
 * ESP_FAIL), the documented error codes, and allocations from the new heap
 * with its caps. */
#include "esp_helpers.h"

static _Alignas(4096) unsigned char mem[0x8000];

#define AT(off) ((intptr_t)(mem + (off)))

int main(void)
{
	const uint32_t caps[SOC_MEMORY_TYPE_NO_PRIOS] = {
		MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM, MALLOC_CAP_8BIT, 0,
	};
	const uint32_t exec_only[SOC_MEMORY_TYPE_NO_PRIOS] = { MALLOC_CAP_EXEC, 0, 0 };
	const uint32_t unique = MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT;
	size_t total, t;
	void *p, *s;
	multi_heap_handle_t mh;

	heap_caps_init();
	heap_caps_enable_nonos_stack_heaps();
	total = heap_caps_get_total_size(0);
	CHECK_EQU(heap_caps_get_total_size(unique), 0);

	/* Bad arguments: nothing changes. */
	CHECK_EQ(heap_caps_add_region_with_caps(NULL, AT(0x1000), AT(0x3000)), ESP_ERR_INVALID_ARG);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, 0, AT(0x3000)), ESP_ERR_INVALID_ARG);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x1000), 0), ESP_ERR_INVALID_ARG);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x3000), AT(0x1000)), ESP_ERR_INVALID_ARG);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x3000), AT(0x3000)), ESP_ERR_INVALID_ARG);
	CHECK_EQ(heap_caps_add_region_with_caps(exec_only, AT(0x1000), AT(0x3000)),
		 ESP_ERR_INVALID_ARG);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x1000), AT(0x1008)), ESP_ERR_INVALID_SIZE);
	CHECK_EQ(heap_caps_add_region(0, AT(0x10)), ESP_ERR_INVALID_ARG);
	/* Not inside any known region. */
	CHECK_EQ(heap_caps_add_region(AT(0x1000), AT(0x3000)), ESP_ERR_NOT_FOUND);
	CHECK_EQU(heap_caps_get_total_size(0), total);

	/* Existing region: 0x1000 <-> 0x3000. */
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x1000), AT(0x3000)), ESP_OK);
	t = heap_caps_get_total_size(0);
	CHECK(t > total && t <= total + 0x2000);
	CHECK(heap_caps_get_total_size(unique) > 0x1000);
	p = heap_caps_malloc(256, unique);
	CHECK((intptr_t)p >= AT(0x1000) && (intptr_t)p + 256 <= AT(0x3000));
	heap_caps_free(p);

	/* NOT allowed: straddling the existing region's start or end. */
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x0000), AT(0x2000)), ESP_FAIL);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x0000), AT(0x4000)), ESP_FAIL);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x1000), AT(0x4000)), ESP_FAIL);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x2000), AT(0x4000)), ESP_FAIL);
	CHECK_EQ(heap_caps_add_region(AT(0x2000), AT(0x4000)), ESP_FAIL);
	CHECK_EQU(heap_caps_get_total_size(0), t);

	/* Allowed: equal or inside (already a heap: nothing added). */
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x1000), AT(0x3000)), ESP_OK);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x1000), AT(0x2000)), ESP_OK);
	CHECK_EQ(heap_caps_add_region(AT(0x1800), AT(0x2800)), ESP_OK);
	CHECK_EQU(heap_caps_get_total_size(0), t);
	/* Allowed: touching below and above, each a new heap. */
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x0000), AT(0x1000)), ESP_OK);
	CHECK(heap_caps_get_total_size(0) > t);
	t = heap_caps_get_total_size(0);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x3000), AT(0x4000)), ESP_OK);
	CHECK(heap_caps_get_total_size(0) > t);
	t = heap_caps_get_total_size(0);

	/* heap_caps_add_region inside a backend region: caps of that region,
	 * memory already a heap, so accepted without change. */
	s = heap_caps_malloc(4096, MALLOC_CAP_SPIRAM);
	REQUIRE(s);
	CHECK_EQ(heap_caps_add_region((intptr_t)s, (intptr_t)s + 4096), ESP_OK);
	CHECK_EQU(heap_caps_get_total_size(0), t);
	heap_caps_free(s);

	/* A range overlapping a multi_heap with a live block, its handle
	 * outside the range, is refused (one line on stderr): that memory is
	 * in use. */
	mh = multi_heap_register(mem + 0x5000, 0x2000);
	REQUIRE(mh);
	p = multi_heap_malloc(mh, 64);
	REQUIRE(p);
	{
		struct esp_capture cap;
		char *err;

		esp_capture_begin(&cap, 2);
		CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x5800), AT(0x6000)), ESP_FAIL);
		CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x6800), AT(0x8000)), ESP_FAIL);
		err = esp_capture_end(&cap);
		CHECK_EQ(esp_count(err, "still has 1 allocated block: refused\n"), 2);
		CHECK_EQ(esp_count(err, "\n"), 2);
		free(err);
	}
	CHECK_EQU(heap_caps_get_total_size(0), t);
	CHECK(multi_heap_check(mh, true));
	/* A range that covers its handle overwrites its control data, as on
	 * ESP-IDF: the multi_heap is retired (one line) and the region added. */
	{
		struct esp_capture cap;
		char *err;

		esp_capture_begin(&cap, 2);
		CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x4000), AT(0x5800)), ESP_OK);
		err = esp_capture_end(&cap);
		CHECK_EQ(esp_count(err, "which had 1 allocated block: retired\n"), 1);
		CHECK_EQ(esp_count(err, "\n"), 1);
		free(err);
	}
	CHECK(heap_caps_get_total_size(0) > t + 0x1000);
	CHECK(heap_caps_get_total_size(0) <= t + 0x1800);
	t = heap_caps_get_total_size(0);
	CHECK(multi_heap_malloc(mh, 16) == NULL);	/* the retired handle */
	/* Once its blocks are free, a multi_heap gives the memory up (as on
	 * ESP-IDF, where the program owns that memory again): a new region. */
	mh = multi_heap_register(mem + 0x6000, 0x2000);
	REQUIRE(mh);
	p = multi_heap_malloc(mh, 64);
	REQUIRE(p);
	multi_heap_free(mh, p);
	CHECK_EQ(heap_caps_add_region_with_caps(caps, AT(0x6800), AT(0x8000)), ESP_OK);
	CHECK(heap_caps_get_total_size(0) > t + 0x1000);
	CHECK(heap_caps_get_total_size(0) <= t + 0x1800);
	CHECK(multi_heap_malloc(mh, 16) == NULL);	/* the retired handle */

	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
