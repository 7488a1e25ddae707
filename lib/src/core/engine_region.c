/* SPDX-License-Identifier: MIT */
/*
 * engine_region.c - the region type of the embedded backend and of added
 * regions: an engine heap (engine/) under the region's own mutex, with the
 * thread caches (tcache.c) in front of its small blocks; and the operations
 * of standalone heaps (OneOS user heaps, multi_heap handles), engine heaps
 * their families own.  The core reaches both only through their operations
 * tables (struct mhl_region_ops).
 */
#define _GNU_SOURCE	/* PTHREAD_MUTEX_ADAPTIVE_NP */
#include <string.h>

#include "core/internal.h"

/*
 * Engine calls on region @r: under its lock and, for a cached region, inside
 * this thread's cache (tcache.c) so the bytes users hold are counted with
 * the engine's change, never apart from it.
 */
static struct mhl_tcache *mhl_engine_enter(struct mhl_region *r)
{
	struct mhl_tcache *tc = r->cmap ? mhl_tcache_enter() : NULL;

	pthread_mutex_lock(&r->lock);
	return tc;
}

static void mhl_engine_leave(struct mhl_region *r, struct mhl_tcache *tc, size_t before)
{
	int64_t delta = (int64_t)(mh_heap_allocated(&r->heap) - before);

	pthread_mutex_unlock(&r->lock);
	if (r->cmap)
		mhl_tcache_leave(r, tc, delta);
}

static void *mhl_engine_try(struct mhl_region *r, size_t size, size_t align)
{
	struct mhl_tcache *tc = mhl_engine_enter(r);
	size_t before = mh_heap_allocated(&r->heap);
	void *p = align <= MH_MIN_ALIGN ? mh_alloc(&r->heap, size)
					: mh_aligned_alloc(&r->heap, align, size);

	if (p && r->cmap && align <= MH_MIN_ALIGN)
		mhl_cmap_set(r, p, mh_heap_allocated(&r->heap) - before);
	mhl_engine_leave(r, tc, before);
	return p;
}

/* The thread's cache already tried (alloc.c, mhl_region_try). */
static void *mhl_engine_alloc(struct mhl_region *r, size_t size, size_t align,
			      unsigned int flags)
{
	void *p;

	(void)flags;
	if (r->cmap && (align > MH_MIN_ALIGN || size + r->hdr > MHL_TC_MAX_CHARGE)) {
		/*
		 * A large or aligned block is placed as the engine alone would
		 * place it for this thread: its cached blocks go back first.
		 */
		mhl_tcache_flush_own(r);
	}
	p = mhl_engine_try(r, size, align);
	if (!p && r->cmap && mhl_tcache_flush(r)) {
		/* refused while caches held free blocks: only the retry may count */
		pthread_mutex_lock(&r->lock);
		mh_heap_retry_failed(&r->heap);
		pthread_mutex_unlock(&r->lock);
		p = mhl_engine_try(r, size, align);
	}
	return p;
}

/* Into this thread's cache, or the engine. */
static int mhl_engine_free(struct mhl_region *r, void *ptr, const char *api)
{
	struct mhl_tcache *tc;
	size_t before;
	int rc;

	(void)api;
	/* the thread's cache did not take it (alloc.c tried): no longer cacheable */
	if (r->cmap && mhl_cmap_get(r, ptr))
		mhl_cmap_clear(r, ptr);
	mhl_pending_clear();
	tc = mhl_engine_enter(r);
	before = mh_heap_allocated(&r->heap);
	rc = mh_free(&r->heap, ptr);
	mhl_engine_leave(r, tc, before);
	return rc;
}

/* A resized block is no longer cached. */
static void *mhl_engine_realloc(struct mhl_region *r, void *ptr, size_t size)
{
	struct mhl_tcache *tc;
	size_t before;
	void *p;

	if (mhl_cmap_get(r, ptr))
		mhl_cmap_clear(r, ptr);
	tc = mhl_engine_enter(r);
	before = mh_heap_allocated(&r->heap);
	p = mh_realloc(&r->heap, ptr, size);
	mhl_engine_leave(r, tc, before);
	return p;
}

