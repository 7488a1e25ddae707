/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pool.h - page-granular pools of one region: the interface every pool
 * algorithm implements, and the counters the generic layer keeps.
 *
 * A pool hands out page-aligned extents of [0, size) as byte offsets from
 * the region start.  All its metadata lives in kernel memory outside the
 * region, because the region is mapped into user processes: nothing a user
 * writes there can reach the allocator's state.
 */
#ifndef MEMHEAP_POOL_H
#define MEMHEAP_POOL_H

#include <linux/mutex.h>
#include <linux/types.h>

struct memheap_pool;

/**
 * struct memheap_extent - one extent as a walk reports it.
 * @offset: start, bytes from the region start.
 * @length: bytes.
 * @used:   held by a buffer.
 */
struct memheap_extent {
	u64 offset;
	u64 length;
	bool used;
};

/* Return false to stop a walk. */
typedef bool (*memheap_extent_fn)(const struct memheap_extent *ext,
				  void *ctx);

/**
 * struct memheap_pool_ops - one pool algorithm.  Every call is made with
 * the pool's mutex held.
 * @name:    "firstfit" or "buddy".
 * @init:    set up an empty pool of pool->size bytes (page multiple).
 * @destroy: free the metadata; the pool may still hold extents.
 * @alloc:   reserve at least @size bytes aligned to @align (a power of two
 *           >= PAGE_SIZE, relative to @phys_base); store offset and bytes
 *           reserved; false if nothing fits.
 * @free:    release the extent at @offset that @alloc returned.
 * @largest: bytes of the largest extent @alloc could return now.
 * @check:   verify every structure; print each inconsistency; return the
 *           number found.
 * @walk:    visit extents in address order starting with the one holding
 *           @from; false if @fn stopped the walk.
 */
struct memheap_pool_ops {
	const char *name;
	int (*init)(struct memheap_pool *pool);
	void (*destroy)(struct memheap_pool *pool);
	bool (*alloc)(struct memheap_pool *pool, u64 size, u64 align,
		      u64 *offset, u64 *reserved);
	void (*free)(struct memheap_pool *pool, u64 offset);
	u64 (*largest)(struct memheap_pool *pool);
	unsigned int (*check)(struct memheap_pool *pool);
	bool (*walk)(struct memheap_pool *pool, u64 from,
		     memheap_extent_fn fn, void *ctx);
};

/**
 * struct memheap_pool_stats - counters of one pool.
 * @size:         bytes managed.
 * @used:         bytes reserved by live extents.
 * @free:         size - used.
 * @largest_free: largest extent an allocation could get now.
 * @min_free:     lowest @free since the pool was created.
 * @allocs:       successful allocations.
 * @failures:     failed allocations that tried this pool.
 * @live:         extents held.
 */
struct memheap_pool_stats {
	u64 size;
	u64 used;
	u64 free;
	u64 largest_free;
	u64 min_free;
	u64 allocs;
	u64 failures;
	u64 live;
};

/**
 * struct memheap_pool - a pool and its counters.
 * @ops:       the algorithm.
 * @lock:      serialises every operation and counter update.
 * @size:      bytes managed (page multiple).
 * @phys_base: physical address of offset 0 (alignment is relative to it).
 * @name:      region name, for messages.
 * @used:      bytes reserved.
 * @min_free:  lowest free since creation.
 * @allocs:    successful allocations.
 * @failures:  failed allocations.
 * @live:      extents held.
 * @low_watermark: free bytes below which an allocation reports a crossing.
 * @below_watermark: a crossing was reported and free has not risen to
 *             @low_watermark since.
 * @priv:      algorithm state.
 */
struct memheap_pool {
	const struct memheap_pool_ops *ops;
	struct mutex lock;	/* every operation and counter */
	u64 size;
	phys_addr_t phys_base;
	const char *name;
	u64 used;
	u64 min_free;
	u64 allocs;
	u64 failures;
	u64 live;
	u64 low_watermark;
	bool below_watermark;
	void *priv;
};

extern const struct memheap_pool_ops memheap_pool_firstfit_ops;
extern const struct memheap_pool_ops memheap_pool_buddy_ops;

int memheap_pool_init(struct memheap_pool *pool, u32 algo, u64 size,
		      phys_addr_t phys_base, u64 low_watermark,
		      const char *name);
void memheap_pool_destroy(struct memheap_pool *pool);
int memheap_pool_alloc(struct memheap_pool *pool, u64 size, u64 align,
		       u64 *offset, u64 *reserved, u64 *fell_low);
void memheap_pool_note_failure(struct memheap_pool *pool);
void memheap_pool_free(struct memheap_pool *pool, u64 offset, u64 reserved);
void memheap_pool_stats(struct memheap_pool *pool,
			struct memheap_pool_stats *st);
unsigned int memheap_pool_check(struct memheap_pool *pool);
bool memheap_pool_walk(struct memheap_pool *pool, u64 from,
		       memheap_extent_fn fn, void *ctx);

#endif /* MEMHEAP_POOL_H */
