/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * internal.h - the contract between the heap layer (heap.c: regions,
 * locking, poisoning, statistics) and the two engines (firstfit.c, buddy.c).
 *
 * An engine manages "payloads": the bytes it hands out.  The heap layer puts
 * canaries inside the payload when poisoning is on; engines never see them.
 * Engines keep the region's block counters up to date and report damage they
 * find through mh_report().  All engine calls run with the heap lock held.
 */
#ifndef MH_INTERNAL_H
#define MH_INTERNAL_H

#include "mh_pool.h"

#if !defined(__KERNEL__)
/* the kernel's fixed-width names (and types), so one source serves both */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
#endif

#define MH_HEAP_MAGIC	0x6d686870u	/* "mhhp" */
#define MH_REGION_MAGIC	0x6d687267u	/* "mhrg" */

/* Requests above this fail up front, so no size arithmetic can overflow. */
#define MH_MAX_REQUEST	((size_t)-1 >> 2)

struct mh_engine;

struct mh_region {
	u32 magic;
	int index;			/* order of addition, from 0 */
	const struct mh_engine *eng;
	struct mh_heap *heap;
	struct mh_region *next;
	uintptr_t start, end;		/* the caller's whole range */
	uintptr_t arena, arena_end;	/* where blocks live */
	size_t total;			/* bytes offered to blocks */
	size_t allocated;		/* bytes held by allocated blocks */
	size_t nalloc, nfree;		/* block counts */
	int fill;			/* MH_FILL_FREE when comprehensive, else -1 */
	void *ctl;			/* engine control data */
};

/* What an engine's walk yields for one block. */
struct mh_raw_block {
	uintptr_t block;
	size_t block_size;
	uintptr_t payload;
	size_t capacity;	/* payload bytes */
	bool used;
	bool damaged;		/* header damaged: spans the rest of the region */
};

typedef bool (*mh_raw_walk_fn)(struct mh_region *r,
			       const struct mh_raw_block *b, void *ctx);

struct mh_engine {
	const char *name;
	/* Bytes a block occupies besides its payload (mh_block_overhead). */
	size_t overhead;
	/* Control bytes for an arena of @size bytes; 0 if @rc is invalid. */
	size_t (*ctl_size)(size_t size, const struct mh_region_config *rc);
	/* Lay out control data at r->ctl and make [arena, arena_end) free. */
	int (*init)(struct mh_region *r, const struct mh_region_config *rc);
	/*
	 * A payload of >= @size bytes with (payload + @offset) % @align == 0;
	 * @align is a power of two, @offset a multiple of MH_MIN_ALIGN.
	 */
	void *(*alloc)(struct mh_region *r, size_t size, size_t align,
		       size_t offset);
	/* Validate @payload as a live block of this region: MH_OK or error. */
	int (*lookup)(struct mh_region *r, uintptr_t payload, size_t *capacity);
	/* Free a payload lookup() accepted. */
	void (*release)(struct mh_region *r, uintptr_t payload);
	/* Resize in place to >= @size bytes if possible; lookup()ed payload. */
	bool (*resize)(struct mh_region *r, uintptr_t payload, size_t size);
	/* Largest @size a plain alloc() can satisfy now (0: none). */
	size_t (*largest)(struct mh_region *r);
	/*
	 * Blocks in address order; returns false if the walk was stopped.  A
	 * block whose header is damaged is visited with damaged set, spanning
	 * the rest of the region, and ends the walk of this region (mh_walk
	 * reports it; check() finds it on its own).
	 */
	bool (*walk)(struct mh_region *r, mh_raw_walk_fn fn, void *ctx);
	/* Structural check; reports each damage; MH_OK or the first error. */
	int (*check)(struct mh_region *r);
};

extern const struct mh_engine mh_firstfit_engine;
extern const struct mh_engine mh_buddy_engine;

/* Report damage or misuse through the heap's callback; returns @code. */
int mh_report(struct mh_heap *heap, int code, const char *op, const void *ptr,
	      const void *where, int region, const char *detail);

/* Address of the first byte in [p, p + n) that is not @fill, or 0. */
uintptr_t mh_find_unfilled(uintptr_t p, size_t n, int fill);

/*
 * The kernel and glibc (<sys/cdefs.h>) both define __always_inline; only a
 * freestanding build (a symbol check, not a hot path) falls back to inline.
 */
#ifndef __always_inline
#define __always_inline inline
#endif

static inline bool mh_is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

static inline uintptr_t mh_align_up(uintptr_t x, size_t a)
{
	return (x + (a - 1)) & ~(uintptr_t)(a - 1);
}

static inline unsigned int mh_fls32(u32 x)	/* x != 0 */
{
	return 31u - (unsigned int)__builtin_clz(x);
}

static inline unsigned int mh_ctz32(u32 x)	/* x != 0 */
{
	return (unsigned int)__builtin_ctz(x);
}

static inline unsigned int mh_ctz64(u64 x)	/* x != 0 */
{
	return (unsigned int)__builtin_ctzll(x);
}

static inline unsigned int mh_fls64(u64 x)	/* x != 0 */
{
	return 63u - (unsigned int)__builtin_clzll(x);
}

/* Without a libgcc helper: the kernel and freestanding builds have none. */
static inline unsigned int mh_popcount64(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned int)((x * 0x0101010101010101ull) >> 56);
}

#endif /* MH_INTERNAL_H */
