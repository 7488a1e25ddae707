/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * canary_common.h - shared body of misuse_canary_head / misuse_canary_tail:
 * overwrite one canary byte of a live block, then mh_check -> MH_ECANARY
 * (reported with op "check", the block's region and an address inside the
 * block), mh_free -> MH_ECANARY (callback once, block not freed), mh_realloc
 * -> NULL; the rest of the heap keeps working; once the byte is restored
 * mh_check is clean and the block frees normally.  Light and comprehensive
 * poisoning, both algorithms, the block in region 0 or region 1.
 */
#include "helpers.h"

static void canary_case(enum mh_algo a, enum mh_poison p, int region, size_t n, bool head)
{
	struct th t;
	unsigned char *x, *l, *r, *byte, saved;
	static void *fill[4096];
	int nfill = 0;
	const struct mh_block_info *bi;
	struct walk_list w;
	int rc;

	t_ctx("algo=%s poison=%s region=%d size=%zu %s canary", algo_name(a),
	      poison_name(p), region, n, head ? "head" : "tail");
	th_init(&t, p);
	th_add(&t, 32768, a);
	th_add(&t, 32768, a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY);
	if (region == 1) {	/* fill region 0 so the block lands in region 1 */
		static const size_t fs[] = { 2048, 256, 32, 1 };

		for (int k = 0; k < 4; k++) {
			for (;;) {
				void *f = mh_alloc(&t.heap, fs[k]);

				CHECK(f && nfill < 4096);
				if (th_region_of(&t, f, 1) != 0) {
					CHECK_RC(mh_free(&t.heap, f), MH_OK);
					break;
				}
				fill[nfill++] = f;
			}
		}
	}
	CHECK_NONNULL(l = mh_alloc(&t.heap, n));
	CHECK_NONNULL(x = mh_alloc(&t.heap, n));
	CHECK_NONNULL(r = mh_alloc(&t.heap, n));
	CHECK_EQ(th_region_of(&t, x, n), region);
	CHECK_EQ(mh_usable_size(&t.heap, x), n);
	memset(x, 0x61, n);
	w = th_walk(&t);
	bi = walk_find(&w, x);
	CHECK(bi && bi->used);

	byte = head ? x - 1 : x + n;
	saved = *byte;
	*byte ^= 0xff;

	rec_clear(&t.rec);
	rc = mh_check(&t.heap);
	CHECK_MSG(rc == MH_ECANARY, "mh_check = %d (%s), expected MH_ECANARY", rc, mh_strerror(rc));
	CHECK(t.rec.count >= 1);
	CHECK_EQ(t.rec.e[0].code, MH_ECANARY);
	CHECK(t.rec.e[0].op && !strcmp(t.rec.e[0].op, "check"));
	CHECK_EQ(t.rec.e[0].region, region);
	CHECK_MSG((unsigned char *)t.rec.e[0].where >= (unsigned char *)bi->block &&
		  (unsigned char *)t.rec.e[0].where < (unsigned char *)bi->block + bi->block_size,
		  "check reported the damage at %p, outside the block [%p, +%zu)",
		  t.rec.e[0].where, bi->block, bi->block_size);
	free(w.b);

	th_bad_free(&t, x, MH_ECANARY, MH_ECANARY);
	th_bad_free(&t, x, MH_ECANARY, MH_ECANARY);	/* still refused */
	th_bad_realloc(&t, x, MH_ECANARY, MH_ECANARY);
	{
		/* callback of a refused free names the region */
		rec_clear(&t.rec);
		CHECK_RC(mh_free(&t.heap, x), MH_ECANARY);
		CHECK_EQ(t.rec.e[0].region, region);
		rec_clear(&t.rec);
	}
	CHECK_EQ(count_byte(x, n, 0x61), n);
	/* the neighbours are fine */
	CHECK_RC(mh_free(&t.heap, l), MH_OK);
	th_exercise(&t);
	rc = mh_check(&t.heap);
	CHECK_MSG(rc == MH_ECANARY, "mh_check = %d with the damage still there", rc);

	*byte = saved;
	rec_clear(&t.rec);
	CHECK_HEAP_OK(&t);
	CHECK_REC_NONE(&t.rec);
	{
		struct mh_stats s0 = th_stats(&t), s1;

		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		s1 = th_stats(&t);
		CHECK_EQ(s1.allocated_blocks, s0.allocated_blocks - 1);
	}
	CHECK_RC(mh_free(&t.heap, r), MH_OK);
	while (nfill--)
		CHECK_RC(mh_free(&t.heap, fill[nfill]), MH_OK);
	CHECK_HEAP_OK(&t);
	th_fini(&t);
}

static void canary_all(bool head)
{
	static const size_t sizes[] = { 1, 3, 8, 13, 64, 100, 1000 };

	FOR_EACH_ALGO(a)
	for (int pi = MH_POISON_LIGHT; pi <= MH_POISON_COMPREHENSIVE; pi++)
	for (int region = 0; region < 2; region++)
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		canary_case(a, (enum mh_poison)pi, region, sizes[k], head);
	arena_free_all();
}
