/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * realloc, both algorithms, all poison levels:
 *  - NULL pointer = mh_alloc;
 *  - size 0 frees and returns NULL (free_count +1, failed_count unchanged);
 *  - shrinking keeps the pointer and the contents;
 *  - growing in place when the following block is free (first-fit: the next
 *    block; buddy: the block is a left buddy whose buddy is free);
 *  - moving keeps the contents and frees the old block;
 *  - failure (too big, or heap full) returns NULL, the old block unchanged,
 *    still valid, and no state change but failed_count;
 *  - poisoned heaps report usable_size == the new size.
 */
#include "helpers.h"

static void usable_is(struct th *t, enum mh_poison p, void *x, size_t n)
{
	size_t u = mh_usable_size(&t->heap, x);

	if (p == MH_POISON_NONE)
		CHECK_MSG(u >= n, "usable %zu < %zu", u, n);
	else
		CHECK_MSG(u == n, "usable %zu != %zu", u, n);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		struct mh_stats s0, s1;
		unsigned char *x, *y, *z, *g;

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, 1 << 20);

		/* NULL pointer: allocation */
		s0 = th_stats(&t);
		CHECK_NONNULL(x = mh_realloc(&t.heap, NULL, 100));
		CHECK_ALIGNED(x, MH_MIN_ALIGN);
		usable_is(&t, p, x, 100);
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_blocks, s0.allocated_blocks + 1);
		CHECK_EQ(s1.alloc_count, s0.alloc_count + 1);

		/* size 0: free */
		s0 = th_stats(&t);
		CHECK_NULL(mh_realloc(&t.heap, x, 0));
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_blocks, s0.allocated_blocks - 1);
		CHECK_EQ(s1.free_count, s0.free_count + 1);
		CHECK_EQ(s1.failed_count, s0.failed_count);
		CHECK_EQ(s1.allocated_bytes, 0);
		CHECK_HEAP_OK(&t);

		/* shrink keeps the pointer */
		for (size_t from = 16; from <= 8192; from *= 2) {
			for (size_t to = 1; to <= from; to = to * 3 + 1) {
				CHECK_NONNULL(x = mh_alloc(&t.heap, from));
				CHECK_NONNULL(g = mh_alloc(&t.heap, 8));	/* guard */
				pat_fill(x, from, from * 31 + to);
				y = mh_realloc(&t.heap, x, to);
				CHECK_MSG(y == x, "realloc(%zu -> %zu) moved %p -> %p", from, to,
					  (void *)x, (void *)y);
				usable_is(&t, p, y, to);
				CHECK_PATTERN(y, to, from * 31 + to);
				CHECK_HEAP_OK(&t);
				CHECK_RC(mh_free(&t.heap, y), MH_OK);
				CHECK_RC(mh_free(&t.heap, g), MH_OK);
			}
		}
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_bytes, 0);

		/* grow in place into a free following block */
		{
			struct walk_list w;
			const struct mh_block_info *bx, *next = NULL;
			size_t grow;

			CHECK_NONNULL(x = mh_alloc(&t.heap, 200));
			CHECK_NONNULL(y = mh_alloc(&t.heap, 200));
			CHECK_NONNULL(z = mh_alloc(&t.heap, 200));
			if (a == MH_ALGO_BUDDY) {
				/* make x a left buddy with y its right buddy */
				w = th_walk(&t);
				bx = walk_find(&w, x);
				CHECK(bx);
				if (walk_find(&w, y) != bx + 1 ||
				    ((uintptr_t)bx->block - (uintptr_t)w.b[0].block) % (2 * bx->block_size)) {
					unsigned char *tmp = x;

					x = y;
					y = z;
					z = tmp;
				}
				free(w.b);
			}
			pat_fill(x, 200, 7);
			CHECK_RC(mh_free(&t.heap, y), MH_OK);
			w = th_walk(&t);
			bx = walk_find(&w, x);
			CHECK(bx);
			if (bx + 1 < w.b + w.n)
				next = bx + 1;
			CHECK_MSG(next && !next->used, "block after x is not free");
			if (a == MH_ALGO_BUDDY) {
				CHECK_EQ(next->block_size, bx->block_size);
				CHECK_EQ(((uintptr_t)bx->block - (uintptr_t)w.b[0].block) % (2 * bx->block_size), 0);
				grow = 2 * bx->block_size - (bx->block_size - bx->size);
			} else {
				grow = bx->size + next->block_size;
			}
			free(w.b);
			s0 = th_stats(&t);
			y = mh_realloc(&t.heap, x, grow);
			CHECK_MSG(y == x, "realloc(200 -> %zu) with a free neighbour moved", grow);
			usable_is(&t, p, y, grow);
			CHECK_PATTERN(y, 200, 7);
			s1 = th_stats(&t);
			CHECK_EQ(s1.allocated_blocks, s0.allocated_blocks);
			CHECK(s1.allocated_bytes > s0.allocated_bytes);
			CHECK_HEAP_OK(&t);
			memset(y, 0x5f, grow);
			CHECK_RC(mh_free(&t.heap, y), MH_OK);
			CHECK_RC(mh_free(&t.heap, z), MH_OK);
			CHECK_HEAP_OK(&t);
		}

		/* move: neighbour in use, contents kept, old block freed */
		for (size_t from = 1; from <= 4096; from = from * 2 + 3) {
			size_t to = from * 3 + 100;

			CHECK_NONNULL(x = mh_alloc(&t.heap, from));
			CHECK_NONNULL(g = mh_alloc(&t.heap, 64));
			pat_fill(x, from, from);
			s0 = th_stats(&t);
			CHECK_NONNULL(y = mh_realloc(&t.heap, x, to));
			CHECK_ALIGNED(y, MH_MIN_ALIGN);
			usable_is(&t, p, y, to);
			CHECK_PATTERN(y, from, from);
			s1 = th_stats(&t);
			CHECK_EQ(s1.allocated_blocks, s0.allocated_blocks);
			if (y != x)
				CHECK_EQ(s1.alloc_count, s0.alloc_count + 1);
			CHECK_HEAP_OK(&t);
			/* the old place is reusable */
			CHECK_RC(mh_free(&t.heap, y), MH_OK);
			CHECK_RC(mh_free(&t.heap, g), MH_OK);
		}
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_bytes, 0);

		/* failure: too large; the block is unchanged and still ours */
		CHECK_NONNULL(x = mh_alloc(&t.heap, 300));
		pat_fill(x, 300, 99);
		{
			size_t u = mh_usable_size(&t.heap, x);
			static const size_t huge[] = { 2 << 20, 1 << 30, SIZE_MAX / 2, SIZE_MAX - 64, SIZE_MAX };

			for (size_t k = 0; k < sizeof(huge) / sizeof(huge[0]); k++) {
				s0 = th_stats(&t);
				CHECK_MSG(mh_realloc(&t.heap, x, huge[k]) == NULL, "realloc(%zu) != NULL", huge[k]);
				s1 = th_stats(&t);
				CHECK_STATS_SAME(s0, s1, 1);
				CHECK_EQ(mh_usable_size(&t.heap, x), u);
				CHECK_PATTERN(x, 300, 99);
			}
		}
		/* failure with the heap full of small blocks */
		{
			void *fill[20000];
			size_t n = 0;

			while (n < 20000 && (fill[n] = mh_alloc(&t.heap, 64)) != NULL)
				n++;
			CHECK(n < 20000);
			while ((fill[n] = mh_alloc(&t.heap, 8)) != NULL && n < 19999)
				n++;
			s0 = th_stats(&t);
			CHECK_NULL(mh_realloc(&t.heap, x, 4096));
			s1 = th_stats(&t);
			CHECK_STATS_SAME(s0, s1, 1);
			CHECK_PATTERN(x, 300, 99);
			CHECK_HEAP_OK(&t);
			while (n--)
				CHECK_RC(mh_free(&t.heap, fill[n]), MH_OK);
		}
		/* and it can still grow afterwards */
		CHECK_NONNULL(y = mh_realloc(&t.heap, x, 4096));
		CHECK_PATTERN(y, 300, 99);
		CHECK_RC(mh_free(&t.heap, y), MH_OK);

		/* an aligned block moved by realloc keeps its contents */
		CHECK_NONNULL(x = mh_aligned_alloc(&t.heap, 4096, 100));
		CHECK_NONNULL(g = mh_alloc(&t.heap, 64));
		pat_fill(x, 100, 5);
		CHECK_NONNULL(y = mh_realloc(&t.heap, x, 20000));
		CHECK_ALIGNED(y, MH_MIN_ALIGN);
		CHECK_PATTERN(y, 100, 5);
		CHECK_RC(mh_free(&t.heap, y), MH_OK);
		CHECK_RC(mh_free(&t.heap, g), MH_OK);

		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_bytes, 0);
		CHECK_EQ(s1.allocated_blocks, 0);
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
