/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_calloc / heap_caps_aligned_calloc: zeroed memory, n * size
 * overflow gives NULL and a failure report, nothing allocated. */
#include "esp_helpers.h"

int main(void)
{
	size_t before = heap_caps_get_free_size(0), i;
	unsigned char *p;

	esp_hook_install();
	/* Dirty memory first so zeroing is observable. */
	p = heap_caps_malloc(4096, MALLOC_CAP_INTERNAL);
	REQUIRE(p);
	memset(p, 0x5a, 4096);
	heap_caps_free(p);

	p = heap_caps_calloc(64, 64, MALLOC_CAP_INTERNAL);
	REQUIRE(p);
	for (i = 0; i < 4096 && p[i] == 0; i++)
		;
	CHECK_EQU(i, 4096);
	memset(p, 0x5a, 4096);
	heap_caps_free(p);

	p = heap_caps_aligned_calloc(256, 16, 256, MALLOC_CAP_INTERNAL);
	REQUIRE(p);
	CHECK(((uintptr_t)p & 255) == 0);
	for (i = 0; i < 4096 && p[i] == 0; i++)
		;
	CHECK_EQU(i, 4096);
	heap_caps_aligned_free(p);

	CHECK(heap_caps_calloc(0, 16, MALLOC_CAP_8BIT) == NULL);
	CHECK_EQ(esp_failed.count, 0);
	CHECK(heap_caps_calloc(SIZE_MAX / 2, 3, MALLOC_CAP_8BIT) == NULL);
	CHECK_EQ(esp_failed.count, 1);
	CHECK_STR(esp_failed.function, "heap_caps_calloc");
	CHECK(heap_caps_aligned_calloc(16, SIZE_MAX / 2, 3, MALLOC_CAP_8BIT) == NULL);
	CHECK_EQ(esp_failed.count, 2);
	CHECK_STR(esp_failed.function, "heap_caps_aligned_calloc");
	CHECK(heap_caps_calloc_prefer(SIZE_MAX / 2, 3, 2, MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM) == NULL);
	CHECK_EQ(esp_failed.count, 3);
	CHECK_EQU(esp_failed.caps, MALLOC_CAP_SPIRAM);
	CHECK_EQU(heap_caps_get_free_size(0), before);
	return lt_done();
}
