/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * naive_firstfit.c - address-ordered first-fit free list (the O(n) baseline).
 * See naive_firstfit.h.
 */
#include "naive_firstfit.h"

#include <stdint.h>

#define NFF_HDR		8u		/* boundary header: the block size */
#define NFF_MIN		16u		/* header + free-list link */
#define NFF_USED	((size_t)1)

struct nff_block {
	size_t size;			/* bytes, header included; bit 0: used */
	struct nff_block *next;		/* free blocks only: next higher address */
};

static struct nff_block *blk(void *p)
{
	return (struct nff_block *)p;
}

static unsigned char *bytes(struct nff_block *b)
{
	return (unsigned char *)(void *)b;
}

int nff_init(struct nff_heap *h, void *mem, size_t size)
{
	uintptr_t a = (uintptr_t)mem;
	uintptr_t start = (a + 7u) & ~(uintptr_t)7u;
	uintptr_t end = (a + size) & ~(uintptr_t)7u;

	h->head = NULL;
	h->base = h->end = (unsigned char *)mem;
	if (end < start || end - start < NFF_MIN)
		return -1;
	h->base = (unsigned char *)start;
	h->end = (unsigned char *)end;
	h->head = blk(h->base);
	h->head->size = (size_t)(end - start);
	h->head->next = NULL;
	return 0;
}

void *nff_alloc(struct nff_heap *h, size_t size)
{
	struct nff_block **link, *b;
	size_t need;

	if (size > SIZE_MAX - NFF_HDR - 7u)
		return NULL;
	need = (size + NFF_HDR + 7u) & ~(size_t)7u;
	if (need < NFF_MIN)
		need = NFF_MIN;

	/* First fit: walk from the lowest address. */
	for (link = &h->head; (b = *link) != NULL; link = &b->next) {
		if (b->size < need)
			continue;
		if (b->size - need >= NFF_MIN) {
			/* Split: the front is handed out, the rest stays listed. */
			struct nff_block *rest = blk(bytes(b) + need);

			rest->size = b->size - need;
			rest->next = b->next;
			*link = rest;
			b->size = need;
		} else {
			*link = b->next;
		}
		b->size |= NFF_USED;
		return bytes(b) + NFF_HDR;
	}
	return NULL;
}

void nff_free(struct nff_heap *h, void *ptr)
{
	struct nff_block *b, *prev = NULL, *next;

	if (!ptr)
		return;
	b = blk((unsigned char *)ptr - NFF_HDR);
	b->size &= ~NFF_USED;

	/* Walk to the insertion point: prev < b < next. */
	for (next = h->head; next && next < b; next = next->next)
		prev = next;

	/* Coalesce with the following free block. */
	if (next && bytes(b) + b->size == bytes(next)) {
		b->size += next->size;
		b->next = next->next;
	} else {
		b->next = next;
	}
	/* Coalesce with the preceding free block, or link b in. */
	if (prev && bytes(prev) + prev->size == bytes(b)) {
		prev->size += b->size;
		prev->next = b->next;
	} else if (prev) {
		prev->next = b;
	} else {
		h->head = b;
	}
}

size_t nff_usable_size(const void *ptr)
{
	const struct nff_block *b =
		(const struct nff_block *)(const void *)((const unsigned char *)ptr - NFF_HDR);

	return (b->size & ~NFF_USED) - NFF_HDR;
}

int nff_check(const struct nff_heap *h, size_t *used_bytes, size_t *free_bytes)
{
	const unsigned char *p = h->base;
	const struct nff_block *f = h->head;
	size_t used = 0, freeb = 0;
	int prev_free = 0;

	while (p < h->end) {
		const struct nff_block *b = (const struct nff_block *)(const void *)p;
		size_t sz = b->size & ~NFF_USED;

		if (sz < NFF_MIN || (sz & 7u) || sz > (size_t)(h->end - p))
			return -1;		/* blocks do not tile the arena */
		if (b->size & NFF_USED) {
			used += sz;
			prev_free = 0;
		} else {
			if (b != f)
				return -2;	/* free block missing from the list */
			if (prev_free)
				return -3;	/* two adjacent free blocks */
			f = f->next;
			freeb += sz;
			prev_free = 1;
		}
		p += sz;
	}
	if (p != h->end || f != NULL)
		return -4;
	if (used_bytes)
		*used_bytes = used;
	if (free_bytes)
		*free_bytes = freeb;
	return 0;
}
