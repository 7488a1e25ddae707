/* SPDX-License-Identifier: MIT */
/*
 * tcache.c - per-thread caches of freed small blocks, with statistics that
 * stay exact.
 *
 * A block of an engine region whose engine charge (bytes the engine counts
 * as allocated: usable + 8 in first-fit, 2^k in buddy) is at most
 * MHL_TC_MAX_CHARGE is recorded in the region's cmap (one byte per 8 bytes
 * of the region: charge / 8 at the block's user pointer).  Freeing such a
 * block puts it in the freeing thread's bin for that charge; an allocation
 * whose exact-fit charge has a non-empty bin takes it back.  Neither touches
 * the engine or a line another thread writes: the cache's lock (struct
 * mhl_tc_ticket) is the owner's line unless a claimer wants it, and taking
 * it is one uncontended atomic add.  Bounds per thread and region:
 * MHL_TC_BIN_BLOCKS per bin and r->tc_limit bytes; a free into a full cache
 * gives a sixteenth of the bound back in one engine lock round.
 *
 * What keeps the statistics exact:
 *   - a cached block is free to the user and allocated to the engine, so
 *     every statistic, check and walk first empties the caches into the
 *     engine (mhl_tcache_hold: every cache locked while the engine is read,
 *     so the answer is the engine's with everything freed: free, largest
 *     free, block counts);
 *   - an allocation the engine refuses is retried once after the caches of
 *     that region are flushed (alloc.c), so no cached byte makes a request
 *     fail that would succeed without caches;
 *   - minimum free / peak: each thread counts the bytes its operations gave
 *     to (+) and took from (-) users, per region, and may grow its count up
 *     to a ceiling without telling anyone.  Ceilings are handed out so that
 *     retired + sum(ceilings) <= peak: no new peak can happen unseen.  A
 *     thread that passed its ceiling locks every cache, sums the exact
 *     total, raises the peak if it is one, and shares the headroom
 *     (peak - total) out as new ceilings; so does every statistics
 *     reader.  Frees never need it, and a loop that frees and allocates
 *     the same size stays under its ceiling.  An engine call is made under
 *     the thread's cache lock and counted before that lock is released, so
 *     a reader never sees the engine changed and the count not;
 *   - alloc/free counts: hits are counted per thread and summed, engine
 *     operations the caches do themselves (flushes) are subtracted;
 *   - double free of a cached block: a key word (a per-process secret mixed
 *     with the address) is written into a cached block and cleared when it
 *     leaves; a free that finds it confirms by searching the caches.
 *
 * Not cached (go to the engine as before): kernel regions, standalone
 * heaps, poisoned heaps (the engine checks canaries and fill at free),
 * blocks allocated with alignment above 8, realloc'd blocks, regions above
 * MHL_CMAP_MAX_REGION.  Caches go back to the engine when their thread
 * exits (key destructor) and, in a forked child, for every other thread.
 *
 * Locks, in order: mhl_tc_lock (cache list, ceilings, peaks), each cache's
 * own lock, a region's engine lock.  No error handler runs under any.
 *
 * Why not membarrier(2), with plain stores on the owner's side: a claimer
 * would pay one inter-processor interrupt to every CPU running the process
 * per statistics call, flush and rebalance, and wait for each to be taken.
 * A preempted virtual CPU takes it a host time slice later: in a loaded
 * QEMU guest, lib/tests/core_cache_threads went from seconds to minutes.
 * An uncontended atomic add on a line the owner already holds costs a few
 * cycles.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <sys/auxv.h>

#include "core/internal.h"

#define MHL_TC_BINS		(MHL_TC_MAX_CHARGE / 8 + 1)	/* index: charge / 8 */
#define MHL_TC_BIN_BLOCKS	32u		/* blocks per bin */

struct mhl_tc_bin {
	void *head;			/* linked through the first word of the block */
	unsigned int count;
};

