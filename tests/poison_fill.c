/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * poison_fill: comprehensive poisoning fills new allocations (alloc,
 * aligned_alloc, realloc(NULL)) with MH_FILL_ALLOC and freed memory with
 * MH_FILL_FREE (checked away from the block edges, where free-list links
 * may live); calloc still returns zeros; light poisoning has the canaries
 * (usable_size == requested) but no fill obligation.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_ALGO(a) {
		struct th t;

		t_ctx("algo=%s comprehensive", algo_name(a));
		th_simple(&t, a, MH_POISON_COMPREHENSIVE, 1 << 20);
		for (size_t n = 1; n <= 5000; n = n * 2 + 1) {
			unsigned char *x, *g, *z;

			CHECK_NONNULL(x = mh_alloc(&t.heap, n));
			CHECK_EQ(count_byte(x, n, MH_FILL_ALLOC), n);
			CHECK_NONNULL(g = mh_alloc(&t.heap, 16));	/* keep x from merging right */
			memset(x, 0x00, n);
			CHECK_RC(mh_free(&t.heap, x), MH_OK);
			if (n >= 128)
				CHECK_MSG(count_byte(x + 32, n - 48, MH_FILL_FREE) == n - 48,
					  "freed block of %zu not filled with 0x%x", n, MH_FILL_FREE);
			CHECK_HEAP_OK(&t);
			/* the same memory handed out again is refilled */
			CHECK_NONNULL(x = mh_alloc(&t.heap, n));
			CHECK_EQ(count_byte(x, n, MH_FILL_ALLOC), n);
			CHECK_RC(mh_free(&t.heap, x), MH_OK);
			CHECK_NONNULL(x = mh_aligned_alloc(&t.heap, 256, n));
			CHECK_EQ(count_byte(x, n, MH_FILL_ALLOC), n);
			CHECK_RC(mh_free(&t.heap, x), MH_OK);
			CHECK_NONNULL(x = mh_realloc(&t.heap, NULL, n));
			CHECK_EQ(count_byte(x, n, MH_FILL_ALLOC), n);
			CHECK_RC(mh_free(&t.heap, x), MH_OK);
			CHECK_NONNULL(z = mh_calloc(&t.heap, n, 1));
			CHECK_EQ(count_byte(z, n, 0), n);
			CHECK_RC(mh_free(&t.heap, z), MH_OK);
			CHECK_RC(mh_free(&t.heap, g), MH_OK);
			CHECK_HEAP_OK(&t);
		}
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);

		t_ctx("algo=%s light", algo_name(a));
		th_simple(&t, a, MH_POISON_LIGHT, 1 << 20);
		for (size_t n = 1; n <= 5000; n = n * 2 + 1) {
			unsigned char *x = mh_alloc(&t.heap, n);

			CHECK_NONNULL(x);
			CHECK_EQ(mh_usable_size(&t.heap, x), n);
			memset(x, 0x77, n);
			CHECK_HEAP_OK(&t);
			CHECK_RC(mh_free(&t.heap, x), MH_OK);
		}
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
