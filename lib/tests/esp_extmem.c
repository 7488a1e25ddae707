/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_malloc_default (malloc() on ESP-IDF) and
 * heap_caps_malloc_extmem_enable: requests up to the limit try DEFAULT
 * internal memory first, larger ones DEFAULT external memory first, each
 * then any DEFAULT memory; the limit starts at 16384.  Where each request
 * should land is worked out from the region list, so the rule is checked on
 * any layout: on the default layout small requests go to sram, large ones
 * to psram; on the QEMU board (no region is DEFAULT and INTERNAL) both go
 * to psram. */
#include "esp_helpers.h"

static const uint32_t in_first = MALLOC_CAP_DEFAULT | MALLOC_CAP_INTERNAL;
static const uint32_t ex_first = MALLOC_CAP_DEFAULT | MALLOC_CAP_SPIRAM;

/* The region heap_caps_malloc_default(@size) should use under @limit. */
static int expected(size_t size, size_t limit)
{
	int r = esp_expected_region(size <= limit ? in_first : ex_first, size);

	return r >= 0 ? r : esp_expected_region(MALLOC_CAP_DEFAULT, size);
}

/* heap_caps_malloc_default(@size) lands where the rule says; the block is kept in *@out. */
static void check_default(size_t size, size_t limit, void **out)
{
	int want = expected(size, limit);
	void *p = heap_caps_malloc_default(size);

	CHECK(want >= 0);
	CHECK(p != NULL);
	CHECK_EQ(esp_region_of(p), want);
	/* The default layout's promise, spelt out. */
	if (p && size <= limit && esp_layout_has(in_first) &&
	    esp_expected_region(in_first, size) >= 0)
		CHECK(esp_in_caps(p, MALLOC_CAP_INTERNAL));
	if (p && size > limit && esp_layout_has(ex_first) &&
	    esp_expected_region(ex_first, size) >= 0)
		CHECK(esp_in_caps(p, MALLOC_CAP_SPIRAM));
	if (out)
		*out = p;
	else
		heap_caps_free(p);
}

int main(void)
{
	struct memheap_region sum;
	size_t n = 0, max_blocks, i;
	void *p, **held;
	int want;

	REQUIRE(esp_layout_has(MALLOC_CAP_DEFAULT));
	if (!esp_layout_has(in_first))
		ESP_PART_SKIPPED("no region is DEFAULT and INTERNAL: small requests are checked to fall back to DEFAULT memory");
	if (!esp_layout_has(ex_first))
		ESP_PART_SKIPPED("no region is DEFAULT and SPIRAM: large requests are checked to fall back to DEFAULT memory");

	check_default(16384, 16384, NULL);
	check_default(16385, 16384, NULL);
	CHECK(heap_caps_malloc_default(0) == NULL);

	heap_caps_malloc_extmem_enable(100);
	check_default(100, 100, NULL);
	check_default(101, 100, NULL);

	heap_caps_malloc_extmem_enable(SIZE_MAX);
	check_default(100000, SIZE_MAX, NULL);

	/* DEFAULT internal memory full: small requests fall back to the other
	 * DEFAULT memory. */
	if (esp_layout_has(in_first)) {
		esp_layout_sum(in_first, &sum);
		max_blocks = sum.total / 1024 + 64;
		held = calloc(max_blocks, sizeof(*held));
		REQUIRE(held);
		while (n < max_blocks && (p = heap_caps_malloc(1024, in_first)) != NULL)
			held[n++] = p;
		REQUIRE(n < max_blocks);
		CHECK(esp_expected_region(in_first, 2048) < 0);
		want = expected(2048, SIZE_MAX);
		p = heap_caps_malloc_default(2048);
		if (want < 0) {
			CHECK(p == NULL);
		} else {
			CHECK(p != NULL);
			CHECK_EQ(esp_region_of(p), want);
		}
		heap_caps_free(p);
		for (i = 0; i < n; i++)
			heap_caps_free(held[i]);
		free(held);
	} else {
		ESP_PART_SKIPPED("no region is DEFAULT and INTERNAL: no internal memory to fill");
	}

	/* realloc_default follows the same limit; the data moves along. */
	heap_caps_malloc_extmem_enable(1000);
	want = expected(500, 1000);
	p = heap_caps_realloc_default(NULL, 500);
	REQUIRE(p);
	CHECK_EQ(esp_region_of(p), want);
	memset(p, 0x3c, 500);
	p = heap_caps_realloc_default(p, 5000);
	REQUIRE(p);
	/* Grown into DEFAULT SPIRAM memory if there is some, else any DEFAULT memory. */
	CHECK(esp_set_has(esp_regions_for(esp_layout_has(ex_first) ? ex_first :
					  MALLOC_CAP_DEFAULT), esp_region_of(p)));
	CHECK(((unsigned char *)p)[0] == 0x3c && ((unsigned char *)p)[499] == 0x3c);
	heap_caps_free(p);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