struct mhl_tc_region {
	struct mhl_tc_bin bin[MHL_TC_BINS];
	size_t bytes;			/* engine charge of the cached blocks */
	int64_t used;			/* bytes given to (+) and taken back from (-) users */
	int64_t ceiling;		/* used may grow to this without a rebalance */
	size_t allocs, frees;		/* user operations served by the cache */
	unsigned int cursor;		/* next bin trimmed */
};

/*
 * A cache's lock: a ticket lock, so that its two users, the owner thread
 * and the one claimer that holds mhl_tc_lock, are served in the order they
 * came.  A test-and-set lock let a statistics reader that claims back to
 * back (or an owner that allocates in a loop) starve the other side.
 */
struct mhl_tc_ticket {
	atomic_uint next;		/* ticket of the next arrival */
	atomic_uint serving;		/* ticket that holds the lock */
};

struct mhl_tcache {
	struct mhl_tc_ticket lock;
	struct mhl_tcache *next, *prev;	/* under mhl_tc_lock */
	struct mhl_tc_region reg[MHL_MAX_REGIONS];
};

enum { MHL_TC_NONE, MHL_TC_CREATING, MHL_TC_OFF };

static _Thread_local struct {
	struct mhl_tcache *tc;
	unsigned char state;		/* MHL_TC_*: no cache yet, being made, never again */
} mhl_tc_me __attribute__((tls_model("initial-exec")));

pthread_mutex_t mhl_tc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mhl_tcache *mhl_tc_list;
static unsigned int mhl_tc_count;
static pthread_key_t mhl_tc_tkey;
static bool mhl_tc_key_ok;
static uintptr_t mhl_tc_secret;

/* First engine error met while flushing under locks, reported after them. */
struct mhl_tc_fault {
	int code;
	void *ptr;
};

static struct mhl_tc_fault mhl_tc_err;	/* mhl_tcache_hold's, under mhl_tc_lock */

static void mhl_tc_exit(void *arg);

void mhl_tcache_setup(void)
{
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	uintptr_t s = (uintptr_t)&mhl_tc_secret * 0x9e3779b97f4a7c15ull;

	if (rnd)
		memcpy(&s, rnd, sizeof(s));
	mhl_tc_secret = s | 1;
	mhl_tc_key_ok = pthread_key_create(&mhl_tc_tkey, mhl_tc_exit) == 0;
}

/* Take @tc's lock: the owner, or a claimer under mhl_tc_lock. */
static inline void mhl_tc_take(struct mhl_tcache *tc)
{
	unsigned int t = atomic_fetch_add_explicit(&tc->lock.next, 1, memory_order_relaxed);

	/* the wait is at most one critical section of the other user */
	while (atomic_load_explicit(&tc->lock.serving, memory_order_acquire) != t)
		sched_yield();
}

static inline void mhl_tc_give(struct mhl_tcache *tc)
{
	unsigned int t = atomic_load_explicit(&tc->lock.serving, memory_order_relaxed);

	atomic_store_explicit(&tc->lock.serving, t + 1, memory_order_release);
}

/* The owner thread takes its cache. */
static inline void mhl_tc_own(struct mhl_tcache *tc)
{
	mhl_tc_take(tc);
}

static inline void mhl_tc_unown(struct mhl_tcache *tc)
{
	mhl_tc_give(tc);
}

/* The key word (second word) of a block: accessed atomically, since a
 * double free may read it while its owner takes the block. */
static inline uintptr_t *mhl_tc_keyword(void *p)
{
	return (uintptr_t *)p + 1;
}

static inline uintptr_t mhl_tc_key(const void *p)
{
	return mhl_tc_secret ^ (uintptr_t)p;
}

static inline atomic_uchar *mhl_tc_slot(struct mhl_region *r, const void *p)
{
	return &r->cmap[((uintptr_t)p - r->info.start) >> 3];
}

void mhl_cmap_set(struct mhl_region *r, void *p, size_t charge)
{
	if (charge >= MHL_TC_MIN_USABLE + r->hdr && charge <= MHL_TC_MAX_CHARGE)
		atomic_store_explicit(mhl_tc_slot(r, p), (unsigned char)(charge >> 3),
				      memory_order_relaxed);
}

