/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * calloc: zeroed memory (also when reusing dirty blocks, also under
 * comprehensive poisoning), count * size overflow -> NULL with no state
 * change but failed_count, both algorithms, all poison levels.
 */
#include "helpers.h"

int main(void)
{
	static const size_t ovf[][2] = {
		{ SIZE_MAX / 2 + 1, 2 }, { 2, SIZE_MAX / 2 + 1 }, { SIZE_MAX, SIZE_MAX },
		{ (size_t)1 << 32, (size_t)1 << 32 }, { SIZE_MAX / 3 + 1, 3 }, { SIZE_MAX, 2 },
	};

	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		struct mh_stats s0, s1;

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, 1 << 18);

		for (size_t n = 1; n <= 3000; n += (n < 64 ? 1 : 37)) {
			unsigned char *d, *z;

			/* dirty a block of that size, free it, calloc the same size */
			CHECK_NONNULL(d = mh_alloc(&t.heap, n));
			memset(d, 0xd7, n);
			CHECK_RC(mh_free(&t.heap, d), MH_OK);
			z = mh_calloc(&t.heap, 1, n);
			CHECK_MSG(z, "calloc(1, %zu) = NULL", n);
			CHECK_ALIGNED(z, MH_MIN_ALIGN);
			CHECK_MSG(count_byte(z, n, 0) == n, "calloc(1, %zu) not zeroed", n);
			CHECK(mh_usable_size(&t.heap, z) >= n);
			memset(z, 0xd7, n);
			CHECK_RC(mh_free(&t.heap, z), MH_OK);
			/* count * size split */
			if (n % 4 == 0) {
				CHECK_NONNULL(z = mh_calloc(&t.heap, n / 4, 4));
				CHECK_EQ(count_byte(z, n, 0), n);
				CHECK(mh_usable_size(&t.heap, z) >= n);
				CHECK_RC(mh_free(&t.heap, z), MH_OK);
			}
		}
		CHECK_HEAP_OK(&t);

		/* zero-sized: NULL or a freeable minimal block */
		{
			void *z = mh_calloc(&t.heap, 0, 16);

			if (z)
				CHECK_RC(mh_free(&t.heap, z), MH_OK);
			z = mh_calloc(&t.heap, 16, 0);
			if (z)
				CHECK_RC(mh_free(&t.heap, z), MH_OK);
		}

		/* overflow */
		for (size_t k = 0; k < sizeof(ovf) / sizeof(ovf[0]); k++) {
			s0 = th_stats(&t);
			CHECK_MSG(mh_calloc(&t.heap, ovf[k][0], ovf[k][1]) == NULL,
				  "calloc(%zu, %zu) != NULL", ovf[k][0], ovf[k][1]);
			s1 = th_stats(&t);
			CHECK_STATS_SAME(s0, s1, 1);
		}
		/* no overflow but too large */
		s0 = th_stats(&t);
		CHECK_NULL(mh_calloc(&t.heap, 1 << 10, 1 << 10));
		s1 = th_stats(&t);
		CHECK_STATS_SAME(s0, s1, 1);

		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
