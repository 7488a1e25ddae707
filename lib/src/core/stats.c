/* SPDX-License-Identifier: MIT */
/*
 * stats.c - statistics, minimum-free monitoring, integrity checks, walks,
 * and the memheap extensions dispatched to the kernel backend.
 *
 * Minimum free: the engine keeps the lowest free since its last reset.
 * The core keeps, per region, the lowest free seen before that reset
 * (min_floor), so the lifetime minimum survives the resets the local
 * monitor needs: lifetime = min(min_floor, engine minimum).  Floors and
 * the monitor state are under mhl_monitor_lock; allocation never takes it.
 *
 * Regions with thread caches (tcache.c): statistics are read with every
 * cache emptied into the engine and locked (mhl_tcache_hold), so the
 * engine's figures are the user's; minimum free and peak come from the
 * caches' accounting (the engine saw cached blocks as allocated), and hits
 * and the caches' own engine frees correct the operation counts.
 */
#include <string.h>

#include "core/internal.h"

static bool mhl_monitoring;

static bool mhl_smallest_cb(const struct mh_block_info *b, void *ctx)
{
	size_t *smallest = ctx;

	if (!b->used && (*smallest == 0 || b->size < *smallest))
		*smallest = b->size;
	return true;
}

/* Stats of region @r; caller holds mhl_monitor_lock. */
static void mhl_region_stats_locked(struct mhl_region *r, struct mhl_stats *st)
{
	struct mh_stats es;

	memset(st, 0, sizeof(*st));
	st->regions = 1;
	if (r->k) {
		mhl_kernel_stats(r, st);
		if (!mhl_monitoring && r->min_floor < st->min_free)
			st->min_free = r->min_floor;
		if (r->peak_floor > st->peak_allocated)
			st->peak_allocated = r->peak_floor;
		return;
	}
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
	if (!mhl_monitoring && r->min_floor < st->min_free)
		st->min_free = r->min_floor;
	st->peak_allocated = es.peak_allocated > r->peak_floor ? es.peak_allocated : r->peak_floor;
	st->allocated_blocks = es.allocated_blocks;
	st->free_blocks = es.free_blocks;
	st->total_blocks = es.total_blocks;
	st->alloc_count = es.alloc_count;
	st->free_count = es.free_count;
	st->failed_count = es.failed_count;
	st->error_count = es.error_count;
}

int mhl_region_get(unsigned int index, struct mhl_region_info *info,
		   struct mhl_stats *stats)
{
	if (index >= mhl_region_count())
		return MHL_EINVAL;
	if (info)
		*info = mhl_regions[index].info;
	if (stats) {
		struct mhl_region *r = &mhl_regions[index];

		pthread_mutex_lock(&mhl_monitor_lock);
		if (r->k) {
			mhl_region_stats_locked(r, stats);
		} else {
			mhl_tcache_hold(r->info.caps);
			mhl_region_stats_locked(r, stats);
			mhl_tcache_release();
		}
		pthread_mutex_unlock(&mhl_monitor_lock);
	}
	return 0;
}

/*
 * @fn on every region whose caps include @caps: engine regions with the
 * caches held (mhl_tcache_hold), then kernel regions without them (their
 * locks may be held by a walk whose callback is waiting for its cache).
 * Caller holds mhl_monitor_lock.
 */
static void mhl_each_region(uint32_t caps, void (*fn)(struct mhl_region *r, void *ctx),
			    void *ctx)
{
	unsigned int n = mhl_region_count();

	mhl_tcache_hold(caps);
	for (unsigned int i = 0; i < n; i++)
		if (!mhl_regions[i].k && (mhl_regions[i].info.caps & caps) == caps)
			fn(&mhl_regions[i], ctx);
	mhl_tcache_release();
	for (unsigned int i = 0; i < n; i++)
		if (mhl_regions[i].k && (mhl_regions[i].info.caps & caps) == caps)
			fn(&mhl_regions[i], ctx);
}

void mhl_stats_accumulate(struct mhl_stats *sum, const struct mhl_stats *st)
{
	sum->total += st->total;
	sum->free += st->free;
	sum->allocated += st->allocated;
	if (st->largest_free > sum->largest_free)
		sum->largest_free = st->largest_free;
	sum->min_free += st->min_free;
	sum->peak_allocated += st->peak_allocated;
	sum->allocated_blocks += st->allocated_blocks;
	sum->free_blocks += st->free_blocks;
	sum->total_blocks += st->total_blocks;
	if (st->smallest_free && (!sum->smallest_free || st->smallest_free < sum->smallest_free))
		sum->smallest_free = st->smallest_free;
	sum->alloc_count += st->alloc_count;
	sum->free_count += st->free_count;
	sum->failed_count += st->failed_count;
	sum->error_count += st->error_count;
	sum->regions++;
}