size_t mhl_cmap_get(struct mhl_region *r, const void *p)
{
	if (!r->cmap || ((uintptr_t)p & 7))
		return 0;
	return (size_t)atomic_load_explicit(mhl_tc_slot(r, p), memory_order_relaxed) << 3;
}

void mhl_cmap_clear(struct mhl_region *r, const void *p)
{
	if (r->cmap && !((uintptr_t)p & 7))
		atomic_store_explicit(mhl_tc_slot(r, p), 0, memory_order_relaxed);
}

/* Engine charge of an exact fit for @size bytes; 0 if not cacheable. */
static size_t mhl_tc_charge(const struct mhl_region *r, size_t size)
{
	size_t c;

	if (size > MHL_TC_MAX_CHARGE)
		return 0;
	if (r->info.algo == MH_ALGO_BUDDY) {
		for (c = MH_BUDDY_MIN_BLOCK; c < size; c <<= 1)
			;
	} else {
		c = ((size + 7) & ~(size_t)7) + r->hdr;
	}
	return c >= MHL_TC_MIN_USABLE + r->hdr && c <= MHL_TC_MAX_CHARGE ? c : 0;
}

/* This thread's cache, made on first use; NULL while exiting or if none can be made. */
static struct mhl_tcache *mhl_tc_get(void)
{
	struct mhl_tcache *tc = mhl_tc_me.tc;

	if (tc || mhl_tc_me.state != MHL_TC_NONE)
		return tc;
	/* pthread_setspecific may call malloc, which may be ours: no cache meanwhile */
	mhl_tc_me.state = MHL_TC_CREATING;
	tc = mhl_tc_key_ok ? mhl_sys_alloc(sizeof(*tc)) : NULL;
	if (tc && pthread_setspecific(mhl_tc_tkey, tc)) {
		mhl_sys_free(tc, sizeof(*tc));
		tc = NULL;
	}
	if (!tc) {
		mhl_tc_me.state = MHL_TC_OFF;
		return NULL;
	}
	pthread_mutex_lock(&mhl_tc_lock);
	tc->next = mhl_tc_list;
	if (mhl_tc_list)
		mhl_tc_list->prev = tc;
	mhl_tc_list = tc;
	mhl_tc_count++;
	pthread_mutex_unlock(&mhl_tc_lock);
	mhl_tc_me.tc = tc;
	mhl_tc_me.state = MHL_TC_NONE;
	return tc;
}

/* Give the first block of bin @i back to the engine (caller holds r->lock). */
static void mhl_tc_pop_free(struct mhl_tc_region *t, unsigned int i, struct mhl_region *r,
			    struct mhl_tc_fault *f)
{
	void *p = t->bin[i].head;
	int rc;

	t->bin[i].head = *(void **)p;
	t->bin[i].count--;
	t->bytes -= (size_t)i << 3;
	__atomic_store_n(mhl_tc_keyword(p), 0, __ATOMIC_RELAXED);
	mhl_cmap_clear(r, p);
	rc = mh_free(&r->heap, p);
	if (!rc) {
		r->eng_frees++;
		return;
	}
	/* damaged while cached: the engine keeps it, so users are counted as holding it */
	t->used += (int64_t)i << 3;
	if (!f->code) {
		f->code = rc;
		f->ptr = p;
	}
}

/* Return every block of region @r cached in @tc (whose lock the caller holds). */
static size_t mhl_tc_flush_locked(struct mhl_tcache *tc, struct mhl_region *r,
				  struct mhl_tc_fault *f)
{
	struct mhl_tc_region *t = &tc->reg[r->info.index];
	size_t bytes = t->bytes;

	if (!bytes)
		return 0;
	pthread_mutex_lock(&r->lock);
	for (unsigned int i = 0; i < MHL_TC_BINS; i++)
		while (t->bin[i].head)
			mhl_tc_pop_free(t, i, r, f);
	pthread_mutex_unlock(&r->lock);
	return bytes;
}

/*
 * Make room in @tc (owned by the caller) for a block of charge @c of region
 * @r: in one engine lock round, one block of each non-empty bin in turn
 * (from a cursor that goes round) until a sixteenth of the bound is free,
 * and one of the block's own bin if that is full.
 */
