/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* Integrity checks with poisoning on: an overrun past a block is found by
 * heap_caps_check_integrity_all, by heap_caps_check_integrity for the caps
 * of the damaged heap only, and by heap_caps_check_integrity_addr for an
 * address in that heap only; errors are printed only when asked; repairing
 * the byte makes every check pass again. */
#include "esp_helpers.h"

int main(void)
{
	struct esp_capture cap;
	unsigned char *p, *q, saved;
	char *out;
	int x;

	setenv("MEMHEAP_BACKEND", "embedded", 1);
	setenv("MEMHEAP_POISON", "light", 1);
	p = heap_caps_malloc(40, MALLOC_CAP_DMA);
	q = heap_caps_malloc(40, MALLOC_CAP_SPIRAM);
	REQUIRE(p && q);
	CHECK(heap_caps_check_integrity_all(true));
	CHECK(heap_caps_check_integrity(MALLOC_CAP_DMA, true));
	CHECK(heap_caps_check_integrity_addr((intptr_t)p, true));

	saved = p[40];
	p[40] ^= 0xff;	/* one byte past the 40 asked for: the tail canary */

	esp_capture_begin(&cap, 2);
	CHECK(!heap_caps_check_integrity_all(false));
	CHECK(!heap_caps_check_integrity(MALLOC_CAP_DMA, false));
	CHECK(!heap_caps_check_integrity(MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT, false));
	CHECK(heap_caps_check_integrity(MALLOC_CAP_SPIRAM, false));
	CHECK(!heap_caps_check_integrity_addr((intptr_t)p, false));
	CHECK(!heap_caps_check_integrity_addr((intptr_t)p + 100000, false)); /* same heap */
	CHECK(heap_caps_check_integrity_addr((intptr_t)q, false));
	out = esp_capture_end(&cap);
	CHECK_STR(out, "");	/* print_errors false: silent */
	free(out);

	esp_capture_begin(&cap, 2);
	CHECK(!heap_caps_check_integrity(MALLOC_CAP_DMA, true));
	out = esp_capture_end(&cap);
	CHECK(strlen(out) > 0);	/* print_errors true: described */
	free(out);

	/* An address in no heap is not valid. */
	CHECK(!heap_caps_check_integrity_addr((intptr_t)&x, false));

	p[40] = saved;
	CHECK(heap_caps_check_integrity_all(true));
	CHECK(heap_caps_check_integrity_addr((intptr_t)p, true));
	heap_caps_free(p);
	heap_caps_free(q);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
