/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* multi_heap_aligned_alloc / aligned_alloc_offs / aligned_free: every
 * power-of-two alignment, (pointer + offset) aligned for the _offs variant,
 * bad alignments refused; offset blocks are freed by multi_heap_free,
 * multi_heap_aligned_free and heap_caps_free alike. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[256 * 1024];

int main(void)
{
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem));
	size_t free0, a, off;
	unsigned char *p;
	int pass = 0;

	REQUIRE(h);
	free0 = multi_heap_free_size(h);
	for (a = 1; a <= 16384; a <<= 1) {
		p = multi_heap_aligned_alloc(h, 77, a);
		CHECK(p && ((uintptr_t)p & (a - 1)) == 0);
		CHECK(multi_heap_get_allocated_size(h, p) >= 77);
		multi_heap_aligned_free(h, p);
	}
	CHECK(multi_heap_aligned_alloc(h, 64, 0) == NULL);
	CHECK(multi_heap_aligned_alloc(h, 64, 48) == NULL);
	CHECK(multi_heap_aligned_alloc(h, 0, 64) == NULL);
	CHECK_EQU(multi_heap_free_size(h), free0);

	for (a = 4; a <= 4096; a <<= 2) {
		for (off = 0; off < 3 * a; off += a / 4 + 1) {
			p = multi_heap_aligned_alloc_offs(h, 100, a, off);
			CHECK(p != NULL);
			if (!p)
				continue;
			CHECK((((uintptr_t)p + off) & (a - 1)) == 0);
			CHECK(multi_heap_get_allocated_size(h, p) >= 100);
			CHECK(heap_caps_get_allocated_size(p) >= 100);
			memset(p, 0x77, 100);
			CHECK(multi_heap_check(h, true));
			switch (pass++ % 3) {
			case 0: multi_heap_free(h, p); break;
			case 1: multi_heap_aligned_free(h, p); break;
			default: heap_caps_free(p); break;
			}
			CHECK_EQU(multi_heap_free_size(h), free0);
		}
	}
	/* realloc of an offset block: data kept, offset alignment not promised. */
	p = multi_heap_aligned_alloc_offs(h, 64, 256, 8);
	REQUIRE(p);
	memset(p, 0x31, 64);
	p = multi_heap_realloc(h, p, 1000);
	REQUIRE(p);
	CHECK(p[0] == 0x31 && p[63] == 0x31);
	multi_heap_free(h, p);
	CHECK_EQU(multi_heap_free_size(h), free0);
	CHECK(multi_heap_check(h, true));
	return lt_done();
}
