/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Walking a heap whose block header is damaged: the walker is not stopped
 * in silence.  The damaged block reaches the callback (at its own data
 * pointer, spanning the rest of the heap), one line on stderr says what is
 * damaged, the blocks before it are walked as usual; multi_heap_check()
 * reports it too.  The same through heap_caps_walk() over a region added
 * with heap_caps_add_region_with_caps().  Repaired, everything is clean.
 */
#include <stdint.h>

#include "esp_helpers.h"

static _Alignas(64) unsigned char mem[16 * 1024];
static _Alignas(64) unsigned char reg[16 * 1024];

struct seen {
	int n;
	void *ptr[64];
	size_t size[64];
	int used[64];
};

static bool mh_cb(void *ptr, size_t size, int used, void *user)
{
	struct seen *s = user;

	if (s->n < 64) {
		s->ptr[s->n] = ptr;
		s->size[s->n] = size;
		s->used[s->n] = used;
	}
	s->n++;
	return true;
}

static bool caps_cb(walker_heap_into_t heap, walker_block_info_t b, void *user)
{
	if (heap.start != (intptr_t)reg)
		return true;
	return mh_cb(b.ptr, b.size, b.used, user);
}

static int find(const struct seen *s, const void *p)
{
	for (int i = 0; i < s->n && i < 64; i++)
		if (s->ptr[i] == p)
			return i;
	return -1;
}

int main(void)
{
	const uint32_t caps[SOC_MEMORY_TYPE_NO_PRIOS] = {
		MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM, MALLOC_CAP_8BIT, 0,
	};
	const uint32_t unique = MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT;
	struct esp_capture cap;
	unsigned char saved[8];
	struct seen s;
	char *err;
	void *a, *b, *c;
	int i;

	if (getenv("MEMHEAP_POISON") && strcmp(getenv("MEMHEAP_POISON"), "none"))
		LT_SKIP("SKIP: lays its damage on the unpoisoned block layout");
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem));

	REQUIRE(h);
	a = multi_heap_malloc(h, 100);
	b = multi_heap_malloc(h, 200);
	c = multi_heap_malloc(h, 300);
	REQUIRE(a && b && c && (unsigned char *)b > (unsigned char *)a &&
		(unsigned char *)c > (unsigned char *)b);

	/* b's header (the 8 bytes before it) says a size past the heap's end */
	memcpy(saved, (unsigned char *)b - 8, 8);
	memset((unsigned char *)b - 8, 0xff, 8);

	memset(&s, 0, sizeof(s));
	esp_capture_begin(&cap, 2);
	multi_heap_walk(h, mh_cb, &s);
	err = esp_capture_end(&cap);
	CHECK(find(&s, a) == 0);		/* before the damage: as usual */
	i = find(&s, b);
	CHECK(i == 1);				/* the damaged block is reported */
	CHECK_EQ(s.n, 2);			/* and is the last: the rest */
	if (i == 1)
		CHECK_EQU(s.size[1], (size_t)(mem + sizeof(mem) - (unsigned char *)b));
	CHECK_EQ(esp_count(err, "\n"), 1);
	CHECK(strstr(err, "block header damaged") != NULL);
	CHECK(strstr(err, "walk") != NULL);
	free(err);

	esp_capture_begin(&cap, 2);
	CHECK(!multi_heap_check(h, true));
	err = esp_capture_end(&cap);
	CHECK(strstr(err, "block header damaged") != NULL);
	free(err);
	memcpy((unsigned char *)b - 8, saved, 8);
	CHECK(multi_heap_check(h, true));
	memset(&s, 0, sizeof(s));
	multi_heap_walk(h, mh_cb, &s);
	CHECK(find(&s, a) == 0 && find(&s, b) == 1 && find(&s, c) == 2);
	CHECK_EQ(s.n, 4);	/* three used, one free */

	/* heap_caps_walk over a region the program added */
	REQUIRE(heap_caps_add_region_with_caps(caps, (intptr_t)reg,
					       (intptr_t)reg + sizeof(reg)) == ESP_OK);
	a = heap_caps_malloc(1000, unique);
	b = heap_caps_malloc(1000, unique);
	REQUIRE(a && b && (unsigned char *)b > (unsigned char *)a);
	CHECK((unsigned char *)a >= reg && (unsigned char *)b < reg + sizeof(reg));
	memcpy(saved, (unsigned char *)b - 8, 8);
	memset((unsigned char *)b - 8, 0xff, 8);
	memset(&s, 0, sizeof(s));
	esp_capture_begin(&cap, 2);
	heap_caps_walk_all(caps_cb, &s);
	err = esp_capture_end(&cap);
	CHECK(find(&s, b) >= 0);
	CHECK(find(&s, a) >= 0 && find(&s, a) < find(&s, b));
	CHECK_EQ(esp_count(err, "block header damaged"), 1);
	free(err);
	memcpy((unsigned char *)b - 8, saved, 8);
	CHECK(heap_caps_check_integrity_all(true));
	heap_caps_free(a);
	heap_caps_free(b);
	return lt_done();
}
