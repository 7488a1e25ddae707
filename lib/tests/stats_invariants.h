/* SPDX-License-Identifier: MIT */
/*
 * stats_invariants.h - what every statistic of every family must satisfy,
 * on both backends, at any moment a single thread looks (lib/README.md,
 * "Statistics"):
 *
 *   free blocks > 0 exactly when free bytes > 0
 *   largest free <= free
 *   smallest free <= largest free (both 0 with no free block)
 *   one free block: largest == free - at most one block's overhead
 *   allocated + free == total (memheap_region_info, os_meminfo: used <= total;
 *                              heap_caps/multi_heap: allocated + free <= total)
 *   minimum ever free <= free; peak used >= used
 *   allocated blocks + free blocks == total blocks
 *
 * si_check_all() checks memheap_region_info() for every region,
 * heap_caps_get_info() for a set of capabilities, vPortGetHeapStats(),
 * os_memory_info(); si_check_multi_heap() and si_check_oneos() one heap.
 * A failure prints which call, which field and the figures.
 */
#ifndef STATS_INVARIANTS_H
#define STATS_INVARIANTS_H

#include <FreeRTOS.h>
#include <esp_heap_caps.h>
#include <memheap.h>
#include <multi_heap.h>
#include <os_memory.h>

#include "lt.h"

/* Per-block overhead bound: a first-fit header; canaries when poisoned. */
static inline size_t si_block_overhead(void)
{
	const char *p = getenv("MEMHEAP_POISON");

	return p && strcmp(p, "none") ? 64 : 8;
}

#define SI_FAIL(where, ...) do {					\
	fprintf(stderr, "stats invariant, %s: ", (where));		\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	CHECK(!"statistics are consistent");				\
} while (0)

static inline void si_blocks(const char *where, size_t free_b, size_t largest,
		      size_t smallest, size_t nfree, bool have_smallest)
{
	if ((free_b > 0) != (nfree > 0))
		SI_FAIL(where, "free %zu but %zu free blocks", free_b, nfree);
	if (largest > free_b)
		SI_FAIL(where, "largest %zu > free %zu", largest, free_b);
	if (have_smallest && smallest > largest)
		SI_FAIL(where, "smallest %zu > largest %zu", smallest, largest);
	if (have_smallest && !nfree && smallest)
		SI_FAIL(where, "smallest %zu with no free block", smallest);
	if (nfree && !largest && free_b > si_block_overhead())
		SI_FAIL(where, "free %zu in %zu blocks but largest 0", free_b, nfree);
	if (nfree == 1 && free_b - largest > si_block_overhead())
		SI_FAIL(where, "one free block, but largest %zu vs free %zu", largest, free_b);
	if (nfree == 1 && have_smallest && smallest != largest)
		SI_FAIL(where, "one free block, but smallest %zu != largest %zu",
			smallest, largest);
}

static inline void si_check_region(unsigned int i)
{
	struct memheap_region r;
	char where[96];

	REQUIRE(memheap_region_info(i, &r) == 0);
	snprintf(where, sizeof(where), "memheap_region_info(%u '%s')", i, r.name);
	si_blocks(where, r.free, r.largest_free, 0, r.free_blocks, false);
	if (r.allocated + r.free != r.total)
		SI_FAIL(where, "allocated %zu + free %zu != total %zu", r.allocated, r.free, r.total);
	if (r.min_free > r.free)
		SI_FAIL(where, "min_free %zu > free %zu", r.min_free, r.free);
	if (r.peak_allocated < r.allocated)
		SI_FAIL(where, "peak %zu < allocated %zu", r.peak_allocated, r.allocated);
	if (r.total > r.end - r.start)
		SI_FAIL(where, "total %zu above the range %zu", r.total, (size_t)(r.end - r.start));
}

