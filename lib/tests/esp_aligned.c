/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_aligned_alloc / aligned_free and MALLOC_CAP_CACHE_ALIGNED: every
 * power-of-two alignment is met; any other alignment gives NULL, a failure
 * report and no state change. */
#include "esp_helpers.h"

int main(void)
{
	size_t before = heap_caps_get_free_size(0), a;
	static const size_t bad[] = { 0, 3, 24, 100, 4097 };
	void *p;
	size_t i;

	esp_hook_install();
	for (a = 1; a <= 65536; a <<= 1) {
		p = heap_caps_aligned_alloc(a, 100, MALLOC_CAP_SPIRAM);
		CHECK(p && ((uintptr_t)p & (a - 1)) == 0);
		CHECK(esp_in_caps(p, MALLOC_CAP_SPIRAM));
		heap_caps_aligned_free(p);
		p = heap_caps_aligned_alloc(a, 33, MALLOC_CAP_DMA);
		CHECK(p && ((uintptr_t)p & (a - 1)) == 0);
		CHECK(heap_caps_get_allocated_size(p) >= 33);
		heap_caps_free(p);	/* heap_caps_free serves aligned blocks too */
	}
	CHECK_EQ(esp_failed.count, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		esp_failed_reset();
		CHECK(heap_caps_aligned_alloc(bad[i], 64, MALLOC_CAP_8BIT) == NULL);
		CHECK_EQ(esp_failed.count, 1);
		CHECK_STR(esp_failed.function, "heap_caps_aligned_alloc");
	}
	/* CACHE_ALIGNED asks for the cache line alignment. */
	for (i = 1; i < 200; i += 37) {
		p = heap_caps_malloc(i, MALLOC_CAP_CACHE_ALIGNED | MALLOC_CAP_DMA);
		CHECK(p && ((uintptr_t)p & 63) == 0);
		heap_caps_free(p);
	}
	heap_caps_aligned_free(NULL);
	CHECK_EQU(heap_caps_get_free_size(0), before);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
