/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * add_region: mh_heap_add_region for both algorithms and all poison levels:
 * overlaps of every shape -> MH_EOVERLAP, touching neighbours accepted,
 * too-small regions -> MH_ENOMEM, bad configs (buddy min_block not a power
 * of two or below MH_BUDDY_MIN_BLOCK, unknown algorithm, NULL base) ->
 * MH_EINVAL, and after every error the heap is unchanged (stats, walk,
 * further allocations).  Also: a region at an odd base address, custom
 * buddy min_block, mh_region_meta_size.
 */
#include "helpers.h"

static void same_walk(const struct walk_list *a, const struct walk_list *b)
{
	CHECK_EQ(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		CHECK(a->b[i].ptr == b->b[i].ptr);
		CHECK(a->b[i].block == b->b[i].block);
		CHECK_EQ(a->b[i].size, b->b[i].size);
		CHECK_EQ(a->b[i].block_size, b->b[i].block_size);
		CHECK_EQ(a->b[i].region, b->b[i].region);
		CHECK_EQ(a->b[i].used, b->b[i].used);
	}
}

/* Expect @want from adding [base, base+size) and nothing changed. */
static void add_fails(struct th *t, void *base, size_t size,
		      const struct mh_region_config *rc, int want, int alt)
{
	struct mh_stats s0 = th_stats(t), s1;
	struct walk_list w0 = th_walk(t), w1;
	int rc_ = mh_heap_add_region(&t->heap, base, size, rc);

	if (rc_ != want && rc_ != alt)
		FAILF("add_region(%p, %zu, %s min_block %zu) = %d (%s), expected %d (%s)",
		      base, size, rc ? algo_name(rc->algo) : "NULL",
		      rc ? rc->min_block : 0, rc_, mh_strerror(rc_), want, mh_strerror(want));
	s1 = th_stats(t);
	CHECK_STATS_SAME(s0, s1, 0);
	w1 = th_walk(t);
	same_walk(&w0, &w1);
	free(w0.b);
	free(w1.b);
	CHECK_HEAP_OK(t);
}

