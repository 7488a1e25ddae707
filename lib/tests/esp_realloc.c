/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_realloc: grows and shrinks keeping the data, NULL allocates,
 * size 0 frees, a failed realloc keeps the original intact and valid. */
#include "esp_helpers.h"

static bool pattern_ok(const unsigned char *p, size_t n, unsigned char seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i))
			return false;
	return true;
}

static void fill(unsigned char *p, size_t n, unsigned char seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i);
}

int main(void)
{
	size_t before = heap_caps_get_free_size(0), total;
	unsigned char *p, *q;

	esp_hook_install();
	p = heap_caps_realloc(NULL, 100, MALLOC_CAP_8BIT);
	REQUIRE(p);
	fill(p, 100, 7);
	p = heap_caps_realloc(p, 5000, MALLOC_CAP_8BIT);
	REQUIRE(p);
	CHECK(pattern_ok(p, 100, 7));
	fill(p, 5000, 9);
	p = heap_caps_realloc(p, 40, MALLOC_CAP_8BIT);
	REQUIRE(p);
	CHECK(pattern_ok(p, 40, 9));
	CHECK(heap_caps_get_allocated_size(p) >= 40);

	/* Failure: too big for any region. The original stays. */
	total = heap_caps_get_total_size(0);
	esp_failed_reset();
	q = heap_caps_realloc(p, total + 1, MALLOC_CAP_8BIT);
	CHECK(q == NULL);
	CHECK_EQ(esp_failed.count, 1);
	CHECK_EQU(esp_failed.size, total + 1);
	CHECK_STR(esp_failed.function, "heap_caps_realloc");
	CHECK(pattern_ok(p, 40, 9));
	CHECK(heap_caps_get_allocated_size(p) >= 40);
	/* Unsatisfiable caps: also NULL, original intact. */
	CHECK(heap_caps_realloc(p, 80, MALLOC_CAP_EXEC) == NULL);
	CHECK(pattern_ok(p, 40, 9));

	/* size 0 frees and returns NULL without a failure report. */
	esp_failed_reset();
	CHECK(heap_caps_realloc(p, 0, MALLOC_CAP_8BIT) == NULL);
	CHECK_EQ(esp_failed.count, 0);
	CHECK_EQU(heap_caps_get_free_size(0), before);

	/* realloc_default behaves as realloc() does on ESP-IDF. */
	p = heap_caps_realloc_default(NULL, 64);
	REQUIRE(p);
	fill(p, 64, 3);
	p = heap_caps_realloc_default(p, 20000);
	REQUIRE(p);
	CHECK(pattern_ok(p, 64, 3));
	CHECK(heap_caps_realloc_default(p, 0) == NULL);
	CHECK_EQU(heap_caps_get_free_size(0), before);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
