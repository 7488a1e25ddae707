/* SPDX-License-Identifier: MIT */
/*
 * core_walk_stop: a walk callback that returns false ends the current
 * region's walk, and the next region is still walked.  The largest region
 * gets enough small blocks to need several kernel buffers (arenas of at
 * most 256 KiB) on the kernel backend, where each arena used to be walked
 * on its own; the embedded backend must follow the same rule.
 */
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "lt.h"

#define NBLOCKS		600
#define BLOCK_SIZE	1000
#define ARENA_MAX	(256u * 1024u)

struct visits {
	unsigned int stop_after;	/* 0: never stop */
	size_t count[64];		/* blocks seen per region index */
	size_t used[64];
	uintptr_t lo, hi;		/* address span of used blocks of @target */
	unsigned int target;
};

static unsigned int index_of(const struct mhl_region_info *info)
{
	return (unsigned int)mhl_region_find(info->name);
}

static bool visit(const struct mhl_region_info *info, const struct mh_block_info *b,
		  void *ctx)
{
	struct visits *v = ctx;
	unsigned int i = index_of(info);

	if (i >= 64)
		return false;
	v->count[i]++;
	if (b->used) {
		v->used[i]++;
		if (i == v->target) {
			uintptr_t a = (uintptr_t)b->ptr;

			if (!v->lo || a < v->lo)
				v->lo = a;
			if (a > v->hi)
				v->hi = a;
		}
	}
	return !v->stop_after || v->count[i] < v->stop_after;
}

int main(void)
{
	unsigned int n = mhl_region_count(), target = 0;
	struct mhl_region_info info;
	struct visits all = { 0 };
	unsigned char *blk[NBLOCKS];

	REQUIRE(n > 0 && n <= 64);
	/* the largest region */
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region_info ri, best;

		REQUIRE(mhl_region_get(i, &ri, NULL) == 0);
		REQUIRE(mhl_region_get(target, &best, NULL) == 0);
		if (ri.end - ri.start > best.end - best.start)
			target = i;
	}
	REQUIRE(mhl_region_get(target, &info, NULL) == 0);
	for (int i = 0; i < NBLOCKS; i++) {
		blk[i] = mhl_region_alloc(target, BLOCK_SIZE, 0, 0);
		REQUIRE(blk[i]);
		memset(blk[i], i & 0xff, BLOCK_SIZE);
	}

	/* a full walk sees every block, spread over more than one arena's span */
	all.target = target;
	CHECK_EQ(mhl_walk(0, visit, &all), 0);
	CHECK(all.used[target] >= NBLOCKS);
	CHECK(all.hi - all.lo > ARENA_MAX);

	for (unsigned int stop = 1; stop <= 5; stop += 4) {
		struct visits v = { .stop_after = stop, .target = target };

		CHECK_EQ(mhl_walk(0, visit, &v), 0);
		/* the target region stops where told; every region is still walked */
		CHECK_EQU(v.count[target], stop);
		for (unsigned int i = 0; i < n; i++)
			CHECK_EQU(v.count[i], all.count[i] < stop ? all.count[i] : stop);
	}

	/* the same through a caps filter that selects the target region */
	{
		struct visits v = { .stop_after = 1, .target = target };

		CHECK_EQ(mhl_walk(info.caps, visit, &v), 0);
		CHECK_EQU(v.count[target], 1);
	}

	for (int i = 0; i < NBLOCKS; i++) {
		for (int j = 0; j < BLOCK_SIZE; j++)
			if (blk[i][j] != (unsigned char)(i & 0xff)) {
				CHECK(!"block contents changed");
				break;
			}
		CHECK_EQ(mhl_free(blk[i], "t"), 0);
	}
	CHECK_EQ(mhl_check(0, true), 0);
	return lt_done();
}
