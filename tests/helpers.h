/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * helpers.h - the little the host tests share: arenas, assertions, an
 * error-callback recorder, a PRNG, content patterns and a block walker.
 *
 * Every test is one program; the first failed assertion prints
 *   FAIL file:line: [context] what
 * on stderr and exits 1.  Set t_ctx() to say which configuration is running.
 */
#ifndef MH_TEST_HELPERS_H
#define MH_TEST_HELPERS_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh_pool.h"

#define T_UNUSED __attribute__((unused))

/* ---------------------------------------------------------------- context */

static char t_context[256] T_UNUSED;

static inline void t_ctx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t_context, sizeof(t_context), fmt, ap);
	va_end(ap);
}

static inline const char *algo_name(enum mh_algo a)
{
	return a == MH_ALGO_FIRSTFIT ? "firstfit" : a == MH_ALGO_BUDDY ? "buddy" : "?";
}

static inline const char *poison_name(enum mh_poison p)
{
	switch (p) {
	case MH_POISON_NONE: return "none";
	case MH_POISON_LIGHT: return "light";
	case MH_POISON_COMPREHENSIVE: return "comprehensive";
	}
	return "?";
}

static const enum mh_algo all_algos[] T_UNUSED = { MH_ALGO_FIRSTFIT, MH_ALGO_BUDDY };
static const enum mh_poison all_poisons[] T_UNUSED = {
	MH_POISON_NONE, MH_POISON_LIGHT, MH_POISON_COMPREHENSIVE
};

