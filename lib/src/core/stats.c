/* SPDX-License-Identifier: MIT */
/*
 * stats.c - statistics, minimum-free monitoring, integrity checks, walks,
 * over every region through its operations (struct mhl_region_ops).
 *
 * Minimum free: the engine keeps the lowest free since its last reset.
 * The core keeps, per region, the lowest free seen before that reset
 * (min_floor), so the lifetime minimum survives the resets the local
 * monitor needs: lifetime = min(min_floor, engine minimum).  Floors and
 * the monitor state are under mhl_monitor_lock; allocation never takes it.
 *
 * Engine heaps with thread caches (tcache.c): statistics are read with
 * every cache emptied into the engine and locked (mhl_tcache_hold), so the
 * engine's figures are the user's (engine_region.c).
 */
#include <string.h>

#include "core/internal.h"

static bool mhl_monitoring;

/* Stats of region @r; caller holds mhl_monitor_lock (and the caches, for engine heaps). */
static void mhl_region_stats_locked(struct mhl_region *r, struct mhl_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->regions = 1;
	r->ops->stats(r, st);
	if (!mhl_monitoring && r->min_floor < st->min_free)
		st->min_free = r->min_floor;
	if (r->peak_floor > st->peak_allocated)
		st->peak_allocated = r->peak_floor;
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
		if (!r->ops->engine_heap) {
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
 * @fn on every region whose caps include @caps: engine heaps with the
 * caches held (mhl_tcache_hold), then the other regions (kernel) without
 * them (their locks may be held by a walk whose callback is waiting for
 * its cache).  Caller holds mhl_monitor_lock.
 */
static void mhl_each_region(uint32_t caps, void (*fn)(struct mhl_region *r, void *ctx),
			    void *ctx)
{
	unsigned int n = mhl_region_count();

	mhl_tcache_hold(caps);
	for (unsigned int i = 0; i < n; i++)
		if (mhl_regions[i].ops->engine_heap && mhl_caps_match(mhl_regions[i].info.caps, caps))
			fn(&mhl_regions[i], ctx);
	mhl_tcache_release();
	for (unsigned int i = 0; i < n; i++)
		if (!mhl_regions[i].ops->engine_heap && mhl_caps_match(mhl_regions[i].info.caps, caps))
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
	struct mhl_stats now = { 0 };

	r->ops->stats(r, &now);
	if (keep_floor) {
		if (now.min_free < r->min_floor)
			r->min_floor = now.min_free;
		if (now.peak_allocated > r->peak_floor)
			r->peak_floor = now.peak_allocated;
	} else {
		r->min_floor = SIZE_MAX;
		r->peak_floor = 0;
	}
	r->ops->reset_min(r);
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

int mhl_check(uint32_t caps, bool print)
{
	unsigned int n = mhl_region_count();
	int first = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!mhl_caps_match(mhl_regions[i].info.caps, caps))
			continue;
		int rc = mhl_regions[i].ops->check(&mhl_regions[i], print);

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
		return mhl_regions[o.region].ops->check(&mhl_regions[o.region], print);
	return mhl_standalone_check(o.heap, print);
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

		if (!mhl_caps_match(r->info.caps, caps))
			continue;
		rc = r->ops->walk(r, mhl_walk_cb, &w);
		/* a damaged block was visited (flagged): say so, never silently */
		if (rc == MHL_EHEADER)
			mhl_report(rc, "walk", NULL, NULL, 0);
		mhl_pending_clear();
		if (rc && !first)
			first = rc;
	}
	return first;
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
