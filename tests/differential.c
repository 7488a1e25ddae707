/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * differential: the engines against a simple reference model, at random.
 *
 *   differential [--algo firstfit|buddy|mixed] [--poison none|light|
 *                comprehensive|all] [--ops N] [--seed S] [--episode N]
 *
 * The model is a sorted array of the live blocks (pointer, requested size,
 * usable size, alignment, content seed).  Each episode builds a heap of 1-3
 * regions (--algo mixed: each region's algorithm at random; --poison all:
 * the level changes every episode) and runs a random mix of alloc,
 * aligned_alloc (bad alignments included), calloc (overflowing products
 * included), realloc (NULL, 0, shrink, grow, failing), free and usable_size
 * with sizes from several distributions (tiny, small, uniform to 4 KiB,
 * powers of two and neighbours, large, huge ones that must fail).  Fill
 * phases alternate so the heap goes from empty to full and back.
 *
 * Checked at every operation: returned pointers aligned (MH_MIN_ALIGN and
 * the requested alignment), inside a region, not overlapping any other live
 * block (neighbours in the sorted array); usable_size >= requested (== under
 * poisoning); comprehensive fill of new blocks, calloc zeros; contents kept
 * across realloc and by failed reallocs; requests larger than total_bytes
 * fail; a request <= largest_free (sampled) succeeds; failed_count,
 * alloc_count and allocated_blocks as the model says.  Every 1,000
 * operations: mh_check() == MH_OK and the content of EVERY live block;
 * every 10,000: the walk lists exactly the live blocks.
 *
 * A failure prints the seed, episode and operation and the command that
 * reproduces it.
 */
#include "helpers.h"

#include <errno.h>

struct blk {
	unsigned char *p;
	size_t req, usable, align;
	uint64_t seed;
};

static struct {
	const char *algo_arg, *poison_arg;
	uint64_t seed;
	size_t ops, episode_ops;
	/* progress, for failure messages */
	size_t episode, op;
	const char *what;
} g = { "mixed", "all", 1, 1000000, 100000, 0, 0, "" };

static struct blk *live;
static size_t nlive, cap;

static struct th T;
static struct {
	size_t failed, allocs, frees_min, moves;
} m;

#define DFAIL(...) do { \
	fprintf(stderr, "differential: seed=%" PRIu64 " episode=%zu op=%zu (%s)\n", \
		g.seed, g.episode, g.op, g.what); \
	fprintf(stderr, "reproduce: differential --algo %s --poison %s --seed %" PRIu64 \
		" --ops %zu --episode %zu\n", g.algo_arg, g.poison_arg, g.seed, g.ops, g.episode_ops); \
	FAILF(__VA_ARGS__); \
} while (0)
#define DCHECK(cond, ...) do { if (!(cond)) DFAIL(__VA_ARGS__); } while (0)

/* ------------------------------------------------------------- the model */

