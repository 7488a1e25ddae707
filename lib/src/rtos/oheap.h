/* SPDX-License-Identifier: MIT */
/*
 * oheap.h - an "ordered heap": a heap over caller memory ranges, searched in
 * the order they were added, each range with its own algorithm.
 *
 * This is what OneOS calls a memory heap (the system heap after
 * os_sys_heap_init, and every os_memheap_t) and what FreeRTOS heap_5 builds
 * with vPortDefineHeapRegions.  It is an engine heap (engine/mh_pool.h)
 * whose ranges are registered with the core as a standalone heap, so a
 * pointer from it can be freed by any family's free.
 *
 * Nested ranges: OneOS programs build user heaps inside a block taken from
 * the system heap (os_memheap_add(heap, os_malloc(n), n, ...)).  The core
 * refuses to register a range overlapping one of its own, so a range lying
 * wholly inside a live block is accepted here as NESTED: it is not
 * registered with the core; the RTOS families' free/realloc/usable-size
 * find its blocks through mhl_oheap_nested_owner().  Freeing the enclosing
 * block (through os_free) detaches the nested heap: its allocations fail
 * from then on and its pointers are no longer recognised.
 */
#ifndef MHL_OHEAP_H
#define MHL_OHEAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define MHL_OHEAP_MAX_RANGES	16

struct mhl_oheap_range {
	uintptr_t start, end;
	bool nested;		/* inside a live block; not registered with the core */
	void *meta;		/* buddy: the engine's control data (malloc'd) */
};

struct mhl_oheap {
	struct mh_heap heap;		/* engine heap (its own lock) */
	pthread_mutex_t lock;		/* ranges, detached, nested list */
	const char *name;		/* kept by pointer (static or owned by caller) */
	bool detached;			/* enclosing block freed, or retired: unusable */
	/* set before the first add: once all its blocks are free, a new heap
	 * or region over its memory retires it (mhl_range_reclaim) */
	bool retirable;
	unsigned int nranges;
	struct mhl_oheap_range ranges[MHL_OHEAP_MAX_RANGES];
	struct mhl_oheap *next_nested;	/* global list of heaps with nested ranges */
};

/* MHL_OK, or MHL_EINVAL.  @name is kept by pointer. */
int mhl_oheap_init(struct mhl_oheap *oh, const char *name);

/*
 * Add [start, start + size).  Errors (nothing changes): MHL_EINVAL (NULL
 * start, overflow, bad algo, heap detached), MHL_EOVERLAP (overlaps a region,
 * another registered range, or one of this heap's ranges; a range inside a
 * live block is accepted as nested), MHL_ENOMEM (too small for one block,
 * or MHL_OHEAP_MAX_RANGES reached).
 */
int mhl_oheap_add(struct mhl_oheap *oh, void *start, size_t size,
		  enum mh_algo algo);

/*
 * Forget @oh: its ranges leave the core's table and the nested list, the
 * engine heap is destroyed.  Blocks still held are lost with it.
 */
void mhl_oheap_destroy(struct mhl_oheap *oh);

/* @align 0 means 8.  Failed allocations run the core's listeners. */
void *mhl_oheap_alloc(struct mhl_oheap *oh, size_t size, size_t align,
		      unsigned int flags, const char *api);
void *mhl_oheap_calloc(struct mhl_oheap *oh, size_t count, size_t size,
		       const char *api);

/*
 * Resize a block of @oh.  NULL ptr: alloc; size 0: free, NULL.  A pointer
 * @oh does not own is reported and NULL returned, nothing changes.  On
 * failure the original block is unchanged.
 */
void *mhl_oheap_realloc(struct mhl_oheap *oh, void *ptr, size_t size,
			const char *api);

/* MHL_OK; a pointer @oh does not own is reported and freed nowhere. */
int mhl_oheap_free(struct mhl_oheap *oh, void *ptr, const char *api);

/* true if @ptr lies in one of @oh's ranges. */
bool mhl_oheap_contains(struct mhl_oheap *oh, const void *ptr);

/* Statistics in the core's terms (smallest_free from a walk). */
void mhl_oheap_stats(struct mhl_oheap *oh, struct mhl_stats *st);
void mhl_oheap_reset_min_free(struct mhl_oheap *oh);

/* MHL_OK or the first error found (described on stderr when @print). */
int mhl_oheap_check(struct mhl_oheap *oh, bool print);

/*
 * The nested heap whose range holds @ptr as a possible block (not the range
 * start, where its control data lives), or NULL.  Cheap when no nested heap
 * exists.
 */
struct mhl_oheap *mhl_oheap_nested_owner(const void *ptr);

/* true when some heap has a nested range (cheap). */
bool mhl_oheap_any_nested(void);

/*
 * The block [ptr, ptr + size) is about to be freed: detach every nested
 * heap whose ranges lie in it.
 */
void mhl_oheap_release_nested(const void *ptr, size_t size);

/* One diagnostic line on stderr: "memheap: <api>: <what>". */
void mhl_rtos_diag(const char *api, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* MHL_OHEAP_H */
