/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * naive_firstfit.h - the classic O(n) baseline for membench.
 *
 * One address-ordered, singly linked free list over a caller-supplied arena.
 * Every block starts with an 8-byte boundary header holding the block size
 * (header included; bit 0 set while allocated).  Allocation walks the list
 * from the head and takes the first block that fits, splitting off the rest;
 * free walks the list to the insertion point and coalesces with the free
 * neighbours on both sides.  Not thread safe, no canaries: a baseline only.
 */
#ifndef NAIVE_FIRSTFIT_H
#define NAIVE_FIRSTFIT_H

#include <stddef.h>

struct nff_block;

struct nff_heap {
	unsigned char *base;	/* first block (8-aligned) */
	unsigned char *end;	/* one past the last byte blocks may use */
	struct nff_block *head;	/* lowest-addressed free block */
};

/* 0 on success, -1 if the arena is too small for one block. */
int nff_init(struct nff_heap *h, void *mem, size_t size);

/* 8-byte aligned; NULL when no free block is large enough. */
void *nff_alloc(struct nff_heap *h, size_t size);

/* NULL is a no-op. */
void nff_free(struct nff_heap *h, void *ptr);

/* Usable bytes of an allocated block. */
size_t nff_usable_size(const void *ptr);

/*
 * Consistency check: the blocks tile the arena, the free list is sorted,
 * holds exactly the free blocks, and no two free blocks are adjacent.
 * Returns 0 if all is well; used_bytes and free_bytes (each may be NULL) get the totals.
 */
int nff_check(const struct nff_heap *h, size_t *used_bytes, size_t *free_bytes);

#endif /* NAIVE_FIRSTFIT_H */
