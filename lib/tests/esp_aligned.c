/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_aligned_alloc / aligned_free and MALLOC_CAP_CACHE_ALIGNED: every
 * power-of-two alignment is met; any other alignment but 0 is rounded up to
 * the next power of two (as memalign, which ESP-IDF's Linux build uses: its
 * host test asks for 0x1F); 0 gives NULL, a failure report and no state
 * change. */
#include "esp_helpers.h"

int main(void)
{
	size_t before = heap_caps_get_free_size(0), a;
	static const size_t odd[] = { 3, 24, 0x1f, 100, 4097 }, rounded[] = { 4, 32, 32, 128, 8192 };
	static const size_t bad[] = { 0, SIZE_MAX, SIZE_MAX / 2 + 2 };
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
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		p = heap_caps_aligned_alloc(odd[i], 1000, MALLOC_CAP_DEFAULT);
		CHECK(p && ((uintptr_t)p & (rounded[i] - 1)) == 0);
		if (p)
			memset(p, 0xab, 1000);
		heap_caps_free(p);
		p = heap_caps_aligned_calloc(odd[i], 1000, 1, MALLOC_CAP_DEFAULT);
		CHECK(p && ((uintptr_t)p & (rounded[i] - 1)) == 0);
		for (a = 0; p && a < 1000; a++)
			if (((unsigned char *)p)[a])
				break;
		CHECK(p && a == 1000);
		heap_caps_free(p);
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
