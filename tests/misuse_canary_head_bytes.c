/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * misuse_canary_head_bytes: the head canary is 8 bytes; changing ANY of
 * them (not only ptr[-1]) must make mh_check and mh_free report
 * MH_ECANARY -- also when the block's memory still holds the tail canary of
 * an earlier, larger allocation (so a head that encodes the size cannot be
 * fooled by a stale tail).  Light and comprehensive, both algorithms.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_ALGO(a)
	for (int pi = MH_POISON_LIGHT; pi <= MH_POISON_COMPREHENSIVE; pi++)
	for (int b = 1; b <= 8; b++)
	for (unsigned int flip = 1; flip < 256; flip <<= 1) {
		struct th t;
		unsigned char *x, *g;
		int rc;

		t_ctx("algo=%s poison=%s ptr[-%d] ^= 0x%02x", algo_name(a), poison_name((enum mh_poison)pi), b, flip);
		th_simple(&t, a, (enum mh_poison)pi, 16384);
		/* leave the stale tail of the size the flip would make (if the
		 * size sits in the head's low bytes) where x will be */
		{
			size_t stale = b >= 1 && b <= 4 ? (size_t)6 ^ ((size_t)flip << (8 * (4 - b))) : 0;

			if (stale && stale <= 20) {
				CHECK_NONNULL(x = mh_alloc(&t.heap, stale));
				CHECK_RC(mh_free(&t.heap, x), MH_OK);
			}
		}
		CHECK_NONNULL(x = mh_alloc(&t.heap, 6));
		CHECK_NONNULL(g = mh_alloc(&t.heap, 6));
		memset(x, 0x3c, 6);
		x[-b] ^= (unsigned char)flip;
		rc = mh_check(&t.heap);
		CHECK_MSG(rc == MH_ECANARY, "mh_check = %d (%s) with ptr[-%d] changed", rc, mh_strerror(rc), b);
		th_bad_free(&t, x, MH_ECANARY, MH_ECANARY);
		x[-b] ^= (unsigned char)flip;
		rec_clear(&t.rec);
		CHECK_HEAP_OK(&t);
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		CHECK_RC(mh_free(&t.heap, g), MH_OK);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