static void mhl_add_stats(struct mhl_region *r, void *ctx)
{
	struct mhl_stats st;

	mhl_region_stats_locked(r, &st);
	mhl_stats_accumulate(ctx, &st);
}

void mhl_caps_stats(uint32_t caps, struct mhl_stats *out)
{
	mhl_init();
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&mhl_monitor_lock);
	mhl_each_region(caps, mhl_add_stats, out);
	pthread_mutex_unlock(&mhl_monitor_lock);
}

/*
 * Fold the engine's minimum into the floor and restart the engine's.
 * Caller holds mhl_monitor_lock and, for an engine region, the caches.
 */
static void mhl_region_restart_min(struct mhl_region *r, bool keep_floor)
{
	struct mh_stats es;

	if (r->k) {
		struct mhl_stats ks = { 0 };

		mhl_kernel_stats(r, &ks);
		es.min_free_ever = ks.min_free;
		es.peak_allocated = ks.peak_allocated;
	} else {
		pthread_mutex_lock(&r->lock);
		mh_get_stats(&r->heap, &es);
		pthread_mutex_unlock(&r->lock);
		if (r->cmap) {
			es.min_free_ever = es.total_bytes - r->tc_peak;
			es.peak_allocated = r->tc_peak;
		}
	}
	if (keep_floor) {
		if (es.min_free_ever < r->min_floor)
			r->min_floor = es.min_free_ever;
		if (es.peak_allocated > r->peak_floor)
			r->peak_floor = es.peak_allocated;
	} else {
		r->min_floor = SIZE_MAX;
		r->peak_floor = 0;
	}
	if (r->k) {
		mhl_kernel_reset_min(r);
		return;
	}
	pthread_mutex_lock(&r->lock);
	mh_reset_min_free(&r->heap);
	pthread_mutex_unlock(&r->lock);
	if (r->cmap)
		mhl_tcache_reset_peak_held(r);
}

static void mhl_restart_min_reset(struct mhl_region *r, void *ctx)
{
	(void)ctx;
	mhl_region_restart_min(r, false);
}

static void mhl_restart_min_keep(struct mhl_region *r, void *ctx)
{
	(void)ctx;
	mhl_region_restart_min(r, true);
}

void mhl_reset_min_free(uint32_t caps)
{
	mhl_init();
	pthread_mutex_lock(&mhl_monitor_lock);
	mhl_each_region(caps, mhl_restart_min_reset, NULL);
	pthread_mutex_unlock(&mhl_monitor_lock);
}

int mhl_min_free_monitor_start(void)
{
	int rc = 0;

	mhl_init();
	pthread_mutex_lock(&mhl_monitor_lock);
	if (mhl_monitoring) {
		rc = MHL_ESTATE;
	} else {
		mhl_each_region(0, mhl_restart_min_keep, NULL);
		mhl_monitoring = true;
	}
	pthread_mutex_unlock(&mhl_monitor_lock);
	return rc;
}

int mhl_min_free_monitor_stop(void)
{
	int rc = 0;

	mhl_init();
	pthread_mutex_lock(&mhl_monitor_lock);
	if (!mhl_monitoring)
		rc = MHL_ESTATE;
	mhl_monitoring = false;
	pthread_mutex_unlock(&mhl_monitor_lock);
	return rc;
}

static int mhl_region_check(struct mhl_region *r, bool print)
{
	int rc;

	if (r->k)
		return mhl_kernel_check(r);
	/* cached blocks go back through the engine's validation first */
	mhl_tcache_flush(r);
	mhl_check_print_mode(print);
	pthread_mutex_lock(&r->lock);
	rc = mh_check(&r->heap);
	pthread_mutex_unlock(&r->lock);
	mhl_check_print_mode(false);
	mhl_pending_clear();
	return rc;
}

int mhl_check(uint32_t caps, bool print)
{
	unsigned int n = mhl_region_count();
	int first = 0;

	for (unsigned int i = 0; i < n; i++) {
		if ((mhl_regions[i].info.caps & caps) != caps)
			continue;
		int rc = mhl_region_check(&mhl_regions[i], print);

		if (rc && !first)
			first = rc;
	}
	if (!caps) {
		int rc = mhl_standalone_check_all(print);

		if (rc && !first)
			first = rc;
	}
	return first;
}

int mhl_check_addr(const void *addr, bool print)
{
	struct mhl_owner o;

	if (mhl_owner_of(addr, &o) == MHL_OWNER_NONE)
		return MHL_EFOREIGN;
	if (o.kind == MHL_OWNER_REGION)
		return mhl_region_check(&mhl_regions[o.region], print);
	mhl_check_print_mode(print);
	int rc = mh_check(o.heap);

	mhl_check_print_mode(false);
	mhl_pending_clear();
	return rc;
}

