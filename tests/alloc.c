/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * alloc: mh_alloc for both algorithms and all poison levels.  Pointers are
 * MH_MIN_ALIGN aligned, inside the region, never overlapping; usable sizes
 * follow the design (first-fit: max(8, round_up(n, 8)); buddy: the power
 * of two >= max(n, min_block); poisoned: exactly n); first-fit hands out
 * consecutive blocks at ascending adjacent addresses; size 0 gets a minimal
 * block; exhausting the heap returns NULL and counts failures; every byte
 * of every block is writable without disturbing the others.
 */
#include "helpers.h"

static size_t expect_usable(enum mh_algo a, enum mh_poison p, size_t n)
{
	if (p != MH_POISON_NONE)
		return n;
	if (a == MH_ALGO_FIRSTFIT)
		return n < 8 ? 8 : round_up(n, 8);
	return next_pow2(n < MH_BUDDY_MIN_BLOCK ? MH_BUDDY_MIN_BLOCK : n);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		unsigned char *base;
		const size_t R = 1 << 20;

		/* usable sizes, one fresh heap for all sizes 0..4200 */
		t_ctx("algo=%s poison=%s usable", algo_name(a), poison_name(p));
		th_init(&t, p);
		base = th_add(&t, R, a);
		for (size_t n = 0; n <= 4200; n++) {
			unsigned char *x = mh_alloc(&t.heap, n);
			size_t u;

			CHECK_MSG(x, "mh_alloc(%zu) = NULL", n);
			CHECK_ALIGNED(x, MH_MIN_ALIGN);
			u = mh_usable_size(&t.heap, x);
			CHECK(x >= base && x + u <= base + R);
			if (n == 0) {
				CHECK(u <= 2 * MH_BUDDY_MIN_BLOCK);
			} else {
				CHECK_MSG(u == expect_usable(a, p, n),
					  "usable_size(mh_alloc(%zu)) = %zu, expected %zu",
					  n, u, expect_usable(a, p, n));
			}
			if (p == MH_POISON_COMPREHENSIVE)
				CHECK_EQ(count_byte(x, u, MH_FILL_ALLOC), u);
			memset(x, 0x11, u);
			CHECK_RC(mh_free(&t.heap, x), MH_OK);
		}
		CHECK_HEAP_OK(&t);
		th_fini(&t);

		/* first-fit adjacency: exactly round_up(max(n,8),8) + 8 apart */
		if (a == MH_ALGO_FIRSTFIT && p == MH_POISON_NONE) {
			static const size_t ns[] = { 1, 7, 8, 9, 16, 17, 24, 100, 1000, 4095 };

			for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
				size_t n = ns[k], step = round_up(n < 8 ? 8 : n, 8) + 8;
				unsigned char *prev = NULL;

				t_ctx("firstfit adjacency n=%zu", n);
				th_simple(&t, a, p, R);
				for (int i = 0; i < 50; i++) {
					unsigned char *x = mh_alloc(&t.heap, n);

					CHECK_NONNULL(x);
					if (prev)
						CHECK_MSG(x == prev + step, "alloc %d of %zu: %p, expected %p",
							  i, n, (void *)x, (void *)(prev + step));
					prev = x;
				}
				{
					struct mh_stats s = th_stats(&t);

					CHECK_EQ(s.allocated_bytes, 50 * step);
					CHECK_EQ(s.allocated_blocks, 50);
				}
				th_fini(&t);
			}
		}

		/* fill the heap with random sizes, check disjointness and contents */
		{
			struct rng r = { 42 + (uint64_t)a * 7 + (uint64_t)p };
			void *v[4096];
			size_t sz[4096], n = 0, fails = 0;
			struct mh_stats s0, s1;

			t_ctx("algo=%s poison=%s fill", algo_name(a), poison_name(p));
			th_simple(&t, a, p, 256 * 1024);
			base = t.base[0];
			s0 = th_stats(&t);
			while (n < 4096) {
				size_t want = rng_range(&r, 1, 700);
				unsigned char *x = mh_alloc(&t.heap, want);

				if (!x) {
					s1 = th_stats(&t);
					CHECK(s1.largest_free < want);
					if (++fails > 50)
						break;
					continue;
				}
				CHECK_ALIGNED(x, MH_MIN_ALIGN);
				CHECK(x >= base && x + want <= base + 256 * 1024);
				v[n] = x;
				sz[n] = want;
				pat_fill(x, want, n);
				n++;
			}
			CHECK(n > 100);
			s1 = th_stats(&t);
			CHECK(s1.failed_count > 0);
			CHECK_EQ(s1.alloc_count, s1.allocated_blocks);
			CHECK_STATS_SANE(s1);
			for (size_t i = 0; i < n; i++)
				CHECK_PATTERN(v[i], sz[i], i);
			/* pairwise disjoint (sorted check through the walk) */
			{
				struct walk_list w = th_walk(&t);

				for (size_t i = 0; i < n; i++) {
					const struct mh_block_info *b = walk_find(&w, v[i]);

					CHECK_MSG(b && b->used, "block %p not in walk", v[i]);
					CHECK(b->size >= sz[i]);
				}
				for (size_t i = 1; i < w.n; i++)
					CHECK((unsigned char *)w.b[i - 1].block + w.b[i - 1].block_size <=
					      (unsigned char *)w.b[i].block);
				free(w.b);
			}
			CHECK_HEAP_OK(&t);
			/* free in an odd order; back to the initial state */
			for (size_t i = 0; i < n; i += 2)
				CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
			for (size_t i = 1; i < n; i += 2)
				CHECK_PATTERN(v[i], sz[i], i);
			for (size_t i = 1; i < n; i += 2)
				CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
			s1 = th_stats(&t);
			CHECK_EQ(s1.allocated_blocks, 0);
			CHECK_EQ(s1.allocated_bytes, 0);
			CHECK_EQ(s1.free_bytes, s0.free_bytes);
			CHECK_EQ(s1.largest_free, s0.largest_free);
			CHECK_EQ(s1.free_blocks, s0.free_blocks);
			CHECK_HEAP_OK(&t);
			CHECK_REC_NONE(&t.rec);
			th_fini(&t);
		}
	}
	arena_free_all();
	return 0;
}
