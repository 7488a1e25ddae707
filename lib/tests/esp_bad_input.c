/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* Bad pointers: freeing a foreign, interior or already freed pointer, or
 * reallocating one, is reported and changes nothing; the heap stays intact. */
#include "esp_helpers.h"

int main(void)
{
	struct esp_capture cap;
	char *out;
	int local;
	unsigned char *p, *q;
	size_t before;
	multi_heap_info_t a, b;

	p = heap_caps_malloc(64, MALLOC_CAP_DMA);
	q = heap_caps_malloc(64, MALLOC_CAP_DMA);
	REQUIRE(p && q);
	memset(q, 0x33, 64);
	before = heap_caps_get_free_size(0);
	heap_caps_get_info(&a, 0);

	esp_capture_begin(&cap, 2);
	heap_caps_free(&local);			/* foreign */
	heap_caps_free(p + 8);			/* interior */
	CHECK(heap_caps_realloc(&local, 100, MALLOC_CAP_8BIT) == NULL);
	heap_caps_free(p);
	heap_caps_free(p);			/* double free */
	out = esp_capture_end(&cap);
	CHECK(esp_count(out, "\n") >= 4);	/* each misuse reported */
	free(out);

	heap_caps_get_info(&b, 0);
	CHECK_EQU(b.allocated_blocks, a.allocated_blocks - 1);	/* only the good free */
	CHECK(heap_caps_get_free_size(0) > before);
	CHECK(q[0] == 0x33 && q[63] == 0x33);
	CHECK(heap_caps_check_integrity_all(true));
	heap_caps_free(q);

	/* NULL walker: reported, nothing walked. */
	esp_capture_begin(&cap, 2);
	heap_caps_walk_all(NULL, NULL);
	heap_caps_walk(MALLOC_CAP_8BIT, NULL, NULL);
	out = esp_capture_end(&cap);
	CHECK_EQ(esp_count(out, "NULL walker"), 2);
	free(out);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