static inline void si_check_info(const char *where, const multi_heap_info_t *in, size_t total)
{
	si_blocks(where, in->total_free_bytes, in->largest_free_block, 0, in->free_blocks, false);
	if (in->total_allocated_bytes + in->total_free_bytes > total)
		SI_FAIL(where, "allocated %zu + free %zu > total %zu",
			in->total_allocated_bytes, in->total_free_bytes, total);
	if (in->minimum_free_bytes > in->total_free_bytes)
		SI_FAIL(where, "minimum free %zu > free %zu", in->minimum_free_bytes,
			in->total_free_bytes);
	if (in->allocated_blocks + in->free_blocks != in->total_blocks)
		SI_FAIL(where, "allocated blocks %zu + free blocks %zu != total blocks %zu",
			in->allocated_blocks, in->free_blocks, in->total_blocks);
}

static inline void si_check_caps(uint32_t caps)
{
	multi_heap_info_t in;
	char where[64];

	heap_caps_get_info(&in, caps);
	snprintf(where, sizeof(where), "heap_caps_get_info(%#x)", caps);
	si_check_info(where, &in, heap_caps_get_total_size(caps));
	if (heap_caps_get_free_size(caps) != in.total_free_bytes)
		SI_FAIL(where, "heap_caps_get_free_size %zu != info free %zu",
			heap_caps_get_free_size(caps), in.total_free_bytes);
	if (heap_caps_get_largest_free_block(caps) != in.largest_free_block)
		SI_FAIL(where, "heap_caps_get_largest_free_block %zu != info largest %zu",
			heap_caps_get_largest_free_block(caps), in.largest_free_block);
}

static inline void si_check_freertos(void)
{
	HeapStats_t s;

	vPortGetHeapStats(&s);
	si_blocks("vPortGetHeapStats", s.xAvailableHeapSpaceInBytes,
		  s.xSizeOfLargestFreeBlockInBytes, s.xSizeOfSmallestFreeBlockInBytes,
		  s.xNumberOfFreeBlocks, true);
	if (s.xMinimumEverFreeBytesRemaining > s.xAvailableHeapSpaceInBytes)
		SI_FAIL("vPortGetHeapStats", "minimum ever %zu > available %zu",
			s.xMinimumEverFreeBytesRemaining, s.xAvailableHeapSpaceInBytes);
	if (xPortGetFreeHeapSize() != s.xAvailableHeapSpaceInBytes)
		SI_FAIL("vPortGetHeapStats", "xPortGetFreeHeapSize %zu != available %zu",
			xPortGetFreeHeapSize(), s.xAvailableHeapSpaceInBytes);
}

static inline void si_check_meminfo(const char *where, const os_meminfo_t *m)
{
	if (m->mem_used > m->mem_total)
		SI_FAIL(where, "used %zu > total %zu", (size_t)m->mem_used, (size_t)m->mem_total);
	if (m->mem_maxused < m->mem_used)
		SI_FAIL(where, "max used %zu < used %zu", (size_t)m->mem_maxused,
			(size_t)m->mem_used);
}

static inline void si_check_oneos(os_memheap_t *heap)
{
	os_meminfo_t m;

	os_memheap_info(heap, &m);
	si_check_meminfo("os_memheap_info", &m);
}

static inline void si_check_multi_heap(multi_heap_handle_t h)
{
	multi_heap_info_t in;

	multi_heap_get_info(h, &in);
	si_check_info("multi_heap_get_info", &in,
		      in.total_free_bytes + in.total_allocated_bytes);
	if (multi_heap_free_size(h) != in.total_free_bytes)
		SI_FAIL("multi_heap_get_info", "multi_heap_free_size %zu != free %zu",
			multi_heap_free_size(h), in.total_free_bytes);
}

static inline void si_check_all(void)
{
	static const uint32_t caps[] = {
		MALLOC_CAP_DEFAULT, MALLOC_CAP_8BIT, MALLOC_CAP_32BIT, MALLOC_CAP_DMA,
		MALLOC_CAP_SPIRAM, MALLOC_CAP_INTERNAL, MALLOC_CAP_8BIT | MALLOC_CAP_DEFAULT,
	};
	os_meminfo_t m;

	for (unsigned int i = 0; i < memheap_region_count(); i++)
		si_check_region(i);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		si_check_caps(caps[i]);
	si_check_freertos();
	os_memory_info(&m);
	si_check_meminfo("os_memory_info", &m);
}

#endif /* STATS_INVARIANTS_H */
