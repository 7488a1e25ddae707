// SPDX-License-Identifier: MIT
/*
 * oheap.c - ordered heaps over caller ranges (OneOS heaps, FreeRTOS heap_5).
 * See oheap.h for what they are and how nested ranges work.
 */
#include "rtos/oheap.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Heaps that own nested ranges; rarely more than a handful. */
static pthread_mutex_t nested_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mhl_oheap *nested_head;
static atomic_uint nested_count;

void mhl_rtos_diag(const char *api, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "memheap: %s: %s\n", api, msg);
}

int mhl_oheap_init(struct mhl_oheap *oh, const char *name)
{
	struct mh_heap_config cfg = {
		.name = name,
		.poison = mhl_poison(),
	};

	if (!oh)
		return MHL_EINVAL;
	memset(oh, 0, sizeof(*oh));
	if (pthread_mutex_init(&oh->lock, NULL) != 0)
		return MHL_ENOMEM;
	oh->name = name;
	if (mh_heap_init(&oh->heap, &cfg) != MH_OK) {
		pthread_mutex_destroy(&oh->lock);
		return MHL_EINVAL;
	}
	return MHL_OK;
}

static bool ranges_overlap(uintptr_t a0, uintptr_t a1, uintptr_t b0,
			   uintptr_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Is [start, end) wholly inside one allocated block of an engine heap? */
struct live_block_search {
	uintptr_t start, end;
	int region;		/* region index to look at, or -1 */
	bool found;
};

static bool block_holds(struct live_block_search *s,
			const struct mh_block_info *b)
{
	uintptr_t p = (uintptr_t)b->ptr;

	if (b->used && s->start >= p && s->end <= p + b->size) {
		s->found = true;
		return false;
	}
	return true;
}

static bool engine_walk_cb(const struct mh_block_info *b, void *ctx)
{
	return block_holds(ctx, b);
}

static bool region_walk_cb(const struct mhl_region_info *r,
			   const struct mh_block_info *b, void *ctx)
{
	struct live_block_search *s = ctx;

	if ((int)r->index != s->region || s->found)
		return false;	/* not this region: skip the rest of it */
	return block_holds(s, b);
}

/*
 * The heap (nested oheap, standalone or region) that holds [start, end)
 * inside one of its live blocks.  *within is set to the nested oheap when
 * that is the holder.
 */
static bool range_in_live_block(uintptr_t start, uintptr_t end,
				struct mhl_oheap **within)
{
	struct live_block_search s = { .start = start, .end = end, .region = -1 };
	struct mhl_oheap *nested = mhl_oheap_nested_owner((void *)start);
	struct mhl_owner owner;

	*within = NULL;
	if (nested) {
		mh_walk(&nested->heap, engine_walk_cb, &s);
		if (s.found)
			*within = nested;
		return s.found;
	}
	switch (mhl_owner_of((void *)start, &owner)) {
	case MHL_OWNER_STANDALONE:
		mh_walk(owner.heap, engine_walk_cb, &s);
		break;
	case MHL_OWNER_REGION:
		s.region = owner.region;
		mhl_walk(0, region_walk_cb, &s);
		break;
	default:
		break;
	}
	return s.found;
}

/* Does [start, end) overlap a nested range of a heap other than @skip? */
static bool overlaps_nested(uintptr_t start, uintptr_t end,
			    const struct mhl_oheap *skip)
{
	struct mhl_oheap *h;
	bool hit = false;

	pthread_mutex_lock(&nested_lock);
	for (h = nested_head; h && !hit; h = h->next_nested) {
		if (h == skip)
			continue;
		for (unsigned int i = 0; i < h->nranges; i++) {
			if (h->ranges[i].nested &&
			    ranges_overlap(start, end, h->ranges[i].start,
					   h->ranges[i].end)) {
				hit = true;
				break;
			}
		}
	}
	pthread_mutex_unlock(&nested_lock);
	return hit;
}

static void nested_list_add(struct mhl_oheap *oh)
{
	struct mhl_oheap *h;

	pthread_mutex_lock(&nested_lock);
	for (h = nested_head; h; h = h->next_nested)
		if (h == oh)
			break;
	if (!h) {
		oh->next_nested = nested_head;
		nested_head = oh;
		atomic_fetch_add(&nested_count, 1);
	}
	pthread_mutex_unlock(&nested_lock);
}

static const struct mhl_retire_ops mhl_oheap_retire_ops;

/* Registered ranges again after a failed add dropped them all (rare). */
static void reregister(struct mhl_oheap *oh)
{
	mhl_standalone_unregister(&oh->heap);
	for (unsigned int i = 0; i < oh->nranges; i++) {
		struct mhl_oheap_range *r = &oh->ranges[i];

		if (!r->nested &&
		    (oh->retirable ?
		     mhl_standalone_register_retirable((void *)r->start, r->end - r->start,
						       &oh->heap, oh, &mhl_oheap_retire_ops) :
		     mhl_standalone_register((void *)r->start, r->end - r->start,
					     &oh->heap, oh)) != MHL_OK)
			mhl_rtos_diag(oh->name ? oh->name : "heap",
				      "range %p lost its registration",
				      (void *)r->start);
	}
}

/*
 * mhl_range_reclaim()'s question about a user heap whose memory a new heap
 * or region overlaps: its allocated blocks; when none, or when the new
 * memory covers the heap object (@force), the heap is detached (every later
 * call on it fails) and its ranges go back to the program.
 */
static size_t oheap_live(void *tag, bool force)
{
	struct mhl_oheap *oh = tag;
	size_t live;

	pthread_mutex_lock(&oh->lock);
	live = mh_live_blocks(&oh->heap);
	if (!live || force)
		oh->detached = true;
	pthread_mutex_unlock(&oh->lock);
	return live;
}

static const struct mhl_retire_ops mhl_oheap_retire_ops = {
	.kind = "user heap",
	.tag_size = sizeof(struct mhl_oheap),
	.live = oheap_live,
};

static bool overlaps_own(struct mhl_oheap *oh, uintptr_t s, uintptr_t e)
{
	for (unsigned int i = 0; i < oh->nranges; i++)
		if (ranges_overlap(s, e, oh->ranges[i].start, oh->ranges[i].end))
			return true;
	return false;
}

int mhl_oheap_add(struct mhl_oheap *oh, void *start, size_t size,
		  enum mh_algo algo)
{
	struct mh_region_config rc = { .algo = algo };
	uintptr_t s = (uintptr_t)start, e;
	struct mhl_oheap *within = NULL;
	bool nested = false;
	int rc_core, rc_eng;

	if (!oh || !start || (algo != MH_ALGO_FIRSTFIT && algo != MH_ALGO_BUDDY))
		return MHL_EINVAL;
	if (size == 0)
		return MHL_ENOMEM;
	if (s + size < s)
		return MHL_EINVAL;
	e = s + size;

	/* An earlier heap in this memory with every block free gives it up
	 * (not this heap: its own ranges are refused below). */
	pthread_mutex_lock(&oh->lock);
	bool own = overlaps_own(oh, s, e);

	pthread_mutex_unlock(&oh->lock);
	if (!own && mhl_range_reclaim(start, size, oh->name ? oh->name : "heap"))
		return MHL_EOVERLAP;

	pthread_mutex_lock(&oh->lock);
	if (oh->detached) {
		rc_core = MHL_EINVAL;
		goto out;
	}
	if (oh->nranges == MHL_OHEAP_MAX_RANGES) {
		rc_core = MHL_ENOMEM;
		goto out;
	}
	if (overlaps_own(oh, s, e)) {
		rc_core = MHL_EOVERLAP;
		goto out;
	}

	rc_core = oh->retirable ?
		  mhl_standalone_register_retirable(start, size, &oh->heap, oh,
						    &mhl_oheap_retire_ops) :
		  mhl_standalone_register(start, size, &oh->heap, oh);
	if (rc_core == MHL_EOVERLAP) {
		if (!range_in_live_block(s, e, &within) ||
		    overlaps_nested(s, e, within))
			goto out;
		nested = true;
		rc_core = MHL_OK;
	} else if (rc_core == MHL_OK && overlaps_nested(s, e, NULL)) {
		/* cannot happen: a nested range lies inside a known range */
		reregister(oh);
		rc_core = MHL_EOVERLAP;
		goto out;
	}
	if (rc_core != MHL_OK)
		goto out;

	/*
	 * A buddy range keeps its control data (bitmaps, about 4 bits per
	 * 16-byte unit plus a fixed part of a few KiB) outside it, in process
	 * memory, so a small range is all blocks: see api-oneos.md, "Buddy
	 * overhead".
	 */
	if (algo == MH_ALGO_BUDDY) {
		rc.meta_size = mh_region_meta_size(size, &rc);
		rc.meta = rc.meta_size ? calloc(1, rc.meta_size) : NULL;
		if (!rc.meta) {
			if (!nested)
				reregister(oh);
			rc_core = rc.meta_size ? MHL_ENOMEM : MHL_EINVAL;
			goto out;
		}
	}
	rc_eng = mh_heap_add_region(&oh->heap, start, size, &rc);
	if (rc_eng != MH_OK) {
		free(rc.meta);
		if (!nested)
			reregister(oh);
		rc_core = rc_eng == MH_EOVERLAP ? MHL_EOVERLAP :
			  rc_eng == MH_ENOMEM ? MHL_ENOMEM : MHL_EINVAL;
		goto out;
	}
	oh->ranges[oh->nranges].start = s;
	oh->ranges[oh->nranges].end = e;
	oh->ranges[oh->nranges].nested = nested;
	oh->ranges[oh->nranges].meta = rc.meta;
	oh->nranges++;
	if (nested)
		nested_list_add(oh);
out:
	pthread_mutex_unlock(&oh->lock);
	return rc_core;
}

void mhl_oheap_destroy(struct mhl_oheap *oh)
{
	struct mhl_oheap **link;

	pthread_mutex_lock(&nested_lock);
	for (link = &nested_head; *link; link = &(*link)->next_nested) {
		if (*link == oh) {
			*link = oh->next_nested;
			atomic_fetch_sub(&nested_count, 1);
			break;
		}
	}
	pthread_mutex_unlock(&nested_lock);
	mhl_standalone_unregister(&oh->heap);
	mh_heap_destroy(&oh->heap);
	pthread_mutex_destroy(&oh->lock);
	for (unsigned int i = 0; i < oh->nranges; i++)
		free(oh->ranges[i].meta);
	memset(oh, 0, sizeof(*oh));
}

static bool is_detached(struct mhl_oheap *oh)
{
	bool d;

	pthread_mutex_lock(&oh->lock);
	d = oh->detached;
	pthread_mutex_unlock(&oh->lock);
	return d;
}

void *mhl_oheap_alloc(struct mhl_oheap *oh, size_t size, size_t align,
		      unsigned int flags, const char *api)
{
	void *p = NULL;

	if (align && (align & (align - 1)))
		return NULL;
	if (!is_detached(oh)) {
		if (align > MH_MIN_ALIGN)
			p = mh_aligned_alloc(&oh->heap, align, size);
		else
			p = mh_alloc(&oh->heap, size);
	}
	if (!p) {
		if (!(flags & MHL_ALLOC_NO_HOOK))
			mhl_alloc_failed(size, 0, api);
		return NULL;
	}
	if (flags & MHL_ALLOC_ZERO)
		memset(p, 0, size);
	mhl_track_add(p, size, -1, NULL, 0);
	return p;
}

void *mhl_oheap_calloc(struct mhl_oheap *oh, size_t count, size_t size,
		       const char *api)
{
	if (size && count > SIZE_MAX / size) {
		mhl_alloc_failed(SIZE_MAX, 0, api);
		return NULL;
	}
	return mhl_oheap_alloc(oh, count * size, 0, MHL_ALLOC_ZERO, api);
}

bool mhl_oheap_contains(struct mhl_oheap *oh, const void *ptr)
{
	return mh_heap_contains(&oh->heap, ptr);
}

/* A block this heap handed out and still holds?  Reports when not. */
static bool owns_block(struct mhl_oheap *oh, void *ptr, const char *api)
{
	if (!mh_heap_contains(&oh->heap, ptr)) {
		mhl_rtos_diag(api, "%p is not a block of heap '%s'", ptr,
			      oh->name ? oh->name : "?");
		return false;
	}
	if (mh_usable_size(&oh->heap, ptr) == 0) {
		mhl_rtos_diag(api, "%p: invalid or already freed block of heap '%s'",
			      ptr, oh->name ? oh->name : "?");
		return false;
	}
	return true;
}

void *mhl_oheap_realloc(struct mhl_oheap *oh, void *ptr, size_t size,
			const char *api)
{
	void *p;

	if (!ptr)
		return mhl_oheap_alloc(oh, size, 0, 0, api);
	if (size == 0) {
		mhl_oheap_free(oh, ptr, api);
		return NULL;
	}
	if (is_detached(oh)) {
		mhl_rtos_diag(api, "heap '%s' was released with the block holding it",
			      oh->name ? oh->name : "?");
		return NULL;
	}
	if (!owns_block(oh, ptr, api))
		return NULL;
	p = mh_realloc(&oh->heap, ptr, size);
	if (!p) {
		mhl_alloc_failed(size, 0, api);
		return NULL;
	}
	if (p != ptr)
		mhl_track_remove(ptr);
	mhl_track_add(p, size, -1, NULL, 0);
	return p;
}

int mhl_oheap_free(struct mhl_oheap *oh, void *ptr, const char *api)
{
	size_t usable;
	int rc;

	if (!ptr)
		return MHL_OK;
	if (is_detached(oh)) {
		mhl_rtos_diag(api, "heap '%s' was released with the block holding it",
			      oh->name ? oh->name : "?");
		return MHL_EINVAL;
	}
	if (!mh_heap_contains(&oh->heap, ptr)) {
		mhl_rtos_diag(api, "%p is not a block of heap '%s'", ptr,
			      oh->name ? oh->name : "?");
		return MHL_EFOREIGN;
	}
	usable = atomic_load(&nested_count) ? mh_usable_size(&oh->heap, ptr) : 0;
	rc = mh_free(&oh->heap, ptr);
	if (rc != MH_OK) {
		mhl_rtos_diag(api, "%p: %s (heap '%s'); nothing freed", ptr,
			      mh_strerror(rc), oh->name ? oh->name : "?");
		return rc;
	}
	mhl_track_remove(ptr);
	if (usable)
		mhl_oheap_release_nested(ptr, usable);
	return MHL_OK;
}

struct smallest_ctx {
	size_t smallest;
};

static bool smallest_cb(const struct mh_block_info *b, void *ctx)
{
	struct smallest_ctx *s = ctx;

	if (!b->used && (s->smallest == 0 || b->size < s->smallest))
		s->smallest = b->size;
	return true;
}

void mhl_oheap_stats(struct mhl_oheap *oh, struct mhl_stats *st)
{
	struct smallest_ctx sc = { 0 };
	struct mh_stats ms;

	mh_get_stats(&oh->heap, &ms);
	mh_walk(&oh->heap, smallest_cb, &sc);
	memset(st, 0, sizeof(*st));
	st->total = ms.total_bytes;
	st->free = ms.free_bytes;
	st->allocated = ms.allocated_bytes;
	st->largest_free = ms.largest_free;
	st->min_free = ms.min_free_ever;
	st->peak_allocated = ms.peak_allocated;
	st->allocated_blocks = ms.allocated_blocks;
	st->free_blocks = ms.free_blocks;
	st->total_blocks = ms.total_blocks;
	st->smallest_free = sc.smallest;
	st->alloc_count = ms.alloc_count;
	st->free_count = ms.free_count;
	st->failed_count = ms.failed_count;
	st->error_count = ms.error_count;
	st->regions = (unsigned int)ms.regions;
}

void mhl_oheap_reset_min_free(struct mhl_oheap *oh)
{
	mh_reset_min_free(&oh->heap);
}

int mhl_oheap_check(struct mhl_oheap *oh, bool print)
{
	int rc = mh_check(&oh->heap);

	if (rc != MH_OK && print)
		mhl_rtos_diag("check", "heap '%s': %s", oh->name ? oh->name : "?",
			      mh_strerror(rc));
	return rc;
}

bool mhl_oheap_any_nested(void)
{
	return atomic_load_explicit(&nested_count, memory_order_acquire) != 0;
}

struct mhl_oheap *mhl_oheap_nested_owner(const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;
	struct mhl_oheap *h, *found = NULL;

	if (!atomic_load_explicit(&nested_count, memory_order_acquire))
		return NULL;
	pthread_mutex_lock(&nested_lock);
	for (h = nested_head; h && !found; h = h->next_nested) {
		for (unsigned int i = 0; i < h->nranges; i++) {
			const struct mhl_oheap_range *r = &h->ranges[i];

			if (r->nested && p > r->start && p < r->end) {
				found = h;
				break;
			}
		}
	}
	pthread_mutex_unlock(&nested_lock);
	return found;
}

void mhl_oheap_release_nested(const void *ptr, size_t size)
{
	uintptr_t s = (uintptr_t)ptr, e = s + size;
	struct mhl_oheap **link, *h, *gone = NULL;

	if (!atomic_load_explicit(&nested_count, memory_order_acquire))
		return;
	/* Unlink under nested_lock; mark outside it (add takes oh->lock first). */
	pthread_mutex_lock(&nested_lock);
	link = &nested_head;
	while ((h = *link) != NULL) {
		bool inside = false;

		for (unsigned int i = 0; i < h->nranges; i++) {
			const struct mhl_oheap_range *r = &h->ranges[i];

			if (r->nested && r->start >= s && r->end <= e)
				inside = true;
		}
		if (!inside) {
			link = &h->next_nested;
			continue;
		}
		*link = h->next_nested;
		h->next_nested = gone;
		gone = h;
		atomic_fetch_sub(&nested_count, 1);
	}
	pthread_mutex_unlock(&nested_lock);

	while ((h = gone) != NULL) {
		gone = h->next_nested;
		pthread_mutex_lock(&h->lock);
		h->next_nested = NULL;
		h->detached = true;
		pthread_mutex_unlock(&h->lock);
		mhl_standalone_unregister(&h->heap);
	}
}
