/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_get_largest_free_block is exactly the largest size
 * heap_caps_malloc will satisfy now: that size succeeds, one byte more fails,
 * also after fragmentation, and with 32BIT rounding. */
#include "esp_helpers.h"

static void exact(uint32_t caps, const char *what)
{
	size_t l = heap_caps_get_largest_free_block(caps);
	void *p;

	if (l == 0) {
		printf("%s: no free block\n", what);
		return;
	}
	p = heap_caps_malloc(l + 1, caps);
	CHECK(p == NULL);
	if (p)
		fprintf(stderr, "%s: %zu + 1 bytes succeeded\n", what, l);
	heap_caps_free(p);
	p = heap_caps_malloc(l, caps);
	CHECK(p != NULL);
	if (!p)
		fprintf(stderr, "%s: largest %zu failed\n", what, l);
	heap_caps_free(p);
}

int main(void)
{
	static const uint32_t caps[] = {
		MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM, MALLOC_CAP_INTERNAL, MALLOC_CAP_DEFAULT,
		MALLOC_CAP_8BIT, MALLOC_CAP_32BIT, MALLOC_CAP_32BIT | MALLOC_CAP_DMA, 0,
	};
	void *blocks[64];
	size_t i, j;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		exact(caps[i], "fresh");
	/* Fragment the internal region: every other block freed. */
	for (j = 0; j < 64; j++)
		blocks[j] = heap_caps_malloc(1000 + 24 * j, MALLOC_CAP_INTERNAL);
	for (j = 0; j < 64; j += 2)
		heap_caps_free(blocks[j]);
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		exact(caps[i], "fragmented");
	/* Fill the internal region but a gap: the gap is the answer. */
	{
		size_t l = heap_caps_get_largest_free_block(MALLOC_CAP_INTERNAL);
		void *big = heap_caps_malloc(l, MALLOC_CAP_INTERNAL);

		REQUIRE(big);
		CHECK(heap_caps_get_largest_free_block(MALLOC_CAP_INTERNAL) < l);
		exact(MALLOC_CAP_INTERNAL, "filled");
		exact(MALLOC_CAP_32BIT | MALLOC_CAP_INTERNAL, "filled 32bit");
		CHECK_EQU(heap_caps_get_largest_free_block(MALLOC_CAP_32BIT | MALLOC_CAP_INTERNAL) % 4, 0);
		heap_caps_free(big);
	}
	for (j = 1; j < 64; j += 2)
		heap_caps_free(blocks[j]);
	/* Caps nothing has: 0. */
	CHECK_EQU(heap_caps_get_largest_free_block(MALLOC_CAP_EXEC), 0);
	CHECK_EQU(heap_caps_get_largest_free_block(MALLOC_CAP_INVALID), 0);
	return lt_done();
}
