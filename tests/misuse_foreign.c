/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * misuse_foreign: pointers outside every region (stack, libc heap, just
 * before / just past a region, between two regions, the last byte of the
 * address space) -> MH_EFOREIGN from mh_free (callback once, region -1),
 * mh_realloc returns NULL, mh_usable_size returns 0, nothing changes, the
 * heap stays usable, mh_check clean.  Both algorithms, all poison levels.
 */
#include "helpers.h"

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		uint64_t local[4] = { 0 };
		uint64_t *libc = malloc(64);
		unsigned char *b0, *b1, *x;
		void *bad[8];

		CHECK(libc);
		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_init(&t, p);
		b0 = th_add(&t, 16384, a);
		b1 = th_add(&t, 16384, a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY);
		CHECK_NONNULL(x = mh_alloc(&t.heap, 100));
		memset(x, 0x33, 100);
		bad[0] = &local[2];
		bad[1] = libc + 1;
		bad[2] = b0 - 64;
		bad[3] = b0 + 16384;
		bad[4] = b1 + 16384 + 8;
		bad[5] = b1 - 8;
		bad[6] = (void *)(UINTPTR_MAX & ~(uintptr_t)7);
		bad[7] = (void *)(uintptr_t)8;
		for (int i = 0; i < 8; i++) {
			th_bad_free(&t, bad[i], MH_EFOREIGN, MH_EFOREIGN);
			CHECK_HEAP_OK(&t);
		}
		/* the callback names no region */
		rec_clear(&t.rec);
		CHECK_RC(mh_free(&t.heap, bad[0]), MH_EFOREIGN);
		CHECK_EQ(t.rec.count, 1);
		CHECK_EQ(t.rec.e[0].region, -1);
		CHECK_RC(mh_free(&t.heap, bad[3]), MH_EFOREIGN);
		CHECK_EQ(t.rec.count, 2);
		CHECK_EQ(t.rec.e[1].region, -1);
		rec_clear(&t.rec);
		for (int i = 0; i < 8; i++) {
			th_bad_realloc(&t, bad[i], MH_EFOREIGN, MH_EFOREIGN);
			th_bad_usable(&t, bad[i], MH_EFOREIGN, MH_EFOREIGN);
		}
		CHECK_EQ(local[0] | local[1] | local[2] | local[3], 0);	/* untouched */
		CHECK_EQ(count_byte(x, 100, 0x33), 100);
		CHECK_HEAP_OK(&t);
		th_exercise(&t);
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
		CHECK_HEAP_OK(&t);
		/* a pointer of another heap is foreign to this one */
		{
			struct th o;
			void *y;

			th_simple(&o, a, p, 8192);
			CHECK_NONNULL(y = mh_alloc(&o.heap, 32));
			th_bad_free(&t, y, MH_EFOREIGN, MH_EFOREIGN);
			CHECK_RC(mh_free(&o.heap, y), MH_OK);
			CHECK_HEAP_OK(&o);
			th_fini(&o);
		}
		CHECK_HEAP_OK(&t);
		free(libc);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
