/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* multi_heap misuse: NULL or bogus handles, pointers of another heap,
 * double and interior frees, overlapping registration: each is reported
 * and changes nothing. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[16 * 1024], mem2[16 * 1024];

int main(void)
{
	static _Alignas(64) unsigned char bogus[256];
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem));
	multi_heap_handle_t h2 = multi_heap_register(mem2, sizeof(mem2));
	multi_heap_handle_t fake = (multi_heap_handle_t)(void *)bogus;
	struct esp_capture cap;
	multi_heap_info_t info;
	size_t free0, free2;
	unsigned char *p, *q;
	char *out;

	REQUIRE(h && h2);
	p = multi_heap_malloc(h, 64);
	q = multi_heap_malloc(h2, 64);
	REQUIRE(p && q);
	free0 = multi_heap_free_size(h);
	free2 = multi_heap_free_size(h2);

	esp_capture_begin(&cap, 2);
	CHECK(multi_heap_malloc(NULL, 10) == NULL);
	CHECK(multi_heap_malloc(fake, 10) == NULL);
	multi_heap_free(fake, p);
	multi_heap_free(h, q);			/* another heap's block */
	multi_heap_free(h, p + 8);		/* interior */
	CHECK_EQU(multi_heap_get_allocated_size(h, q), 0);
	CHECK(multi_heap_realloc(h, q, 100) == NULL);
	CHECK(!multi_heap_check(NULL, true));
	multi_heap_get_info(fake, &info);
	CHECK_EQU(info.total_free_bytes, 0);
	multi_heap_walk(h, NULL, NULL);
	out = esp_capture_end(&cap);
	CHECK(esp_count(out, "\n") >= 9);
	free(out);
	CHECK_EQU(multi_heap_free_size(h), free0);
	CHECK_EQU(multi_heap_free_size(h2), free2);

	/* A heap with live blocks cannot be registered over while its handle
	 * stays outside the new memory (covering it retires the heap, as on
	 * ESP-IDF: multi_heap_reuse.c). */
	CHECK(multi_heap_register(mem + 1024, 4096) == NULL);
	CHECK(multi_heap_register(mem + 512, sizeof(mem) - 512) == NULL);
	CHECK_EQU(multi_heap_free_size(h), free0);

	esp_capture_begin(&cap, 2);
	multi_heap_free(h, p);
	multi_heap_free(h, p);			/* double free */
	out = esp_capture_end(&cap);
	CHECK_EQ(esp_count(out, "\n"), 1);
	free(out);
	CHECK(multi_heap_check(h, true));
	CHECK(multi_heap_check(h2, true));
	multi_heap_free(h2, q);
	return lt_done();
}