static size_t mhl_engine_usable(struct mhl_region *r, const void *ptr)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = mh_usable_size(&r->heap, ptr);
	pthread_mutex_unlock(&r->lock);
	return n;
}

static bool mhl_smallest_cb(const struct mh_block_info *b, void *ctx)
{
	size_t *smallest = ctx;

	if (!b->used && (*smallest == 0 || b->size < *smallest))
		*smallest = b->size;
	return true;
}

/*
 * With every thread cache emptied and held (mhl_tcache_hold): the engine's
 * figures are the user's; minimum free and peak come from the caches'
 * accounting (the engine saw cached blocks as allocated), and hits and the
 * caches' own engine frees correct the operation counts.
 */
static void mhl_engine_stats(struct mhl_region *r, struct mhl_stats *st)
{
	struct mh_stats es;

	pthread_mutex_lock(&r->lock);
	mh_get_stats(&r->heap, &es);
	mh_walk(&r->heap, mhl_smallest_cb, &st->smallest_free);
	if (r->cmap) {
		size_t hits_alloc, hits_free;

		mhl_tcache_counts_held(r, &hits_alloc, &hits_free);
		es.min_free_ever = es.total_bytes - r->tc_peak;
		es.peak_allocated = r->tc_peak;
		es.alloc_count += hits_alloc;
		es.free_count += hits_free - r->eng_frees;
		es.error_count += atomic_load_explicit(&r->tc_errors, memory_order_relaxed);
	}
	pthread_mutex_unlock(&r->lock);
	st->total = es.total_bytes;
	st->free = es.free_bytes;
	st->allocated = es.allocated_bytes;
	st->largest_free = es.largest_free;
	st->min_free = es.min_free_ever;
	st->peak_allocated = es.peak_allocated;
	st->allocated_blocks = es.allocated_blocks;
	st->free_blocks = es.free_blocks;
	st->total_blocks = es.total_blocks;
	st->alloc_count = es.alloc_count;
	st->free_count = es.free_count;
	st->failed_count = es.failed_count;
	st->error_count = es.error_count;
}

/* The caches held, as for mhl_engine_stats. */
static void mhl_engine_reset_min(struct mhl_region *r)
{
	pthread_mutex_lock(&r->lock);
	mh_reset_min_free(&r->heap);
	pthread_mutex_unlock(&r->lock);
	if (r->cmap)
		mhl_tcache_reset_peak_held(r);
}

static int mhl_heap_check(struct mh_heap *heap, pthread_mutex_t *lock, bool print)
{
	int rc;

	mhl_check_print_mode(print);
	if (lock)
		pthread_mutex_lock(lock);
	rc = mh_check(heap);
	if (lock)
		pthread_mutex_unlock(lock);
	mhl_check_print_mode(false);
	mhl_pending_clear();
	return rc;
}

static int mhl_engine_check(struct mhl_region *r, bool print)
{
	/* cached blocks go back through the engine's validation first */
	mhl_tcache_flush(r);
	return mhl_heap_check(&r->heap, &r->lock, print);
}

struct mhl_walk_copy {
	struct mh_block_info *b;
	size_t n, cap;
};

static bool mhl_walk_copy_cb(const struct mh_block_info *b, void *ctx)
{
	struct mhl_walk_copy *c = ctx;

	if (c->n == c->cap)
		return false;
	c->b[c->n++] = *b;
	return true;
}

/*
 * The blocks are copied under the region's lock and visited without it,
 * so a callback may allocate and free anywhere, through the thread caches
 * too (a callback under the region lock waiting for its cache, claimed by
 * a thread waiting for that lock, would never end).  Without memory for
 * the copy, the walk runs under the lock as before.
 */
