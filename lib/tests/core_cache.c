/* SPDX-License-Identifier: MIT */
/*
 * core_cache: the per-thread cache of small blocks keeps every statistic
 * exact (free, largest free, minimum free, peak, block and operation
 * counts), a request the engine refuses only because blocks sit in a cache
 * still succeeds (and counts no failure), misuse of a cached block is
 * caught, sizes and zeroing are what the engine gives.  One thread; the
 * threaded cases are in core_cache_threads.  Embedded backend, own layout.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "lt.h"

#define CAP_FF (MEMHEAP_CAP_INTERNAL | MEMHEAP_CAP_DMA)
#define FF 0u		/* first-fit region index */
#define BUD 1u		/* buddy region index */

static int reports, last_code;

static void count_report(const struct mhl_error_report *rep, void *ctx)
{
	(void)ctx;
	reports++;
	last_code = rep->code;
}

static struct mhl_stats stats(unsigned int region)
{
	struct mhl_stats st;

	REQUIRE(mhl_region_get(region, NULL, &st) == 0);
	return st;
}

/* first-fit charge of a block with @usable bytes: usable + the 8-byte header */
static size_t ff_charge(size_t usable)
{
	return usable + 8;
}

static void test_hits_keep_counts_exact(void)
{
	struct mhl_stats s0, s1;
	void *p, *q;

	mhl_reset_min_free(CAP_FF);
	s0 = stats(FF);
	p = mhl_alloc(64, 0, CAP_FF, 0, "t");
	REQUIRE(p);
	CHECK_EQU(mhl_usable_size(p), 64);
	CHECK_EQ(mhl_free(p, "t"), 0);
	for (int i = 0; i < 1000; i++) {
		q = mhl_alloc(64, 0, CAP_FF, 0, "t");
		REQUIRE(q);
		CHECK_PTR(q, p);		/* served by the cache: the block just freed */
		*(volatile char *)q = 1;
		CHECK_EQ(mhl_free(q, "t"), 0);
	}
	s1 = stats(FF);
	CHECK_EQU(s1.free, s0.free);
	CHECK_EQU(s1.allocated, s0.allocated);
	CHECK_EQU(s1.largest_free, s0.largest_free);
	CHECK_EQU(s1.free_blocks, s0.free_blocks);
	CHECK_EQU(s1.allocated_blocks, s0.allocated_blocks);
	CHECK_EQU(s1.alloc_count, s0.alloc_count + 1001);
	CHECK_EQU(s1.free_count, s0.free_count + 1001);
	CHECK_EQU(s1.failed_count, s0.failed_count);
	/* one block of 64 was the most ever held: exactly its charge */
	CHECK_EQU(s1.min_free, s0.free - ff_charge(64));
	CHECK_EQU(s1.peak_allocated, s0.allocated + ff_charge(64));
}

static void test_free_moves_by_charge(void)
{
	/* every size the cache serves: the same usable size and charge as the engine */
	for (size_t size = 0; size <= 1100; size += 7) {
		struct mhl_stats s0 = stats(FF), s1, s2;
		void *p = mhl_alloc(size, 0, CAP_FF, 0, "t");
		size_t u;

		REQUIRE(p);
		u = mhl_usable_size(p);
		CHECK(u >= size);
		s1 = stats(FF);
		CHECK_EQU(s0.free - s1.free, ff_charge(u));
		CHECK_EQ(mhl_free(p, "t"), 0);
		p = mhl_alloc(size, 0, CAP_FF, 0, "t");	/* from the cache when cacheable */
		REQUIRE(p);
		CHECK_EQU(mhl_usable_size(p), u);
		s2 = stats(FF);
		CHECK_EQU(s2.free, s1.free);
		CHECK_EQU(s2.allocated_blocks, s1.allocated_blocks);
		CHECK_EQ(mhl_free(p, "t"), 0);
		CHECK_EQU(stats(FF).free, s0.free);
	}
}