static void mhl_tc_trim_locked(struct mhl_tcache *tc, struct mhl_region *r, size_t c,
			       struct mhl_tc_fault *f)
{
	struct mhl_tc_region *t = &tc->reg[r->info.index];
	size_t keep = r->tc_limit - r->tc_limit / 16;
	unsigned int i = t->cursor;

	pthread_mutex_lock(&r->lock);
	if (t->bin[c >> 3].count >= MHL_TC_BIN_BLOCKS)
		mhl_tc_pop_free(t, (unsigned int)(c >> 3), r, f);
	while (t->bytes && t->bytes + c > keep) {
		i = (i + 1) % MHL_TC_BINS;
		if (t->bin[i].head)
			mhl_tc_pop_free(t, i, r, f);
	}
	pthread_mutex_unlock(&r->lock);
	t->cursor = i;
}

/* Deliver an engine error met during a flush; no core lock is held. */
static void mhl_tc_report(const struct mhl_tc_fault *f)
{
	if (f->code)
		mhl_report(f->code, "free (cached)", f->ptr, NULL, 0);
	else
		mhl_pending_clear();
}

/*
 * Under mhl_tc_lock and every cache lock: the exact bytes users hold in
 * @r, the peak raised to it, and the headroom shared out as ceilings.
 */
static void mhl_tc_rebalance_locked(struct mhl_region *r)
{
	unsigned int i = r->info.index;
	int64_t total = r->tc_retired, share;
	struct mhl_tcache *tc;

	for (tc = mhl_tc_list; tc; tc = tc->next)
		total += tc->reg[i].used;
	if (total > (int64_t)r->tc_peak)
		r->tc_peak = (size_t)total;
	share = mhl_tc_count ? ((int64_t)r->tc_peak - total) / (int64_t)mhl_tc_count : 0;
	for (tc = mhl_tc_list; tc; tc = tc->next)
		tc->reg[i].ceiling = tc->reg[i].used + share;
}

/* Take every cache (the caller's own is not in use by it). */
static void mhl_tc_lock_all(void)
{
	pthread_mutex_lock(&mhl_tc_lock);
	for (struct mhl_tcache *tc = mhl_tc_list; tc; tc = tc->next)
		mhl_tc_take(tc);
}

static void mhl_tc_unlock_all(void)
{
	for (struct mhl_tcache *tc = mhl_tc_list; tc; tc = tc->next)
		mhl_tc_give(tc);
	pthread_mutex_unlock(&mhl_tc_lock);
}

/* This thread went past its ceiling in @r: raise the peak if it is one. */
static void mhl_tc_grow(struct mhl_region *r)
{
	mhl_tc_lock_all();
	mhl_tc_rebalance_locked(r);
	mhl_tc_unlock_all();
}

struct mhl_tcache *mhl_tcache_enter(void)
{
	struct mhl_tcache *tc = mhl_tc_get();

	if (tc)
		mhl_tc_own(tc);
	else
		mhl_tc_lock_all();
	return tc;
}

void mhl_tcache_leave(struct mhl_region *r, struct mhl_tcache *tc, int64_t delta)
{
	struct mhl_tc_region *t;
	bool over;

	if (!tc) {
		r->tc_retired += delta;
		if (delta > 0)
			mhl_tc_rebalance_locked(r);
		mhl_tc_unlock_all();
		return;
	}
	t = &tc->reg[r->info.index];
	t->used += delta;
	over = delta > 0 && t->used > t->ceiling;
	mhl_tc_unown(tc);
	if (over)
		mhl_tc_grow(r);
}

