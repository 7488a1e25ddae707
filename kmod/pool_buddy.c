// SPDX-License-Identifier: GPL-2.0
/*
 * pool_buddy.c - page-granular buddy pool: the shared buddy engine
 * (engine/buddy.c) with one page as its smallest block and all of its
 * bitmaps in kernel memory outside the region.
 *
 * The engine computes with addresses but, with poisoning off and no
 * interior pointers, never dereferences the region.  It is therefore given
 * an address space of its own: a base with the same natural alignment as
 * the region's physical start, so "aligned to 2^k" means the same to the
 * engine and to a device.  Alignments beyond that natural alignment would
 * need an interior pointer (a record written into the block) and are
 * refused instead.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "mh_pool.h"
#include "pool.h"

/* Keeps base + size far from overflow on 32-bit hosts too. */
#define BD_BASE_ALIGN_MAX	BIT(30)

struct bd_pool {
	struct mh_heap heap;
	void *meta;
	uintptr_t base;
	struct memheap_pool *pool;
	unsigned int errors;
};

static void bd_on_error(struct mh_heap *heap, const struct mh_error_info *info,
			void *ctx)
{
	struct bd_pool *bp = ctx;

	pr_err("memheap: %s: buddy %s: %s (%s)\n", bp->pool->name, info->op,
	       mh_strerror(info->code), info->detail ? info->detail : "");
	bp->errors++;
}

static int bd_init(struct memheap_pool *pool)
{
	struct mh_heap_config hc = {
		.name = pool->name,
		.poison = MH_POISON_NONE,
		.flags = MH_HEAP_F_NOLOCK,	/* the pool mutex serialises */
		.on_error = bd_on_error,
	};
	struct mh_region_config rc = {
		.algo = MH_ALGO_BUDDY,
		.min_block = PAGE_SIZE,
	};
	u64 lowbit = pool->phys_base & -pool->phys_base;
	struct bd_pool *bp;
	int err = -ENOMEM;

	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	if (!bp)
		return -ENOMEM;
	bp->pool = pool;
	bp->base = (!lowbit || lowbit > BD_BASE_ALIGN_MAX) ?
		   BD_BASE_ALIGN_MAX : (uintptr_t)lowbit;
	rc.meta_size = mh_region_meta_size(pool->size, &rc);
	if (!rc.meta_size) {
		err = -EINVAL;
		goto err_free;
	}
	bp->meta = kvzalloc(rc.meta_size, GFP_KERNEL);
	if (!bp->meta)
		goto err_free;
	rc.meta = bp->meta;
	hc.error_ctx = bp;
	if (mh_heap_init(&bp->heap, &hc) != MH_OK) {
		err = -EINVAL;
		goto err_meta;
	}
	if (mh_heap_add_region(&bp->heap, (void *)bp->base, pool->size,
			       &rc) != MH_OK) {
		err = -EINVAL;
		goto err_heap;
	}
	pool->priv = bp;
	return 0;

err_heap:
	mh_heap_destroy(&bp->heap);
err_meta:
	kvfree(bp->meta);
err_free:
	kfree(bp);
	return err;
}

static void bd_destroy(struct memheap_pool *pool)
{
	struct bd_pool *bp = pool->priv;

	mh_heap_destroy(&bp->heap);
	kvfree(bp->meta);
	kfree(bp);
	pool->priv = NULL;
}

static bool bd_alloc(struct memheap_pool *pool, u64 size, u64 align,
		     u64 *offset, u64 *reserved)
{
	struct bd_pool *bp = pool->priv;
	void *p;

	if (align > (bp->base & -bp->base))
		return false;
	p = mh_aligned_alloc(&bp->heap, align, size);
	if (!p)
		return false;
	*offset = (uintptr_t)p - bp->base;
	*reserved = mh_usable_size(&bp->heap, p);
	return true;
}

static void bd_free(struct memheap_pool *pool, u64 offset)
{
	struct bd_pool *bp = pool->priv;

	mh_free(&bp->heap, (void *)(bp->base + (uintptr_t)offset));
}

static u64 bd_largest(struct memheap_pool *pool)
{
	struct bd_pool *bp = pool->priv;
	struct mh_stats st;

	mh_get_stats(&bp->heap, &st);
	return st.largest_free;
}

static unsigned int bd_check(struct memheap_pool *pool)
{
	struct bd_pool *bp = pool->priv;
	struct mh_stats st;

	bp->errors = 0;
	if (mh_check(&bp->heap) != MH_OK && !bp->errors)
		bp->errors = 1;
	mh_get_stats(&bp->heap, &st);
	if (st.total_bytes != pool->size ||
	    st.allocated_bytes != pool->used ||
	    st.allocated_blocks != pool->live) {
		pr_err("memheap: %s: buddy holds %zu of %zu bytes in %zu blocks, pool says %llu in %llu\n",
		       pool->name, st.allocated_bytes, st.total_bytes,
		       st.allocated_blocks, pool->used, pool->live);
		bp->errors++;
	}
	return bp->errors;
}

struct bd_walk_ctx {
	struct bd_pool *bp;
	u64 from;
	memheap_extent_fn fn;
	void *ctx;
	bool stopped;
};

static bool bd_walk_one(const struct mh_block_info *info, void *ctx)
{
	struct bd_walk_ctx *wc = ctx;
	struct memheap_extent ext = {
		.offset = (uintptr_t)info->block - wc->bp->base,
		.length = info->block_size,
		.used = info->used,
	};

	if (ext.offset + ext.length <= wc->from)
		return true;
	if (!wc->fn(&ext, wc->ctx)) {
		wc->stopped = true;
		return false;
	}
	return true;
}

static bool bd_walk(struct memheap_pool *pool, u64 from,
		    memheap_extent_fn fn, void *ctx)
{
	struct bd_walk_ctx wc = {
		.bp = pool->priv, .from = from, .fn = fn, .ctx = ctx,
	};

	mh_walk(&wc.bp->heap, bd_walk_one, &wc);
	return !wc.stopped;
}

const struct memheap_pool_ops memheap_pool_buddy_ops = {
	.name = "buddy",
	.init = bd_init,
	.destroy = bd_destroy,
	.alloc = bd_alloc,
	.free = bd_free,
	.largest = bd_largest,
	.check = bd_check,
	.walk = bd_walk,
};
