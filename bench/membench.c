/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * membench - the memheap pool engines side by side with glibc, jemalloc,
 * mimalloc and a naive first-fit list, every workload in one run.
 *
 *   membench [-o DIR] [--quick]
 *
 * Prints tables of ns per operation (median, p99, p99.9), utilisation at
 * first failure, and the project's target ratios; writes DIR/engines.csv
 * (allocator,workload,metric,value) and the data files bench/plot.gp turns
 * into charts.  bench/README.md says what each workload does.
 */
#define _GNU_SOURCE
#include "membench.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- timing ---------------------------------------------------------------
 * Every operation is timed on its own: x86 TSC read with lfence;rdtsc before
 * and rdtscp;lfence after, the median cost of an empty timed region
 * subtracted, ticks converted to ns with a rate calibrated against
 * CLOCK_MONOTONIC.  Elsewhere: clock_gettime(CLOCK_MONOTONIC) the same way.
 */
#if defined(__x86_64__)
#define TIMER_DESC "rdtsc/rdtscp per operation (lfence-fenced), TSC " \
		   "calibrated against CLOCK_MONOTONIC"
static inline uint64_t tick_begin(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tick_end(void)
{
	uint32_t lo, hi, aux;

	__asm__ __volatile__("rdtscp\n\tlfence"
			     : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	(void)aux;
	return ((uint64_t)hi << 32) | lo;
}
#else
#define TIMER_DESC "clock_gettime(CLOCK_MONOTONIC) per operation"
static inline uint64_t tick_begin(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#define tick_end tick_begin
#endif

static double ns_per_tick = 1.0;
static uint64_t tick_overhead;		/* median empty timed region, ticks */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void timer_calibrate(void)
{
	enum { N = 200000 };
	static uint32_t ov[N];
	double t0, t1;
	uint64_t k0, k1;
	size_t i;

	t0 = now_s();
	k0 = tick_begin();
	do
		t1 = now_s();
	while (t1 - t0 < 0.2);
	k1 = tick_end();
	ns_per_tick = (t1 - t0) * 1e9 / (double)(k1 - k0);

	for (i = 0; i < N; i++) {
		uint64_t b = tick_begin();
		uint64_t e = tick_end();

		ov[i] = (uint32_t)(e - b);
	}
	qsort(ov, N, sizeof(ov[0]), cmp_u32);
	tick_overhead = ov[N / 2];
}

/* ---- random numbers and sizes --------------------------------------------- */

static inline uint64_t rng_next(uint64_t *s)	/* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * n) >> 32);
}

enum dist { D_UNIFORM, D_POW2, D_BIMODAL, D_SMALL, D_COUNT };

static const char *const dist_name[D_COUNT] = {
	"uniform", "pow2", "bimodal", "small"
};

/* Mean request of each distribution, for sizing arenas. */
static const double dist_mean[D_COUNT] = { 520.0, 818.4, 976.0, 40.0 };

static inline size_t draw_size(uint64_t *s, int d)
{
	switch (d) {
	case D_UNIFORM:			/* 16..1024 */
		return 16u + rng_below(s, 1009);
	case D_POW2:			/* 8, 16, ..., 4096 */
		return (size_t)8u << rng_below(s, 10);
	case D_BIMODAL:			/* 80% 8..128, 20% 1 KiB..8 KiB */
		if (rng_below(s, 100) < 80)
			return 8u + rng_below(s, 121);
		return 1024u + rng_below(s, 7169);
	default:			/* 16..64 */
		return 16u + rng_below(s, 49);
	}
}

/* ---- block tags: catch overlapping or overwritten blocks -------------------- */

#define TAG_KEY 0x5a17c0de2bad1deaull

static inline void tag_write(void *p, size_t n)
{
	uint64_t t = (uint64_t)(uintptr_t)p ^ TAG_KEY ^ n;

	memcpy(p, &t, n < 8 ? n : 8);
	if (n >= 16)
		memcpy((unsigned char *)p + n - 8, &t, 8);
}

static inline bool tag_ok(const void *p, size_t n)
{
	uint64_t t = (uint64_t)(uintptr_t)p ^ TAG_KEY ^ n, a = 0, b = t;

	memcpy(&a, p, n < 8 ? n : 8);
	if (n >= 16)
		memcpy(&b, (const unsigned char *)p + n - 8, 8);
	if (n < 8)
		t &= (1ull << (8 * n)) - 1u;
	return a == t && b == ((uint64_t)(uintptr_t)p ^ TAG_KEY ^ n);
}

/* ---- anomalies ----------------------------------------------------------- */

static char anomalies[64][400];
static int nanomalies;

static void anomaly(const char *fmt, ...)
{
	va_list ap;

	if (nanomalies >= 64)
		return;
	va_start(ap, fmt);
	vsnprintf(anomalies[nanomalies++], sizeof(anomalies[0]), fmt, ap);
	va_end(ap);
	fprintf(stderr, "membench: ANOMALY: %s\n", anomalies[nanomalies - 1]);
}

/* ---- workloads ----------------------------------------------------------- */

enum wkind {
	W_PAIR,		/* alloc then free, one size */
	W_CHURN,	/* steady state: free a random live block, allocate one */
	W_WC_A,		/* small request, one huge free block */
	W_WC_B,		/* free with both neighbours free */
	W_WC_C,		/* request larger than 10,000 free fragments */
	W_WC_D_SPLIT,	/* buddy: alloc splitting top order to min block */
	W_WC_D_MERGE,	/* buddy: free merging min block to top order */
};

struct workload {
	const char *name;
	const char *section;
	enum wkind kind;
	unsigned int mask;	/* allocators it runs on */
	size_t size;		/* W_PAIR: request */
	size_t live;		/* W_CHURN: live blocks */
	int dist;		/* W_CHURN: size distribution */
	size_t samples;		/* single-op samples; batch samples: 1/10 */
	size_t warmup;		/* untimed operations first */
	const char *skipped;	/* why some allocators sit this one out */
};

#define WC_B_GROUPS	2048u	/* A B C G quadruples per build */
#define WC_B_SIZE	64u
#define WC_C_FRAGS	10000u
#define WC_C_REQ	1024u
#define WC_ARENA	((size_t)64 << 20)

/* One allocator running one workload. */
struct run {
	struct instance in;
	bool active;
	uint64_t rng;
	void **ptr;		/* live blocks / wc-b B blocks / wc-c guards */
	uint32_t *sz;
	void **aux;		/* wc-b: guard blocks; wc-c: fragments */
	void **ac;		/* wc-b: A and C blocks while building */
	size_t n, cursor;
	uintptr_t frag_lo, frag_hi;	/* wc-c: where the fragments are */
	unsigned long misplaced;	/* wc-c: request served among fragments */
	size_t frag_big;	/* wc-c: free blocks >= request among them */
	size_t adjacent, groups;	/* wc-b: groups laid out A<B<C adjacent */
	uint32_t *batch, *single;	/* samples: BATCH ops, one op */
	size_t nbatch, nsingle;
	size_t warm_done;	/* warm-up operations run (first round) */
	bool cut;		/* time budget reached before the sample count */
	char msg[400];
};

struct result {
	bool valid;
	bool cut;
	size_t k;		/* operations per batch sample */
	size_t n, n1;		/* batch samples, single-op samples */
	size_t warm_done;
	double med, p99, p999, mean;		/* batches, ns per op */
	double op_med, op_p99, op_p999, op_mean;	/* single ops */
	/* reported: median from batches, tails from single operations */
};

static bool quick;
static const char *only;	/* --only SUBSTRING: a subset of workloads */
static double budget_scale = 1.0;

#define FAIL UINT64_MAX

static void run_fail(struct run *r, const struct workload *w, const char *what)
{
	if (!r->in.broken)
		anomaly("%s on %s: %s", r->in.a->name, w->name, what);
	r->in.broken = true;
	r->in.failed++;
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static size_t workload_arena(const struct workload *w)
{
	switch (w->kind) {
	case W_PAIR:
		return pow2_at_least(4 * w->size + ((size_t)1 << 20));
	case W_CHURN: {
		size_t a = pow2_at_least((size_t)(dist_mean[w->dist] *
						  (double)w->live * 4.0));
		return a < ((size_t)4 << 20) ? (size_t)4 << 20 : a;
	}
	case W_WC_B:
		return (size_t)4 << 20;
	case W_WC_C:
		return (size_t)32 << 20;
	default:
		return WC_ARENA;
	}
}

/* wc-b: lay out WC_B_GROUPS of A B C G, then free every A and C. */
static int wc_b_build(struct run *r)
{
	struct instance *in = &r->in;
	size_t g;

	for (g = 0; g < WC_B_GROUPS; g++) {
		void *a = inst_alloc(in, WC_B_SIZE), *b = inst_alloc(in, WC_B_SIZE);
		void *c = inst_alloc(in, WC_B_SIZE), *d = inst_alloc(in, WC_B_SIZE);
		uintptr_t ua = (uintptr_t)a, ub = (uintptr_t)b, uc = (uintptr_t)c;

		r->ac[2 * g] = a;
		r->ac[2 * g + 1] = c;
		r->ptr[g] = b;
		r->aux[g] = d;
		if (!a || !b || !c || !d)
			return -1;
		tag_write(b, WC_B_SIZE);
		tag_write(d, WC_B_SIZE);
		r->groups++;
		if ((ua < ub && ub < uc && ub - ua == uc - ub &&
		     ub - ua <= 2 * WC_B_SIZE) ||
		    (ua > ub && ub > uc && ua - ub == ub - uc &&
		     ua - ub <= 2 * WC_B_SIZE))
			r->adjacent++;
	}
	/* Only now, so that no A or C hole is reused by a later group. */
	for (g = 0; g < 2 * WC_B_GROUPS; g++) {
		inst_free(in, r->ac[g]);
		r->ac[g] = NULL;
	}
	r->cursor = 0;
	return 0;
}

static void wc_b_release(struct run *r)
{
	size_t g;

	for (g = 0; g < 2 * WC_B_GROUPS; g++) {
		if (r->ac[g])
			inst_free(&r->in, r->ac[g]);
		r->ac[g] = NULL;
	}
	for (g = 0; g < WC_B_GROUPS; g++)
		if (r->ptr[g])
			inst_free(&r->in, r->ptr[g]);
	for (g = 0; g < WC_B_GROUPS; g++) {
		if (r->aux[g]) {
			if (!tag_ok(r->aux[g], WC_B_SIZE))
				r->in.corrupt++;
			inst_free(&r->in, r->aux[g]);
		}
		r->ptr[g] = r->aux[g] = NULL;
	}
}

struct walk_range {
	uintptr_t lo, hi;
	size_t min_size, found;
};

static bool walk_free_in_range(const struct mh_block_info *bi, void *ctx)
{
	struct walk_range *wr = ctx;

	if (!bi->used && (uintptr_t)bi->ptr < wr->hi &&
	    (uintptr_t)bi->ptr + bi->size > wr->lo && bi->size >= wr->min_size)
		wr->found++;
	return true;
}

static size_t wc_c_frag_size(struct run *r)
{
	/* Buddy rounds up to a power of two: keep its fragments <= REQ/2. */
	if (r->in.id == A_BUDDY)
		return WC_C_REQ / 4 + 8 + rng_below(&r->rng,
						    WC_C_REQ / 4 - 7);
	return WC_C_REQ / 2 + 8 * rng_below(&r->rng,
					    WC_C_REQ / 16);
}

static int run_setup(const struct workload *w, struct run *r)
{
	struct instance *in = &r->in;
	size_t i, cap = 0;

	switch (w->kind) {
	case W_CHURN:
		cap = w->live;
		break;
	case W_WC_B:
		cap = WC_B_GROUPS;
		break;
	case W_WC_C:
		cap = WC_C_FRAGS;
		break;
	default:
		break;
	}
	if (cap) {
		r->ptr = calloc(cap, sizeof(*r->ptr));
		r->aux = calloc(cap, sizeof(*r->aux));
		r->sz = calloc(cap, sizeof(*r->sz));
		r->ac = calloc(2 * cap, sizeof(*r->ac));
		if (!r->ptr || !r->aux || !r->sz || !r->ac) {
			fprintf(stderr, "membench: out of memory\n");
			exit(1);
		}
	}
	r->n = cap;

	switch (w->kind) {
	case W_CHURN:
		for (i = 0; i < w->live; i++) {
			size_t s = draw_size(&r->rng, w->dist);
			void *p = inst_alloc(in, s);

			if (!p) {
				snprintf(r->msg, sizeof(r->msg),
					 "NULL while filling, block %zu of %zu "
					 "(%zu B)", i, w->live, s);
				r->n = i;
				return -1;
			}
			tag_write(p, s);
			r->ptr[i] = p;
			r->sz[i] = (uint32_t)s;
		}
		return 0;
	case W_WC_B:
		if (wc_b_build(r)) {
			snprintf(r->msg, sizeof(r->msg), "NULL while building");
			return -1;
		}
		return 0;
	case W_WC_C: {
		size_t guard = in->id == A_BUDDY ? WC_C_REQ / 2 : 16;

		r->frag_lo = UINTPTR_MAX;
		for (i = 0; i < WC_C_FRAGS; i++) {
			size_t fs = wc_c_frag_size(r);
			void *f = inst_alloc(in, fs);
			void *g = inst_alloc(in, guard);

			if (!f || !g) {
				snprintf(r->msg, sizeof(r->msg),
					 "NULL while building fragment %zu", i);
				if (f)
					inst_free(in, f);
				if (g)
					inst_free(in, g);
				r->n = i;
				return -1;
			}
			tag_write(g, guard);
			r->ptr[i] = g;
			r->sz[i] = (uint32_t)guard;
			r->aux[i] = f;
			if ((uintptr_t)f < r->frag_lo)
				r->frag_lo = (uintptr_t)f;
			if ((uintptr_t)f + fs > r->frag_hi)
				r->frag_hi = (uintptr_t)f + fs;
		}
		for (i = 0; i < WC_C_FRAGS; i++) {
			inst_free(in, r->aux[i]);
			r->aux[i] = NULL;
		}
		if (in->ctx == (void *)&in->heap) {
			/* The construction: no free block among the fragments
			 * may hold the request. */
			struct walk_range wr = { r->frag_lo, r->frag_hi,
						 WC_C_REQ, 0 };

			mh_walk(&in->heap, walk_free_in_range, &wr);
			r->frag_big = wr.found;
			if (wr.found)
				printf("  note: %s on %s: %zu free block(s) of "
				       ">= %u B among the fragments\n",
				       in->a->name, w->name, wr.found, WC_C_REQ);
		}
		return 0;
	}
	case W_WC_D_SPLIT: {
		struct mh_stats st0, st1;
		void *p;

		if (!instance_stats(in, &st0))
			return 0;
		p = inst_alloc(in, 16);
		if (!p) {
			snprintf(r->msg, sizeof(r->msg), "NULL on a fresh heap");
			return -1;
		}
		instance_stats(in, &st1);
		inst_free(in, p);
		printf("  wc-d: fresh buddy arena of %zu B (metadata outside): "
		       "%zu free block(s); after one 16 B alloc %zu free "
		       "block(s) (a full chain leaves one per order below the "
		       "top: %d)\n", in->arena_size, st0.free_blocks,
		       st1.free_blocks, __builtin_ctzll(in->arena_size) - 4);
		return 0;
	}
	default:
		return 0;
	}
}

static void run_teardown(const struct workload *w, struct run *r)
{
	struct instance *in = &r->in;
	size_t i;

	switch (w->kind) {
	case W_CHURN:
	case W_WC_C:
		for (i = 0; i < r->n; i++) {
			if (!r->ptr[i])
				continue;
			if (!tag_ok(r->ptr[i], r->sz[i]))
				in->corrupt++;
			inst_free(in, r->ptr[i]);
			r->ptr[i] = NULL;
		}
		break;
	case W_WC_B:
		wc_b_release(r);
		break;
	default:
		break;
	}
	free(r->ptr);
	free(r->aux);
	free(r->sz);
	free(r->ac);
	r->ptr = r->aux = r->ac = NULL;
	r->sz = NULL;
}

#define BATCH	32	/* operations per batch sample */

/*
 * @k operations (1 or BATCH) inside one timed region; returns the ticks they
 * took, timer overhead included.  Inputs (victims, sizes) are drawn and tags
 * checked before the region, tags written after it.
 */
static uint64_t run_step(const struct workload *w, struct run *r, size_t k)
{
	struct instance *in = &r->in;
	uint64_t b, e;
	void *p, *q[BATCH];
	uint32_t v[BATCH];
	size_t s[BATCH], i, j, bad = 0;

	switch (w->kind) {
	case W_PAIR:
	case W_WC_A:
	case W_WC_C: {
		size_t n = w->kind == W_PAIR ? w->size :
			   w->kind == W_WC_A ? 16 : WC_C_REQ;

		b = tick_begin();
		for (i = 0; i < k; i++) {
			p = inst_alloc(in, n);
			q[i] = p;
			if (!p)
				break;
			*(volatile unsigned char *)p = 1;
			inst_free(in, p);
		}
		e = tick_end();
		if (i < k) {
			run_fail(r, w, w->kind == W_WC_C ?
				 "NULL with the tail free" :
				 "NULL on an empty heap");
			return FAIL;
		}
		if (w->kind == W_WC_C && in->a->arena)
			for (i = 0; i < k; i++)
				if ((uintptr_t)q[i] < r->frag_hi &&
				    (uintptr_t)q[i] + WC_C_REQ > r->frag_lo)
					r->misplaced++;
		return e - b;
	}
	case W_CHURN:
		for (i = 0; i < k; i++) {
			/* k distinct victims, so every one is a tagged block */
			do {
				v[i] = rng_below(&r->rng, (uint32_t)r->n);
				for (j = 0; j < i && v[j] != v[i]; j++)
					;
			} while (j < i);
			if (!tag_ok(r->ptr[v[i]], r->sz[v[i]]))
				in->corrupt++;
			s[i] = draw_size(&r->rng, w->dist);
		}
		b = tick_begin();
		for (i = 0; i < k; i++) {
			inst_free(in, r->ptr[v[i]]);
			q[i] = inst_alloc(in, s[i]);
		}
		e = tick_end();
		for (i = 0; i < k; i++) {
			r->ptr[v[i]] = q[i];
			r->sz[v[i]] = (uint32_t)s[i];
			if (q[i])
				tag_write(q[i], s[i]);
			else
				bad++;
		}
		if (bad) {
			run_fail(r, w, "NULL in steady state (arena 4x the "
				 "mean live bytes)");
			return FAIL;
		}
		return e - b;
	case W_WC_B:
		if (r->cursor + k > WC_B_GROUPS) {
			wc_b_release(r);
			if (wc_b_build(r)) {
				run_fail(r, w, "NULL while rebuilding");
				return FAIL;
			}
		}
		for (i = 0; i < k; i++) {
			q[i] = r->ptr[r->cursor];
			r->ptr[r->cursor++] = NULL;
			if (!tag_ok(q[i], WC_B_SIZE))
				in->corrupt++;
		}
		b = tick_begin();
		for (i = 0; i < k; i++)
			inst_free(in, q[i]);
		e = tick_end();
		return e - b;
	case W_WC_D_SPLIT:		/* always one operation */
		b = tick_begin();
		p = inst_alloc(in, 16);
		e = tick_end();
		if (!p) {
			run_fail(r, w, "NULL on an empty heap");
			return FAIL;
		}
		inst_free(in, p);
		return e - b;
	case W_WC_D_MERGE:
		p = inst_alloc(in, 16);
		if (!p) {
			run_fail(r, w, "NULL on an empty heap");
			return FAIL;
		}
		b = tick_begin();
		inst_free(in, p);
		e = tick_end();
		return e - b;
	}
	return FAIL;
}

/* wc-d times a single split or merge chain: no batches there. */
static size_t batch_of(const struct workload *w)
{
	return w->kind == W_WC_D_SPLIT || w->kind == W_WC_D_MERGE ? 1 : BATCH;
}

#define ROUNDS		4
#define WARM_BUDGET_S	8.0	/* per allocator, first round */
#define BATCH_BUDGET_S	1.0	/* per allocator, batch samples, all rounds */
#define SINGLE_BUDGET_S	0.6	/* per allocator, single-op samples */

static double tick_s(void)
{
	return (double)tick_begin() * ns_per_tick * 1e-9;
}

/* Sorted ns per operation of @n samples of @k operations each. */
static void stats_of(uint32_t *smp, size_t n, size_t k, double *med,
		     double *p99, double *p999, double *mean)
{
	double sum = 0, f = ns_per_tick / (double)k;
	size_t i;

	qsort(smp, n, sizeof(*smp), cmp_u32);
	for (i = 0; i < n; i++) {
		uint32_t v = smp[i] > tick_overhead ?
			smp[i] - (uint32_t)tick_overhead : 0;

		smp[i] = v;
		sum += v;
	}
	*med = smp[n / 2] * f;
	*p99 = smp[(n * 99) / 100] * f;
	*p999 = smp[(n * 999) / 1000] * f;
	*mean = sum / (double)n * f;
}

static void summarise(const struct workload *w, struct run *r,
		      struct result *res)
{
	memset(res, 0, sizeof(*res));
	if (!r->nbatch || !r->nsingle || r->in.broken)
		return;
	res->valid = true;
	res->cut = r->cut;
	res->k = batch_of(w);
	res->n = r->nbatch;
	res->n1 = r->nsingle;
	res->warm_done = r->warm_done;
	stats_of(r->batch, r->nbatch, res->k, &res->med, &res->p99, &res->p999,
		 &res->mean);
	stats_of(r->single, r->nsingle, 1, &res->op_med, &res->op_p99,
		 &res->op_p999, &res->op_mean);
}

/* Up to @target samples of @k operations into @smp; false when cut. */
static bool measure(const struct workload *w, struct run *r, size_t k,
		    uint32_t *smp, size_t *n, size_t target, double budget)
{
	double deadline = tick_s() + budget;

	while (*n < target && !r->in.broken) {
		uint64_t t = run_step(w, r, k);

		if (t == FAIL)
			break;
		smp[(*n)++] = t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
		if ((*n & 7) == 0 && tick_s() > deadline)
			return *n >= target;
	}
	return true;
}

static void run_workload(const struct workload *w, struct result res[A_COUNT])
{
	static struct run runs[A_COUNT];
	int order[A_COUNT], na = 0, id, round;
	double t0 = now_s();
	size_t arena = workload_arena(w), k = batch_of(w);
	size_t nbatch = w->samples / 10, nsingle = w->samples;

	memset(res, 0, sizeof(struct result) * A_COUNT);
	for (id = 0; id < A_COUNT; id++) {
		struct run *r = &runs[id];
		unsigned int flags = 0;
		char msg[200];

		memset(r, 0, sizeof(*r));
		if (!(w->mask & ABIT(id)) || !allocator_get(id)->available)
			continue;
		/*
		 * Buddy metadata carved from the region would leave the arena
		 * covered by many smaller blocks; outside, the arena is exactly
		 * one top-order block (the construction these cases need).
		 */
		if (w->kind == W_WC_D_SPLIT || w->kind == W_WC_D_MERGE ||
		    (id == A_BUDDY && (w->kind == W_WC_A || w->kind == W_WC_C)))
			flags |= INST_EXT_META;
		if (instance_open(&r->in, id, arena, flags, msg, sizeof(msg))) {
			anomaly("%s: %s", w->name, msg);
			continue;
		}
		r->rng = 0x6d656d68656170ull ^ (uint64_t)w->live ^
			 ((uint64_t)w->kind << 40) ^ ((uint64_t)w->dist << 48);
		r->batch = malloc(sizeof(*r->batch) * (nbatch + 1));
		r->single = malloc(sizeof(*r->single) * (nsingle + 1));
		if (!r->batch || !r->single) {
			fprintf(stderr, "membench: out of memory\n");
			exit(1);
		}
		if (run_setup(w, r)) {
			anomaly("%s on %s: setup failed: %s", r->in.a->name,
				w->name, r->msg);
			r->in.broken = true;
		}
		r->active = true;
		order[na++] = id;
	}

	for (round = 0; round < ROUNDS; round++) {
		for (id = 0; id < na; id++) {
			struct run *r = &runs[order[(id + round) % na]];
			size_t warm = (round == 0 ? w->warmup : w->warmup / 16) / k;
			double deadline;
			size_t i;

			if (r->in.broken)
				continue;
			deadline = tick_s() + WARM_BUDGET_S * budget_scale *
					      (round == 0 ? 1.0 : 0.1);
			for (i = 0; i < warm && !r->in.broken; i++) {
				if (run_step(w, r, k) == FAIL)
					break;
				if (round == 0)
					r->warm_done += k;
				if (tick_s() > deadline)
					break;
			}
			if (!measure(w, r, k, r->batch, &r->nbatch,
				     nbatch * (size_t)(round + 1) / ROUNDS,
				     BATCH_BUDGET_S * budget_scale / ROUNDS))
				r->cut = true;
			if (!measure(w, r, 1, r->single, &r->nsingle,
				     nsingle * (size_t)(round + 1) / ROUNDS,
				     SINGLE_BUDGET_S * budget_scale / ROUNDS))
				r->cut = true;
		}
	}

	for (id = 0; id < na; id++) {
		struct run *r = &runs[order[id]];
		char msg[400];

		run_teardown(w, r);
		if (r->misplaced && !r->frag_big)
			anomaly("%s on %s: %lu request(s) of %u B served inside "
				"the fragment range (all fragments are smaller)",
				r->in.a->name, w->name, r->misplaced, WC_C_REQ);
		if (w->kind == W_WC_B && r->in.a->arena &&
		    r->adjacent < r->groups - r->groups / 100)
			printf("  note: %s on %s: %zu of %zu groups had B "
			       "between adjacent A and C\n", r->in.a->name,
			       w->name, r->adjacent, r->groups);
		if (!r->in.broken && r->warm_done < w->warmup / k * k)
			printf("  note: %s on %s: warm-up cut by the time "
			       "budget after %zu of %zu operations\n",
			       r->in.a->name, w->name, r->warm_done,
			       w->warmup / k * k);
		summarise(w, r, &res[order[id]]);
		if (instance_close(&r->in, true, msg, sizeof(msg)))
			anomaly("%s on %s: %s", r->in.a->name, w->name, msg);
		free(r->batch);
		free(r->single);
	}
	fprintf(stderr, "membench: %-22s %5.1f s\n", w->name, now_s() - t0);
}

/* ---- utilisation at first failure ---------------------------------------- */

#define UAFF_ARENA	((size_t)256 << 10)
#define UAFF_SEEDS	10
#define UAFF_MASK	(ABIT(A_FIRSTFIT) | ABIT(A_BUDDY) | ABIT(A_NAIVE))

struct uaff {
	bool valid;
	double mean, min, max;
};

static double uaff_once(int id, int d, uint64_t seed)
{
	enum { CAP = UAFF_ARENA / 8 };
	static void *ptr[CAP];
	static uint32_t sz[CAP];
	struct instance in;
	uint64_t rng = seed;
	size_t n = 0, live = 0, i, iter;
	double pct = -1;
	char msg[400];

	if (instance_open(&in, id, UAFF_ARENA, 0, msg, sizeof(msg))) {
		anomaly("uaff-%s: %s", dist_name[d], msg);
		return -1;
	}
	for (iter = 0; iter < 50000000u; iter++) {
		if (n == 0 || rng_below(&rng, 10) < 6) {
			size_t s = draw_size(&rng, d);
			void *p;

			if (n == CAP)
				break;
			p = inst_alloc(&in, s);
			if (!p) {
				pct = 100.0 * (double)live / (double)UAFF_ARENA;
				break;
			}
			tag_write(p, s);
			ptr[n] = p;
			sz[n++] = (uint32_t)s;
			live += s;
		} else {
			i = rng_below(&rng, (uint32_t)n);
			if (!tag_ok(ptr[i], sz[i]))
				in.corrupt++;
			inst_free(&in, ptr[i]);
			live -= sz[i];
			ptr[i] = ptr[--n];
			sz[i] = sz[n];
		}
	}
	for (i = 0; i < n; i++) {
		if (!tag_ok(ptr[i], sz[i]))
			in.corrupt++;
		inst_free(&in, ptr[i]);
	}
	if (instance_close(&in, true, msg, sizeof(msg)))
		anomaly("%s on uaff-%s seed %llu: %s", allocator_get(id)->name,
			dist_name[d], (unsigned long long)seed, msg);
	if (pct < 0)
		anomaly("%s on uaff-%s: no failure within the run",
			allocator_get(id)->name, dist_name[d]);
	return pct;
}

static void uaff_all(struct uaff u[D_SMALL][A_COUNT])
{
	int d, id, s;
	double t0 = now_s();

	memset(u, 0, sizeof(struct uaff) * D_SMALL * A_COUNT);
	for (d = 0; d < D_SMALL; d++) {
		for (id = 0; id < A_COUNT; id++) {
			double sum = 0, mn = 1e9, mx = -1;
			bool ok = true;

			if (!(UAFF_MASK & ABIT(id)))
				continue;
			for (s = 0; s < UAFF_SEEDS; s++) {
				double v = uaff_once(id, d, 1000u + (uint64_t)s);

				if (v < 0) {
					ok = false;
					break;
				}
				sum += v;
				if (v < mn)
					mn = v;
				if (v > mx)
					mx = v;
			}
			if (!ok)
				continue;
			u[d][id].valid = true;
			u[d][id].mean = sum / UAFF_SEEDS;
			u[d][id].min = mn;
			u[d][id].max = mx;
		}
	}
	fprintf(stderr, "membench: %-22s %5.1f s\n", "uaff", now_s() - t0);
}

/* ---- the workload list ---------------------------------------------------- */

#define PAIR(nm, sz) { nm, "pair", W_PAIR, A_ALL_MASK, sz, 0, 0, 100000, \
		       20000, NULL }
#define CHURN(nm, n, d) { nm, "churn", W_CHURN, A_ALL_MASK, 0, n, d, 100000, \
			  2 * (n) < 20000 ? 20000 : 2 * (n), NULL }

static const struct workload workloads[] = {
	PAIR("pair-16", 16),
	PAIR("pair-64", 64),
	PAIR("pair-1k", 1024),
	PAIR("pair-64k", 65536),
	CHURN("churn-1k-uniform", 1024, D_UNIFORM),
	CHURN("churn-1k-pow2", 1024, D_POW2),
	CHURN("churn-1k-bimodal", 1024, D_BIMODAL),
	CHURN("churn-64k-uniform", 65536, D_UNIFORM),
	CHURN("churn-64k-pow2", 65536, D_POW2),
	CHURN("churn-64k-bimodal", 65536, D_BIMODAL),
	{ "scale-1k", "scaling", W_CHURN, A_ALL_MASK, 0, 1024, D_SMALL,
	  100000, 20000, NULL },
	{ "scale-64k", "scaling", W_CHURN, A_ALL_MASK, 0, 65536, D_SMALL,
	  100000, 131072, NULL },
	{ "scale-1m", "scaling", W_CHURN, A_ALL_MASK & ~ABIT(A_NAIVE), 0,
	  1048576, D_SMALL, 100000, 2097152,
	  "naive skipped at 1M live: with its O(n) list walks, reaching a "
	  "steady state would take minutes" },
	{ "wc-a-small-from-huge", "constructed", W_WC_A, A_ARENA_MASK, 0, 0, 0,
	  50000, 10000, NULL },
	{ "wc-b-free-both-free", "constructed", W_WC_B, A_ALL_MASK, 0, 0, 0,
	  50000, 4096, NULL },
	{ "wc-c-10k-fragments", "constructed", W_WC_C, A_ALL_MASK, 0, 0, 0,
	  50000, 2000, NULL },
	{ "wc-d-buddy-split", "constructed", W_WC_D_SPLIT, ABIT(A_BUDDY), 0, 0,
	  0, 50000, 10000, NULL },
	{ "wc-d-buddy-merge", "constructed", W_WC_D_MERGE, ABIT(A_BUDDY), 0, 0,
	  0, 50000, 10000, NULL },
};

#define NW (sizeof(workloads) / sizeof(workloads[0]))

static struct result results[NW][A_COUNT];
static bool ran[NW];
static struct uaff uaffs[D_SMALL][A_COUNT];

static int wl_index(const char *name)
{
	size_t i;

	for (i = 0; i < NW; i++)
		if (!strcmp(workloads[i].name, name))
			return (int)i;
	return -1;
}

static const struct result *res_of(const char *wl, int id)
{
	int i = wl_index(wl);

	return i < 0 ? NULL : &results[i][id];
}

/* ---- naive self-test ----------------------------------------------------- */

static void naive_selftest(void)
{
	enum { CAP = 4096, ARENA = 1 << 20 };
	static unsigned char mem[ARENA];
	static void *ptr[CAP];
	static uint32_t sz[CAP];
	struct nff_heap h;
	uint64_t rng = 42;
	size_t n = 0, i, it, used = 0, fb = 0;
	int rc = 0;

	if (nff_init(&h, mem, sizeof(mem))) {
		anomaly("naive self-test: init failed");
		return;
	}
	for (it = 0; it < 200000 && !rc; it++) {
		if (n < CAP && (n == 0 || rng_below(&rng, 2))) {
			size_t s = draw_size(&rng, (int)(it / 1000 % 3));
			void *p = nff_alloc(&h, s);

			if (p) {
				if (((uintptr_t)p & 7u) || nff_usable_size(p) < s)
					rc = -10;
				tag_write(p, s);
				ptr[n] = p;
				sz[n++] = (uint32_t)s;
			}
		} else {
			i = rng_below(&rng, (uint32_t)n);
			if (!tag_ok(ptr[i], sz[i]))
				rc = -11;
			nff_free(&h, ptr[i]);
			ptr[i] = ptr[--n];
			sz[i] = sz[n];
		}
		if (it % 500 == 0 && !rc)
			rc = nff_check(&h, NULL, NULL);
	}
	while (n && !rc) {
		n--;
		if (!tag_ok(ptr[n], sz[n]))
			rc = -11;
		nff_free(&h, ptr[n]);
	}
	if (!rc)
		rc = nff_check(&h, &used, &fb);
	if (!rc && (used || h.head != (void *)h.base || fb != sizeof(mem)))
		rc = -12;
	if (rc)
		anomaly("naive self-test failed: %d", rc);
	else
		printf("naive first-fit self-test: 200000 random ops, list and "
		       "tiling checked every 500: ok\n");
}

/* ---- output -------------------------------------------------------------- */

static int col_ids[A_COUNT], ncols;

static void fmt_ns(char *buf, size_t len, double v)
{
	if (v < 100)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

static void print_table(const char *title, int metric)
{
	size_t i;
	int c;
	const char *section = "";

	printf("\n%s\n%-22s", title, "workload");
	for (c = 0; c < ncols; c++)
		printf(" %10s", allocator_get(col_ids[c])->col);
	printf("\n");
	for (i = 0; i < NW; i++) {
		if (!ran[i])
			continue;
		if (strcmp(section, workloads[i].section)) {
			section = workloads[i].section;
			printf("[%s]\n", section);
		}
		printf("%-22s", workloads[i].name);
		for (c = 0; c < ncols; c++) {
			const struct result *r = &results[i][col_ids[c]];
			char buf[32];

			if (!(workloads[i].mask & ABIT(col_ids[c]))) {
				printf(" %10s", "-");
				continue;
			}
			if (!r->valid) {
				printf(" %10s", "FAILED");
				continue;
			}
			fmt_ns(buf, sizeof(buf),
			       metric == 0 ? r->med :
			       metric == 1 ? r->op_p99 : r->op_p999);
			if (r->cut)
				strcat(buf, "*");
			printf(" %10s", buf);
		}
		printf("\n");
	}
}

static FILE *csv;

static void csv_row(const char *alloc, const char *wl, const char *metric,
		    double v)
{
	if (csv)
		fprintf(csv, "%s,%s,%s,%.6g\n", alloc, wl, metric, v);
}

static void write_csv_results(void)
{
	size_t i;
	int id, d;

	for (i = 0; i < NW; i++) {
		for (id = 0; id < A_COUNT; id++) {
			const struct result *r = &results[i][id];
			const char *an = allocator_get(id)->name;

			if (!r->valid)
				continue;
			/* the reported three: median of batches, tails of
			 * single operations */
			csv_row(an, workloads[i].name, "ns_median", r->med);
			csv_row(an, workloads[i].name, "ns_p99", r->op_p99);
			csv_row(an, workloads[i].name, "ns_p999", r->op_p999);
			csv_row(an, workloads[i].name, "batch_ns_mean", r->mean);
			csv_row(an, workloads[i].name, "batch_ns_p99", r->p99);
			csv_row(an, workloads[i].name, "batch_ns_p999", r->p999);
			csv_row(an, workloads[i].name, "batch_samples",
				(double)r->n);
			csv_row(an, workloads[i].name, "batch_ops",
				(double)r->k);
			csv_row(an, workloads[i].name, "single_ns_median",
				r->op_med);
			csv_row(an, workloads[i].name, "single_ns_mean",
				r->op_mean);
			csv_row(an, workloads[i].name, "single_samples",
				(double)r->n1);
		}
	}
	for (d = 0; d < D_SMALL; d++) {
		char wl[32];

		snprintf(wl, sizeof(wl), "uaff-%s", dist_name[d]);
		for (id = 0; id < A_COUNT; id++) {
			if (!uaffs[d][id].valid)
				continue;
			csv_row(allocator_get(id)->name, wl, "uaff_pct",
				uaffs[d][id].mean);
			csv_row(allocator_get(id)->name, wl, "uaff_min_pct",
				uaffs[d][id].min);
			csv_row(allocator_get(id)->name, wl, "uaff_max_pct",
				uaffs[d][id].max);
			csv_row(allocator_get(id)->name, wl, "seeds",
				UAFF_SEEDS);
		}
	}
}

static int npass, nmiss, nna;

/* One target line: value/ref compared with limit (ratio <= limit, or >=). */
static void target(const char *owner, const char *key, const char *text,
		   double value, double ref, bool have, bool at_most,
		   double limit, const char *detail)
{
	double ratio = have && ref > 0 ? value / ref : 0;
	bool pass = at_most ? ratio <= limit : ratio >= limit;

	if (!have) {
		printf("  %-62s n/a (%s)\n", text, detail);
		nna++;
		return;
	}
	printf("  %-62s %7.2fx  %s  (%s)\n", text, ratio,
	       pass ? "PASS" : "MISS", detail);
	if (pass)
		npass++;
	else
		nmiss++;
	csv_row(owner, "targets", key, ratio);
	{
		char k2[80];

		snprintf(k2, sizeof(k2), "%s_pass", key);
		csv_row(owner, "targets", k2, pass ? 1 : 0);
	}
}

static void target_pct(const char *owner, const char *key, const char *text,
		       const struct uaff *u, double limit)
{
	char detail[96];

	if (!u->valid) {
		printf("  %-62s n/a\n", text);
		nna++;
		return;
	}
	snprintf(detail, sizeof(detail), "mean of %d seeds, min %.1f%%",
		 UAFF_SEEDS, u->min);
	printf("  %-62s %6.1f%%  %s  (%s)\n", text, u->mean,
	       u->mean >= limit ? "PASS" : "MISS", detail);
	if (u->mean >= limit)
		npass++;
	else
		nmiss++;
	csv_row(owner, "targets", key, u->mean);
	{
		char k2[80];

		snprintf(k2, sizeof(k2), "%s_pass", key);
		csv_row(owner, "targets", k2, u->mean >= limit ? 1 : 0);
	}
}

static void print_targets(void)
{
	const struct result *ff64 = res_of("pair-64", A_FIRSTFIT);
	const struct result *bd64 = res_of("pair-64", A_BUDDY);
	const struct result *gl64 = res_of("pair-64", A_GLIBC);
	const struct result *ffc = res_of("churn-1k-uniform", A_FIRSTFIT);
	const struct result *glc = res_of("churn-1k-uniform", A_GLIBC);
	const struct result *nvc = res_of("churn-1k-uniform", A_NAIVE);
	static const char *const wcs[] = {
		"wc-a-small-from-huge", "wc-b-free-both-free",
		"wc-c-10k-fragments",
	};
	const char *worst = NULL;
	double worst_med = 0;
	char d[160];
	size_t i;
	int id;

	for (i = 0; i < sizeof(wcs) / sizeof(wcs[0]); i++) {
		const struct result *r = res_of(wcs[i], A_FIRSTFIT);

		if (r->valid && r->med >= worst_med) {
			worst_med = r->med;
			worst = wcs[i];
		}
	}

	printf("\nTargets (from this run; engines measured with locking on, "
	       "as users get them):\n");
	snprintf(d, sizeof(d), "%.1f vs %.1f ns", ff64->med, gl64->med);
	target("firstfit", "pair64_vs_glibc", "first-fit: pair-64 median <= 2x glibc",
	       ff64->med, gl64->med, ff64->valid && gl64->valid, true, 2.0, d);
	snprintf(d, sizeof(d), "%.1f vs %.1f ns", ffc->med, glc->med);
	target("firstfit", "churn1k_uniform_vs_glibc",
	       "first-fit: churn-1k-uniform median <= 1.5x glibc",
	       ffc->med, glc->med, ffc->valid && glc->valid, true, 1.5, d);
	snprintf(d, sizeof(d), "naive %.1f vs %.1f ns", nvc->med, ffc->med);
	target("firstfit", "churn1k_uniform_speedup_vs_naive",
	       "first-fit: churn-1k-uniform >= 10x faster than naive",
	       nvc->med, ffc->med, ffc->valid && nvc->valid, false, 10.0, d);
	snprintf(d, sizeof(d), "p99.9 %.1f vs median %.1f ns", ffc->op_p999,
		 ffc->med);
	target("firstfit", "churn1k_uniform_p999_vs_median",
	       "first-fit: churn-1k-uniform p99.9 <= 10x its median",
	       ffc->op_p999, ffc->med, ffc->valid, true, 10.0, d);
	snprintf(d, sizeof(d), "%s median %.1f vs churn-1k-uniform "
		 "median %.1f ns", worst ? worst : "?", worst_med, ffc->med);
	target("firstfit", "worst_case_vs_median",
	       "first-fit: worst constructed case <= 20x its median",
	       worst_med, ffc->med, worst && ffc->valid, true, 20.0, d);
	snprintf(d, sizeof(d), "%.1f vs %.1f ns", bd64->med, gl64->med);
	target("buddy", "pair64_vs_glibc", "buddy: pair-64 median <= 2x glibc",
	       bd64->med, gl64->med, bd64->valid && gl64->valid, true, 2.0, d);
	target_pct("firstfit", "uaff_uniform_pct",
		   "first-fit: UAFF uniform >= 90%", &uaffs[D_UNIFORM][A_FIRSTFIT],
		   90.0);
	target_pct("firstfit", "uaff_bimodal_pct",
		   "first-fit: UAFF bimodal >= 90%", &uaffs[D_BIMODAL][A_FIRSTFIT],
		   90.0);
	target_pct("buddy", "uaff_pow2_pct", "buddy: UAFF exact 2^k >= 90%",
		   &uaffs[D_POW2][A_BUDDY], 90.0);
	for (id = 0; id < A_COUNT; id++) {
		const struct result *a = res_of("scale-1m", id);
		const struct result *b = res_of("scale-1k", id);
		char text[96];

		if (id != A_FIRSTFIT && id != A_BUDDY)
			continue;
		snprintf(text, sizeof(text), "%s: cost per op at 1M live <= 2x "
			 "at 1k (median)", id == A_FIRSTFIT ? "first-fit" : "buddy");
		snprintf(d, sizeof(d), "%.1f vs %.1f ns", a->med, b->med);
		target(allocator_get(id)->name, "scale_1m_vs_1k", text, a->med,
		       b->med, a->valid && b->valid, true, 2.0, d);
	}
	printf("  => %d PASS, %d MISS, %d n/a (reported, never a failure)\n",
	       npass, nmiss, nna);
}

/* One gnuplot data file: a row per workload, a column per allocator median. */
static void write_dat(const char *dir, const char *file, const char *xname,
		      const char *const *wl, const char *const *xlabel, size_t n)
{
	char path[512];
	FILE *f;
	size_t i;
	int c;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%s", xname);
	for (c = 0; c < ncols; c++)
		fprintf(f, " %s", allocator_get(col_ids[c])->name);
	fprintf(f, "\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "%s", xlabel[i]);
		for (c = 0; c < ncols; c++) {
			const struct result *r = res_of(wl[i], col_ids[c]);

			if (r && r->valid)
				fprintf(f, " %.2f", r->med);
			else
				fprintf(f, " NaN");
		}
		fprintf(f, "\n");
	}
	fclose(f);
}

static void write_chart_data(const char *dir)
{
	static const char *const main_wl[] = {
		"pair-64", "pair-1k", "churn-1k-uniform", "churn-1k-pow2",
		"churn-1k-bimodal", "churn-64k-uniform", "churn-64k-pow2",
		"churn-64k-bimodal", "wc-c-10k-fragments",
	};
	static const char *const scale_wl[] = {
		"scale-1k", "scale-64k", "scale-1m",
	};
	static const char *const scale_x[] = { "1k", "64k", "1M" };

	write_dat(dir, "chart_main.dat", "workload", main_wl, main_wl,
		  sizeof(main_wl) / sizeof(main_wl[0]));
	write_dat(dir, "chart_scaling.dat", "live", scale_wl, scale_x,
		  sizeof(scale_wl) / sizeof(scale_wl[0]));
}

/* Other work on this machine shows up in the tails: say how busy it was. */
static void print_loadavg(const char *when)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/loadavg", "r");

	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f))
		printf("%s (/proc/loadavg): %s", when, buf);
	fclose(f);
}