void *mhl_tcache_alloc(struct mhl_region *r, size_t size)
{
	struct mhl_tcache *tc = mhl_tc_me.tc;
	size_t c = mhl_tc_charge(r, size);
	struct mhl_tc_region *t;
	struct mhl_tc_bin *b;
	void *p;
	bool over;

	if (!tc || !c)
		return NULL;
	t = &tc->reg[r->info.index];
	b = &t->bin[c >> 3];
	mhl_tc_own(tc);
	p = b->head;
	if (!p) {
		mhl_tc_unown(tc);
		return NULL;
	}
	b->head = *(void **)p;
	b->count--;
	t->bytes -= c;
	t->allocs++;
	t->used += (int64_t)c;
	over = t->used > t->ceiling;
	mhl_tc_unown(tc);
	__atomic_store_n(mhl_tc_keyword(p), 0, __ATOMIC_RELAXED);
	if (over)
		mhl_tc_grow(r);
	return p;
}

/* Full: room for a sixteenth more, in one engine lock round (caller owns @tc). */
static __attribute__((noinline)) void mhl_tc_make_room(struct mhl_tcache *tc,
							struct mhl_region *r, size_t c)
{
	struct mhl_tc_fault f = { 0 };

	mhl_tc_trim_locked(tc, r, c, &f);
	if (f.code) {
		mhl_tc_unown(tc);
		mhl_tc_report(&f);
		mhl_tc_own(tc);
	}
}

/* true if some cache holds @p (a block of charge @c in region @r). */
static bool mhl_tc_holds(struct mhl_region *r, const void *p, size_t c)
{
	bool found = false;

	mhl_tc_lock_all();
	for (struct mhl_tcache *tc = mhl_tc_list; tc && !found; tc = tc->next)
		for (void *q = tc->reg[r->info.index].bin[c >> 3].head; q && !found;
		     q = *(void **)q)
			found = q == p;
	mhl_tc_unlock_all();
	return found;
}

bool mhl_tcache_is_cached(struct mhl_region *r, const void *p)
{
	size_t c = mhl_cmap_get(r, p);

	if (!c || __atomic_load_n(mhl_tc_keyword((void *)p), __ATOMIC_RELAXED) != mhl_tc_key(p))
		return false;
	return mhl_tc_holds(r, p, c);
}

int mhl_tcache_free(struct mhl_region *r, void *p)
{
	size_t c = mhl_cmap_get(r, p);
	struct mhl_tcache *tc;
	struct mhl_tc_region *t;
	struct mhl_tc_bin *b;

	if (!c || c > r->tc_limit)
		return 0;
	if (__atomic_load_n(mhl_tc_keyword(p), __ATOMIC_RELAXED) == mhl_tc_key(p) &&
	    mhl_tc_holds(r, p, c)) {
		atomic_fetch_add_explicit(&r->tc_errors, 1, memory_order_relaxed);
		mhl_pending_clear();	/* the report is the cache's, not an earlier call's */
		return MHL_EDOUBLEFREE;
	}
	tc = mhl_tc_get();
	if (!tc)
		return 0;
	t = &tc->reg[r->info.index];
	b = &t->bin[c >> 3];
	mhl_tc_own(tc);
	if (b->count >= MHL_TC_BIN_BLOCKS || t->bytes + c > r->tc_limit)
		mhl_tc_make_room(tc, r, c);
	*(void **)p = b->head;
	__atomic_store_n(mhl_tc_keyword(p), mhl_tc_key(p), __ATOMIC_RELAXED);
	b->head = p;
	b->count++;
	t->bytes += c;
	t->frees++;
	t->used -= (int64_t)c;
	if (!atomic_load_explicit(&r->tc_maybe, memory_order_relaxed))
		atomic_store_explicit(&r->tc_maybe, true, memory_order_relaxed);
	mhl_tc_unown(tc);
	return 1;
}

size_t mhl_tcache_flush(struct mhl_region *r)
{
	struct mhl_tc_fault f = { 0 };
	size_t bytes = 0;

	/* set under a cache's lock by every caching free, cleared here under all */
	if (!r->cmap || !atomic_load_explicit(&r->tc_maybe, memory_order_relaxed))
		return 0;
	mhl_tc_lock_all();
	for (struct mhl_tcache *tc = mhl_tc_list; tc; tc = tc->next)
		bytes += mhl_tc_flush_locked(tc, r, &f);
	atomic_store_explicit(&r->tc_maybe, false, memory_order_relaxed);
	mhl_tc_unlock_all();
	mhl_tc_report(&f);
	return bytes;
}

