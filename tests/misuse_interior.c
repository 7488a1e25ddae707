/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * misuse_interior: pointers inside a region that no allocation returned:
 * misaligned (block + 1..7), aligned interior (+8, +16, middle, last word),
 * the region's first bytes (control data), the usable start of a free
 * block -> MH_EFOREIGN or MH_EHEADER (a free block may also say
 * MH_EDOUBLEFREE); callback once, nothing freed, heap usable, mh_check
 * clean.  The block content is a fixed pattern (0x5a), and zeros.  Both
 * algorithms, all poison levels.
 */
#include "helpers.h"

static void try_bad(struct th *t, unsigned char *x, size_t n, unsigned char *ptr)
{
	th_bad_free(t, ptr, MH_EFOREIGN, MH_EHEADER);
	th_bad_realloc(t, ptr, MH_EFOREIGN, MH_EHEADER);
	th_bad_usable(t, ptr, MH_EFOREIGN, MH_EHEADER);
	CHECK_HEAP_OK(t);
	CHECK(mh_usable_size(&t->heap, x) >= n);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) for (int fill = 0; fill < 2; fill++) {
		struct th t;
		unsigned char *b0, *x, *l, *r;
		const size_t n = 256;

		t_ctx("algo=%s poison=%s fill=%s", algo_name(a), poison_name(p), fill ? "0x5a" : "0");
		th_init(&t, p);
		b0 = th_add(&t, 65536, a);
		CHECK_NONNULL(l = mh_alloc(&t.heap, n));
		CHECK_NONNULL(x = mh_alloc(&t.heap, n));
		CHECK_NONNULL(r = mh_alloc(&t.heap, n));
		memset(l, fill ? 0x5a : 0, n);
		memset(x, fill ? 0x5a : 0, n);
		memset(r, fill ? 0x5a : 0, n);
		for (size_t off = 1; off < 8; off++)
			try_bad(&t, x, n, x + off);
		try_bad(&t, x, n, x + 8);
		try_bad(&t, x, n, x + 16);
		try_bad(&t, x, n, x + 24);
		try_bad(&t, x, n, x + n / 2);
		try_bad(&t, x, n, x + n - 8);
		try_bad(&t, x, n, x - 1);
		/* control data carved at the region's start */
		th_bad_free(&t, b0 + 64, MH_EFOREIGN, MH_EHEADER);
		th_bad_free(&t, b0 + 8, MH_EFOREIGN, MH_EHEADER);
		CHECK_HEAP_OK(&t);
		CHECK_EQ(count_byte(x, n, fill ? 0x5a : 0), n);

		/* usable start of a free block reported by the walk */
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		{
			struct walk_list w = th_walk(&t);

			for (size_t i = 0; i < w.n; i++)
				if (!w.b[i].used) {
					int rc;

					rec_clear(&t.rec);
					rc = mh_free(&t.heap, w.b[i].ptr);
					CHECK_MSG(rc == MH_EFOREIGN || rc == MH_EHEADER || rc == MH_EDOUBLEFREE,
						  "free of free block's start %p = %d (%s)", w.b[i].ptr, rc,
						  mh_strerror(rc));
					CHECK_EQ(t.rec.count, 1);
					CHECK_EQ(t.rec.e[0].code, rc);
				}
			free(w.b);
		}
		CHECK_HEAP_OK(&t);
		th_exercise(&t);
		CHECK_RC(mh_free(&t.heap, l), MH_OK);
		CHECK_RC(mh_free(&t.heap, r), MH_OK);
		CHECK_HEAP_OK(&t);
		{
			struct mh_stats s = th_stats(&t);

			CHECK_EQ(s.allocated_blocks, 0);
		}
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
