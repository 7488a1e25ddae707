/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * overflow: size arithmetic near SIZE_MAX never wraps into a small block:
 * mh_alloc(SIZE_MAX), mh_alloc(SIZE_MAX - 7) and friends, aligned_alloc(a,
 * SIZE_MAX - a + 2) for every alignment, calloc(SIZE_MAX/2+1, 2) and other
 * overflowing products, realloc(p, SIZE_MAX) -> NULL, stats identical
 * except failed_count + 1, no callback, the block of a failed realloc
 * intact.  Empty, half-full and multi-region heaps, both algorithms, all
 * poison levels.
 */
#include "helpers.h"

#define SAME_BUT_FAILED(t, expr) do { \
	struct mh_stats before_ = th_stats(t), after_; \
	void *q_ = (void *)(expr); \
	if (q_) FAILF("%s = %p, expected NULL", #expr, q_); \
	after_ = th_stats(t); \
	CHECK_STATS_SAME(before_, after_, 1); \
	CHECK_REC_NONE(&(t)->rec); \
} while (0)

static void hammer(struct th *t)
{
	struct mh_heap *h = &t->heap;
	unsigned char *x;
	char ctx[sizeof(t_context)];

	memcpy(ctx, t_context, sizeof(ctx));

	CHECK_NONNULL(x = mh_alloc(h, 200));
	pat_fill(x, 200, 1);
	for (size_t d = 0; d <= 64; d++) {
		SAME_BUT_FAILED(t, mh_alloc(h, SIZE_MAX - d));
		SAME_BUT_FAILED(t, mh_realloc(h, x, SIZE_MAX - d));
		SAME_BUT_FAILED(t, mh_realloc(h, NULL, SIZE_MAX - d));
		SAME_BUT_FAILED(t, mh_calloc(h, 1, SIZE_MAX - d));
		SAME_BUT_FAILED(t, mh_calloc(h, SIZE_MAX - d, 1));
		SAME_BUT_FAILED(t, mh_alloc(h, SIZE_MAX / 2 + d));
	}
	SAME_BUT_FAILED(t, mh_alloc(h, SIZE_MAX));
	SAME_BUT_FAILED(t, mh_alloc(h, SIZE_MAX - 7));
	SAME_BUT_FAILED(t, mh_alloc(h, ((size_t)1 << 32) + 16));
	for (int k = 0; k < 64; k++) {
		size_t al = (size_t)1 << k;

		t_ctx("%s align=%zu", ctx, al);
		if (al > 1)	/* (for 1 the sum wraps to 0, a valid request) */
			SAME_BUT_FAILED(t, mh_aligned_alloc(h, al, SIZE_MAX - al + 2));
		SAME_BUT_FAILED(t, mh_aligned_alloc(h, al, SIZE_MAX - al + 1));
		SAME_BUT_FAILED(t, mh_aligned_alloc(h, al, SIZE_MAX - al));
		SAME_BUT_FAILED(t, mh_aligned_alloc(h, al, SIZE_MAX));
		SAME_BUT_FAILED(t, mh_aligned_alloc(h, al, SIZE_MAX - 7));
		if (al > 8)
			SAME_BUT_FAILED(t, mh_aligned_alloc(h, al, SIZE_MAX - al + 9));
	}
	t_ctx("%s", ctx);
	SAME_BUT_FAILED(t, mh_calloc(h, SIZE_MAX / 2 + 1, 2));
	SAME_BUT_FAILED(t, mh_calloc(h, 2, SIZE_MAX / 2 + 1));
	SAME_BUT_FAILED(t, mh_calloc(h, (size_t)1 << 33, (size_t)1 << 31));
	SAME_BUT_FAILED(t, mh_calloc(h, SIZE_MAX, SIZE_MAX));
	SAME_BUT_FAILED(t, mh_calloc(h, SIZE_MAX / 8 + 1, 8));
	SAME_BUT_FAILED(t, mh_realloc(h, x, SIZE_MAX));
	CHECK_PATTERN(x, 200, 1);
	CHECK(mh_usable_size(h, x) >= 200);
	CHECK_HEAP_OK(t);
	CHECK_RC(mh_free(h, x), MH_OK);
	/* and ordinary requests still work */
	th_exercise(t);
	CHECK_HEAP_OK(t);
}

int main(void)
{
	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) {
		struct th t;
		void *v[100];
		int n = 0;

		t_ctx("algo=%s poison=%s", algo_name(a), poison_name(p));
		th_simple(&t, a, p, 1 << 16);
		hammer(&t);
		while (n < 100 && (v[n] = mh_alloc(&t.heap, 300)) != NULL && n < 60)
			n++;
		hammer(&t);
		th_add(&t, 1 << 17, a == MH_ALGO_BUDDY ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY);
		hammer(&t);
		while (n--)
			CHECK_RC(mh_free(&t.heap, v[n]), MH_OK);
		th_fini(&t);
	}
	arena_free_all();
	return 0;
}
