// SPDX-License-Identifier: GPL-2.0
/*
 * pool.c - the algorithm-independent part of a region's pool: locking,
 * counters and the checks both algorithms share.
 */
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/memheap.h>

#include "pool.h"

/**
 * memheap_pool_init() - create an empty pool.
 * @pool:      the pool to set up.
 * @algo:      MEMHEAP_ALGO_FIRSTFIT or MEMHEAP_ALGO_BUDDY.
 * @size:      bytes to manage, a non-zero page multiple.
 * @phys_base: physical address of offset 0.
 * @low_watermark: free bytes below which allocations report a crossing.
 * @name:      region name, kept by pointer, for messages.
 *
 * Return: 0, -EINVAL for a bad algorithm or size, -ENOMEM.
 */
int memheap_pool_init(struct memheap_pool *pool, u32 algo, u64 size,
		      phys_addr_t phys_base, u64 low_watermark,
		      const char *name)
{
	int err;

	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(phys_base))
		return -EINVAL;
	switch (algo) {
	case MEMHEAP_ALGO_FIRSTFIT:
		pool->ops = &memheap_pool_firstfit_ops;
		break;
	case MEMHEAP_ALGO_BUDDY:
		pool->ops = &memheap_pool_buddy_ops;
		break;
	default:
		return -EINVAL;
	}
	mutex_init(&pool->lock);
	pool->size = size;
	pool->phys_base = phys_base;
	pool->name = name;
	pool->used = 0;
	pool->min_free = size;
	pool->allocs = 0;
	pool->failures = 0;
	pool->live = 0;
	pool->low_watermark = low_watermark;
	pool->below_watermark = false;
	pool->priv = NULL;
	err = pool->ops->init(pool);
	if (err)
		mutex_destroy(&pool->lock);
	return err;
}

/**
 * memheap_pool_destroy() - free a pool's metadata.
 * @pool: a pool memheap_pool_init() set up; nothing may use it any more.
 */
void memheap_pool_destroy(struct memheap_pool *pool)
{
	pool->ops->destroy(pool);
	mutex_destroy(&pool->lock);
}

/**
 * memheap_pool_alloc() - reserve an extent.
 * @pool:     the pool.
 * @size:     bytes wanted, > 0.
 * @align:    a power of two; values below PAGE_SIZE mean PAGE_SIZE.
 * @offset:   out: start of the extent, from the region start.
 * @reserved: out: bytes reserved (page multiple, >= @size).
 * @fell_low: out: U64_MAX, or the free bytes left when this allocation
 *            took free below the low watermark (once per crossing; a
 *            free that brings it back to the watermark re-arms it).
 *
 * A failure is not counted here: the caller decides whether the request
 * as a whole failed (see memheap_pool_note_failure()).
 *
 * Return: 0, or -ENOMEM when nothing fits.
 */
int memheap_pool_alloc(struct memheap_pool *pool, u64 size, u64 align,
		       u64 *offset, u64 *reserved, u64 *fell_low)
{
	bool ok = false;
	u64 free;

	*fell_low = U64_MAX;
	align = max_t(u64, align, PAGE_SIZE);
	if (!size || size > pool->size || align > pool->size)
		return -ENOMEM;
	size = PAGE_ALIGN(size);

	mutex_lock(&pool->lock);
	if (pool->ops->alloc(pool, size, align, offset, reserved)) {
		ok = true;
		pool->used += *reserved;
		free = pool->size - pool->used;
		pool->min_free = min(pool->min_free, free);
		pool->allocs++;
		pool->live++;
		if (free < pool->low_watermark && !pool->below_watermark) {
			pool->below_watermark = true;
			*fell_low = free;
		}
	}
	mutex_unlock(&pool->lock);
	return ok ? 0 : -ENOMEM;
}

/**
 * memheap_pool_note_failure() - count an allocation that failed after
 * trying this pool.
 * @pool: the pool.
 */
void memheap_pool_note_failure(struct memheap_pool *pool)
{
	mutex_lock(&pool->lock);
	pool->failures++;
	mutex_unlock(&pool->lock);
}

