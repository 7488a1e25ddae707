/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * accessors: what callers read instead of the heap's fields.
 * mh_heap_allocated() is mh_get_stats()'s allocated_bytes after every
 * operation; an allocation's charge (its change) is the block's usable
 * size plus mh_block_overhead() of the algorithm, for sizes 1..600 on both
 * algorithms; mh_heap_retry_failed() takes exactly one failure out of
 * failed_count (never below 0); mh_heap_name() is the configured name.
 */
#include "helpers.h"

int main(void)
{
	CHECK_EQ(mh_block_overhead(MH_ALGO_FIRSTFIT), 8);
	CHECK_EQ(mh_block_overhead(MH_ALGO_BUDDY), 0);

	FOR_EACH_ALGO(a) {
		struct th t;
		void *v[600];

		t_ctx("algo=%s", algo_name(a));
		th_simple(&t, a, MH_POISON_NONE, 4 << 20);
		CHECK_EQ(mh_heap_allocated(&t.heap), 0);
		for (size_t i = 0; i < 600; i++) {
			size_t before = mh_heap_allocated(&t.heap), charge;

			CHECK_NONNULL(v[i] = mh_alloc(&t.heap, i + 1));
			charge = mh_heap_allocated(&t.heap) - before;
			CHECK_MSG(charge == mh_usable_size(&t.heap, v[i]) + mh_block_overhead(a),
				  "alloc(%zu): charge %zu, usable %zu + overhead %zu", i + 1,
				  charge, mh_usable_size(&t.heap, v[i]), mh_block_overhead(a));
			CHECK_EQ(mh_heap_allocated(&t.heap), th_stats(&t).allocated_bytes);
		}
		for (size_t i = 0; i < 600; i++) {
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
			CHECK_EQ(mh_heap_allocated(&t.heap), th_stats(&t).allocated_bytes);
		}
		CHECK_EQ(mh_heap_allocated(&t.heap), 0);

		/* two failures, one retried: one counts; a retry with none left keeps 0 */
		CHECK_NULL(mh_alloc(&t.heap, 64u << 20));
		CHECK_NULL(mh_alloc(&t.heap, 64u << 20));
		CHECK_EQ(th_stats(&t).failed_count, 2);
		mh_heap_retry_failed(&t.heap);
		CHECK_EQ(th_stats(&t).failed_count, 1);
		mh_heap_retry_failed(&t.heap);
		mh_heap_retry_failed(&t.heap);
		CHECK_EQ(th_stats(&t).failed_count, 0);
		CHECK_HEAP_OK(&t);
		th_fini(&t);
	}
	{
		struct mh_heap h;
		struct mh_heap_config cfg = { .name = "named" };

		CHECK_RC(mh_heap_init(&h, &cfg), MH_OK);
		CHECK(!strcmp(mh_heap_name(&h), "named"));
		mh_heap_destroy(&h);
	}
	arena_free_all();
	return 0;
}