static void test_min_free_counts_cached_as_free(void)
{
	void *p[11];
	struct mhl_stats s0, s1;

	mhl_reset_min_free(CAP_FF);
	s0 = stats(FF);
	for (int i = 0; i < 10; i++)
		REQUIRE((p[i] = mhl_alloc(40, 0, CAP_FF, 0, "t")));
	for (int i = 0; i < 10; i++)
		CHECK_EQ(mhl_free(p[i], "t"), 0);
	/* ten cached blocks come back, one more from the engine */
	for (int i = 0; i < 11; i++)
		REQUIRE((p[i] = mhl_alloc(40, 0, CAP_FF, 0, "t")));
	for (int i = 0; i < 11; i++)
		CHECK_EQ(mhl_free(p[i], "t"), 0);
	for (int i = 0; i < 5; i++)
		REQUIRE((p[i] = mhl_alloc(40, 0, CAP_FF, 0, "t")));
	s1 = stats(FF);
	CHECK_EQU(s1.free, s0.free - 5 * ff_charge(40));
	CHECK_EQU(s1.min_free, s0.free - 11 * ff_charge(40));
	CHECK_EQU(s1.peak_allocated, s0.allocated + 11 * ff_charge(40));
	for (int i = 0; i < 5; i++)
		CHECK_EQ(mhl_free(p[i], "t"), 0);
	/* a reset starts from what users hold now */
	mhl_reset_min_free(CAP_FF);
	s1 = stats(FF);
	CHECK_EQU(s1.min_free, s0.free);
	CHECK_EQU(s1.peak_allocated, s0.allocated);
}

/* Fill region FF with 100-byte blocks; returns how many (in @blk). */
static size_t fill(void **blk, size_t max)
{
	size_t n = 0;

	while (n < max && (blk[n] = mhl_region_alloc(FF, 100, 0, 0)))
		n++;
	return n;
}

static void test_cached_blocks_never_make_a_request_fail(void)
{
	static void *blk[4096];
	struct mhl_stats s0 = stats(FF), s1, s2;
	size_t n = fill(blk, 4096), largest = s0.largest_free;
	void *big;

	REQUIRE(n > 100 && n < 4096);
	s1 = stats(FF);
	CHECK_EQU(s1.failed_count, s0.failed_count + 1);	/* the one that ended the fill */
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(mhl_free(blk[i], "t"), 0);
	/* the last blocks freed sit in this thread's cache: the engine is fragmented
	 * until they come back, which the refused request makes happen */
	big = mhl_region_alloc(FF, largest, 0, 0);
	REQUIRE(big);
	s2 = stats(FF);
	CHECK_EQU(s2.failed_count, s1.failed_count);
	CHECK_EQU(s2.free, s0.free - ff_charge(mhl_usable_size(big)));
	CHECK_EQ(mhl_free(big, "t"), 0);

	/* the same again, asking for one byte more than largest: one failure, not two */
	n = fill(blk, 4096);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(mhl_free(blk[i], "t"), 0);
	s1 = stats(FF);
	CHECK_EQU(s1.largest_free, largest);
	CHECK_EQU(s1.free, s0.free);
	for (size_t i = 0; i < 8; i++)
		REQUIRE((blk[i] = mhl_region_alloc(FF, 100, 0, 0)));
	for (size_t i = 0; i < 8; i++)
		CHECK_EQ(mhl_free(blk[i], "t"), 0);
	CHECK(mhl_region_alloc(FF, largest + 1, 0, 0) == NULL);
	s2 = stats(FF);
	CHECK_EQU(s2.failed_count, s1.failed_count + 1);
	CHECK_EQU(s2.free, s0.free);
	CHECK_EQU(s2.largest_free, largest);
	CHECK_EQU(s2.allocated_blocks, s0.allocated_blocks);
}

