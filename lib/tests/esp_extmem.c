/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_malloc_default (malloc() on ESP-IDF) and
 * heap_caps_malloc_extmem_enable: requests up to the limit go to internal
 * memory first, larger ones to external memory first, each falling back to
 * the other; the limit starts at 16384. */
#include "esp_helpers.h"

int main(void)
{
	void *p, *held[600];
	size_t n = 0, i;

	p = heap_caps_malloc_default(16384);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_INTERNAL));
	heap_caps_free(p);
	p = heap_caps_malloc_default(16385);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	CHECK(heap_caps_malloc_default(0) == NULL);

	heap_caps_malloc_extmem_enable(100);
	p = heap_caps_malloc_default(100);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_INTERNAL));
	heap_caps_free(p);
	p = heap_caps_malloc_default(101);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);

	heap_caps_malloc_extmem_enable(SIZE_MAX);
	p = heap_caps_malloc_default(100000);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_INTERNAL));
	heap_caps_free(p);

	/* Internal memory full: small requests fall back to external memory. */
	while (n < 600 && (p = heap_caps_malloc(1024, MALLOC_CAP_INTERNAL)) != NULL)
		held[n++] = p;
	REQUIRE(n < 600);
	p = heap_caps_malloc_default(2048);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	for (i = 0; i < n; i++)
		heap_caps_free(held[i]);

	/* realloc_default follows the same limit. */
	heap_caps_malloc_extmem_enable(1000);
	p = heap_caps_realloc_default(NULL, 500);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_INTERNAL));
	p = heap_caps_realloc_default(p, 5000);
	CHECK(p && esp_in_caps(p, MALLOC_CAP_SPIRAM));
	heap_caps_free(p);
	return lt_done();
}
