/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * aligned_alloc: every power-of-two alignment 1..64 KiB, several sizes,
 * both algorithms, all poison levels: aligned (and at least MH_MIN_ALIGN),
 * usable >= size, inside the region, contents independent; a non power of
 * two (0, 3, 6, 24, 100, 65535, SIZE_MAX, ...) -> NULL with no state change
 * but failed_count; freeing everything (gaps included) restores the
 * initial state; comprehensive fills aligned blocks with MH_FILL_ALLOC.
 */
#include "helpers.h"

int main(void)
{
	static const size_t sizes[] = { 0, 1, 8, 24, 100, 4096, 5000 };
	static const size_t bad[] = { 0, 3, 5, 6, 7, 12, 24, 100, 65535, 65537,
				      (size_t)1 << 20 | 1, SIZE_MAX, SIZE_MAX / 2 };
	const size_t R = 1 << 20;

	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		struct mh_stats s0, s1;
		void *v[17 * 7];
		size_t vs[17 * 7], n = 0;

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, R);
		s0 = th_stats(&t);

		/* one at a time: allocate, check, free */
		for (size_t al = 1; al <= 65536; al *= 2)
			for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
				unsigned char *x = mh_aligned_alloc(&t.heap, al, sizes[k]);

				CHECK_MSG(x, "aligned_alloc(%zu, %zu) = NULL", al, sizes[k]);
				CHECK_ALIGNED(x, al);
				CHECK_ALIGNED(x, MH_MIN_ALIGN);
				CHECK(mh_usable_size(&t.heap, x) >= sizes[k]);
				CHECK(th_region_of(&t, x, sizes[k]) == 0);
				if (p == MH_POISON_COMPREHENSIVE)
					CHECK_EQ(count_byte(x, sizes[k], MH_FILL_ALLOC), sizes[k]);
				memset(x, 0x42, sizes[k]);
				CHECK_HEAP_OK(&t);
				CHECK_RC(mh_free(&t.heap, x), MH_OK);
			}
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_bytes, 0);
		CHECK_EQ(s1.largest_free, s0.largest_free);
		CHECK_EQ(s1.free_blocks, s0.free_blocks);

		/* many at once (alignments up to 4 KiB so they all fit) */
		for (size_t al = 1; al <= 4096; al *= 2)
			for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
				unsigned char *x = mh_aligned_alloc(&t.heap, al, sizes[k]);

				CHECK_MSG(x, "aligned_alloc(%zu, %zu) = NULL", al, sizes[k]);
				CHECK_ALIGNED(x, al);
				pat_fill(x, sizes[k], n);
				v[n] = x;
				vs[n++] = sizes[k];
			}
		CHECK_HEAP_OK(&t);
		{
			struct walk_list w = th_walk(&t);

			for (size_t i = 1; i < w.n; i++)
				CHECK((unsigned char *)w.b[i - 1].block + w.b[i - 1].block_size <=
				      (unsigned char *)w.b[i].block);
			for (size_t i = 0; i < n; i++) {
				const struct mh_block_info *b = walk_find(&w, v[i]);

				CHECK_MSG(b && b->used, "aligned block %p not in walk", v[i]);
			}
			free(w.b);
		}
		for (size_t i = 0; i < n; i++)
			CHECK_PATTERN(v[i], vs[i], i);
		for (size_t i = 0; i < n; i++)
			CHECK_RC(mh_free(&t.heap, v[n - 1 - i]), MH_OK);
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_bytes, 0);
		CHECK_EQ(s1.largest_free, s0.largest_free);
		CHECK_EQ(s1.free_blocks, s0.free_blocks);
		CHECK_HEAP_OK(&t);

		/* bad alignments: NULL, nothing changes but failed_count */
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			s0 = th_stats(&t);
			CHECK_MSG(mh_aligned_alloc(&t.heap, bad[k], 16) == NULL,
				  "aligned_alloc(%zu, 16) != NULL", bad[k]);
			s1 = th_stats(&t);
			CHECK_STATS_SAME(s0, s1, 1);
		}
		/* an alignment larger than the region: NULL */
		s0 = th_stats(&t);
		CHECK_NULL(mh_aligned_alloc(&t.heap, (size_t)1 << 40, 8));
		s1 = th_stats(&t);
		CHECK_STATS_SAME(s0, s1, 1);
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
