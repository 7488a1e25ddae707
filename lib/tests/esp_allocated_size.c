/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_get_allocated_size: at least the size asked for, for every kind
 * of block; 0 and a diagnostic for a pointer that is not a live block. */
#include "esp_helpers.h"

int main(void)
{
	struct esp_capture cap;
	char *out;
	size_t n;
	int x;
	unsigned char *p;

	for (n = 1; n < 5000; n = n * 3 + 1) {
		p = heap_caps_malloc(n, MALLOC_CAP_8BIT);
		REQUIRE(p);
		CHECK(heap_caps_get_allocated_size(p) >= n);
		heap_caps_free(p);
		p = heap_caps_aligned_alloc(512, n, MALLOC_CAP_SPIRAM);
		REQUIRE(p);
		CHECK(heap_caps_get_allocated_size(p) >= n);
		heap_caps_free(p);
	}
	CHECK_EQU(heap_caps_get_allocated_size(NULL), 0);

	esp_capture_begin(&cap, 2);
	CHECK_EQU(heap_caps_get_allocated_size(&x), 0);
	out = esp_capture_end(&cap);
	CHECK(strstr(out, "heap_caps_get_allocated_size") != NULL);
	free(out);
	return lt_done();
}
