/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* The failed-allocation callback: registered with ESP_OK (NULL is refused
 * with ESP_ERR_INVALID_ARG and keeps the old one); called once per failed
 * call with the size, the caps asked for and the function's name; never for
 * size 0 or for successes. */
#include "esp_helpers.h"

static int other_count;

static void other_hook(size_t size, uint32_t caps, const char *fn)
{
	(void)size;
	(void)caps;
	(void)fn;
	other_count++;
}

int main(void)
{
	const size_t big = heap_caps_get_total_size(0) + 4096;
	const uint32_t c = MALLOC_CAP_DMA | MALLOC_CAP_8BIT;
	void *p;

	CHECK_EQ(heap_caps_register_failed_alloc_callback(NULL), ESP_ERR_INVALID_ARG);
	esp_hook_install();

	p = heap_caps_malloc(64, c);
	CHECK(p);
	heap_caps_free(p);
	CHECK_EQ(esp_failed.count, 0);

#define EXPECT_FAIL(call, sz, cp, name) do {			\
		esp_failed_reset();					\
		CHECK((call) == NULL);					\
		CHECK_EQ(esp_failed.count, 1);				\
		CHECK_EQU(esp_failed.size, (sz));			\
		CHECK_EQU(esp_failed.caps, (cp));			\
		CHECK_STR(esp_failed.function, (name));			\
	} while (0)

	EXPECT_FAIL(heap_caps_malloc(big, c), big, c, "heap_caps_malloc");
	EXPECT_FAIL(heap_caps_calloc(1, big, c), big, c, "heap_caps_calloc");
	EXPECT_FAIL(heap_caps_aligned_alloc(64, big, c), big, c, "heap_caps_aligned_alloc");
	EXPECT_FAIL(heap_caps_aligned_calloc(64, 2, big / 2, c), big / 2 * 2, c,
		    "heap_caps_aligned_calloc");
	EXPECT_FAIL(heap_caps_realloc(NULL, big, c), big, c, "heap_caps_realloc");
	EXPECT_FAIL(heap_caps_malloc_prefer(big, 2, MALLOC_CAP_DMA, c), big, c,
		    "heap_caps_malloc_prefer");
	EXPECT_FAIL(heap_caps_malloc_default(big), big, MALLOC_CAP_DEFAULT,
		    "heap_caps_malloc_default");
	EXPECT_FAIL(heap_caps_malloc(16, MALLOC_CAP_EXEC | MALLOC_CAP_32BIT),
		    16, MALLOC_CAP_EXEC | MALLOC_CAP_32BIT, "heap_caps_malloc");
	/* Size 0 is not a failure. */
	esp_failed_reset();
	CHECK(heap_caps_malloc(0, c) == NULL);
	CHECK(heap_caps_malloc_prefer(0, 1, c) == NULL);
	CHECK_EQ(esp_failed.count, 0);

	/* NULL does not replace the registered callback. */
	CHECK_EQ(heap_caps_register_failed_alloc_callback(NULL), ESP_ERR_INVALID_ARG);
	EXPECT_FAIL(heap_caps_malloc(big, c), big, c, "heap_caps_malloc");
	/* A new callback replaces the old one. */
	CHECK_EQ(heap_caps_register_failed_alloc_callback(other_hook), ESP_OK);
	esp_failed_reset();
	CHECK(heap_caps_malloc(big, c) == NULL);
	CHECK_EQ(other_count, 1);
	CHECK_EQ(esp_failed.count, 0);
	return lt_done();
}