static void pin_cpu(void)
{
	cpu_set_t set;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return;
	CPU_ZERO(&set);
	CPU_SET((int)(n - 1), &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0)
		printf("pinned to cpu %ld of %ld\n", n - 1, n);
}

/*
 * libjemalloc.so.2 uses initial-exec TLS: dlopen() needs static TLS surplus
 * that glibc only grants through a tunable read at start-up, so membench
 * re-executes itself once with it set.
 */
static void reexec_for_static_tls(char **argv)
{
	char buf[1024];
	const char *old = getenv("GLIBC_TUNABLES");

	if (getenv("MEMBENCH_REEXEC"))
		return;
	snprintf(buf, sizeof(buf), "%s%sglibc.rtld.optional_static_tls=65536",
		 old ? old : "", old ? ":" : "");
	setenv("GLIBC_TUNABLES", buf, 1);
	setenv("MEMBENCH_REEXEC", "1", 1);
	execv("/proc/self/exe", argv);
	/* not fatal: jemalloc is then reported unavailable */
}

int main(int argc, char **argv)
{
	const char *dir = "build/bench";
	char path[512];
	double t0;
	size_t i;
	int a, c;

	reexec_for_static_tls(argv);
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-o") && a + 1 < argc) {
			dir = argv[++a];
		} else if (!strcmp(argv[a], "--only") && a + 1 < argc) {
			only = argv[++a];
		} else if (!strcmp(argv[a], "--quick")) {
			quick = true;
			budget_scale = 0.1;
		} else {
			fprintf(stderr, "usage: membench [-o DIR] [--quick] [--only SUBSTRING]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = now_s();
	mkdir(dir, 0777);

	printf("membench: memheap pool engines vs glibc, jemalloc, mimalloc, "
	       "naive first-fit\n");
	pin_cpu();
	print_loadavg("load at the start");
	allocators_init();
	timer_calibrate();
	printf("timer: %s; %.4f ns/tick; empty timed region %llu ticks "
	       "(%.1f ns), subtracted\n", TIMER_DESC, ns_per_tick,
	       (unsigned long long)tick_overhead,
	       (double)tick_overhead * ns_per_tick);
	printf("allocators:\n");
	for (a = 0; a < A_COUNT; a++) {
		struct allocator *al = allocator_get(a);

		printf("  %-15s %s%s\n", al->name, al->desc,
		       al->available ? "" : "  [NOT MEASURED]");
		if (al->available)
			col_ids[ncols++] = a;
		else
			anomaly("%s not measured: %s", al->name, al->desc);
	}
	naive_selftest();
	printf("running %zu workloads x %d interleaved rounds%s...\n", NW,
	       ROUNDS, quick ? " (--quick: 1/10 of the time budget)" : "");

	for (i = 0; i < NW; i++) {
		struct workload w = workloads[i];

		if (only && !strstr(w.name, only))
			continue;
		if (quick) {
			w.samples /= 10;
			w.warmup /= 10;
		}
		if (w.skipped)
			printf("  %s: %s\n", w.name, w.skipped);
		run_workload(&w, results[i]);
		ran[i] = true;
	}
	uaff_all(uaffs);

	printf("\nns per operation (column ff-nolock: firstfit-nolock).\n"
	       "One operation: pair, wc-a, wc-c: alloc+free; churn, scale: "
	       "free a random live block\n+ alloc; wc-b, wc-d-merge: one free; "
	       "wc-d-split: one alloc.\nMedians: batches of %d operations per "
	       "timed sample, divided (wc-d: 1).  p99, p99.9: every\n"
	       "operation timed alone, timer cost subtracted.  '-' not run on "
	       "this allocator;\n'*' fewer samples than planned (time "
	       "budget).\n", BATCH);
	print_table("MEDIAN ns/op (timed in batches of 32 operations)", 0);
	print_table("p99 ns/op (each operation timed alone)", 1);
	print_table("p99.9 ns/op (each operation timed alone)", 2);

	printf("\nUtilisation at first failure, 256 KiB arena, alloc p=0.6 / "
	       "free p=0.4, %d seeds: mean%% (min%%)\n%-22s", UAFF_SEEDS,
	       "workload");
	for (a = 0; a < A_COUNT; a++)
		if (UAFF_MASK & ABIT(a))
			printf(" %16s", allocator_get(a)->name);
	printf("\n");
	for (c = 0; c < D_SMALL; c++) {
		printf("uaff-%-17s", dist_name[c]);
		for (a = 0; a < A_COUNT; a++) {
			char buf[40];

			if (!(UAFF_MASK & ABIT(a)))
				continue;
			if (uaffs[c][a].valid)
				snprintf(buf, sizeof(buf), "%.1f (%.1f)",
					 uaffs[c][a].mean, uaffs[c][a].min);
			else
				snprintf(buf, sizeof(buf), "FAILED");
			printf(" %16s", buf);
		}
		printf("\n");
	}

	snprintf(path, sizeof(path), "%s/engines.csv", dir);
	csv = fopen(path, "w");
	if (!csv)
		fprintf(stderr, "membench: %s: %s\n", path, strerror(errno));
	else
		fprintf(csv, "allocator,workload,metric,value\n");
	write_csv_results();
	print_targets();
	if (csv) {
		fclose(csv);
		printf("\nwrote %s\n", path);
	}
	write_chart_data(dir);

	if (nanomalies) {
		printf("\nANOMALIES (%d):\n", nanomalies);
		for (a = 0; a < nanomalies; a++)
			printf("  %s\n", anomalies[a]);
	} else {
		printf("\nchecks: every block's tags intact; engines: mh_check "
		       "clean, no error reports, all blocks\nreturned after "
		       "each workload; naive: list and tiling consistent\n");
	}
	print_loadavg("load at the end");
	printf("membench: %.1f s\n", now_s() - t0);
	return 0;
}
