/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * check: mh_check returns MH_OK and reports nothing on healthy heaps of
 * every shape (empty, fresh, full, fragmented, after aligned allocations and
 * reallocs, several regions), both algorithms, all poison levels, and does
 * not change the heap (stats identical before and after).
 */
#include "helpers.h"

static void check_quiet(struct th *t)
{
	struct mh_stats s0 = th_stats(t), s1;

	CHECK_HEAP_OK(t);
	s1 = th_stats(t);
	CHECK_STATS_SAME(s0, s1, 0);
	CHECK_REC_NONE(&t->rec);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		void *v[3000];
		size_t n = 0;
		struct rng r = { 5 };

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_init(&t, p);
		check_quiet(&t);	/* no region */
		th_add(&t, 65536, a);
		th_add(&t, 20000, a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY);
		check_quiet(&t);
		/* full */
		while (n < 3000 && (v[n] = mh_alloc(&t.heap, rng_range(&r, 1, 200))) != NULL)
			n++;
		while (n < 3000 && (v[n] = mh_alloc(&t.heap, 1)) != NULL)
			n++;
		CHECK(n < 3000);
		check_quiet(&t);
		/* fragmented */
		for (size_t i = 0; i < n; i += 2) {
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
			v[i] = NULL;
		}
		check_quiet(&t);
		/* reallocs and aligned allocations in the holes */
		for (size_t i = 1; i < n; i += 4) {
			void *y = mh_realloc(&t.heap, v[i], rng_range(&r, 1, 400));

			if (y)
				v[i] = y;
		}
		for (size_t i = 0; i < n; i += 8)
			v[i] = mh_aligned_alloc(&t.heap, (size_t)1 << rng_below(&r, 8), rng_range(&r, 1, 64));
		check_quiet(&t);
		for (size_t i = 0; i < n; i++)
			if (v[i])
				CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
		check_quiet(&t);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
