// SPDX-License-Identifier: GPL-2.0
/*
 * pool_firstfit.c - page-granular lowest-address first-fit.
 *
 * The region is covered exactly by extents, free or used, kept in one
 * red-black tree ordered by address.  Each node also carries the length of
 * the largest free extent in its subtree, so the lowest-address free extent
 * of at least n bytes is found by one descent: go left whenever the left
 * subtree can hold n, else take this node if it can, else go right.
 * Freed extents merge with free neighbours, so no two free extents touch.
 * Every node lives in kernel memory; the region itself is never touched.
 */
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>

#include "pool.h"

/**
 * struct ff_extent - one extent of the cover.
 * @rb:       node in ff_pool.root, ordered by @start.
 * @start:    offset from the region start.
 * @len:      bytes.
 * @used:     held by a buffer.
 * @max_free: largest free extent length in this subtree.
 */
struct ff_extent {
	struct rb_node rb;
	u64 start;
	u64 len;
	bool used;
	u64 max_free;
};

/*
 * @spare: one extent node kept back from the last merge, so that the
 * usual alloc/free cycle (one split, one merge) allocates no memory.
 */
struct ff_pool {
	struct rb_root root;
	struct ff_extent *spare;
};

static inline u64 ff_own_free(const struct ff_extent *e)
{
	return e->used ? 0 : e->len;
}

RB_DECLARE_CALLBACKS_MAX(static, ff_augment, struct ff_extent, rb, u64,
			 max_free, ff_own_free)

static inline struct ff_extent *ff_of(struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct ff_extent, rb) : NULL;
}

static inline u64 ff_subtree_free(struct rb_node *rb)
{
	return rb ? ff_of(rb)->max_free : 0;
}

static void ff_insert(struct ff_pool *fp, struct ff_extent *e)
{
	struct rb_node **link = &fp->root.rb_node, *parent = NULL;
	u64 own = ff_own_free(e);

	while (*link) {
		struct ff_extent *p = ff_of(*link);

		parent = *link;
		if (p->max_free < own)
			p->max_free = own;
		link = e->start < p->start ? &parent->rb_left : &parent->rb_right;
	}
	e->max_free = own;
	rb_link_node(&e->rb, parent, link);
	rb_insert_augmented(&e->rb, &fp->root, &ff_augment);
}

/* Link @e, which starts where @prev ends, right after @prev. */
static void ff_insert_after(struct ff_pool *fp, struct ff_extent *prev,
			    struct ff_extent *e)
{
	struct rb_node *parent = &prev->rb, **link = &parent->rb_right;

	while (*link) {
		parent = *link;
		link = &parent->rb_left;
	}
	e->max_free = ff_own_free(e);
	rb_link_node(&e->rb, parent, link);
	ff_augment_propagate(parent, NULL);
	rb_insert_augmented(&e->rb, &fp->root, &ff_augment);
}

static struct ff_extent *ff_node_new(struct ff_pool *fp)
{
	struct ff_extent *e = fp->spare;

	if (e) {
		fp->spare = NULL;
		return e;
	}
	return kmalloc(sizeof(*e), GFP_KERNEL);
}

static void ff_node_free(struct ff_pool *fp, struct ff_extent *e)
{
	if (!fp->spare)
		fp->spare = e;
	else
		kfree(e);
}

static void ff_erase(struct ff_pool *fp, struct ff_extent *e)
{
	rb_erase_augmented(&e->rb, &fp->root, &ff_augment);
	ff_node_free(fp, e);
}

/* Lowest-address start in @e for @size bytes at @align, or U64_MAX. */
static u64 ff_fit(const struct ff_extent *e, u64 phys_base, u64 size,
		  u64 align)
{
	u64 start = ALIGN(phys_base + e->start, align) - phys_base;

	if (e->used || start < e->start || start - e->start >= e->len ||
	    e->len - (start - e->start) < size)
		return U64_MAX;
	return start;
}

/*
 * Lowest-address extent in the subtree at @rb holding @size bytes at
 * @align.  With page alignment the first subtree able to hold @size always
 * fits, so this is one descent; larger alignments may need to look further,
 * but never into a subtree whose largest free extent is too short.
 */
static struct ff_extent *ff_find(struct rb_node *rb, u64 phys_base,
				 u64 size, u64 align, u64 *start)
{
	struct ff_extent *e, *found;

	if (!rb || ff_subtree_free(rb) < size)
		return NULL;
	e = ff_of(rb);
	found = ff_find(rb->rb_left, phys_base, size, align, start);
	if (found)
		return found;
	*start = ff_fit(e, phys_base, size, align);
	if (*start != U64_MAX)
		return e;
	return ff_find(rb->rb_right, phys_base, size, align, start);
}

/*
 * Page alignment: every free extent of @size bytes fits at its start, so
 * the lowest one is found by one descent without backtracking.
 */
static struct ff_extent *ff_find_first(struct rb_node *rb, u64 size)
{
	while (rb && ff_subtree_free(rb) >= size) {
		struct ff_extent *e = ff_of(rb);

		if (ff_subtree_free(rb->rb_left) >= size) {
			rb = rb->rb_left;
			continue;
		}
		if (ff_own_free(e) >= size)
			return e;
		rb = rb->rb_right;
	}
	return NULL;
}