void mhl_tcache_flush_own(struct mhl_region *r)
{
	struct mhl_tcache *tc = mhl_tc_me.tc;
	struct mhl_tc_fault f = { 0 };

	if (!tc || !r->cmap)
		return;
	mhl_tc_own(tc);
	mhl_tc_flush_locked(tc, r, &f);
	mhl_tc_unown(tc);
	mhl_tc_report(&f);
}

void mhl_tcache_hold(uint32_t caps)
{
	unsigned int n = atomic_load_explicit(&mhl_nregions, memory_order_acquire);

	mhl_tc_lock_all();
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];

		if (!r->cmap || (r->info.caps & caps) != caps)
			continue;
		for (struct mhl_tcache *tc = mhl_tc_list; tc; tc = tc->next)
			mhl_tc_flush_locked(tc, r, &mhl_tc_err);
		atomic_store_explicit(&r->tc_maybe, false, memory_order_relaxed);
		/* a thread between its engine call and its rebalance is counted now */
		mhl_tc_rebalance_locked(r);
	}
}

void mhl_tcache_release(void)
{
	struct mhl_tc_fault f = mhl_tc_err;

	mhl_tc_err.code = 0;
	mhl_tc_unlock_all();
	mhl_tc_report(&f);
}

void mhl_tcache_counts_held(struct mhl_region *r, size_t *allocs, size_t *frees)
{
	*allocs = r->tc_allocs;
	*frees = r->tc_frees;
	for (struct mhl_tcache *tc = mhl_tc_list; tc; tc = tc->next) {
		*allocs += tc->reg[r->info.index].allocs;
		*frees += tc->reg[r->info.index].frees;
	}
}

void mhl_tcache_reset_peak_held(struct mhl_region *r)
{
	r->tc_peak = 0;
	mhl_tc_rebalance_locked(r);
}

/* Fold a cache into the regions (caller holds mhl_tc_lock and its lock). */
static void mhl_tc_retire_locked(struct mhl_tcache *tc, struct mhl_tc_fault *f)
{
	unsigned int n = atomic_load_explicit(&mhl_nregions, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];
		struct mhl_tc_region *t = &tc->reg[i];

		if (!r->cmap)
			continue;
		mhl_tc_flush_locked(tc, r, f);
		r->tc_retired += t->used;
		r->tc_allocs += t->allocs;
		r->tc_frees += t->frees;
	}
	if (tc->prev)
		tc->prev->next = tc->next;
	else
		mhl_tc_list = tc->next;
	if (tc->next)
		tc->next->prev = tc->prev;
	mhl_tc_count--;
}

/* Thread exit (key destructor): the cache goes back, the thread never caches again. */
static void mhl_tc_exit(void *arg)
{
	struct mhl_tcache *tc = arg;
	struct mhl_tc_fault f = { 0 };

	mhl_tc_me.tc = NULL;
	mhl_tc_me.state = MHL_TC_OFF;
	pthread_mutex_lock(&mhl_tc_lock);
	mhl_tc_own(tc);
	mhl_tc_retire_locked(tc, &f);
	pthread_mutex_unlock(&mhl_tc_lock);
	mhl_tc_report(&f);
	mhl_sys_free(tc, sizeof(*tc));
}

void mhl_tcache_fork_lock(bool lock)
{
	if (lock)
		mhl_tc_lock_all();
	else
		mhl_tc_unlock_all();
}

void mhl_tcache_fork_child(void)
{
	struct mhl_tc_fault f = { 0 };

	/* the other threads' caches have no thread left: give them back */
	pthread_mutex_lock(&mhl_tc_lock);
	for (struct mhl_tcache *tc = mhl_tc_list, *next; tc; tc = next) {
		next = tc->next;
		if (tc == mhl_tc_me.tc)
			continue;
		mhl_tc_retire_locked(tc, &f);
		mhl_sys_free(tc, sizeof(*tc));
	}
	pthread_mutex_unlock(&mhl_tc_lock);
	mhl_tc_report(&f);
}