static int mhl_engine_walk(struct mhl_region *r, mh_walk_fn fn, void *ctx)
{
	struct mhl_walk_copy c = { 0 };
	struct mh_stats es;
	size_t bytes;
	int rc;

	mhl_tcache_flush(r);	/* cached blocks are free blocks */
	pthread_mutex_lock(&r->lock);
	mh_get_stats(&r->heap, &es);
	c.cap = es.total_blocks;
	bytes = c.cap * sizeof(*c.b);
	c.b = bytes ? mhl_sys_alloc(bytes) : NULL;
	if (!c.b && c.cap) {
		rc = mh_walk(&r->heap, fn, ctx);
		pthread_mutex_unlock(&r->lock);
		return rc;
	}
	rc = mh_walk(&r->heap, mhl_walk_copy_cb, &c);
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < c.n; i++)
		if (!fn(&c.b[i], ctx))
			break;
	mhl_sys_free(c.b, bytes);
	return rc;
}

static void mhl_engine_lock(struct mhl_region *r, bool lock)
{
	if (lock)
		pthread_mutex_lock(&r->lock);
	else
		pthread_mutex_unlock(&r->lock);
}

/* Called by mhl_region_new under the registry lock; r->info is set. */
static int mhl_engine_init(struct mhl_region *r, void *base, size_t size)
{
	struct mh_heap_config hc;
	struct mh_region_config rc_cfg = { .algo = r->info.algo };
	pthread_mutexattr_t ma;
	int rc;

	mhl_engine_config(&hc, r->info.name);
	hc.flags |= MH_HEAP_F_NOLOCK;	/* r->lock: the core reads counters under it */
	rc = mh_heap_init(&r->heap, &hc);
	if (rc)
		return rc;
	rc = mhl_heap_add_sliced(&r->heap, base, size, &rc_cfg);
	if (rc) {
		mh_heap_destroy(&r->heap);
		return rc;
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(&r->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	r->hdr = (unsigned int)mh_block_overhead(r->info.algo);
	/* poisoned heaps check canaries and fill at free: never cached */
	if (hc.poison == MH_POISON_NONE && size <= MHL_CMAP_MAX_REGION)
		r->cmap = mhl_sys_alloc(size >> 3);
	r->tc_limit = size / 8 < MHL_TC_BYTES ? size / 8 : MHL_TC_BYTES;
	return 0;
}

/* The region could not be published after mhl_engine_init. */
static void mhl_engine_fini(struct mhl_region *r, size_t size)
{
	mh_heap_destroy(&r->heap);
	pthread_mutex_destroy(&r->lock);
	mhl_sys_free(r->cmap, size >> 3);
	r->cmap = NULL;
}

const struct mhl_region_ops mhl_engine_region_ops = {
	.kind = "engine",
	.engine_heap = true,
	.init = mhl_engine_init,
	.fini = mhl_engine_fini,
	.alloc = mhl_engine_alloc,
	.free = mhl_engine_free,
	.realloc = mhl_engine_realloc,
	.usable = mhl_engine_usable,
	.stats = mhl_engine_stats,
	.check = mhl_engine_check,
	.walk = mhl_engine_walk,
	.reset_min = mhl_engine_reset_min,
	.lock = mhl_engine_lock,
};

/*
 * ---- standalone heaps: the family owns the heap and its locking ----
 * (what the range table's owner of a standalone range gets: alloc.c)
 */

int mhl_standalone_free(struct mh_heap *heap, void *ptr)
{
	mhl_pending_clear();
	return mh_free(heap, ptr);
}

void *mhl_standalone_realloc(struct mh_heap *heap, void *ptr, size_t size)
{
	return mh_realloc(heap, ptr, size);
}

size_t mhl_standalone_usable(struct mh_heap *heap, const void *ptr)
{
	return mh_usable_size(heap, ptr);
}

int mhl_standalone_check(struct mh_heap *heap, bool print)
{
	return mhl_heap_check(heap, NULL, print);
}
