/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * region_meta: mh_region_meta_size and caller-supplied metadata memory.
 * In-region metadata costs at most mh_region_meta_size() bytes of the region;
 * external metadata leaves more (never less) of the region to blocks, every
 * block stays inside the region, the metadata buffer is never handed out,
 * too small a metadata buffer is refused with the heap unchanged.
 */
#include "helpers.h"

static void fill_and_free(struct th *t, unsigned char *base, size_t size,
			  const unsigned char *meta, size_t meta_size)
{
	void **v = calloc(size / 16 + 1, sizeof(*v));
	size_t n = 0;

	CHECK(v);
	for (;;) {
		void *x = mh_alloc(&t->heap, 24);

		if (!x)
			break;
		CHECK((unsigned char *)x >= base && (unsigned char *)x + 24 <= base + size);
		CHECK(meta == NULL || (unsigned char *)x + 24 <= meta ||
		      (unsigned char *)x >= meta + meta_size);
		pat_fill(x, 24, n);
		v[n++] = x;
	}
	CHECK(n > 0);
	CHECK_HEAP_OK(t);
	for (size_t i = 0; i < n; i++) {
		CHECK_PATTERN(v[i], 24, i);
		CHECK_RC(mh_free(&t->heap, v[i]), MH_OK);
	}
	CHECK_HEAP_OK(t);
	free(v);
}

int main(void)
{
	static const size_t sizes[] = { 4096, 65536, 1000000 };

	FOR_EACH_POISON(p) FOR_EACH_ALGO(a) for (size_t si = 0; si < 3; si++) {
		size_t S = sizes[si];
		struct mh_region_config rc = { .algo = a };
		size_t ms = mh_region_meta_size(S, &rc);
		struct th in, ex;
		struct mh_stats sin, sex, s0;
		unsigned char *meta, *base;
		int r;

		t_ctx("algo=%s poison=%s size=%zu meta=%zu", algo_name(a), poison_name(p), S, ms);
		CHECK(ms > 0);
		CHECK(ms < S);
		CHECK_EQ(mh_region_meta_size(S, NULL),
			 mh_region_meta_size(S, &(struct mh_region_config){ .algo = MH_ALGO_FIRSTFIT }));

		th_init(&in, p);
		base = th_add(&in, S, a);
		sin = th_stats(&in);
		CHECK(sin.total_bytes > 0);
		/* meta_size may include up to 8 bytes of alignment slack */
		CHECK(sin.total_bytes <= S - ms + 8);
		fill_and_free(&in, base, S, NULL, 0);
		th_fini(&in);

		th_init(&ex, p);
		base = arena_new(S);
		meta = arena_new(ms + 64);
		memset(meta + ms, 0x3c, 64);

		/* too small a buffer: refused, nothing changes */
		s0 = th_stats(&ex);
		rc.meta = meta;
		rc.meta_size = ms - 1;
		r = mh_heap_add_region(&ex.heap, base, S, &rc);
		CHECK_MSG(r == MH_EINVAL || r == MH_ENOMEM, "meta_size-1: %d", r);
		sex = th_stats(&ex);
		CHECK_STATS_SAME(s0, sex, 0);

		rc.meta_size = ms;
		CHECK_RC(mh_heap_add_region(&ex.heap, base, S, &rc), MH_OK);
		ex.base[0] = base; ex.size[0] = S; ex.nregions = 1;
		sex = th_stats(&ex);
		CHECK(sex.total_bytes >= sin.total_bytes);
		CHECK(sex.total_bytes <= S);
		CHECK_EQ(sex.regions, 1);
		CHECK(!mh_heap_contains(&ex.heap, meta));
		{
			struct walk_list w = th_walk(&ex);

			for (size_t i = 0; i < w.n; i++) {
				CHECK((unsigned char *)w.b[i].block >= base);
				CHECK((unsigned char *)w.b[i].block + w.b[i].block_size <= base + S);
			}
			free(w.b);
		}
		fill_and_free(&ex, base, S, meta, ms);
		CHECK_EQ(count_byte(meta + ms, 64, 0x3c), 64);	/* stays in its buffer */
		{
			struct mh_stats s1 = th_stats(&ex);

			CHECK_EQ(s1.largest_free, sex.largest_free);
			CHECK_EQ(s1.free_bytes, sex.free_bytes);
		}
		CHECK_REC_NONE(&ex.rec);
		mh_heap_destroy(&ex.heap);
		arena_free_all();

		/* external metadata, tiny region: too small for a block */
		th_init(&ex, p);
		base = arena_new(8);
		meta = arena_new(mh_region_meta_size(8, &(struct mh_region_config){ .algo = a }) + 4096);
		rc = (struct mh_region_config){ .algo = a, .meta = meta,
			.meta_size = mh_region_meta_size(8, &(struct mh_region_config){ .algo = a }) + 4096 };
		CHECK_RC(mh_heap_add_region(&ex.heap, base, 8, &rc), MH_ENOMEM);
		mh_heap_destroy(&ex.heap);
		arena_free_all();
	}
	return 0;
}
