/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * walk: mh_walk visits every block once: the block sizes add up to
 * total_bytes, the used/free counts are allocated_blocks / free_blocks /
 * total_blocks, the blocks of a region are contiguous in the walk, in
 * ascending address order, never overlap (first-fit: tile the region),
 * each inside its region, used blocks report the user pointer and its
 * usable size; returning false stops the walk at once.  Single and
 * multi-region heaps, both algorithms, all poison levels.
 */
#include "helpers.h"

static void check_walk(struct th *t, void **live, size_t nlive)
{
	struct mh_stats s = th_stats(t);
	struct walk_list w = th_walk(t);
	size_t sum = 0, used = 0, freeb = 0;
	int cur = -1;
	bool seen[8] = { false };

	for (size_t i = 0; i < w.n; i++) {
		const struct mh_block_info *b = &w.b[i];
		unsigned char *blk = b->block, *ptr = b->ptr;

		sum += b->block_size;
		if (b->used)
			used++;
		else
			freeb++;
		CHECK(b->region >= 0 && b->region < t->nregions);
		CHECK_EQ(th_region_of(t, blk, b->block_size), b->region);
		CHECK(ptr >= blk && ptr + b->size <= blk + b->block_size);
		CHECK(b->block_size > 0);
		if (b->region != cur) {
			CHECK_MSG(!seen[b->region], "region %d visited twice", b->region);
			seen[b->region] = true;
			cur = b->region;
		} else {
			const struct mh_block_info *pb = &w.b[i - 1];

			CHECK((unsigned char *)pb->block + pb->block_size <= blk);
			if (t->algo[cur] == MH_ALGO_FIRSTFIT)
				CHECK_MSG((unsigned char *)pb->block + pb->block_size == blk,
					  "first-fit blocks do not tile: gap before %p", (void *)blk);
			/* first-fit coalesces: no two free neighbours */
			if (t->algo[cur] == MH_ALGO_FIRSTFIT)
				CHECK(pb->used || b->used);
		}
		if (b->used)
			CHECK_EQ(b->size, mh_usable_size(&t->heap, b->ptr));
	}
	CHECK_EQ(sum, s.total_bytes);
	CHECK_EQ(used, s.allocated_blocks);
	CHECK_EQ(freeb, s.free_blocks);
	CHECK_EQ(w.n, s.total_blocks);
	CHECK_EQ(used, nlive);
	for (size_t i = 0; i < nlive; i++) {
		const struct mh_block_info *b = walk_find(&w, live[i]);

		if (!b || !b->used) {
			const struct mh_block_info *c = walk_containing(&w, live[i]);

			if (c)
				FAILF("live block %p (usable %zu) missing from the walk; its block %p "
				      "(%zu bytes, region %d, %s) reports ptr %p size %zu", live[i],
				      mh_usable_size(&t->heap, live[i]), c->block, c->block_size,
				      c->region, c->used ? "used" : "free", c->ptr, c->size);
			FAILF("live block %p missing from the walk", live[i]);
		}
	}
	/* stop after k blocks */
	for (size_t k = 1; k <= w.n && k < 5; k++) {
		struct walk_list w2 = { 0 };

		w2.stop_after = k;
		CHECK_RC(mh_walk(&t->heap, walk_collect_cb, &w2), MH_OK);
		CHECK_EQ(w2.n, k);
		free(w2.b);
	}
	free(w.b);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) for (int nreg = 1; nreg <= 3; nreg++) {
		struct th t;
		void *live[500];
		size_t nlive = 0;
		struct rng r = { (uint64_t)nreg * 100 + (uint64_t)a * 10 + (uint64_t)p };

		t_ctx("algo=%s poison=%s regions=%d", algo_name(a), poison_name(p), nreg);
		th_init(&t, p);
		for (int i = 0; i < nreg; i++)
			th_add(&t, 30000 + (size_t)i * 20000, i == 1 ? (a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY) : a);
		check_walk(&t, live, 0);
		for (int step = 0; step < 2000; step++) {
			if (nlive < 500 && rng_below(&r, 100) < 60) {
				void *x = rng_below(&r, 4) ? mh_alloc(&t.heap, rng_range(&r, 1, 900))
							   : mh_aligned_alloc(&t.heap, (size_t)1 << rng_below(&r, 10), rng_range(&r, 1, 300));

				if (x)
					live[nlive++] = x;
			} else if (nlive) {
				size_t k = rng_below(&r, nlive);

				CHECK_RC(mh_free(&t.heap, live[k]), MH_OK);
				live[k] = live[--nlive];
			}
			if (step % 100 == 0)
				check_walk(&t, live, nlive);
		}
		while (nlive)
			CHECK_RC(mh_free(&t.heap, live[--nlive]), MH_OK);
		check_walk(&t, live, 0);
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