static void test_misuse_of_cached_block(void)
{
	struct mhl_stats s0, s1;
	void *p = mhl_alloc(48, 0, CAP_FF, 0, "t"), *keep;

	REQUIRE(p);
	keep = mhl_alloc(48, 0, CAP_FF, 0, "t");
	REQUIRE(keep);
	mhl_set_error_handler(count_report, NULL, NULL, NULL);
	CHECK_EQ(mhl_free(p, "t"), 0);			/* into the cache */
	reports = 0;
	CHECK_EQ(mhl_free(p, "os_free"), MHL_EDOUBLEFREE);
	CHECK_EQ(reports, 1);
	CHECK_EQ(last_code, MHL_EDOUBLEFREE);
	CHECK(mhl_realloc(p, 100, 0, 0, "os_realloc") == NULL);
	CHECK_EQ(reports, 2);
	CHECK_EQ(last_code, MHL_EDOUBLEFREE);
	CHECK_EQU(mhl_usable_size(p), 0);
	/* the cached block is still served once, and only once */
	void *again = mhl_alloc(48, 0, CAP_FF, 0, "t"), *other = mhl_alloc(48, 0, CAP_FF, 0, "t");

	CHECK_PTR(again, p);
	CHECK(other && other != p);
	CHECK_EQ(reports, 2);
	mhl_set_error_handler(NULL, NULL, NULL, NULL);
	CHECK_EQ(mhl_free(again, "t"), 0);
	CHECK_EQ(mhl_free(other, "t"), 0);
	CHECK_EQ(mhl_free(keep, "t"), 0);
	CHECK_EQ(mhl_check(0, false), 0);

	/* error counts: the three misuses above */
	s0 = stats(FF);
	keep = mhl_alloc(48, 0, CAP_FF, 0, "t");
	mhl_set_error_handler(count_report, NULL, NULL, NULL);
	CHECK_EQ(mhl_free(keep, "t"), 0);
	CHECK_EQ(mhl_free(keep, "t"), MHL_EDOUBLEFREE);
	mhl_set_error_handler(NULL, NULL, NULL, NULL);
	s1 = stats(FF);
	CHECK_EQU(s1.error_count, s0.error_count + 1);
	CHECK_EQU(s1.free, s0.free);
	CHECK_EQU(s1.free_count, s0.free_count + 1);
}

static bool find_block(const struct mhl_region_info *ri, const struct mh_block_info *b, void *ctx)
{
	void **want = ctx;

	(void)ri;
	if (b->used && b->ptr == *want)
		*want = NULL;
	return true;
}

/* A walk callback may allocate and free, in the walked region too. */
static bool alloc_in_walk(const struct mhl_region_info *ri, const struct mh_block_info *b,
			  void *ctx)
{
	int *calls = ctx;
	void *p = mhl_alloc(b->size < 200 ? b->size + 1 : 64, 0, CAP_FF, 0, "t");

	(void)ri;
	if (p && mhl_free(p, "t") == 0)
		(*calls)++;
	return *calls < 50;
}

static void test_walk_and_zero(void)
{
	struct mhl_stats s0 = stats(FF);
	int calls = 0;

	CHECK_EQ(mhl_walk(CAP_FF, alloc_in_walk, &calls), 0);
	CHECK(calls > 0);
	CHECK_EQU(stats(FF).free, s0.free);
}

static void test_cached_block_is_free_and_calloc_zeroes(void)
{
	unsigned char *p = mhl_alloc(64, 0, CAP_FF, 0, "t"), *q;
	void *want = p;

	REQUIRE(p);
	memset(p, 0xaa, 64);
	CHECK_EQ(mhl_free(p, "t"), 0);
	CHECK_EQ(mhl_walk(CAP_FF, find_block, &want), 0);
	CHECK_PTR(want, p);			/* a cached block is a free block */
	q = mhl_alloc(64, 0, CAP_FF, 0, "t");
	REQUIRE(q);
	CHECK_EQ(mhl_free(q, "t"), 0);
	q = mhl_calloc(8, 8, 0, CAP_FF, 0, "t");
	REQUIRE(q);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(q[i], 0);
	CHECK_EQ(mhl_free(q, "t"), 0);
}