#define FOR_EACH_ALGO(a) \
	for (size_t a##_i_ = 0; a##_i_ < 2; a##_i_++) \
		for (enum mh_algo a = all_algos[a##_i_], *a##_once_ = &a; a##_once_; a##_once_ = NULL)
#define FOR_EACH_POISON(p) \
	for (size_t p##_i_ = 0; p##_i_ < 3; p##_i_++) \
		for (enum mh_poison p = all_poisons[p##_i_], *p##_once_ = &p; p##_once_; p##_once_ = NULL)

/* ------------------------------------------------------------- assertions */

__attribute__((noreturn, format(printf, 3, 4)))
static inline void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	if (t_context[0])
		fprintf(stderr, "[%s] ", t_context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	exit(1);
}

#define FAILF(...) t_fail(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(cond) do { if (!(cond)) FAILF("%s", #cond); } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) FAILF(__VA_ARGS__); } while (0)
#define CHECK_EQ(a, b) do { \
	uintmax_t a_ = (uintmax_t)(a), b_ = (uintmax_t)(b); \
	if (a_ != b_) \
		FAILF("%s == %s: %ju != %ju (0x%jx != 0x%jx)", #a, #b, a_, b_, a_, b_); \
} while (0)
#define CHECK_RC(expr, want) do { \
	int got_ = (expr), want_ = (want); \
	if (got_ != want_) \
		FAILF("%s returned %d (%s), expected %d (%s)", #expr, got_, \
		      mh_strerror(got_), want_, mh_strerror(want_)); \
} while (0)
#define CHECK_NULL(expr) do { \
	void *p_ = (void *)(expr); \
	if (p_) FAILF("%s returned %p, expected NULL", #expr, p_); \
} while (0)
#define CHECK_NONNULL(expr) do { \
	if (!(expr)) FAILF("%s returned NULL", #expr); \
} while (0)
#define CHECK_ALIGNED(p, a) do { \
	uintptr_t p_ = (uintptr_t)(p); size_t al_ = (a); \
	if (p_ % al_) FAILF("%s = %p is not %zu-byte aligned", #p, (void *)p_, al_); \
} while (0)

/* ---------------------------------------------------------------- scaling */

/* MH_TEST_SCALE (default 1) shrinks iteration counts under valgrind etc. */
static inline double t_scale(void)
{
	const char *s = getenv("MH_TEST_SCALE");
	double v = s ? atof(s) : 1.0;

	return v > 0 ? v : 1.0;
}

static inline size_t t_iters(size_t n)
{
	double v = (double)n * t_scale();

	return v < 1 ? 1 : (size_t)v;
}

/* ------------------------------------------------------------------- PRNG */

struct rng { uint64_t s; };

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, n) (n > 0) */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

static inline uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* ---------------------------------------------------------------- arenas */

/*
 * Arenas come from posix_memalign(64 KiB) so aligned_alloc tests can reason
 * about offsets.  They are filled with garbage (0xa5: the engine must not
 * assume zeroed memory).  MH_TEST_UNINIT=1 leaves them uninitialised instead,
 * so valgrind reports every decision the engine takes on memory nobody
 * wrote (noisy for misuse tests, which make it read such memory on purpose).
 */
#define T_MAX_ARENAS 64
static void *t_arenas[T_MAX_ARENAS] T_UNUSED;

static inline void *arena_new(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 65536, size ? size : 1))
		FAILF("posix_memalign(%zu) failed", size);
	if (!getenv("MH_TEST_UNINIT"))
		memset(p, 0xa5, size);
	for (int i = 0; i < T_MAX_ARENAS; i++)
		if (!t_arenas[i]) {
			t_arenas[i] = p;
			return p;
		}
	FAILF("too many arenas");
}

static inline void arena_free_all(void)
{
	for (int i = 0; i < T_MAX_ARENAS; i++) {
		free(t_arenas[i]);
		t_arenas[i] = NULL;
	}
}

static inline size_t round_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

static inline size_t next_pow2(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* ------------------------------------------------------- error recorder */

#define REC_MAX 64
struct rec_entry {
	int code;
	const char *op;
	const void *ptr;
	const void *where;
	int region;
};

struct rec {
	int count;
	struct rec_entry e[REC_MAX];
};

static inline void rec_cb(struct mh_heap *heap, const struct mh_error_info *info, void *ctx)
{
	struct rec *r = ctx;

	(void)heap;
	if (r->count < REC_MAX) {
		struct rec_entry *e = &r->e[r->count];

		e->code = info->code;
		e->op = info->op;
		e->ptr = info->ptr;
		e->where = info->where;
		e->region = info->region;
	}
	r->count++;
}

static inline void rec_clear(struct rec *r)
{
	memset(r, 0, sizeof(*r));
}

static inline const struct rec_entry *rec_last(const struct rec *r)
{
	if (!r->count)
		return NULL;
	return &r->e[(r->count > REC_MAX ? REC_MAX : r->count) - 1];
}

/* The callback fired exactly once, with @code. */
#define CHECK_REC_ONCE(r, code_) do { \
	if ((r)->count != 1) \
		FAILF("error callback fired %d times, expected once (code %d)", \
		      (r)->count, (int)(code_)); \
	if ((r)->e[0].code != (code_)) \
		FAILF("error callback got code %d (%s), expected %d (%s)", \
		      (r)->e[0].code, mh_strerror((r)->e[0].code), \
		      (int)(code_), mh_strerror(code_)); \
} while (0)
#define CHECK_REC_NONE(r) do { \
	if ((r)->count) \
		FAILF("error callback fired %d times (first code %d %s), expected none", \
		      (r)->count, (r)->e[0].code, mh_strerror((r)->e[0].code)); \
} while (0)

/* ------------------------------------------------------------ test heaps */

struct th {
	struct mh_heap heap;
	struct rec rec;
	int nregions;
	unsigned char *base[8];
	size_t size[8];
	enum mh_algo algo[8];
};

static inline void th_init_flags(struct th *t, enum mh_poison poison, unsigned int flags)
{
	struct mh_heap_config cfg = {
		.name = "test",
		.poison = poison,
		.flags = flags,
		.on_error = rec_cb,
		.error_ctx = &t->rec,
	};

	memset(t, 0, sizeof(*t));
	CHECK_RC(mh_heap_init(&t->heap, &cfg), MH_OK);
}

static inline void th_init(struct th *t, enum mh_poison poison)
{
	th_init_flags(t, poison, 0);
}

/* Add a region of @size bytes (a fresh arena); min_block 0 = default. */
static inline void *th_add_mb(struct th *t, size_t size, enum mh_algo algo, size_t min_block)
{
	struct mh_region_config rc = { .algo = algo, .min_block = min_block };
	unsigned char *p = arena_new(size);
	int rc_;

	rc_ = mh_heap_add_region(&t->heap, p, size, &rc);
	if (rc_ != MH_OK)
		FAILF("mh_heap_add_region(%zu, %s, min_block %zu) = %d (%s)", size,
		      algo_name(algo), min_block, rc_, mh_strerror(rc_));
	t->base[t->nregions] = p;
	t->size[t->nregions] = size;
	t->algo[t->nregions] = algo;
	t->nregions++;
	return p;
}

static inline void *th_add(struct th *t, size_t size, enum mh_algo algo)
{
	return th_add_mb(t, size, algo, 0);
}

/* One heap, one region. */
static inline void th_simple(struct th *t, enum mh_algo algo, enum mh_poison poison, size_t size)
{
	th_init(t, poison);
	th_add(t, size, algo);
}

static inline void th_fini(struct th *t)
{
	mh_heap_destroy(&t->heap);
	for (int i = 0; i < t->nregions; i++) {
		for (int j = 0; j < T_MAX_ARENAS; j++)
			if (t_arenas[j] == t->base[i]) {
				free(t_arenas[j]);
				t_arenas[j] = NULL;
			}
	}
	t->nregions = 0;
}

/* Index of the region (arena) holding [p, p + n), -1 if none. */
static inline int th_region_of(const struct th *t, const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;

	for (int i = 0; i < t->nregions; i++) {
		uintptr_t b = (uintptr_t)t->base[i];

		if (a >= b && a + n <= b + t->size[i] && a + n >= a)
			return i;
	}
	return -1;
}

static inline struct mh_stats th_stats(struct th *t)
{
	struct mh_stats s;

	memset(&s, 0x5c, sizeof(s));
	mh_get_stats(&t->heap, &s);
	return s;
}

#define CHECK_HEAP_OK(t) do { \
	int ck_ = mh_check(&(t)->heap); \
	if (ck_ != MH_OK) \
		FAILF("mh_check = %d (%s), expected MH_OK", ck_, mh_strerror(ck_)); \
} while (0)

