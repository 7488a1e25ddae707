/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* A multi_heap's pointers are known to the whole library: heap_caps_free
 * frees them, heap_caps_get_allocated_size sizes them, heap_caps_realloc
 * moves them into a region with the caps asked for; a heap nested in a
 * region's buffer works through multi_heap_*. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[16 * 1024];

int main(void)
{
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem)), n;
	size_t free0;
	unsigned char *p, *buf;

	REQUIRE(h);
	free0 = multi_heap_free_size(h);
	p = multi_heap_malloc(h, 200);
	REQUIRE(p);
	CHECK(heap_caps_get_allocated_size(p) >= 200);
	heap_caps_free(p);
	CHECK_EQU(multi_heap_free_size(h), free0);

	p = multi_heap_malloc(h, 100);
	REQUIRE(p);
	memset(p, 0x44, 100);
	p = heap_caps_realloc(p, 300, MALLOC_CAP_SPIRAM);
	REQUIRE(p);
	CHECK(esp_in_caps(p, MALLOC_CAP_SPIRAM));
	CHECK(p[0] == 0x44 && p[99] == 0x44);
	CHECK_EQU(multi_heap_free_size(h), free0);
	heap_caps_free(p);

	/* A heap inside a buffer from heap_caps_malloc (as ESP-IDF code does). */
	buf = heap_caps_malloc(8192, MALLOC_CAP_SPIRAM);
	REQUIRE(buf);
	n = multi_heap_register(buf, 8192);
	REQUIRE(n);
	p = multi_heap_malloc(n, 500);
	CHECK(p && p >= buf && p + 500 <= buf + 8192);
	CHECK(multi_heap_get_allocated_size(n, p) >= 500);
	multi_heap_free(n, p);
	CHECK(multi_heap_check(n, true));
	heap_caps_free(buf);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
