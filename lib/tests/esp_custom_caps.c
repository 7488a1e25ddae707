/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Regions added with capabilities that no memheap region has of itself
 * (EXEC, PID2-7, IRAM_8BIT, RETENTION, RTCRAM, TCM, DMA_DESC_AHB/AXI):
 * every MALLOC_CAP_* a region was given routes to it, for malloc, calloc,
 * realloc, aligned_alloc, prefer and the statistics and walks; never to a
 * region without it, and a bit no region has fails with the callback.
 */
#include <stdint.h>

#include "esp_helpers.h"

#define N_EXTRA 13
#define REG (8 * 1024)
static _Alignas(64) unsigned char mem[N_EXTRA + 1][REG];

static const uint32_t extra[N_EXTRA] = {
	MALLOC_CAP_EXEC, MALLOC_CAP_PID2, MALLOC_CAP_PID3, MALLOC_CAP_PID4,
	MALLOC_CAP_PID5, MALLOC_CAP_PID6, MALLOC_CAP_PID7, MALLOC_CAP_IRAM_8BIT,
	MALLOC_CAP_RETENTION, MALLOC_CAP_RTCRAM, MALLOC_CAP_TCM,
	MALLOC_CAP_DMA_DESC_AHB, MALLOC_CAP_DMA_DESC_AXI,
};

static bool in(const void *p, int i)
{
	return (const unsigned char *)p >= mem[i] && (const unsigned char *)p < mem[i] + REG;
}

struct walked {
	int blocks, other;
	intptr_t start;
};

static bool walk_cb(walker_heap_into_t heap, walker_block_info_t b, void *user)
{
	struct walked *w = user;

	(void)b;
	if (heap.start == w->start)
		w->blocks++;
	else
		w->other++;
	return true;
}

int main(void)
{
	multi_heap_info_t info;
	struct walked w;
	void *p, *q;
	int i;

	esp_hook_install();
	for (i = 0; i < N_EXTRA; i++) {
		uint32_t caps[SOC_MEMORY_TYPE_NO_PRIOS] = { extra[i] | MALLOC_CAP_8BIT, 0, 0 };
		size_t total = heap_caps_get_total_size(extra[i]);

		CHECK_EQU(total, 0);	/* nothing has the bit yet */
		esp_failed_reset();
		CHECK(heap_caps_malloc(16, extra[i]) == NULL);
		CHECK_EQ(esp_failed.count, 1);
		CHECK_EQU(esp_failed.caps, extra[i]);

		REQUIRE(heap_caps_add_region_with_caps(caps, (intptr_t)mem[i],
						       (intptr_t)mem[i] + REG) == ESP_OK);
		total = heap_caps_get_total_size(extra[i]);
		CHECK(total > REG / 2 && total <= REG);
		CHECK_EQU(heap_caps_get_total_size(extra[i] | MALLOC_CAP_8BIT), total);

		p = heap_caps_malloc(128, extra[i]);
		CHECK(p && in(p, i));
		q = heap_caps_malloc(128, extra[i] | MALLOC_CAP_8BIT);
		CHECK(q && in(q, i));
		heap_caps_free(q);
		q = heap_caps_calloc(4, 32, extra[i]);
		CHECK(q && in(q, i));
		heap_caps_free(q);
		q = heap_caps_aligned_alloc(256, 100, extra[i]);
		CHECK(q && in(q, i) && ((uintptr_t)q & 255) == 0);
		heap_caps_free(q);
		p = heap_caps_realloc(p, 1024, extra[i]);
		CHECK(p && in(p, i));
		q = heap_caps_malloc_prefer(64, 2, extra[i] | MALLOC_CAP_32BIT, extra[i]);
		CHECK(q && in(q, i));	/* 32BIT not given: the second choice */
		heap_caps_free(q);

		/* statistics and walks see exactly that region */
		heap_caps_get_info(&info, extra[i]);
		CHECK_EQ(info.allocated_blocks, 1);
		CHECK_EQU(info.total_free_bytes, heap_caps_get_free_size(extra[i]));
		CHECK(heap_caps_get_largest_free_block(extra[i]) > REG / 2);
		memset(&w, 0, sizeof(w));
		w.start = (intptr_t)mem[i];
		heap_caps_walk(extra[i], walk_cb, &w);
		CHECK_EQ(w.blocks, 2);	/* the realloc'd block and the free rest */
		CHECK_EQ(w.other, 0);
		CHECK(heap_caps_check_integrity(extra[i], true));

		/* the region full, a request with the bit fails: no other
		 * region has it */
		esp_failed_reset();
		CHECK(heap_caps_malloc(REG, extra[i]) == NULL);
		CHECK_EQ(esp_failed.count, 1);
		heap_caps_free(p);
		CHECK_EQU(heap_caps_get_free_size(extra[i]), heap_caps_get_total_size(extra[i]));
	}

	/* Bits from several priority entries, and combinations. */
	{
		uint32_t caps[SOC_MEMORY_TYPE_NO_PRIOS] = {
			MALLOC_CAP_RETENTION | MALLOC_CAP_DMA, MALLOC_CAP_TCM, MALLOC_CAP_32BIT,
		};

		REQUIRE(heap_caps_add_region_with_caps(caps, (intptr_t)mem[N_EXTRA],
						       (intptr_t)mem[N_EXTRA] + REG) == ESP_OK);
		p = heap_caps_malloc(64, MALLOC_CAP_RETENTION | MALLOC_CAP_TCM | MALLOC_CAP_DMA);
		CHECK(p && in(p, N_EXTRA));
		heap_caps_free(p);
		p = heap_caps_malloc(64, MALLOC_CAP_TCM | MALLOC_CAP_32BIT);
		CHECK(p && in(p, N_EXTRA));
		heap_caps_free(p);
		/* RETENTION alone: the first RETENTION region, in added order */
		p = heap_caps_malloc(64, MALLOC_CAP_RETENTION);
		CHECK(p && in(p, 8));
		heap_caps_free(p);
		/* no region has RETENTION and RTCRAM together */
		esp_failed_reset();
		CHECK(heap_caps_malloc(64, MALLOC_CAP_RETENTION | MALLOC_CAP_RTCRAM) == NULL);
		CHECK_EQ(esp_failed.count, 1);
		CHECK_EQU(heap_caps_get_total_size(MALLOC_CAP_RETENTION | MALLOC_CAP_RTCRAM), 0);
		p = heap_caps_malloc(64, MALLOC_CAP_RETENTION | MALLOC_CAP_DMA);
		CHECK(p && in(p, N_EXTRA));
		heap_caps_free(p);
	}
	/* MALLOC_CAP_INVALID and unknown bits are never served */
	CHECK(heap_caps_malloc(16, MALLOC_CAP_INVALID | MALLOC_CAP_8BIT) == NULL);
	CHECK(heap_caps_malloc(16, (1u << 25) | MALLOC_CAP_8BIT) == NULL);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