struct mhl_walk_ctx {
	const struct mhl_region_info *info;
	mhl_walk_fn fn;
	void *ctx;
};

static bool mhl_walk_cb(const struct mh_block_info *b, void *ctx)
{
	struct mhl_walk_ctx *w = ctx;

	return w->fn(w->info, b, w->ctx);
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
 * Walk engine region @r: its blocks are copied under its lock and visited
 * without it, so a callback may allocate and free anywhere, through the
 * thread caches too (a callback under the region lock waiting for its
 * cache, claimed by a thread waiting for that lock, would never end).
 * Without memory for the copy, the walk runs under the lock as before.
 */
static int mhl_walk_engine(struct mhl_region *r, struct mhl_walk_ctx *w)
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
		rc = mh_walk(&r->heap, mhl_walk_cb, w);
		pthread_mutex_unlock(&r->lock);
		return rc;
	}
	rc = mh_walk(&r->heap, mhl_walk_copy_cb, &c);
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < c.n; i++)
		if (!w->fn(w->info, &c.b[i], w->ctx))
			break;
	mhl_sys_free(c.b, bytes);
	return rc;
}

int mhl_walk(uint32_t caps, mhl_walk_fn fn, void *ctx)
{
	unsigned int n = mhl_region_count();
	int first = 0;

	if (!fn)
		return MHL_EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];
		struct mhl_walk_ctx w = { .info = &r->info, .fn = fn, .ctx = ctx };
		int rc;

		if ((r->info.caps & caps) != caps)
			continue;
		rc = r->k ? mhl_kernel_walk(r, mhl_walk_cb, &w) : mhl_walk_engine(r, &w);
		/* a damaged block was visited (flagged): say so, never silently */
		if (rc == MHL_EHEADER)
			mhl_report(rc, "walk", NULL, NULL, 0);
		mhl_pending_clear();
		if (rc && !first)
			first = rc;
	}
	return first;
}

static struct mhl_region *mhl_kernel_owner(const void *ptr, int *rc)
{
	struct mhl_owner o;

	if (mhl_owner_of(ptr, &o) == MHL_OWNER_NONE) {
		*rc = MHL_EFOREIGN;
		return NULL;
	}
	if (o.kind != MHL_OWNER_REGION || !mhl_regions[o.region].k) {
		*rc = MHL_ENOTSUP;
		return NULL;
	}
	return &mhl_regions[o.region];
}

int mhl_dev_addr(const void *ptr, uint64_t *out)
{
	int rc = 0;
	struct mhl_region *r = mhl_kernel_owner(ptr, &rc);

	if (!out)
		return MHL_EINVAL;
	if (!r)
		return rc;
	if (!(r->info.caps & MEMHEAP_CAP_DMA))
		return MHL_ENOTSUP;
	return mhl_kernel_dev_addr(r, ptr, out);
}

int mhl_sync(const void *ptr, size_t len, bool for_device)
{
	int rc = 0;
	struct mhl_region *r = mhl_kernel_owner(ptr, &rc);

	if (!r)
		return rc == MHL_ENOTSUP ? MHL_OK : rc;
	return mhl_kernel_sync(r, ptr, len, for_device);
}

int mhl_export_dmabuf(const void *ptr, int flags)
{
	int rc = 0;
	struct mhl_region *r = mhl_kernel_owner(ptr, &rc);

	if (!r)
		return rc;
	return mhl_kernel_export(r, ptr, flags);
}

void mhl_print_config(FILE *out)
{
	struct mhl_config_info ci;
	char caps[96];

	mhl_config(&ci);
	fprintf(out, "memheap: backend %s (%s), layout %s, poisoning %s, tracking %s\n",
		ci.backend_name, ci.backend_reason, ci.layout_source, ci.poison_name,
		ci.tracking ? "on" : "off");
	if (!ci.config_ok)
		fprintf(out, "memheap: configuration error: %s\n", ci.config_error);
	fprintf(out, "%-3s %-16s %-9s %-36s %-12s %12s %12s %12s %12s\n", "#", "region",
		"algo", "caps", "origin", "size", "free", "largest", "min_free");
	for (unsigned int i = 0; i < ci.nregions; i++) {
		struct mhl_region_info ri;
		struct mhl_stats st;

		if (mhl_region_get(i, &ri, &st))
			continue;
		fprintf(out, "%-3u %-16s %-9s %-36s %-12s %12zu %12zu %12zu %12zu\n", i, ri.name,
			ri.algo == MH_ALGO_BUDDY ? "buddy" : "firstfit",
			mhl_caps_str(ri.caps, caps, sizeof(caps)),
			ri.origin == MHL_ORIGIN_ADDED ? "added" : ci.backend_name,
			st.total, st.free, st.largest_free, st.min_free);
	}
}
