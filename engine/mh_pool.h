/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * mh_pool.h - memheap pool engines: one heap over one or more regions.
 *
 * A heap (struct mh_heap) is a caller-owned object that manages one or more
 * regions of memory the caller hands it.  Each region is run by one of two
 * engines, chosen per region:
 *
 *   MH_ALGO_FIRSTFIT  8-byte chunks, an 8-byte header per block, free blocks
 *                     in segregated size classes found through a two-level
 *                     bitmap (O(1) lookup), coalesced with both neighbours on
 *                     free.
 *   MH_ALGO_BUDDY     power-of-two blocks of at least min_block bytes, split
 *                     and merged per order; all block metadata lives in bitmaps
 *                     outside the blocks, so a 2^k request occupies 2^k bytes.
 *
 * Requests are served from the regions in the order they were added (as
 * OneOS's os_memheap_add describes).  The engines allocate nothing
 * themselves: a region's control data is carved from the front of the region
 * unless the caller supplies separate metadata memory.
 *
 * Every pointer returned is aligned to at least MH_MIN_ALIGN bytes.
 *
 * Misuse (double free, a pointer the heap does not own, an overwritten canary,
 * a damaged header or free list) is detected, reported through the return
 * code and the heap's error callback, and leaves the heap usable: the
 * offending call changes nothing.
 *
 * Thread safety: every function takes the heap's lock unless the heap was
 * created with MH_HEAP_F_NOLOCK.  The error and walk callbacks run with the
 * lock held and must not call back into the same heap.
 *
 * This header and the engine sources use no libc beyond the platform layer
 * (mh_platform.h), so the same code builds into the kernel module.
 */
#ifndef MH_POOL_H
#define MH_POOL_H

#include "mh_platform.h"

#define MH_MIN_ALIGN		8u	/* alignment of every returned pointer */
#define MH_BUDDY_MIN_BLOCK	16u	/* default buddy minimum block size */

enum mh_algo {
	MH_ALGO_FIRSTFIT = 0,
	MH_ALGO_BUDDY = 1,
};

/* Heap poisoning, ESP-IDF style. */
enum mh_poison {
	MH_POISON_NONE = 0,
	/* head and tail canaries, checked at free, realloc and mh_check() */
	MH_POISON_LIGHT = 1,
	/* light + fill patterns on alloc (0xce) and free (0xfe); free blocks
	 * are verified by mh_check() and when they are handed out again
	 */
	MH_POISON_COMPREHENSIVE = 2,
};

#define MH_FILL_ALLOC	0xce	/* comprehensive: new allocations */
#define MH_FILL_FREE	0xfe	/* comprehensive: free memory */

/* Return codes: 0 on success, a negative mh_error otherwise. */
enum mh_error {
	MH_OK = 0,
	MH_EINVAL = -1,		/* bad argument (alignment, size, flags, NULL) */
	MH_ENOMEM = -2,		/* region too small, or no block large enough */
	MH_EOVERLAP = -3,	/* region overlaps one the heap already has */
	MH_EFOREIGN = -4,	/* pointer not returned by this heap */
	MH_EDOUBLEFREE = -5,	/* block is already free */
	MH_ECANARY = -6,	/* head or tail canary overwritten */
	MH_EHEADER = -7,	/* block header or metadata damaged */
	MH_EFREELIST = -8,	/* free list or free-block bookkeeping damaged */
	MH_EPOISON = -9,	/* free-fill pattern changed: write after free */
};

/* Short static description of an mh_error code ("double free", ...). */
const char *mh_strerror(int err);

struct mh_heap;

/* What the error callback is told.  Pointers stay valid only during the call. */
struct mh_error_info {
	int code;		/* enum mh_error */
	const char *op;		/* "free", "realloc", "usable_size", "check" */
	const void *ptr;	/* the pointer the caller passed, if any */
	const void *where;	/* address where damage was found, if known */
	int region;		/* index of the region involved, -1 if none */
	const char *detail;	/* short static text */
};

typedef void (*mh_error_fn)(struct mh_heap *heap,
			    const struct mh_error_info *info, void *ctx);

#define MH_HEAP_F_NOLOCK	0x1u	/* caller serialises all calls */
#define MH_HEAP_F_ALL		MH_HEAP_F_NOLOCK

struct mh_heap_config {
	const char *name;	/* kept by pointer; may be NULL */
	enum mh_poison poison;
	unsigned int flags;	/* MH_HEAP_F_* */
	mh_error_fn on_error;	/* may be NULL */
	void *error_ctx;
};

struct mh_region_config {
	enum mh_algo algo;
	/* buddy only: power of two >= MH_BUDDY_MIN_BLOCK; 0 = the default */
	size_t min_block;
	/*
	 * Optional memory for the region's control data, outside the region
	 * (e.g. for a region user space can map).  NULL: carve it from the
	 * front of the region.  mh_region_meta_size() tells how much is needed.
	 */
	void *meta;
	size_t meta_size;
};

/* Statistics over all regions of a heap. */
struct mh_stats {
	size_t total_bytes;	/* bytes the regions offer to blocks */
	size_t free_bytes;	/* total_bytes - allocated_bytes */
	size_t allocated_bytes;	/* bytes held by allocated blocks, overhead included */
	size_t largest_free;	/* largest n for which mh_alloc(heap, n) succeeds now */
	size_t min_free_ever;	/* lowest free_bytes since init or mh_reset_min_free() */
	size_t peak_allocated;	/* highest allocated_bytes since init or reset */
	size_t allocated_blocks;
	size_t free_blocks;
	size_t total_blocks;
	size_t regions;
	size_t alloc_count;	/* successful allocations (alloc, realloc moves) */
	size_t free_count;	/* successful frees */
	size_t failed_count;	/* allocations that returned NULL */
	size_t error_count;	/* misuse and damage reports */
};

/* One block as the walker sees it. */
struct mh_block_info {
	void *ptr;		/* user pointer (allocated) or usable start (free) */
	size_t size;		/* usable bytes */
	void *block;		/* start of the block in the region */
	size_t block_size;	/* bytes the block occupies, overhead included */
	int region;		/* index in the order regions were added */
	bool used;
	/*
	 * The block's header is damaged: the walk cannot find the blocks after
	 * it, so this one spans the rest of its region (size and block_size
	 * are what is left of the region, @used is the header's bit as read)
	 * and is the region's last; the damage is also reported through the
	 * heap's error callback and mh_walk() returns MH_EHEADER.
	 */
	bool damaged;
};

/* Return false to stop the walk. */
typedef bool (*mh_walk_fn)(const struct mh_block_info *info, void *ctx);

/*
 * The heap object.  Opaque: it is declared here so callers can embed it
 * statically, as RTOS code does with struct os_memheap; its fields are read
 * through the calls below (mh_get_stats, mh_heap_allocated,
 * mh_live_blocks ...), never directly.
 */
struct mh_region;
struct mh_heap {
	unsigned int magic;
	unsigned int flags;
	enum mh_poison poison;
	const char *name;
	mh_error_fn on_error;
	void *error_ctx;
	struct mh_region *first, *last;
	size_t nregions;
	size_t total_bytes, allocated_bytes;
	size_t min_free_ever, peak_allocated;
	size_t alloc_count, free_count, failed_count, error_count;
	mh_lock_t lock;
};

/* Initialise @heap.  @cfg may be NULL for defaults (no poisoning, locked). */
int mh_heap_init(struct mh_heap *heap, const struct mh_heap_config *cfg);

/* Release the lock; the regions are the caller's again.  Blocks are not freed. */
void mh_heap_destroy(struct mh_heap *heap);

/*
 * Bytes of control data a region of @size bytes needs under @rc (the amount
 * carved from the front of the region when rc->meta is NULL).  0 if @rc is
 * invalid.
 */
size_t mh_region_meta_size(size_t size, const struct mh_region_config *rc);

/*
 * Add [base, base + size) to @heap.  @rc NULL means first-fit with in-region
 * metadata.  Returns MH_EOVERLAP if the range overlaps another region of the
 * heap, MH_ENOMEM if it is too small to hold a block, MH_EINVAL on a bad
 * config.  On error the heap is unchanged.
 */
int mh_heap_add_region(struct mh_heap *heap, void *base, size_t size,
		       const struct mh_region_config *rc);

/* NULL when no block fits (size 0 gets a minimal block, as malloc may). */
void *mh_alloc(struct mh_heap *heap, size_t size);

/* @align: any power of two; NULL (and no state change) otherwise. */
void *mh_aligned_alloc(struct mh_heap *heap, size_t align, size_t size);

/* Zeroed; NULL if count * size overflows. */
void *mh_calloc(struct mh_heap *heap, size_t count, size_t size);

/*
 * Resize in place when possible, else allocate, copy and free.  NULL ptr:
 * mh_alloc.  size 0: free ptr and return NULL.  On failure returns NULL and
 * the original block is untouched and still owned by the caller.  The new
 * block keeps the old block's alignment guarantee only up to MH_MIN_ALIGN
 * when it moves.
 */
void *mh_realloc(struct mh_heap *heap, void *ptr, size_t size);

/* NULL is a no-op returning MH_OK.  Misuse returns an mh_error, frees nothing. */
int mh_free(struct mh_heap *heap, void *ptr);

/* Bytes usable at @ptr (>= the size requested); 0 for NULL or a bad pointer. */
size_t mh_usable_size(struct mh_heap *heap, const void *ptr);

/* true if @ptr lies inside one of the heap's regions (not a validity check). */
bool mh_heap_contains(struct mh_heap *heap, const void *ptr);

void mh_get_stats(struct mh_heap *heap, struct mh_stats *stats);
void mh_reset_min_free(struct mh_heap *heap);	/* also resets the peak */

/*
 * Allocated blocks of @heap, from the heap object's own counters only (no
 * region is read: right for a heap whose region memory its owner may have
 * reused or cleared since).  0 for a damaged or uninitialised @heap.
 */
size_t mh_live_blocks(struct mh_heap *heap);

/*
 * Bytes @heap's allocated blocks hold, overhead included (what
 * mh_get_stats() reports as allocated_bytes), without taking the lock: the
 * caller serialises (MH_HEAP_F_NOLOCK and its own lock).  The difference
 * across an allocation is what that block is charged.
 */
static inline size_t mh_heap_allocated(const struct mh_heap *heap)
{
	return heap->allocated_bytes;
}

/* The name @heap was configured with (may be NULL). */
static inline const char *mh_heap_name(const struct mh_heap *heap)
{
	return heap->name;
}

/*
 * Bytes an allocated block of @algo occupies besides the bytes it offers
 * (without poisoning's canaries): first-fit's block header, 0 for buddy,
 * whose blocks are whole powers of two.
 */
size_t mh_block_overhead(enum mh_algo algo);

/*
 * The caller retries the allocation that just failed in @heap (after
 * giving it memory back): the failure is taken out of failed_count, so
 * the retry alone counts.
 */
void mh_heap_retry_failed(struct mh_heap *heap);

/*
 * Full integrity check of every region: headers, neighbours, free lists,
 * bitmaps, counters, canaries and (comprehensive) free fill.  Returns MH_OK or
 * the first error found; each damage found is reported through the error
 * callback with its address.
 */
int mh_check(struct mh_heap *heap);

/*
 * Visit every block of every region in address order.  A damaged header
 * is reported and visited (struct mh_block_info.damaged), never skipped in
 * silence; the walk goes on with the next region.  MH_OK, MH_EINVAL, or
 * MH_EHEADER when a damaged block was met.
 */
int mh_walk(struct mh_heap *heap, mh_walk_fn fn, void *ctx);

#endif /* MH_POOL_H */
