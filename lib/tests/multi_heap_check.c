/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* multi_heap_check with poisoning on: an overrun is found, printed only
 * when asked; repairing it makes the heap valid again. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[16 * 1024];

int main(void)
{
	multi_heap_handle_t h;
	struct esp_capture cap;
	unsigned char *p, saved;
	char *out;

	setenv("MEMHEAP_BACKEND", "embedded", 1);
	setenv("MEMHEAP_POISON", "comprehensive", 1);
	h = multi_heap_register(mem, sizeof(mem));
	REQUIRE(h);
	p = multi_heap_malloc(h, 24);
	REQUIRE(p);
	CHECK(multi_heap_check(h, true));

	saved = p[24];
	p[24] ^= 0x5a;
	esp_capture_begin(&cap, 2);
	CHECK(!multi_heap_check(h, false));
	out = esp_capture_end(&cap);
	CHECK_STR(out, "");
	free(out);
	esp_capture_begin(&cap, 2);
	CHECK(!multi_heap_check(h, true));
	out = esp_capture_end(&cap);
	CHECK(strstr(out, "multi_heap") != NULL);
	free(out);
	/* The core's checks see the standalone heap too. */
	CHECK(!heap_caps_check_integrity_addr((intptr_t)p, false));
	CHECK(!heap_caps_check_integrity_all(false));
	p[24] = saved;
	CHECK(multi_heap_check(h, true));
	CHECK(heap_caps_check_integrity_all(true));

	/* Write after free (comprehensive poisoning). */
	multi_heap_free(h, p);
	p[4] = 1;
	CHECK(!multi_heap_check(h, false));
	p[4] = 0xfe;
	CHECK(multi_heap_check(h, true));
	return lt_done();
}
