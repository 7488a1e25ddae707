/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * multi_region: heaps of several regions, algorithms mixed.  Regions are
 * searched in the order they were added whatever their addresses: blocks
 * come from region 0 until it is full, then region 1, ...; a block freed in
 * an earlier region is reused before later regions; the walk reports each
 * region's blocks under its index; stats add up over regions; a request
 * only the last region can hold is served there.
 */
#include "helpers.h"

struct layout { enum mh_algo algo[3]; size_t size[3]; int n; };

static void run(enum mh_poison p, const struct layout *L, bool reverse_addr, size_t req)
{
	struct th t;
	unsigned char *arena;
	size_t total = 0, off[3], n = 0, cap = 0;
	void **v = NULL;
	int *reg = NULL, last = 0;

	th_init(&t, p);
	for (int i = 0; i < L->n; i++)
		total += L->size[i] + 4096;
	arena = arena_new(total);
	/* place them in increasing or decreasing address order */
	for (int i = 0, o = 0; i < L->n; i++) {
		int k = reverse_addr ? L->n - 1 - i : i;

		off[k] = (size_t)o;
		o += (int)(L->size[k] + 4096);
	}
	for (int i = 0; i < L->n; i++) {
		struct mh_region_config rc = { .algo = L->algo[i] };

		CHECK_RC(mh_heap_add_region(&t.heap, arena + off[i], L->size[i], &rc), MH_OK);
		t.base[i] = arena + off[i];
		t.size[i] = L->size[i];
		t.nregions++;
	}
	{
		struct mh_stats s = th_stats(&t);

		CHECK_EQ(s.regions, (size_t)L->n);
		CHECK_STATS_SANE(s);
	}

	/* fill: region index never decreases, every region gets used */
	for (;;) {
		void *x = mh_alloc(&t.heap, req);
		int r;

		if (!x)
			break;
		r = th_region_of(&t, x, req);
		CHECK_MSG(r >= 0, "block %p outside every region", x);
		CHECK_MSG(r >= last, "block %zu from region %d after region %d", n, r, last);
		last = r;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof(*v));
			reg = realloc(reg, cap * sizeof(*reg));
			CHECK(v && reg);
		}
		v[n] = x;
		reg[n++] = r;
	}
	CHECK_EQ(last, L->n - 1);
	for (int i = 0; i < L->n; i++) {
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= reg[k] == i;
		CHECK_MSG(seen, "region %d never used", i);
	}

	/* walk: region indices right, every used block is one of ours */
	{
		struct walk_list w = th_walk(&t);
		size_t used = 0;

		for (size_t i = 0; i < w.n; i++) {
			int r = th_region_of(&t, w.b[i].block, w.b[i].block_size);

			CHECK_EQ(r, w.b[i].region);
			if (w.b[i].used)
				used++;
		}
		CHECK_EQ(used, n);
		free(w.b);
	}
	CHECK_HEAP_OK(&t);

	/* freeing one block of each region: the next allocation takes region 0 */
	for (int i = L->n - 1; i >= 0; i--)
		for (size_t k = 0; k < n; k++)
			if (reg[k] == i && v[k]) {
				CHECK_RC(mh_free(&t.heap, v[k]), MH_OK);
				v[k] = NULL;
				break;
			}
	for (int i = 0; i < L->n; i++) {
		void *x = mh_alloc(&t.heap, req);

		CHECK_NONNULL(x);
		CHECK_EQ(th_region_of(&t, x, req), i);
		for (size_t k = 0; k < n; k++)
			if (!v[k] && reg[k] == i) {
				v[k] = x;
				break;
			}
	}
	for (size_t k = 0; k < n; k++)
		if (v[k])
			CHECK_RC(mh_free(&t.heap, v[k]), MH_OK);
	CHECK_HEAP_OK(&t);
	{
		struct mh_stats s = th_stats(&t);

		CHECK_EQ(s.allocated_blocks, 0);
		CHECK_EQ(s.allocated_bytes, 0);
	}

	/* a request only the largest (last) region can hold comes from there */
	{
		struct mh_stats s = th_stats(&t);
		void *x = mh_alloc(&t.heap, s.largest_free);

		CHECK_NONNULL(x);
		CHECK_EQ(th_region_of(&t, x, 1), L->n - 1);
		CHECK_RC(mh_free(&t.heap, x), MH_OK);
	}
	CHECK_REC_NONE(&t.rec);
	free(v);
	free(reg);
	mh_heap_destroy(&t.heap);
	arena_free_all();
}

int main(void)
{
	static const struct layout layouts[] = {
		{ { MH_ALGO_FIRSTFIT, MH_ALGO_FIRSTFIT }, { 8192, 32768 }, 2 },
		{ { MH_ALGO_BUDDY, MH_ALGO_BUDDY }, { 8192, 32768 }, 2 },
		{ { MH_ALGO_FIRSTFIT, MH_ALGO_BUDDY, MH_ALGO_FIRSTFIT }, { 8192, 16384, 65536 }, 3 },
		{ { MH_ALGO_BUDDY, MH_ALGO_FIRSTFIT, MH_ALGO_BUDDY }, { 4096, 20000, 131072 }, 3 },
	};
	static const size_t reqs[] = { 1, 24, 100, 500 };

	FOR_EACH_POISON(p)
	for (size_t l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++)
	for (int rev = 0; rev < 2; rev++)
	for (size_t r = 0; r < 4; r++) {
		t_ctx("poison=%s layout=%zu reverse=%d req=%zu", poison_name(p), l, rev, reqs[r]);
		run(p, &layouts[l], rev, reqs[r]);
	}
	return 0;
}
