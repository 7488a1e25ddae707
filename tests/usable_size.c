/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * usable_size: NULL -> 0 without a callback; the designed sizes (first-fit
 * none: max(8, round_up(n, 8)); buddy none: next power of two >= min_block;
 * poisoned: exactly n); every usable byte can be written without hurting
 * neighbours or mh_check; the walk reports the same size.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		unsigned char *v[300];
		size_t u[300];

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, 1 << 20);
		CHECK_EQ(mh_usable_size(&t.heap, NULL), 0);
		CHECK_REC_NONE(&t.rec);

		for (size_t i = 0; i < 300; i++) {
			size_t n = 1 + i * 13, want;

			CHECK_NONNULL(v[i] = mh_alloc(&t.heap, n));
			u[i] = mh_usable_size(&t.heap, v[i]);
			if (p != MH_POISON_NONE)
				want = n;
			else if (a == MH_ALGO_FIRSTFIT)
				want = n < 8 ? 8 : round_up(n, 8);
			else
				want = next_pow2(n < MH_BUDDY_MIN_BLOCK ? MH_BUDDY_MIN_BLOCK : n);
			CHECK_MSG(u[i] == want, "usable_size(alloc(%zu)) = %zu, expected %zu",
				  n, u[i], want);
			/* every usable byte is ours */
			memset(v[i], (int)(i & 0xff), u[i]);
		}
		CHECK_HEAP_OK(&t);
		{
			struct walk_list w = th_walk(&t);

			for (size_t i = 0; i < 300; i++) {
				const struct mh_block_info *b = walk_find(&w, v[i]);

				CHECK(b && b->used);
				CHECK_EQ(b->size, u[i]);
				CHECK((unsigned char *)b->block <= v[i]);
				CHECK(v[i] + u[i] <= (unsigned char *)b->block + b->block_size);
			}
			free(w.b);
		}
		for (size_t i = 0; i < 300; i++) {
			CHECK_EQ(count_byte(v[i], u[i], (unsigned char)(i & 0xff)), u[i]);
			CHECK_EQ(mh_usable_size(&t.heap, v[i]), u[i]);
			CHECK_RC(mh_free(&t.heap, v[i]), MH_OK);
		}
		/* buddy: exact powers of two occupy exactly themselves */
		if (a == MH_ALGO_BUDDY && p == MH_POISON_NONE) {
			for (size_t k = MH_BUDDY_MIN_BLOCK; k <= 65536; k *= 2) {
				void *x = mh_alloc(&t.heap, k);
				struct mh_stats s;

				CHECK_NONNULL(x);
				CHECK_EQ(mh_usable_size(&t.heap, x), k);
				s = th_stats(&t);
				CHECK_EQ(s.allocated_bytes, k);
				CHECK_RC(mh_free(&t.heap, x), MH_OK);
			}
		}
		/* first-fit none: block = usable + 8-byte header */
		if (a == MH_ALGO_FIRSTFIT && p == MH_POISON_NONE) {
			for (size_t n = 1; n <= 200; n++) {
				void *x = mh_alloc(&t.heap, n);
				struct mh_stats s;

				CHECK_NONNULL(x);
				s = th_stats(&t);
				CHECK_EQ(s.allocated_bytes, (n < 8 ? 8 : round_up(n, 8)) + 8);
				CHECK_RC(mh_free(&t.heap, x), MH_OK);
			}
		}
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
