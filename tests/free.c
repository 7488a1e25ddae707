/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * free: mh_free(NULL) is a no-op returning MH_OK (no callback, no stats
 * change); frees in LIFO, FIFO and random order return the heap to its
 * initial state (coalescing: first-fit ends with one free block per region,
 * buddy with its initial blocks); free_count/allocated_* follow; freed
 * space is reused; other blocks are never disturbed.
 */
#include "helpers.h"

#define N 600

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) for (int order = 0; order < 3; order++) {
		struct th t;
		struct mh_stats s0, s1, sinit;
		void *v[N];
		size_t sz[N], idx[N];
		struct rng r = { 1000 + (uint64_t)order };

		t_ctx("algo=%s poison=%s order=%d", algo_name(a), poison_name(p), order);
		th_simple(&t, a, p, 1 << 20);
		s0 = th_stats(&t);
		sinit = s0;
		if (a == MH_ALGO_FIRSTFIT)
			CHECK_EQ(s0.free_blocks, 1);

		/* NULL */
		CHECK_RC(mh_free(&t.heap, NULL), MH_OK);
		s1 = th_stats(&t);
		CHECK_STATS_SAME(s0, s1, 0);
		CHECK_REC_NONE(&t.rec);

		for (size_t i = 0; i < N; i++) {
			sz[i] = rng_range(&r, 1, 1500);
			CHECK_NONNULL(v[i] = mh_alloc(&t.heap, sz[i]));
			pat_fill(v[i], sz[i], i);
			idx[i] = i;
		}
		if (order == 1) {
			for (size_t i = 0; i < N / 2; i++) {
				size_t k = idx[i];

				idx[i] = idx[N - 1 - i];
				idx[N - 1 - i] = k;
			}
		} else if (order == 2) {
			for (size_t i = N - 1; i > 0; i--) {
				size_t j = rng_below(&r, i + 1), k = idx[i];

				idx[i] = idx[j];
				idx[j] = k;
			}
		}
		for (size_t i = 0; i < N; i++) {
			size_t k = idx[i];

			s0 = th_stats(&t);
			CHECK_PATTERN(v[k], sz[k], k);
			CHECK_RC(mh_free(&t.heap, v[k]), MH_OK);
			s1 = th_stats(&t);
			CHECK_EQ(s1.free_count, s0.free_count + 1);
			CHECK_EQ(s1.allocated_blocks, s0.allocated_blocks - 1);
			CHECK(s1.allocated_bytes < s0.allocated_bytes);
			CHECK(s1.allocated_bytes + sz[k] <= s0.allocated_bytes);
			CHECK(s1.largest_free >= s0.largest_free);
			CHECK_STATS_SANE(s1);
			if (i % 97 == 0)
				CHECK_HEAP_OK(&t);
		}
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_blocks, 0);
		CHECK_EQ(s1.allocated_bytes, 0);
		CHECK_EQ(s1.free_bytes, s1.total_bytes);
		if (a == MH_ALGO_FIRSTFIT)
			CHECK_EQ(s1.free_blocks, 1);
		CHECK_EQ(s1.free_blocks, sinit.free_blocks);
		CHECK_EQ(s1.total_blocks, sinit.total_blocks);
		CHECK_EQ(s1.largest_free, sinit.largest_free);
		CHECK_EQ(s1.free_count, N);
		CHECK_EQ(s1.alloc_count, N);
		CHECK_HEAP_OK(&t);
		th_fini(&t);
	}

	/* coalescing, first-fit: free middle, then left, then right -> 1 block */
	FOR_EACH_POISON(p) {
		struct th t;
		struct mh_stats s0, s1;
		void *x, *y, *z;

		t_ctx("firstfit coalesce poison=%s", poison_name(p));
		th_simple(&t, MH_ALGO_FIRSTFIT, p, 65536);
		s0 = th_stats(&t);
		CHECK_NONNULL(x = mh_alloc(&t.heap, 100));
		CHECK_NONNULL(y = mh_alloc(&t.heap, 100));
		CHECK_NONNULL(z = mh_alloc(&t.heap, 100));
		CHECK_RC(mh_free(&t.heap, y), MH_OK);
		s1 = th_stats(&t);
		CHECK_EQ(s1.free_blocks, 2);
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		s1 = th_stats(&t);
		CHECK_EQ(s1.free_blocks, 2);
		CHECK_RC(mh_free(&t.heap, z), MH_OK);
		s1 = th_stats(&t);
		CHECK_EQ(s1.free_blocks, 1);
		CHECK_EQ(s1.largest_free, s0.largest_free);
		CHECK_HEAP_OK(&t);
		th_fini(&t);
	}

	/* buddy: freeing both buddies merges back to the initial state */
	FOR_EACH_POISON(p) {
		struct th t;
		struct mh_stats s0, s1;
		void *v[64];

		t_ctx("buddy merge poison=%s", poison_name(p));
		th_simple(&t, MH_ALGO_BUDDY, p, 65536);
		s0 = th_stats(&t);
		for (int i = 0; i < 64; i++)
			CHECK_NONNULL(v[i] = mh_alloc(&t.heap, 1 + (size_t)i * 7));
		for (int i = 0; i < 64; i += 2)
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
		for (int i = 1; i < 64; i += 2)
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
		s1 = th_stats(&t);
		CHECK_EQ(s1.free_blocks, s0.free_blocks);
		CHECK_EQ(s1.total_blocks, s0.total_blocks);
		CHECK_EQ(s1.largest_free, s0.largest_free);
		CHECK_HEAP_OK(&t);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
