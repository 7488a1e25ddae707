// SPDX-License-Identifier: GPL-2.0
/*
 * handles.c - the handle table of an open file: handle -> buffer.
 *
 * Handles are handed out cyclically in [1, MEMHEAP_HANDLE_MAX], so a freed
 * handle is not reused soon and never while live.  Cyclic numbers make a
 * radix tree (xarray) allocate and RCU-free nodes as the cursor moves on,
 * on every allocation and free; a chained hash table of the live handles
 * allocates nothing per handle (the node is in the buffer) and costs the
 * same at 10 and at 10,000 live handles: it grows by 4x when there are
 * more than two handles per bucket and shrinks by 4x below one per eight.
 * A table that cannot be resized stays correct, only with longer chains.
 *
 * Every call is made with the file's lock held.
 */
#include <linux/errno.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "memheap.h"

#define HANDLES_MIN_BITS	4
#define HANDLES_MAX_BITS	24
#define HANDLES_STEP_BITS	2

static struct hlist_head *buckets_alloc(unsigned int bits)
{
	struct hlist_head *b;
	size_t i, n = (size_t)1 << bits;

	b = kvmalloc_array(n, sizeof(*b), GFP_KERNEL | __GFP_NOWARN);
	if (b)
		for (i = 0; i < n; i++)
			INIT_HLIST_HEAD(&b[i]);
	return b;
}

/**
 * memheap_handles_init() - an empty table.
 * @t: the table.
 *
 * Return: 0 or -ENOMEM.
 */
int memheap_handles_init(struct memheap_handles *t)
{
	t->buckets = buckets_alloc(HANDLES_MIN_BITS);
	if (!t->buckets)
		return -ENOMEM;
	t->bits = HANDLES_MIN_BITS;
	t->count = 0;
	t->next = 1;
	return 0;
}

/**
 * memheap_handles_destroy() - free an empty table's memory.
 * @t: the table.
 */
void memheap_handles_destroy(struct memheap_handles *t)
{
	kvfree(t->buckets);
	t->buckets = NULL;
}

static struct hlist_head *bucket(struct memheap_handles *t, u32 handle)
{
	return &t->buckets[hash_32(handle, t->bits)];
}

static void rehash(struct memheap_handles *t, unsigned int bits)
{
	struct hlist_head *old = t->buckets, *b;
	size_t i, n = (size_t)1 << t->bits;
	struct memheap_buffer *buf;
	struct hlist_node *tmp;

	b = buckets_alloc(bits);
	if (!b)
		return;
	t->buckets = b;
	t->bits = bits;
	for (i = 0; i < n; i++)
		hlist_for_each_entry_safe(buf, tmp, &old[i], hnode)
			hlist_add_head(&buf->hnode, bucket(t, buf->handle));
	kvfree(old);
}

/**
 * memheap_handles_find() - the buffer behind a handle.
 * @t:      the table.
 * @handle: any value; 0 is never a handle.
 *
 * Return: the buffer (not referenced), or NULL.
 */
struct memheap_buffer *memheap_handles_find(struct memheap_handles *t,
					    u32 handle)
{
	struct memheap_buffer *buf;

	hlist_for_each_entry(buf, bucket(t, handle), hnode)
		if (buf->handle == handle)
			return buf;
	return NULL;
}

/**
 * memheap_handles_insert() - give @buf the next free handle.
 * @t:   the table.
 * @buf: a buffer in no table; buf->handle is set.
 *
 * Return: 0, or -EBUSY when every handle is live.
 */
int memheap_handles_insert(struct memheap_handles *t,
			   struct memheap_buffer *buf)
{
	u32 h = t->next;

	if (t->count >= MEMHEAP_HANDLE_MAX)
		return -EBUSY;
	while (memheap_handles_find(t, h))
		h = h >= MEMHEAP_HANDLE_MAX ? 1 : h + 1;
	buf->handle = h;
	t->next = h >= MEMHEAP_HANDLE_MAX ? 1 : h + 1;
	hlist_add_head(&buf->hnode, bucket(t, h));
	t->count++;
	if (t->count > 2UL << t->bits && t->bits < HANDLES_MAX_BITS)
		rehash(t, t->bits + HANDLES_STEP_BITS);
	return 0;
}

/**
 * memheap_handles_remove() - take @buf's handle out of the table.
 * @t:   the table.
 * @buf: a buffer in @t; its handle stays set (for messages).
 */
void memheap_handles_remove(struct memheap_handles *t,
			    struct memheap_buffer *buf)
{
	hlist_del_init(&buf->hnode);
	t->count--;
	if (t->bits > HANDLES_MIN_BITS && t->count < (1UL << t->bits) / 8)
		rehash(t, t->bits - HANDLES_STEP_BITS);
}

/**
 * memheap_handles_take_all() - empty the table.
 * @t:   the table.
 * @out: an empty list; receives every buffer of @t (by buf->hnode), each
 *       still holding its handle's reference.
 */
void memheap_handles_take_all(struct memheap_handles *t,
			      struct hlist_head *out)
{
	size_t i, n = (size_t)1 << t->bits;
	struct memheap_buffer *buf;
	struct hlist_node *tmp;

	for (i = 0; i < n && t->count; i++) {
		hlist_for_each_entry_safe(buf, tmp, &t->buckets[i], hnode) {
			hlist_del(&buf->hnode);
			hlist_add_head(&buf->hnode, out);
			t->count--;
		}
	}
}

/**
 * memheap_handles_walk() - call @fn for every buffer of the table.
 * @t:   the table.
 * @fn:  returns 0 to go on, anything else stops the walk.
 * @ctx: passed to @fn.
 *
 * Return: 0, or what @fn returned to stop.
 */
int memheap_handles_walk(struct memheap_handles *t,
			 int (*fn)(struct memheap_buffer *buf, void *ctx),
			 void *ctx)
{
	size_t i, n = (size_t)1 << t->bits;
	struct memheap_buffer *buf;
	int err;

	for (i = 0; i < n; i++) {
		hlist_for_each_entry(buf, &t->buckets[i], hnode) {
			err = fn(buf, ctx);
			if (err)
				return err;
		}
	}
	return 0;
}
