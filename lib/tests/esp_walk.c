/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_walk / walk_all visit every block of the heaps with the caps:
 * every live allocation appears once as used with at least its size; the
 * sizes account for the heap; a walker returning false ends only the current
 * heap.  Which heaps a walk enters is checked against the region list. */
#include "esp_helpers.h"

#define N 50

struct tally {
	void *want[N];
	int seen[N];
	size_t sizes[N];
	size_t used, free_blocks, blocks, heaps;
	intptr_t last_start;
	int visits[ESP_MAX_REGIONS];	/* times each region's heap was entered */
	bool out_of_range;
	bool stop_first;
};

static struct memheap_region regions[ESP_MAX_REGIONS];
static unsigned int nregions;

static bool cb(walker_heap_into_t heap, walker_block_info_t block, void *user)
{
	struct tally *t = user;
	int i;

	if (heap.start != t->last_start) {
		t->heaps++;
		t->last_start = heap.start;
		for (unsigned int r = 0; r < nregions; r++)
			if ((uintptr_t)heap.start == regions[r].start &&
			    (uintptr_t)heap.end == regions[r].end)
				t->visits[r]++;
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

/*
 * The heaps a walk over @caps (0: all) entered: each region serving the
 * caps once at most, and surely if it holds one of the test's blocks (or
 * always, where walks show every region); no other region.  Returns how
 * many regions must have been entered.
 */
static size_t check_heaps(const struct tally *t, uint32_t caps)
{
	size_t must = 0;

	for (unsigned int r = 0; r < nregions; r++) {
		bool holds = false;

		for (int i = 0; i < N; i++)
			holds |= esp_region_of(t->want[i]) == (int)r;
		if (caps && !esp_region_serves(&regions[r], caps)) {
			CHECK_EQ(t->visits[r], 0);
			continue;
		}
		CHECK(t->visits[r] <= 1);
		if (holds || esp_walk_shows_every_region()) {
			CHECK_EQ(t->visits[r], 1);
			must++;
		}
	}
	return must;
}

int main(void)
{
	static struct tally t;
	multi_heap_info_t info;
	int i, all_once = 1;
	const uint32_t even = esp_layout_has(MALLOC_CAP_INTERNAL) ?
			      MALLOC_CAP_INTERNAL : MALLOC_CAP_8BIT;
	const bool have_spiram = esp_layout_has(MALLOC_CAP_SPIRAM);
	void *want[N];

	for (i = 0; i < N; i++) {
		t.want[i] = heap_caps_malloc(16 + 8 * (size_t)i,
					     i % 2 && have_spiram ? MALLOC_CAP_SPIRAM : even);
		REQUIRE(t.want[i]);
	}
	memcpy(want, t.want, sizeof(want));
	nregions = esp_region_count();
	for (unsigned int r = 0; r < nregions; r++)
		regions[r] = esp_region(r);

	heap_caps_walk_all(cb, &t);
	for (i = 0; i < N; i++) {
		all_once &= t.seen[i] == 1;
		CHECK(t.sizes[i] >= 16 + 8 * (size_t)i);
	}
	CHECK(all_once);
	CHECK(!t.out_of_range);
	CHECK_EQU(t.heaps, check_heaps(&t, 0));
	if (esp_walk_shows_every_region())
		CHECK_EQU(t.heaps, nregions);	/* 2 on the default layout */
	heap_caps_get_info(&info, 0);
	CHECK_EQU(t.used, info.allocated_blocks);
	if (strcmp(memheap_backend(), "kernel"))
		CHECK_EQU(t.free_blocks, info.free_blocks);
	else	/* + each region's kernel free space: one or two blocks no walker visits */
		CHECK(t.free_blocks <= info.free_blocks &&
		      info.free_blocks <= t.free_blocks + 2 * (size_t)nregions);

	/* By caps: only the SPIRAM heaps' blocks. */
	if (have_spiram) {
		memset(&t.seen, 0, sizeof(t.seen));
		memset(&t.visits, 0, sizeof(t.visits));
		t.heaps = 0;
		t.last_start = 0;
		heap_caps_walk(MALLOC_CAP_SPIRAM, cb, &t);
		for (i = 0; i < N; i++)
			CHECK_EQ(t.seen[i], i % 2);
		CHECK_EQU(t.heaps, check_heaps(&t, MALLOC_CAP_SPIRAM));
	} else {
		ESP_PART_SKIPPED("no SPIRAM region: no walk by SPIRAM caps");
	}

	/* false stops the current heap; the next heap is still walked. */
	memset(&t, 0, sizeof(t));
	memcpy(t.want, want, sizeof(want));
	t.stop_first = true;
	heap_caps_walk(MALLOC_CAP_8BIT, cb, &t);
	CHECK_EQU(t.heaps, check_heaps(&t, MALLOC_CAP_8BIT));
	CHECK_EQU(t.blocks, t.heaps);

	/* Caps nothing has: nothing visited. */
	memset(&t, 0, sizeof(t));
	heap_caps_walk(MALLOC_CAP_TCM, cb, &t);
	CHECK_EQU(t.blocks, 0);

	for (i = 0; i < N; i++)
		heap_caps_free(want[i]);
	return lt_done();
}