/* Compare two stats snapshots field by field; failed_delta expected in failed_count. */
#define CHECK_STATS_SAME(a, b, failed_delta) do { \
	const struct mh_stats *sa_ = &(a), *sb_ = &(b); \
	CHECK_EQ(sb_->total_bytes, sa_->total_bytes); \
	CHECK_EQ(sb_->free_bytes, sa_->free_bytes); \
	CHECK_EQ(sb_->allocated_bytes, sa_->allocated_bytes); \
	CHECK_EQ(sb_->largest_free, sa_->largest_free); \
	CHECK_EQ(sb_->min_free_ever, sa_->min_free_ever); \
	CHECK_EQ(sb_->peak_allocated, sa_->peak_allocated); \
	CHECK_EQ(sb_->allocated_blocks, sa_->allocated_blocks); \
	CHECK_EQ(sb_->free_blocks, sa_->free_blocks); \
	CHECK_EQ(sb_->total_blocks, sa_->total_blocks); \
	CHECK_EQ(sb_->regions, sa_->regions); \
	CHECK_EQ(sb_->alloc_count, sa_->alloc_count); \
	CHECK_EQ(sb_->free_count, sa_->free_count); \
	CHECK_EQ(sb_->failed_count, sa_->failed_count + (size_t)(failed_delta)); \
	CHECK_EQ(sb_->error_count, sa_->error_count); \
} while (0)

/* The internal consistency every stats snapshot must have. */
#define CHECK_STATS_SANE(s) do { \
	const struct mh_stats *ss_ = &(s); \
	CHECK_EQ(ss_->free_bytes + ss_->allocated_bytes, ss_->total_bytes); \
	CHECK_EQ(ss_->allocated_blocks + ss_->free_blocks, ss_->total_blocks); \
	CHECK(ss_->largest_free <= ss_->free_bytes); \
	CHECK(ss_->min_free_ever <= ss_->free_bytes); \
	CHECK(ss_->peak_allocated >= ss_->allocated_bytes); \
} while (0)

/* --------------------------------------------------------------- walking */

struct walk_list {
	struct mh_block_info *b;
	size_t n, cap;
	size_t stop_after;	/* 0 = never stop */
};

