/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * reset_min_free: mh_reset_min_free sets min_free_ever to the current
 * free_bytes and peak_allocated to the current allocated_bytes, touches
 * nothing else; both then track again from there.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		struct mh_stats s0, s1, s2;
		void *v[40];

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, 1 << 18);
		for (int i = 0; i < 40; i++)
			CHECK_NONNULL(v[i] = mh_alloc(&t.heap, 1000));
		for (int i = 0; i < 30; i++)
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
		s0 = th_stats(&t);
		CHECK(s0.min_free_ever < s0.free_bytes);
		CHECK(s0.peak_allocated > s0.allocated_bytes);

		mh_reset_min_free(&t.heap);
		s1 = th_stats(&t);
		CHECK_EQ(s1.min_free_ever, s0.free_bytes);
		CHECK_EQ(s1.peak_allocated, s0.allocated_bytes);
		/* nothing else moved */
		s1.min_free_ever = s0.min_free_ever;
		s1.peak_allocated = s0.peak_allocated;
		CHECK_STATS_SAME(s0, s1, 0);

		/* tracks from the new baseline */
		for (int i = 0; i < 5; i++)
			CHECK_NONNULL(v[i] = mh_alloc(&t.heap, 1000));
		s2 = th_stats(&t);
		CHECK_EQ(s2.min_free_ever, s2.free_bytes);
		CHECK_EQ(s2.peak_allocated, s2.allocated_bytes);
		for (int i = 0; i < 5; i++)
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
		s1 = th_stats(&t);
		CHECK_EQ(s1.min_free_ever, s2.free_bytes);
		CHECK_EQ(s1.peak_allocated, s2.allocated_bytes);

		for (int i = 30; i < 40; i++)
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
		mh_reset_min_free(&t.heap);
		s1 = th_stats(&t);
		CHECK_EQ(s1.min_free_ever, s1.total_bytes);
		CHECK_EQ(s1.peak_allocated, 0);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
