/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * regress_largest_free: stats.largest_free is exact for the state it is read
 * in: mh_alloc(largest_free) succeeds and mh_alloc(largest_free + 1) fails,
 * in many random heap states
 * (fresh, fragmented, nearly full, after frees), both algorithms, all poison
 * levels, one to three regions of mixed algorithms and odd sizes.  When it
 * is 0, mh_alloc(1) fails.
 */
#include "helpers.h"

#define MAXLIVE 4096

static void probe(struct th *t, size_t step)
{
	struct mh_stats s = th_stats(t), s2;
	void *x;

	CHECK_STATS_SANE(s);
	if (s.largest_free == 0) {
		CHECK_MSG(mh_alloc(&t->heap, 1) == NULL, "largest_free 0 but mh_alloc(1) works (step %zu)", step);
		return;
	}
	x = mh_alloc(&t->heap, s.largest_free);
	CHECK_MSG(x, "mh_alloc(largest_free = %zu) failed (step %zu, free %zu)", s.largest_free, step,
		  s.free_bytes);
	/*
	 * largest_free is exact for the state it was read in (docs/engines.md):
	 * taking a block may make another, larger one of the same first-fit
	 * size class reachable, so the property is re-read and checked again
	 * in the new state rather than carried across.
	 */
	s2 = th_stats(t);
	if (s2.largest_free)
		CHECK_MSG(mh_alloc(&t->heap, s2.largest_free + 1) == NULL,
			  "mh_alloc(largest_free + 1 = %zu) succeeded after taking a block (step %zu)",
			  s2.largest_free + 1, step);
	CHECK_RC(mh_free(&t->heap, x), MH_OK);
	/* back to the state before: the property holds again, nothing leaked */
	s2 = th_stats(t);
	CHECK_EQ(s2.free_bytes, s.free_bytes);
	CHECK_MSG(s2.largest_free >= 1, "largest_free 0 after freeing (step %zu)", step);
	x = mh_alloc(&t->heap, s2.largest_free + 1);
	CHECK_MSG(x == NULL, "mh_alloc(largest_free + 1 = %zu) succeeded (step %zu)", s2.largest_free + 1, step);
	s = th_stats(t);
	CHECK_EQ(s.largest_free, s2.largest_free);	/* a failed alloc changes nothing */
}

int main(void)
{
	size_t rounds = t_iters(12);

	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) for (int nreg = 1; nreg <= 3; nreg++)
	for (size_t round = 0; round < rounds; round++) {
		struct th t;
		static void *v[MAXLIVE];
		size_t n = 0;
		struct rng r = { round * 104729 + (uint64_t)p * 13 + (uint64_t)a * 5 + (uint64_t)nreg };

		t_ctx("algo=%s poison=%s regions=%d round=%zu", algo_name(a), poison_name(p), nreg, round);
		th_init(&t, p);
		for (int i = 0; i < nreg; i++)
			th_add(&t, rng_range(&r, 3000, 120000),
			       i == 0 ? a : (rng_below(&r, 2) ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY));
		probe(&t, 0);
		for (size_t step = 1; step <= 400; step++) {
			if (n < MAXLIVE && rng_below(&r, 100) < 65) {
				size_t s = rng_below(&r, 8) ? rng_range(&r, 1, 2000) : rng_range(&r, 1, 40000);
				void *x = rng_below(&r, 8) ? mh_alloc(&t.heap, s)
					  : mh_aligned_alloc(&t.heap, (size_t)1 << rng_range(&r, 3, 12), s);

				if (x)
					v[n++] = x;
			} else if (n) {
				size_t i = rng_below(&r, n);

				CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
				v[i] = v[--n];
			}
			probe(&t, step);
		}
		/* fill completely with small blocks, probing as it gets tight */
		for (size_t step = 0; n < MAXLIVE; step++) {
			void *x = mh_alloc(&t.heap, rng_range(&r, 1, 64));

			if (!x)
				break;
			v[n++] = x;
			if (step % 16 == 0)
				probe(&t, 1000 + step);
		}
		probe(&t, 99999);
		CHECK_HEAP_OK(&t);
		while (n--)
			CHECK_RC(mh_free(&t.heap, v[n]), MH_OK);
		probe(&t, 100000);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