static inline bool walk_collect_cb(const struct mh_block_info *info, void *ctx)
{
	struct walk_list *w = ctx;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->b = realloc(w->b, w->cap * sizeof(*w->b));
		if (!w->b)
			FAILF("out of memory");
	}
	w->b[w->n++] = *info;
	return !(w->stop_after && w->n >= w->stop_after);
}

/* Collect the walk; caller frees w->b. */
static inline struct walk_list th_walk(struct th *t)
{
	struct walk_list w = { 0 };
	int rc = mh_walk(&t->heap, walk_collect_cb, &w);

	if (rc != MH_OK)
		FAILF("mh_walk = %d (%s)", rc, mh_strerror(rc));
	return w;
}

/* The walk entry whose (used) ptr is @p, NULL if none. */
static inline const struct mh_block_info *walk_find(const struct walk_list *w, const void *p)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->b[i].ptr == p)
			return &w->b[i];
	return NULL;
}

/* The walk entry whose block contains @p, NULL if none. */
static inline const struct mh_block_info *walk_containing(const struct walk_list *w, const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (size_t i = 0; i < w->n; i++) {
		uintptr_t b = (uintptr_t)w->b[i].block;

		if (a >= b && a < b + w->b[i].block_size)
			return &w->b[i];
	}
	return NULL;
}

/* ------------------------------------------------------ content patterns */

/* Byte i of the pattern for @seed: cheap to fill and to verify. */
static inline uint64_t pat_word(uint64_t seed, size_t word)
{
	uint64_t z = seed + (uint64_t)word * 0x9e3779b97f4a7c15ull;

	z ^= z >> 29;
	z *= 0xbf58476d1ce4e5b9ull;
	return z ^ (z >> 32);
}

static inline void pat_fill(void *p, size_t n, uint64_t seed)
{
	unsigned char *c = p;
	size_t i = 0, w = 0;

	for (; i + 8 <= n; i += 8, w++) {
		uint64_t v = pat_word(seed, w);

		memcpy(c + i, &v, 8);
	}
	if (i < n) {
		uint64_t v = pat_word(seed, w);

		memcpy(c + i, &v, n - i);
	}
}

/* Offset of the first byte not matching the pattern, or SIZE_MAX. */
static inline size_t pat_check(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *c = p;
	size_t i = 0, w = 0;

	for (; i + 8 <= n; i += 8, w++) {
		uint64_t v = pat_word(seed, w);

		if (memcmp(c + i, &v, 8))
			break;
	}
	for (; i < n; i++) {
		uint64_t v = pat_word(seed, i / 8);

		if (c[i] != (unsigned char)(v >> (8 * (i % 8))))
			return i;
	}
	return SIZE_MAX;
}

#define CHECK_PATTERN(p, n, seed) do { \
	size_t off_ = pat_check((p), (n), (seed)); \
	if (off_ != SIZE_MAX) \
		FAILF("content of %p (%zu bytes) changed at offset %zu", \
		      (const void *)(p), (size_t)(n), off_); \
} while (0)

static inline size_t count_byte(const void *p, size_t n, unsigned char c)
{
	const unsigned char *b = p;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += b[i] == c;
	return k;
}

/* ------------------------------------------------------------- misuse */

static inline bool code_in(int code, int want, int alt)
{
	return code == want || code == alt;
}

/* After one refused call: error_count went up by one, nothing else moved. */
static inline void th_only_error_counted(struct th *t, struct mh_stats s0,
					 struct mh_stats s1)
{
	s0.error_count++;
	if (memcmp(&s0, &s1, sizeof(s0))) {
		CHECK_STATS_SAME(s0, s1, 0);
	}
	rec_clear(&t->rec);
}

/* The callback fired exactly once, with @want or @alt, for @fn(@ptr). */
static inline void th_one_report_(struct th *t, const char *fn, void *ptr,
				  int want, int alt, const char *file, int line)
{
	if (t->rec.count != 1)
		t_fail(file, line, "%s(%p): error callback fired %d times, expected once",
		       fn, ptr, t->rec.count);
	if (!code_in(t->rec.e[0].code, want, alt))
		t_fail(file, line, "%s(%p): callback code %d (%s), expected %d (%s)",
		       fn, ptr, t->rec.e[0].code, mh_strerror(t->rec.e[0].code), want, mh_strerror(want));
}

