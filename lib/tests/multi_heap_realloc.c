/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* multi_heap_realloc: keeps the data growing and shrinking; NULL allocates;
 * size 0 frees; failure returns NULL and keeps the original. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[16 * 1024];

int main(void)
{
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem));
	size_t free0;
	unsigned char *p, *q;
	int i, ok = 1;

	REQUIRE(h);
	free0 = multi_heap_free_size(h);
	p = multi_heap_realloc(h, NULL, 100);
	REQUIRE(p);
	for (i = 0; i < 100; i++)
		p[i] = (unsigned char)i;
	p = multi_heap_realloc(h, p, 4000);
	REQUIRE(p);
	for (i = 0; i < 100; i++)
		ok &= p[i] == (unsigned char)i;
	p = multi_heap_realloc(h, p, 50);
	REQUIRE(p);
	for (i = 0; i < 50; i++)
		ok &= p[i] == (unsigned char)i;
	CHECK(ok);

	q = multi_heap_realloc(h, p, sizeof(mem));
	CHECK(q == NULL);
	for (i = 0; i < 50; i++)
		ok &= p[i] == (unsigned char)i;
	CHECK(ok);
	CHECK(multi_heap_get_allocated_size(h, p) >= 50);

	CHECK(multi_heap_realloc(h, p, 0) == NULL);
	CHECK_EQU(multi_heap_free_size(h), free0);
	CHECK(multi_heap_check(h, true));
	return lt_done();
}
