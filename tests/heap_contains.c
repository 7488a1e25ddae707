/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * heap_contains: mh_heap_contains is true for every address of
 * [base, base + size) of every region -- the header says "inside one of the
 * heap's regions", and a region is the whole range given to add_region,
 * carved control data included -- and false everywhere else.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		unsigned char *b0, *b1;
		const size_t R = 8192;

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_init(&t, p);
		b0 = th_add(&t, R, a);
		b1 = th_add(&t, R + 8, a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY);
		CHECK(!mh_heap_contains(&t.heap, b0 - 1));
		CHECK(!mh_heap_contains(&t.heap, b0 + R));
		CHECK(!mh_heap_contains(&t.heap, b1 - 1));
		CHECK(!mh_heap_contains(&t.heap, b1 + R + 8));
		CHECK(!mh_heap_contains(&t.heap, &t));
		for (size_t i = 0; i < R; i++)
			CHECK_MSG(mh_heap_contains(&t.heap, b0 + i), "region 0 base + %zu", i);
		for (size_t i = 0; i < R + 8; i++)
			CHECK_MSG(mh_heap_contains(&t.heap, b1 + i), "region 1 base + %zu", i);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
