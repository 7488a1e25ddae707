/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * membench.h - what the parts of membench share: the allocators under test
 * (allocators.c) and the workloads that drive them (membench.c).
 */
#ifndef MEMBENCH_H
#define MEMBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mh_pool.h"
#include "naive_firstfit.h"

enum alloc_id {
	A_FIRSTFIT,		/* memheap first-fit engine, locked (default) */
	A_FIRSTFIT_NOLOCK,	/* the same with MH_HEAP_F_NOLOCK */
	A_BUDDY,		/* memheap buddy engine, locked (default) */
	A_NAIVE,		/* bench/naive_firstfit.c */
	A_GLIBC,		/* glibc malloc/free */
	A_JEMALLOC,		/* libjemalloc.so.2, dlopen'ed RTLD_LOCAL */
	A_MIMALLOC,		/* libmimalloc.so.2, dlopen'ed RTLD_LOCAL */
	A_COUNT
};

#define ABIT(id)	(1u << (id))
#define A_ARENA_MASK	(ABIT(A_FIRSTFIT) | ABIT(A_FIRSTFIT_NOLOCK) | \
			 ABIT(A_BUDDY) | ABIT(A_NAIVE))
#define A_ALL_MASK	((1u << A_COUNT) - 1u)

struct allocator {
	const char *name;	/* in the CSV, the charts, the notes */
	const char *col;	/* table column heading (at most 10 chars) */
	bool arena;		/* runs over an arena membench hands it */
	bool available;
	char desc[320];		/* what it is and how that was verified */
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr);
};

/* Instance flags. */
#define INST_EXT_META	0x1u	/* engines: region metadata outside the arena */

/* One allocator prepared for one workload (an arena, a heap, ...). */
struct instance {
	const struct allocator *a;
	int id;
	void *ctx;		/* passed to a->alloc / a->free */
	unsigned char *arena;	/* arena allocators: the region */
	size_t arena_size;
	void *map;		/* the mapping holding arena (and metadata) */
	size_t map_size;
	struct mh_heap heap;
	struct nff_heap nff;
	unsigned long engine_errors;	/* reports through the error callback */
	unsigned long free_errors;	/* engine frees that returned an error */
	unsigned long corrupt;		/* tag mismatches seen by the workload */
	unsigned long failed;		/* unexpected NULL returns */
	bool broken;		/* stop driving this instance */
};

/* dlopen jemalloc and mimalloc, verify every allocator; prints nothing. */
void allocators_init(void);
struct allocator *allocator_get(int id);

/* 0 on success; on failure the instance is unusable and msg says why. */
int instance_open(struct instance *in, int id, size_t arena_size,
		  unsigned int flags, char *msg, size_t msglen);
/*
 * Integrity checks (engines: mh_check, stats; naive: nff_check), then
 * release.  expect_empty: every block was freed, so nothing may be in use.
 * Returns 0 when all is well, else msg says what was found.
 */
int instance_close(struct instance *in, bool expect_empty, char *msg,
		   size_t msglen);

static inline void *inst_alloc(struct instance *in, size_t size)
{
	return in->a->alloc(in->ctx, size);
}

static inline void inst_free(struct instance *in, void *ptr)
{
	in->a->free(in->ctx, ptr);
}

/* Engines only: stats of the instance's heap (false for the others). */
bool instance_stats(struct instance *in, struct mh_stats *st);

#endif /* MEMBENCH_H */
