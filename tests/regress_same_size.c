/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * regress_same_size: after freeing a block, allocating the same size again
 * always succeeds (segregated-fit engines that round the request up to the
 * next size class can miss the block just freed).  Random heap states from
 * sparse to nearly full, many sizes (tiny, odd, powers of two and their
 * neighbours, KiB), both algorithms, all poison levels, one and three
 * regions; the freed block may have come from aligned_alloc.
 */
#include "helpers.h"

#define MAXLIVE 4096

static size_t pick_size(struct rng *r)
{
	switch (rng_below(r, 5)) {
	case 0: return rng_range(r, 1, 32);
	case 1: return rng_range(r, 1, 600);
	case 2: { size_t p2 = (size_t)1 << rng_range(r, 3, 12); return p2 + rng_range(r, 0, 2) - 1; }
	case 3: return rng_range(r, 600, 5000);
	default: return rng_range(r, 1, 20000);
	}
}

int main(void)
{
	size_t rounds = t_iters(40);

	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) for (int nreg = 1; nreg <= 3; nreg += 2)
	for (size_t round = 0; round < rounds; round++) {
		struct th t;
		static void *v[MAXLIVE];
		static size_t sz[MAXLIVE], al[MAXLIVE];
		size_t n = 0, fill_to;
		struct rng r = { round * 7919 + (uint64_t)p * 31 + (uint64_t)a * 7 + (uint64_t)nreg };

		t_ctx("algo=%s poison=%s regions=%d round=%zu", algo_name(a), poison_name(p), nreg, round);
		th_init(&t, p);
		for (int i = 0; i < nreg; i++)
			th_add(&t, 65536 + (size_t)i * 40000, i == 1 ? (a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY) : a);
		/* fill to a random level, some rounds until nothing fits */
		fill_to = rng_below(&r, 4) == 0 ? SIZE_MAX : rng_range(&r, 10, 3000);
		for (int fails = 0; n < MAXLIVE && n < fill_to && fails < 64;) {
			size_t s = pick_size(&r), align = rng_below(&r, 6) ? 0 : (size_t)1 << rng_range(&r, 0, 9);
			void *x = align ? mh_aligned_alloc(&t.heap, align, s) : mh_alloc(&t.heap, s);

			if (!x) {
				fails++;
				continue;
			}
			v[n] = x;
			sz[n] = s;
			al[n] = align;
			n++;
		}
		/* free-and-reallocate many times */
		for (size_t k = 0; k < 300 && n; k++) {
			size_t i = rng_below(&r, n);

			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
			/* (an aligned block is replaced by a plain one of its size) */
			v[i] = mh_alloc(&t.heap, sz[i]);
			CHECK_MSG(v[i], "mh_alloc(%zu) failed right after freeing a block of that size "
				  "(it was %s, %zu live)", sz[i], al[i] ? "aligned" : "plain", n);
			al[i] = 0;
			/* sometimes churn a little in between */
			if (rng_below(&r, 4) == 0) {
				size_t j = rng_below(&r, n);

				CHECK_RC(mh_free(&t.heap, v[j]), MH_OK);
				v[j] = v[--n];
				sz[j] = sz[n];
				al[j] = al[n];
			}
		}
		CHECK_HEAP_OK(&t);
		while (n--)
			CHECK_RC(mh_free(&t.heap, v[n]), MH_OK);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