static void test_buddy_region(void)
{
	struct mhl_stats s0 = stats(BUD), s1;
	void *p;

	for (int i = 0; i < 100; i++) {
		p = mhl_region_alloc(BUD, 100, 0, 0);
		REQUIRE(p);
		CHECK_EQU(mhl_usable_size(p), 128);
		CHECK_EQ(mhl_free(p, "t"), 0);
	}
	s1 = stats(BUD);
	CHECK_EQU(s1.free, s0.free);
	CHECK_EQU(s1.largest_free, s0.largest_free);
	CHECK_EQU(s1.alloc_count, s0.alloc_count + 100);
	CHECK_EQU(s1.free_count, s0.free_count + 100);
	CHECK(s1.min_free <= s0.free - 128);
	CHECK_EQ(mhl_check(0, false), 0);
}

static void test_aligned_and_realloc(void)
{
	struct mhl_stats s0 = stats(FF);
	void *p = mhl_alloc(64, 64, CAP_FF, 0, "t");

	REQUIRE(p);
	CHECK_EQU((uintptr_t)p % 64, 0);
	CHECK_EQ(mhl_free(p, "t"), 0);
	p = mhl_alloc(64, 0, CAP_FF, 0, "t");
	REQUIRE(p);
	p = mhl_realloc(p, 200, 0, 0, "t");
	REQUIRE(p);
	CHECK(mhl_usable_size(p) >= 200);
	CHECK_EQ(mhl_free(p, "t"), 0);
	CHECK_EQU(stats(FF).free, s0.free);
	CHECK_EQU(stats(FF).allocated_blocks, s0.allocated_blocks);
}

static void test_damage_while_cached(void)
{
	unsigned char *p = mhl_alloc(100, 0, CAP_FF, 0, "t"), saved[8];
	struct mhl_stats s0, s1;
	size_t charge;

	REQUIRE(p);
	charge = ff_charge(mhl_usable_size(p));
	s0 = stats(FF);
	CHECK_EQ(mhl_free(p, "t"), 0);		/* cached */
	memcpy(saved, p - 8, 8);
	memset(p - 8, 0x5a, 8);			/* the engine's header, overwritten */
	mhl_set_error_handler(count_report, NULL, NULL, NULL);
	reports = 0;
	s1 = stats(FF);				/* the cache empties: the engine refuses it */
	CHECK_EQ(reports, 1);
	CHECK(last_code == MHL_EHEADER || last_code == MHL_EFOREIGN);
	/* the damaged block is still allocated in the engine: counted as held */
	CHECK_EQU(s1.free, s0.free);
	CHECK(s1.min_free <= s1.free);
	CHECK(mhl_check(CAP_FF, false) != 0);
	memcpy(p - 8, saved, 8);			/* repaired, it can be freed for good */
	CHECK_EQ(mhl_check(CAP_FF, false), 0);
	CHECK_EQ(mhl_free(p, "t"), 0);
	mhl_set_error_handler(NULL, NULL, NULL, NULL);
	s1 = stats(FF);
	CHECK_EQU(s1.free, s0.free + charge);
	CHECK(s1.min_free <= s1.free);
}

int main(void)
{
	setenv("MEMHEAP_REGIONS",
	       "ff:256K:dma:internal:8bit:32bit:default,bud:256K:spiram:8bit:buddy", 1);
	setenv("MEMHEAP_BACKEND", "embedded", 1);
	unsetenv("MEMHEAP_POISON");
	unsetenv("MEMHEAP_TRACK");
	test_hits_keep_counts_exact();
	test_free_moves_by_charge();
	test_min_free_counts_cached_as_free();
	test_cached_blocks_never_make_a_request_fail();
	test_misuse_of_cached_block();
	test_walk_and_zero();
	test_cached_block_is_free_and_calloc_zeroes();
	test_buddy_region();
	test_aligned_and_realloc();
	test_damage_while_cached();
	CHECK_EQ(mhl_check(0, false), 0);
	return lt_done();
}
