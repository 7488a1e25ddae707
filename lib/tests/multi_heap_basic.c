/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* multi_heap_register / malloc / calloc / free / get_allocated_size over a
 * caller's block: blocks lie inside it, free gives the space back, a block
 * too small for a heap gives NULL, size 0 gives NULL. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[64 * 1024];

int main(void)
{
	multi_heap_handle_t h;
	size_t free0, i;
	unsigned char *p[10];

	CHECK(multi_heap_register(NULL, 4096) == NULL);
	CHECK(multi_heap_register(mem, 0) == NULL);
	CHECK(multi_heap_register(mem, 16) == NULL);	/* too small for a heap */
	h = multi_heap_register(mem, sizeof(mem));
	REQUIRE(h);
	CHECK((unsigned char *)h >= mem && (unsigned char *)h < mem + sizeof(mem));
	multi_heap_set_lock(h, NULL);
	free0 = multi_heap_free_size(h);
	CHECK(free0 > sizeof(mem) / 10 * 9 && free0 < sizeof(mem));

	for (i = 0; i < 10; i++) {
		p[i] = multi_heap_malloc(h, 100 * (i + 1));
		REQUIRE(p[i]);
		CHECK(p[i] >= mem && p[i] + 100 * (i + 1) <= mem + sizeof(mem));
		CHECK(((uintptr_t)p[i] & 7) == 0);
		CHECK(multi_heap_get_allocated_size(h, p[i]) >= 100 * (i + 1));
		memset(p[i], (int)i, 100 * (i + 1));
	}
	CHECK(multi_heap_free_size(h) < free0 - 5500);
	for (i = 0; i < 10; i++) {
		CHECK(p[i][0] == i && p[i][100 * (i + 1) - 1] == i);
		multi_heap_free(h, p[i]);
	}
	CHECK_EQU(multi_heap_free_size(h), free0);

	CHECK(multi_heap_malloc(h, 0) == NULL);
	CHECK(multi_heap_malloc(h, sizeof(mem)) == NULL);
	p[0] = multi_heap_calloc(h, 10, 10);
	REQUIRE(p[0]);
	CHECK(p[0][0] == 0 && p[0][99] == 0);
	CHECK(multi_heap_calloc(h, SIZE_MAX / 2, 3) == NULL);
	multi_heap_free(h, p[0]);
	multi_heap_free(h, NULL);
	CHECK_EQU(multi_heap_free_size(h), free0);
	CHECK(multi_heap_check(h, true));

	/* A heap whose blocks are all free may be registered again. */
	h = multi_heap_register(mem, sizeof(mem));
	CHECK(h != NULL);
	CHECK_EQU(multi_heap_free_size(h), free0);
	return lt_done();
}