/* index of the first block with p >= x */
static size_t lower_bound(const unsigned char *x)
{
	size_t lo = 0, hi = nlive;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (live[mid].p < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void no_overlap_at(size_t i)
{
	if (i > 0)
		DCHECK(live[i - 1].p + live[i - 1].usable <= live[i].p,
		       "block %p (+%zu) overlaps the previous live block %p (+%zu)",
		       (void *)live[i].p, live[i].usable, (void *)live[i - 1].p, live[i - 1].usable);
	if (i + 1 < nlive)
		DCHECK(live[i].p + live[i].usable <= live[i + 1].p,
		       "block %p (+%zu) overlaps the next live block %p (+%zu)",
		       (void *)live[i].p, live[i].usable, (void *)live[i + 1].p, live[i + 1].usable);
}

static void model_insert(const struct blk *b)
{
	size_t i = lower_bound(b->p);

	DCHECK(i >= nlive || live[i].p != b->p, "pointer %p handed out twice", (void *)b->p);
	if (nlive == cap) {
		cap = cap ? 2 * cap : 1024;
		live = realloc(live, cap * sizeof(*live));
		if (!live)
			DFAIL("out of memory");
	}
	memmove(&live[i + 1], &live[i], (nlive - i) * sizeof(*live));
	live[i] = *b;
	nlive++;
	no_overlap_at(i);
}

static void model_remove(size_t i)
{
	memmove(&live[i], &live[i + 1], (nlive - i - 1) * sizeof(*live));
	nlive--;
}

/* ------------------------------------------------------------- checks */

static void check_new_block(unsigned char *x, size_t req, size_t align)
{
	size_t u = mh_usable_size(&T.heap, x);
	int r;

	DCHECK(((uintptr_t)x & (MH_MIN_ALIGN - 1)) == 0, "%p not %u-aligned", (void *)x, MH_MIN_ALIGN);
	if (align > 1)
		DCHECK(((uintptr_t)x & (align - 1)) == 0, "%p not %zu-aligned", (void *)x, align);
	DCHECK(u >= req, "usable_size %zu < requested %zu", u, req);
	if (T.heap.poison != MH_POISON_NONE)
		DCHECK(u == req, "poisoned: usable_size %zu != requested %zu", u, req);
	r = th_region_of(&T, x, u ? u : 1);
	DCHECK(r >= 0, "block %p (+%zu) not inside a region", (void *)x, u);
}

static void verify_block(const struct blk *b)
{
	size_t off = pat_check(b->p, b->usable, b->seed);

	DCHECK(off == SIZE_MAX, "content of live block %p (req %zu usable %zu) changed at offset %zu",
	       (void *)b->p, b->req, b->usable, off);
}

static void check_stats(void)
{
	struct mh_stats s = th_stats(&T);

	CHECK_STATS_SANE(s);
	DCHECK(s.allocated_blocks == nlive, "allocated_blocks %zu, model has %zu live",
	       s.allocated_blocks, nlive);
	DCHECK(s.failed_count == m.failed, "failed_count %zu, model says %zu", s.failed_count, m.failed);
	DCHECK(s.alloc_count == m.allocs, "alloc_count %zu, model says %zu", s.alloc_count, m.allocs);
	DCHECK(s.free_count >= m.frees_min && s.free_count <= m.frees_min + m.moves,
	       "free_count %zu, model says %zu..%zu", s.free_count, m.frees_min, m.frees_min + m.moves);
	DCHECK(s.error_count == 0, "error_count %zu", s.error_count);
	DCHECK(s.regions == (size_t)T.nregions, "regions %zu", s.regions);
}

static void full_check(bool walk)
{
	int rc = mh_check(&T.heap);

	DCHECK(rc == MH_OK, "mh_check = %d (%s)", rc, mh_strerror(rc));
	CHECK_REC_NONE(&T.rec);
	for (size_t i = 0; i < nlive; i++) {
		verify_block(&live[i]);
		no_overlap_at(i);
	}
	check_stats();
	if (walk) {
		struct walk_list w = th_walk(&T);
		size_t k = 0;

		for (size_t i = 0; i < w.n; i++) {
			if (!w.b[i].used)
				continue;
			/* regions are walked in add order, not address order */
			{
				size_t j = lower_bound(w.b[i].ptr);

				DCHECK(j < nlive && live[j].p == w.b[i].ptr,
				       "walk reports used block %p the model does not have", w.b[i].ptr);
				DCHECK(w.b[i].size == live[j].usable, "walk size %zu, usable %zu",
				       w.b[i].size, live[j].usable);
			}
			k++;
		}
		DCHECK(k == nlive, "walk has %zu used blocks, model %zu", k, nlive);
		free(w.b);
	}
}

/* ------------------------------------------------------------- workload */

static size_t pick_size(struct rng *r, size_t total)
{
	unsigned int k = (unsigned int)rng_below(r, 100);

	if (k < 20)
		return rng_range(r, 1, 16);
	if (k < 45)
		return rng_range(r, 1, 256);
	if (k < 75)
		return rng_range(r, 1, 4096);
	if (k < 90) {
		size_t p2 = (size_t)1 << rng_below(r, 14);

		return p2 + rng_range(r, 0, 2) - (p2 > 1 ? 1 : 0);
	}
	if (k < 99)
		return rng_range(r, 4096, 32768);
	/* huge: must fail */
	switch (rng_below(r, 4)) {
	case 0: return total + 1 + rng_below(r, 1000);
	case 1: return SIZE_MAX - rng_below(r, 64);
	case 2: return SIZE_MAX / 2 + rng_below(r, 64);
	default: return ((size_t)1 << 40) + rng_below(r, 64);
	}
}

static void got_block(unsigned char *x, size_t req, size_t align, int kind, struct rng *r)
{
	struct blk b;

	check_new_block(x, req, align);
	if (kind == 1) {	/* calloc */
		DCHECK(count_byte(x, req, 0) == req, "calloc(%zu) not zeroed", req);
	} else if (T.heap.poison == MH_POISON_COMPREHENSIVE) {
		DCHECK(count_byte(x, req, MH_FILL_ALLOC) == req,
		       "comprehensive: new block of %zu not filled with 0x%x", req, MH_FILL_ALLOC);
	}
	b.p = x;
	b.req = req;
	b.usable = mh_usable_size(&T.heap, x);
	b.align = align;
	b.seed = rng_next(r);
	pat_fill(x, b.usable, b.seed);
	model_insert(&b);
	m.allocs++;
}

static void one_op(struct rng *r, bool grow, size_t total)
{
	unsigned int k = (unsigned int)rng_below(r, 100);
	unsigned int p_alloc = grow ? 70 : 30;
	struct mh_stats s = { 0 };
	bool sampled = rng_below(r, 8) == 0;

	if (sampled)
		s = th_stats(&T);
	if (!nlive || k < p_alloc) {
		unsigned int kind = (unsigned int)rng_below(r, 10);
		size_t size = pick_size(r, total), align = 0;
		unsigned char *x;

		if (kind < 6) {
			g.what = "alloc";
			x = mh_alloc(&T.heap, size);
		} else if (kind < 8) {
			g.what = "aligned_alloc";
			if (rng_below(r, 20) == 0) {	/* not a power of two */
				align = rng_range(r, 3, 100000) | 1;
				align = rng_below(r, 2) ? align : align * 2 + 2;
				if ((align & (align - 1)) == 0)
					align += 3;
				x = mh_aligned_alloc(&T.heap, align, size);
				DCHECK(!x, "aligned_alloc(%zu, %zu) with a bad alignment = %p", align, size,
				       (void *)x);
				m.failed++;
				return;
			}
			align = (size_t)1 << rng_below(r, 13);
			x = mh_aligned_alloc(&T.heap, align, size);
		} else if (kind < 9) {
			size_t n = rng_range(r, 1, 16), each;

			g.what = "calloc";
			if (rng_below(r, 50) == 0) {	/* overflowing product */
				x = mh_calloc(&T.heap, SIZE_MAX / (n + 1) + 1 + rng_below(r, 8), n + 1);
				DCHECK(!x, "calloc overflow returned %p", (void *)x);
				m.failed++;
				return;
			}
			each = size / n ? size / n : 1;
			size = each * n;
			x = mh_calloc(&T.heap, n, each);
			if (x) {
				got_block(x, size, 0, 1, r);
				return;
			}
		} else {
			g.what = "realloc(NULL)";
			x = mh_realloc(&T.heap, NULL, size);
		}
		if (!x) {
			m.failed++;
			if (sampled && size <= s.largest_free && !align)
				DFAIL("%s(%zu) failed with largest_free %zu", g.what, size, s.largest_free);
			return;
		}
		DCHECK(size <= total, "%s(%zu) succeeded on a heap of %zu bytes", g.what, size, total);
		got_block(x, size, align, 0, r);
		return;
	}

	/* operations on a live block */
	{
		size_t i = rng_below(r, nlive);
		struct blk b = live[i];

		k = (unsigned int)rng_below(r, 100);
		if (k < 55) {
			int rc;

			g.what = "free";
			verify_block(&b);
			rc = mh_free(&T.heap, b.p);
			DCHECK(rc == MH_OK, "mh_free(%p) = %d (%s)", (void *)b.p, rc, mh_strerror(rc));
			model_remove(i);
			m.frees_min++;
		} else if (k < 65) {
			size_t u;

			g.what = "usable_size";
			u = mh_usable_size(&T.heap, b.p);
			DCHECK(u == b.usable, "usable_size(%p) = %zu, was %zu", (void *)b.p, u, b.usable);
		} else if (k < 68) {
			g.what = "realloc(p, 0)";
			DCHECK(mh_realloc(&T.heap, b.p, 0) == NULL, "realloc(p, 0) != NULL");
			model_remove(i);
			m.frees_min++;
		} else {
			size_t ns, keep;
			unsigned char *y;

			g.what = "realloc";
			switch (rng_below(r, 4)) {
			case 0: ns = b.req > 1 ? rng_range(r, 1, b.req) : 1; break;	/* shrink */
			case 1: ns = b.req + rng_range(r, 1, 64); break;			/* grow a bit */
			case 2: ns = b.req * 2 + rng_range(r, 0, 4096); break;		/* grow */
			default: ns = pick_size(r, total); break;
			}
			y = mh_realloc(&T.heap, b.p, ns);
			if (!y) {
				m.failed++;
				DCHECK(mh_usable_size(&T.heap, b.p) == b.usable,
				       "failed realloc changed usable_size");
				verify_block(&b);
				return;
			}
			DCHECK(ns <= total, "realloc(%zu) succeeded on a heap of %zu bytes", ns, total);
			keep = b.req < ns ? b.req : ns;
			{
				size_t off = pat_check(y, keep, b.seed);

				DCHECK(off == SIZE_MAX, "realloc(%p: %zu -> %zu) = %p lost the content at offset %zu",
				       (void *)b.p, b.req, ns, (void *)y, off);
			}
			model_remove(i);
			if (y != b.p) {
				m.allocs++;
				m.moves++;
			}
			check_new_block(y, ns, 0);
			b.p = y;
			b.req = ns;
			b.align = 0;
			b.usable = mh_usable_size(&T.heap, y);
			b.seed = rng_next(r);
			pat_fill(y, b.usable, b.seed);
			model_insert(&b);
		}
	}
}

static enum mh_poison poison_of(const char *s, size_t episode)
{
	if (!strcmp(s, "none")) return MH_POISON_NONE;
	if (!strcmp(s, "light")) return MH_POISON_LIGHT;
	if (!strcmp(s, "comprehensive")) return MH_POISON_COMPREHENSIVE;
	return (enum mh_poison)(episode % 3);
}

static void episode(struct rng *r, size_t ops)
{
	enum mh_poison p = poison_of(g.poison_arg, g.episode);
	int nreg = (int)rng_range(r, 1, 3);
	size_t total, phase_left = 0;
	bool grow = true;

	th_init(&T, p);
	for (int i = 0; i < nreg; i++) {
		size_t size = rng_range(r, 16 * 1024, rng_below(r, 4) ? 256 * 1024 : 1024 * 1024);
		enum mh_algo a = !strcmp(g.algo_arg, "firstfit") ? MH_ALGO_FIRSTFIT :
				 !strcmp(g.algo_arg, "buddy") ? MH_ALGO_BUDDY :
				 rng_below(r, 2) ? MH_ALGO_FIRSTFIT : MH_ALGO_BUDDY;
		size_t mb = a == MH_ALGO_BUDDY && rng_below(r, 4) == 0 ? (size_t)32 << rng_below(r, 3) : 0;

		th_add_mb(&T, size, a, mb);
	}
	total = th_stats(&T).total_bytes;
	nlive = 0;
	memset(&m, 0, sizeof(m));
	t_ctx("poison=%s regions=%d", poison_name(p), nreg);

	for (size_t i = 0; i < ops; i++) {
		g.op = i;
		if (!phase_left) {
			grow = !grow;
			phase_left = rng_range(r, 200, 6000);
		}
		phase_left--;
		one_op(r, grow && nlive < 5000, total);
		if ((i + 1) % 1000 == 0) {
			g.what = "periodic check";
			full_check((i + 1) % 10000 == 0);
		}
	}
	g.what = "end of episode";
	full_check(true);
	while (nlive) {
		DCHECK(mh_free(&T.heap, live[nlive - 1].p) == MH_OK, "final free");
		nlive--;
	}
	{
		struct mh_stats s = th_stats(&T);

		DCHECK(s.allocated_bytes == 0 && s.allocated_blocks == 0, "heap not empty at the end");
	}
	CHECK_HEAP_OK(&T);
	th_fini(&T);
}

static uint64_t num_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "differential: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct rng r;
	size_t done = 0;

	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "usage: differential [--algo firstfit|buddy|mixed] "
				"[--poison none|light|comprehensive|all] [--ops N] [--seed S] [--episode N]\n");
			return 2;
		}
		if (!strcmp(a, "--algo"))
			g.algo_arg = v;
		else if (!strcmp(a, "--poison"))
			g.poison_arg = v;
		else if (!strcmp(a, "--ops"))
			g.ops = (size_t)num_arg(v);
		else if (!strcmp(a, "--seed"))
			g.seed = num_arg(v);
		else if (!strcmp(a, "--episode"))
			g.episode_ops = (size_t)num_arg(v);
		else {
			fprintf(stderr, "differential: unknown option %s\n", a);
			return 2;
		}
	}
	if (strcmp(g.algo_arg, "firstfit") && strcmp(g.algo_arg, "buddy") && strcmp(g.algo_arg, "mixed")) {
		fprintf(stderr, "differential: --algo firstfit|buddy|mixed\n");
		return 2;
	}
	if (!g.episode_ops)
		g.episode_ops = 100000;
	r.s = g.seed;
	for (g.episode = 0; done < g.ops; g.episode++) {
		size_t n = g.ops - done < g.episode_ops ? g.ops - done : g.episode_ops;

		episode(&r, n);
		done += n;
	}
	free(live);
	arena_free_all();
	printf("differential: %zu operations, algo %s, poison %s, seed %" PRIu64 ": ok\n",
	       done, g.algo_arg, g.poison_arg, g.seed);
	return 0;
}