/**
 * memheap_pool_free() - release an extent memheap_pool_alloc() returned.
 * @pool:     the pool.
 * @offset:   its offset.
 * @reserved: its reserved bytes.
 */
void memheap_pool_free(struct memheap_pool *pool, u64 offset, u64 reserved)
{
	mutex_lock(&pool->lock);
	pool->ops->free(pool, offset);
	pool->used -= reserved;
	pool->live--;
	if (pool->size - pool->used >= pool->low_watermark)
		pool->below_watermark = false;
	mutex_unlock(&pool->lock);
}

/**
 * memheap_pool_stats() - read a consistent snapshot of the counters.
 * @pool: the pool.
 * @st:   out: the counters.
 */
void memheap_pool_stats(struct memheap_pool *pool,
			struct memheap_pool_stats *st)
{
	mutex_lock(&pool->lock);
	st->size = pool->size;
	st->used = pool->used;
	st->free = pool->size - pool->used;
	st->largest_free = pool->ops->largest(pool);
	st->min_free = pool->min_free;
	st->allocs = pool->allocs;
	st->failures = pool->failures;
	st->live = pool->live;
	mutex_unlock(&pool->lock);
}

struct memheap_pool_tally {
	struct memheap_pool *pool;
	u64 next;
	u64 used;
	u64 live;
	unsigned int errors;
};

static bool memheap_pool_tally_one(const struct memheap_extent *ext,
				   void *ctx)
{
	struct memheap_pool_tally *t = ctx;

	if (ext->offset != t->next || !ext->length ||
	    !PAGE_ALIGNED(ext->offset | ext->length) ||
	    ext->length > t->pool->size - ext->offset) {
		pr_err("memheap: %s: extent %#llx+%#llx breaks the cover at %#llx\n",
		       t->pool->name, ext->offset, ext->length, t->next);
		t->errors++;
		return false;
	}
	t->next = ext->offset + ext->length;
	if (ext->used) {
		t->used += ext->length;
		t->live++;
	}
	return true;
}

/**
 * memheap_pool_check() - verify a pool: the algorithm's own structures,
 * then that its extents cover the region exactly and agree with the
 * counters.
 * @pool: the pool.
 *
 * Return: the number of inconsistencies found (each printed).
 */
unsigned int memheap_pool_check(struct memheap_pool *pool)
{
	struct memheap_pool_tally t = { .pool = pool };

	mutex_lock(&pool->lock);
	t.errors = pool->ops->check(pool);
	pool->ops->walk(pool, 0, memheap_pool_tally_one, &t);
	if (!t.errors && t.next != pool->size) {
		pr_err("memheap: %s: extents end at %#llx, region at %#llx\n",
		       pool->name, t.next, pool->size);
		t.errors++;
	}
	if (t.used != pool->used || t.live != pool->live) {
		pr_err("memheap: %s: extents hold %llu bytes in %llu, counters say %llu in %llu\n",
		       pool->name, t.used, t.live, pool->used, pool->live);
		t.errors++;
	}
	if (pool->min_free > pool->size - pool->used) {
		pr_err("memheap: %s: minimum free %llu above free %llu\n",
		       pool->name, pool->min_free, pool->size - pool->used);
		t.errors++;
	}
	mutex_unlock(&pool->lock);
	return t.errors;
}

/**
 * memheap_pool_walk() - visit the extents in address order.
 * @pool: the pool.
 * @from: start with the extent holding this offset.
 * @fn:   called per extent with the pool's mutex held; false stops.
 * @ctx:  passed to @fn.
 *
 * Return: false if @fn stopped the walk.
 */
bool memheap_pool_walk(struct memheap_pool *pool, u64 from,
		       memheap_extent_fn fn, void *ctx)
{
	bool done;

	mutex_lock(&pool->lock);
	done = pool->ops->walk(pool, from, fn, ctx);
	mutex_unlock(&pool->lock);
	return done;
}