static void region_allocs_inside(struct th *t, unsigned char *base, size_t size)
{
	void *p[64];
	int n = 0;

	while (n < 64 && (p[n] = mh_alloc(&t->heap, 40)) != NULL) {
		CHECK_ALIGNED(p[n], MH_MIN_ALIGN);
		CHECK((unsigned char *)p[n] >= base && (unsigned char *)p[n] + 40 <= base + size);
		n++;
	}
	CHECK(n > 0);
	while (n--)
		CHECK_RC(mh_free(&t->heap, p[n]), MH_OK);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		struct mh_region_config rc = { .algo = a }, bad;
		unsigned char *big, *r0;
		void *keep;
		const size_t R = 16384;

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_init(&t, p);
		/* carve regions out of one big arena so we can place them */
		big = arena_new(8 * R);
		r0 = big + 2 * R;
		CHECK_RC(mh_heap_add_region(&t.heap, r0, R, &rc), MH_OK);
		t.base[0] = r0; t.size[0] = R; t.nregions = 1;
		CHECK_NONNULL(keep = mh_alloc(&t.heap, 100));

		CHECK(mh_heap_contains(&t.heap, r0 + R - 1));
		CHECK(mh_heap_contains(&t.heap, keep));
		CHECK(!mh_heap_contains(&t.heap, r0 - 1));
		CHECK(!mh_heap_contains(&t.heap, r0 + R));
		CHECK(!mh_heap_contains(&t.heap, NULL));

		/* overlaps: same, front, back, inside, around, one byte each end */
		add_fails(&t, r0, R, &rc, MH_EOVERLAP, MH_EOVERLAP);
		add_fails(&t, r0 - R / 2, R, &rc, MH_EOVERLAP, MH_EOVERLAP);
		add_fails(&t, r0 + R / 2, R, &rc, MH_EOVERLAP, MH_EOVERLAP);
		add_fails(&t, r0 + 1024, 4096, &rc, MH_EOVERLAP, MH_EOVERLAP);
		add_fails(&t, r0 - 1024, R + 2048, &rc, MH_EOVERLAP, MH_EOVERLAP);
		add_fails(&t, r0 - 4096, 4097, &rc, MH_EOVERLAP, MH_EOVERLAP);
		add_fails(&t, r0 + R - 1, 4096, &rc, MH_EOVERLAP, MH_EOVERLAP);
		/* the other algorithm overlapping too */
		bad = (struct mh_region_config){ .algo = a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY };
		add_fails(&t, r0 + 512, 8192, &bad, MH_EOVERLAP, MH_EOVERLAP);
		/* NULL rc means first-fit, still an overlap */
		add_fails(&t, r0, 8192, NULL, MH_EOVERLAP, MH_EOVERLAP);

		/* too small (in-region metadata) */
		add_fails(&t, big + 5 * R, 8, &rc, MH_ENOMEM, MH_ENOMEM);
		add_fails(&t, big + 5 * R, 16, &rc, MH_ENOMEM, MH_ENOMEM);
		add_fails(&t, big + 5 * R, 32, &rc, MH_ENOMEM, MH_ENOMEM);
		add_fails(&t, big + 5 * R, 0, &rc, MH_ENOMEM, MH_EINVAL);

		/* bad configurations */
		for (size_t mb = 1; mb <= 4 * MH_BUDDY_MIN_BLOCK + 1; mb++) {
			bool pow2 = (mb & (mb - 1)) == 0;

			if (pow2 && mb >= MH_BUDDY_MIN_BLOCK)
				continue;
			bad = (struct mh_region_config){ .algo = MH_ALGO_BUDDY, .min_block = mb };
			add_fails(&t, big + 5 * R, R, &bad, MH_EINVAL, MH_EINVAL);
			CHECK_EQ(mh_region_meta_size(R, &bad), 0);
		}
		bad = (struct mh_region_config){ .algo = MH_ALGO_BUDDY, .min_block = 3 * 1024 };
		add_fails(&t, big + 5 * R, R, &bad, MH_EINVAL, MH_EINVAL);
		bad = (struct mh_region_config){ .algo = (enum mh_algo)2 };
		add_fails(&t, big + 5 * R, R, &bad, MH_EINVAL, MH_EINVAL);
		CHECK_EQ(mh_region_meta_size(R, &bad), 0);
		bad = (struct mh_region_config){ .algo = (enum mh_algo)-1 };
		add_fails(&t, big + 5 * R, R, &bad, MH_EINVAL, MH_EINVAL);
		add_fails(&t, NULL, R, &rc, MH_EINVAL, MH_EINVAL);
		/* a range wrapping around the address space */
		add_fails(&t, (void *)(UINTPTR_MAX - 4095), 1 << 20, &rc, MH_EINVAL, MH_EOVERLAP);

		/* the heap is intact: the kept block frees, allocations work */
		region_allocs_inside(&t, r0, R);

		/* touching regions on both sides are fine, allocations stay inside */
		CHECK_RC(mh_heap_add_region(&t.heap, r0 + R, R, &rc), MH_OK);
		CHECK_RC(mh_heap_add_region(&t.heap, r0 - R, R, &rc), MH_OK);
		t.base[1] = r0 + R; t.size[1] = R;
		t.base[2] = r0 - R; t.size[2] = R;
		t.nregions = 3;
		{
			struct mh_stats s = th_stats(&t);

			CHECK_EQ(s.regions, 3);
			CHECK_STATS_SANE(s);
		}
		CHECK(mh_heap_contains(&t.heap, r0 + 2 * R - 1));
		CHECK(!mh_heap_contains(&t.heap, r0 + 2 * R));
		/* overlapping the new ones now fails too */
		add_fails(&t, r0 + 2 * R - 8, 4096, &rc, MH_EOVERLAP, MH_EOVERLAP);
		add_fails(&t, r0 - R - 4000, 4096, &rc, MH_EOVERLAP, MH_EOVERLAP);
		CHECK_RC(mh_free(&t.heap, keep), MH_OK);
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		mh_heap_destroy(&t.heap);
		arena_free_all();

		/* a region at an odd address: accepted (aligned inside) or MH_EINVAL */
		th_init(&t, p);
		big = arena_new(R + 64);
		{
			int rc_ = mh_heap_add_region(&t.heap, big + 3, R, &rc);

			CHECK_MSG(rc_ == MH_OK || rc_ == MH_EINVAL, "odd base: %d", rc_);
			if (rc_ == MH_OK) {
				region_allocs_inside(&t, big + 3, R);
				CHECK_HEAP_OK(&t);
			}
		}
		/* an odd size */
		big = arena_new(R);
		{
			int rc_ = mh_heap_add_region(&t.heap, big + 8, R / 2 - 13, &rc);

			CHECK_RC(rc_, MH_OK);
			CHECK_HEAP_OK(&t);
		}
		mh_heap_destroy(&t.heap);
		arena_free_all();
	}

	/* buddy min_block: every power of two from 16 to 4096 */
	FOR_EACH_POISON(p) {
		for (size_t mb = MH_BUDDY_MIN_BLOCK; mb <= 4096; mb *= 2) {
			struct th t;
			void *x, *y;

			t_ctx("buddy min_block=%zu poison=%s", mb, poison_name(p));
			th_init(&t, p);
			th_add_mb(&t, 65536, MH_ALGO_BUDDY, mb);
			CHECK_NONNULL(x = mh_alloc(&t.heap, 1));
			CHECK_NONNULL(y = mh_alloc(&t.heap, 1));
			if (p == MH_POISON_NONE) {
				CHECK_EQ(mh_usable_size(&t.heap, x), mb);
			} else {
				CHECK_EQ(mh_usable_size(&t.heap, x), 1);
			}
			{
				struct walk_list w = th_walk(&t);

				for (size_t i = 0; i < w.n; i++) {
					CHECK(w.b[i].block_size >= mb);
					CHECK_EQ(w.b[i].block_size & (w.b[i].block_size - 1), 0);
				}
				free(w.b);
			}
			CHECK((uintptr_t)y - (uintptr_t)x >= mb || (uintptr_t)x - (uintptr_t)y >= mb);
			CHECK_RC(mh_free(&t.heap, x), MH_OK);
			CHECK_RC(mh_free(&t.heap, y), MH_OK);
			CHECK_HEAP_OK(&t);
			th_fini(&t);
		}
	}
	arena_free_all();
	return 0;
}
