/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* multi_heap_walk visits every block once with its state; false stops;
 * multi_heap_dump prints one line per block. */
#include "esp_helpers.h"

static _Alignas(16) unsigned char mem[16 * 1024];

struct tally {
	void *want[8];
	int seen[8];
	size_t used, free_blocks, bytes;
	size_t stop_after, calls;
};

static bool cb(void *ptr, size_t size, int used, void *user)
{
	struct tally *t = user;
	int i;

	t->calls++;
	if (used)
		t->used++;
	else
		t->free_blocks++;
	t->bytes += size;
	for (i = 0; i < 8; i++)
		if (ptr == t->want[i] && used == 1 && size >= 100)
			t->seen[i]++;
	return !t->stop_after || t->calls < t->stop_after;
}

int main(void)
{
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem));
	static struct tally t;
	multi_heap_info_t info;
	struct esp_capture cap;
	char *out;
	int i, once = 1;

	REQUIRE(h);
	for (i = 0; i < 8; i++) {
		t.want[i] = multi_heap_malloc(h, 100 + 10 * (size_t)i);
		REQUIRE(t.want[i]);
	}
	multi_heap_free(h, t.want[2]);
	multi_heap_free(h, t.want[5]);
	t.want[2] = t.want[5] = NULL;
	multi_heap_walk(h, cb, &t);
	multi_heap_get_info(h, &info);
	for (i = 0; i < 8; i++)
		once &= t.seen[i] == (t.want[i] ? 1 : 0);
	CHECK(once);
	CHECK_EQU(t.used, info.allocated_blocks);
	CHECK_EQU(t.free_blocks, info.free_blocks);

	memset(&t, 0, sizeof(t));
	t.stop_after = 2;
	multi_heap_walk(h, cb, &t);
	CHECK_EQU(t.calls, 2);

	esp_capture_begin(&cap, 1);
	multi_heap_dump(h);
	out = esp_capture_end(&cap);
	CHECK_EQ(esp_count(out, "  Block "), (int)info.total_blocks);
	CHECK_EQ(esp_count(out, " used\n"), 6);
	free(out);
	return lt_done();
}
