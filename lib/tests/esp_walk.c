/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_walk / walk_all visit every block of the heaps with the caps:
 * every live allocation appears once as used with at least its size; the
 * sizes account for the heap; a walker returning false ends only the current
 * heap. */
#include "esp_helpers.h"

#define N 50

struct tally {
	void *want[N];
	int seen[N];
	size_t sizes[N];
	size_t used, free_blocks, blocks, heaps;
	intptr_t last_start;
	bool out_of_range;
	bool stop_first;
};

static bool cb(walker_heap_into_t heap, walker_block_info_t block, void *user)
{
	struct tally *t = user;
	int i;

	if (heap.start != t->last_start) {
		t->heaps++;
		t->last_start = heap.start;
	}
	if ((intptr_t)block.ptr < heap.start || (intptr_t)block.ptr + (intptr_t)block.size > heap.end)
		t->out_of_range = true;
	t->blocks++;
	if (block.used)
		t->used++;
	else
		t->free_blocks++;
	for (i = 0; i < N; i++)
		if (block.ptr == t->want[i] && block.used) {
			t->seen[i]++;
			t->sizes[i] = block.size;
		}
	return !t->stop_first;
}

int main(void)
{
	static struct tally t;
	multi_heap_info_t info;
	int i, all_once = 1;

	for (i = 0; i < N; i++) {
		t.want[i] = heap_caps_malloc(16 + 8 * (size_t)i,
					     i % 2 ? MALLOC_CAP_SPIRAM : MALLOC_CAP_INTERNAL);
		REQUIRE(t.want[i]);
	}
	heap_caps_walk_all(cb, &t);
	for (i = 0; i < N; i++) {
		all_once &= t.seen[i] == 1;
		CHECK(t.sizes[i] >= 16 + 8 * (size_t)i);
	}
	CHECK(all_once);
	CHECK(!t.out_of_range);
	CHECK_EQU(t.heaps, 2);
	heap_caps_get_info(&info, 0);
	CHECK_EQU(t.used, info.allocated_blocks);
	CHECK_EQU(t.free_blocks, info.free_blocks);

	/* By caps: only the SPIRAM heap's blocks. */
	memset(&t.seen, 0, sizeof(t.seen));
	t.heaps = 0;
	t.last_start = 0;
	heap_caps_walk(MALLOC_CAP_SPIRAM, cb, &t);
	for (i = 0; i < N; i++)
		CHECK_EQ(t.seen[i], i % 2);
	CHECK_EQU(t.heaps, 1);

	/* false stops the current heap; the next heap is still walked. */
	memset(&t, 0, sizeof(t));
	t.stop_first = true;
	heap_caps_walk(MALLOC_CAP_8BIT, cb, &t);
	CHECK_EQU(t.blocks, 2);
	CHECK_EQU(t.heaps, 2);

	/* Caps nothing has: nothing visited. */
	memset(&t, 0, sizeof(t));
	heap_caps_walk(MALLOC_CAP_TCM, cb, &t);
	CHECK_EQU(t.blocks, 0);

	for (i = 0; i < N; i++)
		heap_caps_free(t.want[i] ? t.want[i] : NULL);
	return lt_done();
}
