/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * misuse_write_after_free: comprehensive poisoning: a byte written into a
 * freed block (beginning, middle, end of the old payload) -> mh_check
 * returns MH_EPOISON and reports it (op "check", an address inside the free
 * block); restoring MH_FILL_FREE makes the heap clean again and it keeps
 * working.  Both algorithms, also after coalescing.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_ALGO(a) for (int where = 0; where < 3; where++) for (int merged = 0; merged < 2; merged++) {
		struct th t;
		unsigned char *l, *x, *r, *byte;
		const size_t n = 512;
		int rc;

		t_ctx("algo=%s where=%d merged=%d", algo_name(a), where, merged);
		th_simple(&t, a, MH_POISON_COMPREHENSIVE, 65536);
		CHECK_NONNULL(l = mh_alloc(&t.heap, n));
		CHECK_NONNULL(x = mh_alloc(&t.heap, n));
		CHECK_NONNULL(r = mh_alloc(&t.heap, n));
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		if (merged)
			CHECK_RC(mh_free(&t.heap, l), MH_OK);
		byte = where == 0 ? x + 40 : where == 1 ? x + n / 2 : x + n - 24;
		CHECK_EQ(*byte, MH_FILL_FREE);
		*byte = 0x00;

		rec_clear(&t.rec);
		rc = mh_check(&t.heap);
		CHECK_MSG(rc == MH_EPOISON, "mh_check after a write to freed memory = %d (%s)",
			  rc, mh_strerror(rc));
		CHECK(t.rec.count >= 1);
		CHECK_EQ(t.rec.e[0].code, MH_EPOISON);
		CHECK(t.rec.e[0].op && !strcmp(t.rec.e[0].op, "check"));
		{
			struct walk_list w = th_walk(&t);
			const struct mh_block_info *b = walk_containing(&w, byte);

			CHECK(b && !b->used);
			CHECK_MSG((unsigned char *)t.rec.e[0].where >= (unsigned char *)b->block &&
				  (unsigned char *)t.rec.e[0].where < (unsigned char *)b->block + b->block_size,
				  "damage reported at %p, outside the free block [%p, +%zu)",
				  t.rec.e[0].where, b->block, b->block_size);
			free(w.b);
		}
		{
			struct mh_stats s = th_stats(&t);

			CHECK(s.error_count >= 1);
		}
		*byte = MH_FILL_FREE;
		rec_clear(&t.rec);
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_exercise(&t);
		if (!merged)
			CHECK_RC(mh_free(&t.heap, l), MH_OK);
		CHECK_RC(mh_free(&t.heap, r), MH_OK);
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