static bool ff_alloc(struct memheap_pool *pool, u64 size, u64 align,
		     u64 *offset, u64 *reserved)
{
	struct ff_pool *fp = pool->priv;
	struct ff_extent *e, *head = NULL, *tail = NULL;
	u64 start, end;

	if (align <= PAGE_SIZE) {
		e = ff_find_first(fp->root.rb_node, size);
		start = e ? e->start : 0;
	} else {
		e = ff_find(fp->root.rb_node, pool->phys_base, size, align,
			    &start);
	}
	if (!e)
		return false;
	end = e->start + e->len;
	if (start > e->start) {
		head = ff_node_new(fp);
		if (!head)
			return false;
	}
	if (start + size < end) {
		tail = ff_node_new(fp);
		if (!tail) {
			if (head)
				ff_node_free(fp, head);
			return false;
		}
	}
	if (head) {
		head->start = e->start;
		head->len = start - e->start;
		head->used = false;
	}
	/* @e keeps its place in the order: its new range lies inside the old */
	e->start = start;
	e->len = size;
	e->used = true;
	ff_augment_propagate(&e->rb, NULL);
	if (head)
		ff_insert(fp, head);
	if (tail) {
		tail->start = start + size;
		tail->len = end - tail->start;
		tail->used = false;
		ff_insert_after(fp, e, tail);
	}
	*offset = start;
	*reserved = size;
	return true;
}

static struct ff_extent *ff_lookup(struct ff_pool *fp, u64 offset)
{
	struct rb_node *rb = fp->root.rb_node;

	while (rb) {
		struct ff_extent *e = ff_of(rb);

		if (offset < e->start)
			rb = rb->rb_left;
		else if (offset - e->start >= e->len)
			rb = rb->rb_right;
		else
			return e;
	}
	return NULL;
}

static void ff_free(struct memheap_pool *pool, u64 offset)
{
	struct ff_pool *fp = pool->priv;
	struct ff_extent *e = ff_lookup(fp, offset), *prev, *next;

	if (!e || !e->used || e->start != offset) {
		pr_err("memheap: %s: free of %#llx, not a used extent\n",
		       pool->name, offset);
		return;
	}
	prev = ff_of(rb_prev(&e->rb));
	next = ff_of(rb_next(&e->rb));
	if (next && !next->used) {
		u64 len = next->len;

		ff_erase(fp, next);
		e->len += len;
	}
	if (prev && !prev->used) {
		u64 len = e->len;

		ff_erase(fp, e);
		prev->len += len;
		ff_augment_propagate(&prev->rb, NULL);
		return;
	}
	e->used = false;
	ff_augment_propagate(&e->rb, NULL);
}

static u64 ff_largest(struct memheap_pool *pool)
{
	struct ff_pool *fp = pool->priv;

	return ff_subtree_free(fp->root.rb_node);
}

/* Recompute max_free bottom-up and compare; returns the subtree's value. */
static u64 ff_check_node(struct memheap_pool *pool, struct rb_node *rb,
			 unsigned int *errors)
{
	struct ff_extent *e;
	u64 expect;

	if (!rb)
		return 0;
	e = ff_of(rb);
	expect = max3(ff_own_free(e), ff_check_node(pool, rb->rb_left, errors),
		      ff_check_node(pool, rb->rb_right, errors));
	if (e->max_free != expect) {
		pr_err("memheap: %s: extent %#llx: subtree largest free %#llx, should be %#llx\n",
		       pool->name, e->start, e->max_free, expect);
		(*errors)++;
	}
	return expect;
}

static unsigned int ff_check(struct memheap_pool *pool)
{
	struct ff_pool *fp = pool->priv;
	struct ff_extent *e, *prev = NULL;
	unsigned int errors = 0;
	struct rb_node *rb;

	ff_check_node(pool, fp->root.rb_node, &errors);
	for (rb = rb_first(&fp->root); rb; rb = rb_next(rb)) {
		e = ff_of(rb);
		if (prev && prev->start + prev->len != e->start) {
			pr_err("memheap: %s: extent %#llx+%#llx not followed by %#llx\n",
			       pool->name, prev->start, prev->len, e->start);
			errors++;
		}
		if (prev && !prev->used && !e->used) {
			pr_err("memheap: %s: free extents %#llx and %#llx not merged\n",
			       pool->name, prev->start, e->start);
			errors++;
		}
		prev = e;
	}
	return errors;
}

static bool ff_walk(struct memheap_pool *pool, u64 from,
		    memheap_extent_fn fn, void *ctx)
{
	struct ff_pool *fp = pool->priv;
	struct ff_extent *e = ff_lookup(fp, from);
	struct rb_node *rb = e ? &e->rb : NULL;

	for (; rb; rb = rb_next(rb)) {
		struct memheap_extent ext;

		e = ff_of(rb);
		ext.offset = e->start;
		ext.length = e->len;
		ext.used = e->used;
		if (!fn(&ext, ctx))
			return false;
	}
	return true;
}

static int ff_init(struct memheap_pool *pool)
{
	struct ff_pool *fp;
	struct ff_extent *all;

	fp = kzalloc(sizeof(*fp), GFP_KERNEL);
	if (!fp)
		return -ENOMEM;
	fp->root = RB_ROOT;
	fp->spare = NULL;
	all = kmalloc(sizeof(*all), GFP_KERNEL);
	if (!all) {
		kfree(fp);
		return -ENOMEM;
	}
	all->start = 0;
	all->len = pool->size;
	all->used = false;
	ff_insert(fp, all);
	pool->priv = fp;
	return 0;
}

static void ff_destroy(struct memheap_pool *pool)
{
	struct ff_pool *fp = pool->priv;
	struct ff_extent *e, *n;

	rbtree_postorder_for_each_entry_safe(e, n, &fp->root, rb)
		kfree(e);
	kfree(fp->spare);
	kfree(fp);
	pool->priv = NULL;
}

const struct memheap_pool_ops memheap_pool_firstfit_ops = {
	.name = "firstfit",
	.init = ff_init,
	.destroy = ff_destroy,
	.alloc = ff_alloc,
	.free = ff_free,
	.largest = ff_largest,
	.check = ff_check,
	.walk = ff_walk,
};
