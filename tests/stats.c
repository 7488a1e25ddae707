/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * stats: a fresh heap (nothing allocated, free == total, min_free_ever ==
 * total, peak 0, counters 0); after each operation the counters move as
 * documented (alloc_count, free_count, failed_count, allocated_blocks),
 * allocated_bytes covers every usable byte plus overhead, free + allocated
 * == total, min_free_ever / peak_allocated track the extremes; totals add
 * up over several regions; the walk agrees with the byte and block counts.
 */
#include "helpers.h"

static void walk_agrees(struct th *t)
{
	struct mh_stats s = th_stats(t);
	struct walk_list w = th_walk(t);
	size_t ub = 0, fb = 0, un = 0, fn = 0;

	for (size_t i = 0; i < w.n; i++) {
		if (w.b[i].used) {
			ub += w.b[i].block_size;
			un++;
		} else {
			fb += w.b[i].block_size;
			fn++;
		}
	}
	CHECK_EQ(ub, s.allocated_bytes);
	CHECK_EQ(fb, s.free_bytes);
	CHECK_EQ(un, s.allocated_blocks);
	CHECK_EQ(fn, s.free_blocks);
	CHECK_EQ(w.n, s.total_blocks);
	free(w.b);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		struct mh_stats s0, s, prev;
		void *v[200];
		size_t sz[200], lowest, highest, usable_sum = 0;
		size_t allocs = 0, frees = 0, fails = 0;
		struct rng r = { 77 };

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, 100000);
		s0 = th_stats(&t);
		CHECK(s0.total_bytes > 0 && s0.total_bytes <= 100000);
		CHECK_EQ(s0.free_bytes, s0.total_bytes);
		CHECK_EQ(s0.allocated_bytes, 0);
		CHECK_EQ(s0.allocated_blocks, 0);
		CHECK(s0.free_blocks >= 1);
		CHECK_EQ(s0.total_blocks, s0.free_blocks);
		CHECK_EQ(s0.regions, 1);
		CHECK_EQ(s0.min_free_ever, s0.total_bytes);
		CHECK_EQ(s0.peak_allocated, 0);
		CHECK_EQ(s0.alloc_count, 0);
		CHECK_EQ(s0.free_count, 0);
		CHECK_EQ(s0.failed_count, 0);
		CHECK_EQ(s0.error_count, 0);
		CHECK(s0.largest_free > 0 && s0.largest_free <= s0.free_bytes);
		if (a == MH_ALGO_FIRSTFIT)
			CHECK_EQ(s0.free_blocks, 1);
		walk_agrees(&t);
		lowest = s0.free_bytes;
		highest = 0;

		for (int i = 0; i < 200; i++) {
			sz[i] = rng_range(&r, 1, 2000);
			prev = th_stats(&t);
			v[i] = mh_alloc(&t.heap, sz[i]);
			s = th_stats(&t);
			CHECK_STATS_SANE(s);
			if (v[i]) {
				allocs++;
				usable_sum += mh_usable_size(&t.heap, v[i]);
				CHECK_EQ(s.allocated_blocks, prev.allocated_blocks + 1);
				CHECK(s.allocated_bytes >= prev.allocated_bytes + sz[i]);
				/* overhead included (none for buddy without poisoning) */
				if (a == MH_ALGO_BUDDY && p == MH_POISON_NONE)
					CHECK(s.allocated_bytes >= usable_sum);
				else
					CHECK(s.allocated_bytes > usable_sum);
			} else {
				fails++;
				CHECK_STATS_SAME(prev, s, 1);
			}
			CHECK_EQ(s.alloc_count, allocs);
			CHECK_EQ(s.failed_count, fails);
			if (s.free_bytes < lowest)
				lowest = s.free_bytes;
			if (s.allocated_bytes > highest)
				highest = s.allocated_bytes;
			CHECK_EQ(s.min_free_ever, lowest);
			CHECK_EQ(s.peak_allocated, highest);
			/* free some, keep the heap churning */
			if (v[i] && rng_below(&r, 3) == 0) {
				usable_sum -= mh_usable_size(&t.heap, v[i]);
				CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
				v[i] = NULL;
				frees++;
				s = th_stats(&t);
				CHECK_EQ(s.free_count, frees);
				CHECK_EQ(s.min_free_ever, lowest);
				CHECK_EQ(s.peak_allocated, highest);
			}
			if (i % 20 == 0)
				walk_agrees(&t);
		}
		CHECK(fails > 0);	/* ~130 live x ~1000 bytes > 100000 */
		walk_agrees(&t);
		for (int i = 0; i < 200; i++)
			if (v[i]) {
				CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
				frees++;
			}
		s = th_stats(&t);
		CHECK_EQ(s.free_count, frees);
		CHECK_EQ(s.alloc_count, allocs);
		CHECK_EQ(s.allocated_bytes, 0);
		CHECK_EQ(s.allocated_blocks, 0);
		CHECK_EQ(s.free_bytes, s.total_bytes);
		CHECK_EQ(s.total_bytes, s0.total_bytes);
		CHECK_EQ(s.largest_free, s0.largest_free);
		CHECK_EQ(s.min_free_ever, lowest);
		CHECK_EQ(s.peak_allocated, highest);
		CHECK_EQ(s.error_count, 0);
		walk_agrees(&t);
		th_fini(&t);

		/* several regions add up */
		{
			struct th one;
			size_t tot = 0, lf = 0;
			static const size_t rs[] = { 10000, 50000, 30000 };

			t_ctx("algo=%s poison=%s multi", algo_name(a), poison_name(p));
			th_init(&t, p);
			for (int i = 0; i < 3; i++) {
				enum mh_algo ra = i == 1 ? a : (a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY);

				th_simple(&one, ra, p, rs[i]);
				s = th_stats(&one);
				tot += s.total_bytes;
				if (s.largest_free > lf)
					lf = s.largest_free;
				th_fini(&one);
				th_add(&t, rs[i], ra);
			}
			s = th_stats(&t);
			CHECK_EQ(s.regions, 3);
			CHECK_EQ(s.total_bytes, tot);
			CHECK_EQ(s.free_bytes, tot);
			CHECK_EQ(s.min_free_ever, tot);
			CHECK_EQ(s.largest_free, lf);
			walk_agrees(&t);
			CHECK_REC_NONE(&t.rec);
			th_fini(&t);
		}
	}
	arena_free_all();
	return 0;
}
