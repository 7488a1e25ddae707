/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * misuse_double_free: freeing a block twice -> MH_EDOUBLEFREE, the error
 * callback fires once with it, nothing changes, the heap stays usable and
 * mh_check stays clean.  Cases: isolated block (both neighbours in use),
 * block merged with its free right neighbour, block merged with its free
 * left neighbour (the pointer is then inside a larger free block: a
 * double free, MH_EHEADER or MH_EFOREIGN are accepted), after the whole heap
 * was freed; realloc and usable_size of the freed pointer are refused too.
 * Both algorithms, all poison levels.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		unsigned char *x, *l, *m, *r, *g;

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, 65536);

		/* isolated */
		CHECK_NONNULL(l = mh_alloc(&t.heap, 64));
		CHECK_NONNULL(x = mh_alloc(&t.heap, 64));
		CHECK_NONNULL(r = mh_alloc(&t.heap, 64));
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		th_bad_free(&t, x, MH_EDOUBLEFREE, MH_EDOUBLEFREE);
		th_bad_free(&t, x, MH_EDOUBLEFREE, MH_EDOUBLEFREE);	/* and again */
		CHECK_HEAP_OK(&t);
		th_bad_realloc(&t, x, MH_EDOUBLEFREE, MH_EDOUBLEFREE);
		th_bad_usable(&t, x, MH_EDOUBLEFREE, MH_EDOUBLEFREE);
		CHECK_HEAP_OK(&t);
		th_exercise(&t);
		CHECK_HEAP_OK(&t);

		/* merged with the free right neighbour: free r then m (m's block
		 * still starts where it did) */
		CHECK_NONNULL(m = mh_alloc(&t.heap, 100));
		CHECK_NONNULL(g = mh_alloc(&t.heap, 100));
		CHECK_RC(mh_free(&t.heap, g), MH_OK);
		CHECK_RC(mh_free(&t.heap, m), MH_OK);
		th_bad_free(&t, m, MH_EDOUBLEFREE, MH_EDOUBLEFREE);
		CHECK_HEAP_OK(&t);

		/* merged into the free left neighbour */
		CHECK_NONNULL(m = mh_alloc(&t.heap, 100));
		CHECK_NONNULL(g = mh_alloc(&t.heap, 100));
		CHECK_NONNULL(x = mh_alloc(&t.heap, 100));	/* guard */
		CHECK_RC(mh_free(&t.heap, m), MH_OK);
		CHECK_RC(mh_free(&t.heap, g), MH_OK);
		{
			int rc = th_bad_free(&t, g, MH_EDOUBLEFREE, MH_EHEADER);

			(void)rc;
		}
		CHECK_HEAP_OK(&t);
		th_exercise(&t);

		/* everything freed */
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		CHECK_RC(mh_free(&t.heap, l), MH_OK);
		CHECK_RC(mh_free(&t.heap, r), MH_OK);
		{
			struct mh_stats s = th_stats(&t);

			CHECK_EQ(s.allocated_blocks, 0);
			CHECK_EQ(s.error_count, 6);
		}
		th_bad_free(&t, l, MH_EDOUBLEFREE, MH_EFOREIGN);
		CHECK_HEAP_OK(&t);
		th_exercise(&t);
		CHECK_HEAP_OK(&t);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
