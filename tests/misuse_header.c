/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * misuse_header: first-fit, no poisoning: the 8 bytes just before a block
 * (its header) overwritten with zeros, ones, 0xa5.., a huge size, a size
 * reaching past the region, the used flag cleared, a neighbour's copy ->
 * mh_free returns MH_EHEADER (or MH_EFOREIGN / MH_EDOUBLEFREE for a header
 * claiming "free"), never crashes, frees nothing; mh_check reports the
 * damage; restoring the header makes everything clean again.  Also a
 * header overwritten by an overflow of the previous block.
 */
#include "helpers.h"

int main(void)
{
	for (int pat = 0; pat < 8; pat++) {
		struct th t;
		unsigned char *l, *x, *r, saved[8], bad[8];
		uint64_t v;
		int rc;

		t_ctx("firstfit header pattern %d", pat);
		th_simple(&t, MH_ALGO_FIRSTFIT, MH_POISON_NONE, 65536);
		CHECK_NONNULL(l = mh_alloc(&t.heap, 120));
		CHECK_NONNULL(x = mh_alloc(&t.heap, 120));
		CHECK_NONNULL(r = mh_alloc(&t.heap, 120));
		memset(x, 0x11, 120);
		memcpy(saved, x - 8, 8);
		switch (pat) {
		case 0: memset(bad, 0, 8); break;
		case 1: memset(bad, 0xff, 8); break;
		case 2: memset(bad, 0xa5, 8); break;
		case 3: v = (uint64_t)1 << 40; memcpy(bad, &v, 8); break;
		case 4: v = 1u << 20; memcpy(bad, &v, 8); break;		/* past the region */
		case 5: memcpy(bad, saved, 8); bad[0] ^= 1; break;		/* flag bit flipped */
		case 6: memcpy(bad, saved, 8); bad[0] ^= 0x40; break;	/* size changed */
		default: memcpy(bad, saved, 8); bad[4] ^= 0x80; bad[7] ^= 0x10; break;
		}
		memcpy(x - 8, bad, 8);

		rec_clear(&t.rec);
		rc = mh_check(&t.heap);
		CHECK_MSG(rc == MH_EHEADER || rc == MH_EFREELIST,
			  "mh_check with a damaged header = %d (%s)", rc, mh_strerror(rc));
		CHECK(t.rec.count >= 1);
		rc = mh_free(&t.heap, x);
		CHECK_MSG(rc == MH_EHEADER || rc == MH_EFOREIGN || rc == MH_EDOUBLEFREE,
			  "mh_free with a damaged header = %d (%s)", rc, mh_strerror(rc));
		rec_clear(&t.rec);
		memcpy(x - 8, bad, 8);	/* a refused free must not have "repaired" it either */
		th_bad_free(&t, x, rc, rc);
		th_bad_realloc(&t, x, rc, rc);
		th_bad_usable(&t, x, rc, rc);
		/* the rest of the heap still works (the neighbours' frees may
		 * refuse to merge with a damaged block: not asserted) */
		th_exercise(&t);
		CHECK_EQ(count_byte(x, 120, 0x11), 120);

		memcpy(x - 8, saved, 8);
		rec_clear(&t.rec);
		CHECK_HEAP_OK(&t);
		CHECK_REC_NONE(&t.rec);
		th_exercise(&t);
		CHECK_RC(mh_free(&t.heap, l), MH_OK);
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		CHECK_RC(mh_free(&t.heap, r), MH_OK);
		CHECK_HEAP_OK(&t);
		th_fini(&t);
	}

	/* an overflow of the previous block running over x's header */
	{
		struct th t;
		unsigned char *l, *x, saved[8];
		size_t u;
		int rc;

		t_ctx("firstfit header overrun");
		th_simple(&t, MH_ALGO_FIRSTFIT, MH_POISON_NONE, 65536);
		CHECK_NONNULL(l = mh_alloc(&t.heap, 64));
		CHECK_NONNULL(x = mh_alloc(&t.heap, 64));
		u = mh_usable_size(&t.heap, l);
		CHECK(l + u + 8 == x);
		memcpy(saved, l + u, 8);
		memset(l, 'A', u + 8);
		rc = mh_free(&t.heap, x);
		CHECK_MSG(rc == MH_EHEADER || rc == MH_EFOREIGN, "free after overrun = %d", rc);
		rc = mh_check(&t.heap);
		CHECK(rc == MH_EHEADER || rc == MH_EFREELIST);
		memcpy(l + u, saved, 8);
		CHECK_HEAP_OK(&t);
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		CHECK_RC(mh_free(&t.heap, l), MH_OK);
		CHECK_HEAP_OK(&t);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
