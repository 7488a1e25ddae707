/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * fuzz_regions: the input lays out regions in one 256 KiB arena: up to six
 * add_region calls with arbitrary offsets (odd ones too), sizes (tiny to
 * large), algorithms, raw min_block values and optional external metadata
 * of arbitrary size.  Checked: a region overlapping an accepted one is never
 * accepted; a failed add changes nothing; a buddy min_block that is not a
 * power of two >= 16 is refused; then the heap is filled with allocations
 * (sizes from the input) until nothing fits: every block inside an accepted
 * region, 8-byte aligned, disjoint from the others, mh_check clean, walk and
 * stats agreeing; after freeing everything the stats are the initial ones.
 */
#include "helpers.h"
#include "fuzz/fuzz_common.h"

#define ARENA (256 * 1024)
#define MAXB 8192

struct span { uintptr_t a, b; };

static int cmp_span(const void *x, const void *y)
{
	const struct span *p = x, *q = y;

	return p->a < q->a ? -1 : p->a > q->a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin f = { data, size, 0 };
	static unsigned char *arena, *metabuf;
	static struct span blocks[MAXB];
	struct th t;
	struct span acc[8];
	int nacc = 0;
	unsigned int b0 = fin_u8(&f);
	int nadd = 1 + (int)(b0 % 6);
	struct mh_stats s0, s1;
	size_t nb = 0;

	if (!arena) {
		arena = malloc(ARENA);
		metabuf = malloc(ARENA);
		if (!arena || !metabuf)
			return 0;
	}
	memset(arena, 0x5a, ARENA);
	th_init(&t, (enum mh_poison)((b0 / 6) % 3));

	for (int k = 0; k < nadd; k++) {
		unsigned int flags = fin_u8(&f);
		size_t off = fin_u32(&f) % ARENA;
		size_t len = (flags & 0x40) ? fin_u8(&f) : fin_u32(&f) % (ARENA / 2);
		struct mh_region_config rc = { .algo = (flags & 1) ? MH_ALGO_BUDDY : MH_ALGO_FIRSTFIT };
		int r;
		bool overlaps = false, bad_mb = false;
		struct mh_stats before = th_stats(&t), after;

		if (off + len > ARENA)
			len = ARENA - off;
		if (flags & 2) {
			rc.min_block = fin_u16(&f) % 5000;
			bad_mb = rc.algo == MH_ALGO_BUDDY && rc.min_block &&
				 ((rc.min_block & (rc.min_block - 1)) || rc.min_block < MH_BUDDY_MIN_BLOCK);
		}
		if (flags & 4) {	/* external metadata, in its own buffer */
			size_t need = mh_region_meta_size(len, &rc);

			rc.meta = metabuf + (size_t)k * (ARENA / 8) + (flags >> 3 & 7);
			rc.meta_size = (flags & 0x80) ? need : need / 2;
			if (rc.meta_size > ARENA / 8 - 8)
				rc.meta_size = ARENA / 8 - 8;
		}
		for (int j = 0; j < nacc; j++)
			overlaps |= (uintptr_t)arena + off < acc[j].b && acc[j].a < (uintptr_t)arena + off + len;
		r = mh_heap_add_region(&t.heap, arena + off, len, &rc);
		after = th_stats(&t);
		if (r == MH_OK) {
			if (overlaps)
				FAILF("region [%zu, +%zu) overlapping another was accepted", off, len);
			if (bad_mb)
				FAILF("buddy min_block %zu accepted", rc.min_block);
			if (after.regions != before.regions + 1)
				FAILF("regions %zu after an add", after.regions);
			acc[nacc].a = (uintptr_t)arena + off;
			acc[nacc].b = (uintptr_t)arena + off + len;
			nacc++;
		} else {
			if (r != MH_EINVAL && r != MH_ENOMEM && r != MH_EOVERLAP)
				FAILF("add_region returned %d", r);
			if (memcmp(&before, &after, sizeof(before)))
				FAILF("failed add_region (%d) changed the stats", r);
		}
	}
	if (mh_check(&t.heap) != MH_OK)
		FAILF("mh_check after adding regions");
	s0 = th_stats(&t);

	/* fill */
	for (int fails = 0; nb < MAXB && fails < 8;) {
		unsigned int k = fin_u8(&f);
		size_t n = k < 128 ? k : (k - 127) * 97;
		unsigned char *x = (k & 1) && fin_more(&f) ? mh_aligned_alloc(&t.heap, (size_t)1 << (k % 12), n)
						   : mh_alloc(&t.heap, n);
		bool in = false;

		if (!x) {
			fails++;
			continue;
		}
		if ((uintptr_t)x & 7)
			FAILF("misaligned %p", (void *)x);
		for (int j = 0; j < nacc; j++)
			in |= (uintptr_t)x >= acc[j].a && (uintptr_t)x + n <= acc[j].b;
		if (!in)
			FAILF("block %p (+%zu) outside the accepted regions", (void *)x, n);
		memset(x, 0x6b, n);
		blocks[nb].a = (uintptr_t)x;
		blocks[nb].b = (uintptr_t)x + (n ? n : 1);
		nb++;
	}
	qsort(blocks, nb, sizeof(blocks[0]), cmp_span);
	for (size_t i = 1; i < nb; i++)
		if (blocks[i - 1].b > blocks[i].a)
			FAILF("blocks %#lx and %#lx overlap", (unsigned long)blocks[i - 1].a,
			      (unsigned long)blocks[i].a);
	if (mh_check(&t.heap) != MH_OK)
		FAILF("mh_check after filling");
	{
		struct walk_list w = th_walk(&t);
		struct mh_stats s = th_stats(&t);
		size_t sum = 0, used = 0;

		for (size_t i = 0; i < w.n; i++) {
			sum += w.b[i].block_size;
			used += w.b[i].used;
		}
		if (sum != s.total_bytes || used != nb || used != s.allocated_blocks)
			FAILF("walk (%zu bytes, %zu used) disagrees with stats (%zu, %zu) / %zu blocks",
			      sum, used, s.total_bytes, s.allocated_blocks, nb);
		CHECK_STATS_SANE(s);
		free(w.b);
	}
	for (size_t i = 0; i < nb; i++)
		if (mh_free(&t.heap, (void *)blocks[i].a) != MH_OK)
			FAILF("free of %#lx failed", (unsigned long)blocks[i].a);
	s1 = th_stats(&t);
	if (s1.allocated_bytes || s1.largest_free != s0.largest_free || s1.free_blocks != s0.free_blocks)
		FAILF("heap not back to its initial state");
	if (mh_check(&t.heap) != MH_OK || t.rec.count)
		FAILF("mh_check at the end");
	mh_heap_destroy(&t.heap);
	return 0;
}