/*
 * mh_free(@ptr) must be refused with @want (or @alt): the callback fires
 * exactly once with that code, op "free" and @ptr, error_count goes up by
 * one and nothing else changes (the block, if any, is not freed).
 */
static inline int th_bad_free_(struct th *t, void *ptr, int want, int alt,
			       const char *file, int line)
{
	struct mh_stats s0 = th_stats(t), s1;
	int rc;

	rec_clear(&t->rec);
	rc = mh_free(&t->heap, ptr);
	if (!code_in(rc, want, alt))
		t_fail(file, line, "mh_free(%p) = %d (%s), expected %d (%s) or %d (%s)", ptr,
		       rc, mh_strerror(rc), want, mh_strerror(want), alt, mh_strerror(alt));
	if (t->rec.count != 1)
		t_fail(file, line, "mh_free(%p) = %d: error callback fired %d times, expected once",
		       ptr, rc, t->rec.count);
	if (t->rec.e[0].code != rc)
		t_fail(file, line, "mh_free(%p) = %d but the callback got %d", ptr, rc, t->rec.e[0].code);
	if (!t->rec.e[0].op || strcmp(t->rec.e[0].op, "free"))
		t_fail(file, line, "callback op \"%s\", expected \"free\"",
		       t->rec.e[0].op ? t->rec.e[0].op : "(null)");
	if (t->rec.e[0].ptr != ptr)
		t_fail(file, line, "callback ptr %p, expected %p", t->rec.e[0].ptr, ptr);
	s1 = th_stats(t);
	th_only_error_counted(t, s0, s1);
	return rc;
}
#define th_bad_free(t, ptr, want, alt) th_bad_free_((t), (ptr), (want), (alt), __FILE__, __LINE__)

/* mh_realloc(@ptr, n) must return NULL, report once, change nothing else. */
static inline void th_bad_realloc_(struct th *t, void *ptr, int want, int alt,
				   const char *file, int line)
{
	struct mh_stats s0 = th_stats(t), s1;
	void *q;

	rec_clear(&t->rec);
	q = mh_realloc(&t->heap, ptr, 64);
	if (q)
		t_fail(file, line, "mh_realloc(%p, 64) = %p, expected NULL", ptr, q);
	th_one_report_(t, "mh_realloc", ptr, want, alt, file, line);
	s1 = th_stats(t);
	s1.failed_count = s0.failed_count;	/* counting the NULL or not: either way */
	th_only_error_counted(t, s0, s1);
}
#define th_bad_realloc(t, ptr, want, alt) th_bad_realloc_((t), (ptr), (want), (alt), __FILE__, __LINE__)

/* mh_usable_size(@ptr) must be 0 and report once. */
static inline void th_bad_usable_(struct th *t, void *ptr, int want, int alt,
				  const char *file, int line)
{
	struct mh_stats s0 = th_stats(t), s1;
	size_t u;

	rec_clear(&t->rec);
	u = mh_usable_size(&t->heap, ptr);
	if (u)
		t_fail(file, line, "mh_usable_size(%p) = %zu, expected 0", ptr, u);
	th_one_report_(t, "mh_usable_size", ptr, want, alt, file, line);
	s1 = th_stats(t);
	th_only_error_counted(t, s0, s1);
}
#define th_bad_usable(t, ptr, want, alt) th_bad_usable_((t), (ptr), (want), (alt), __FILE__, __LINE__)

/* The heap still works: allocate, fill, check, free a few blocks. */
static inline void th_exercise(struct th *t)
{
	void *v[16];
	size_t sz[16];
	int n = 0;

	for (int i = 0; i < 16; i++) {
		sz[n] = 8 + (size_t)i * 37;
		v[n] = mh_alloc(&t->heap, sz[n]);
		if (v[n]) {
			pat_fill(v[n], sz[n], (uint64_t)n);
			n++;
		}
	}
	CHECK_MSG(n > 0, "heap unusable: no allocation succeeds");
	while (n--) {
		CHECK_PATTERN(v[n], sz[n], (uint64_t)n);
		CHECK_RC(mh_free(&t->heap, v[n]), MH_OK);
	}
}

#endif /* MH_TEST_HELPERS_H */
