/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * init: mh_heap_init (NULL config = defaults, every valid config, bad
 * flags / poison / NULL heap -> MH_EINVAL), an empty heap (no region: every
 * allocation fails, stats all zero, check and walk clean), mh_heap_destroy
 * then re-initialisation over the same memory, MH_HEAP_F_NOLOCK heaps.
 */
#include "helpers.h"

static bool count_cb(const struct mh_block_info *info, void *ctx)
{
	(void)info;
	++*(size_t *)ctx;
	return true;
}

static void empty_heap(struct mh_heap *h)
{
	struct mh_stats s;
	size_t n = 0;

	memset(&s, 0x77, sizeof(s));
	mh_get_stats(h, &s);
	CHECK_EQ(s.total_bytes, 0);
	CHECK_EQ(s.free_bytes, 0);
	CHECK_EQ(s.allocated_bytes, 0);
	CHECK_EQ(s.largest_free, 0);
	CHECK_EQ(s.allocated_blocks, 0);
	CHECK_EQ(s.free_blocks, 0);
	CHECK_EQ(s.total_blocks, 0);
	CHECK_EQ(s.regions, 0);
	CHECK_EQ(s.alloc_count, 0);
	CHECK_EQ(s.free_count, 0);
	CHECK_EQ(s.failed_count, 0);
	CHECK_EQ(s.error_count, 0);
	CHECK_EQ(s.peak_allocated, 0);
	CHECK_EQ(s.min_free_ever, 0);

	CHECK_RC(mh_check(h), MH_OK);
	CHECK_RC(mh_walk(h, count_cb, &n), MH_OK);
	CHECK_EQ(n, 0);
	CHECK_NULL(mh_alloc(h, 1));
	CHECK_NULL(mh_alloc(h, 0));
	CHECK_NULL(mh_calloc(h, 1, 1));
	CHECK_NULL(mh_aligned_alloc(h, 16, 1));
	CHECK_NULL(mh_realloc(h, NULL, 1));
	CHECK_RC(mh_free(h, NULL), MH_OK);
	CHECK_EQ(mh_usable_size(h, NULL), 0);
	CHECK(!mh_heap_contains(h, &n));
	mh_get_stats(h, &s);
	CHECK_EQ(s.failed_count, 5);
	CHECK_EQ(s.alloc_count, 0);
}

int main(void)
{
	struct mh_heap h;
	struct mh_heap_config cfg;

	/* NULL config: defaults */
	memset(&h, 0xab, sizeof(h));
	t_ctx("cfg=NULL");
	CHECK_RC(mh_heap_init(&h, NULL), MH_OK);
	empty_heap(&h);
	mh_heap_destroy(&h);

	/* every valid poison level, with and without the lock */
	FOR_EACH_POISON(p) {
		for (unsigned int flags = 0; flags <= MH_HEAP_F_ALL; flags++) {
			struct rec r = { 0 };

			t_ctx("poison=%s flags=%u", poison_name(p), flags);
			cfg = (struct mh_heap_config){ .name = "init", .poison = p,
				.flags = flags, .on_error = rec_cb, .error_ctx = &r };
			memset(&h, 0xab, sizeof(h));
			CHECK_RC(mh_heap_init(&h, &cfg), MH_OK);
			empty_heap(&h);
			CHECK_REC_NONE(&r);

			mh_heap_destroy(&h);
			/* a region works, destroy gives it back, re-init reuses it */
			FOR_EACH_ALGO(a) {
				struct mh_region_config rc = { .algo = a };
				void *mem = arena_new(8192), *x;
				struct mh_stats s;

				CHECK_RC(mh_heap_init(&h, &cfg), MH_OK);
				CHECK_RC(mh_heap_add_region(&h, mem, 8192, &rc), MH_OK);
				CHECK_NONNULL(x = mh_alloc(&h, 100));
				memset(x, 1, 100);
				mh_heap_destroy(&h);
				/* same memory, new heap: the old block is forgotten */
				CHECK_RC(mh_heap_init(&h, &cfg), MH_OK);
				CHECK_RC(mh_heap_add_region(&h, mem, 8192, &rc), MH_OK);
				CHECK_RC(mh_check(&h), MH_OK);
				mh_get_stats(&h, &s);
				CHECK_EQ(s.allocated_blocks, 0);
				CHECK_EQ(s.regions, 1);
				CHECK_NONNULL(x = mh_alloc(&h, 100));
				CHECK_RC(mh_free(&h, x), MH_OK);
				mh_heap_destroy(&h);
				arena_free_all();
			}
			CHECK_REC_NONE(&r);
		}
	}

	/* bad arguments */
	t_ctx("bad config");
	cfg = (struct mh_heap_config){ .flags = 0x80 };
	CHECK_RC(mh_heap_init(&h, &cfg), MH_EINVAL);
	cfg = (struct mh_heap_config){ .flags = MH_HEAP_F_ALL + 1u };
	CHECK_RC(mh_heap_init(&h, &cfg), MH_EINVAL);
	cfg = (struct mh_heap_config){ .poison = (enum mh_poison)3 };
	CHECK_RC(mh_heap_init(&h, &cfg), MH_EINVAL);
	cfg = (struct mh_heap_config){ .poison = (enum mh_poison)-1 };
	CHECK_RC(mh_heap_init(&h, &cfg), MH_EINVAL);
	CHECK_RC(mh_heap_init(NULL, NULL), MH_EINVAL);

	arena_free_all();
	return 0;
}
