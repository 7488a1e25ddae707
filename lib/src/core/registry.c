/* SPDX-License-Identifier: MIT */
/*
 * registry.c - the region registry and the address-range table.
 *
 * Both are append-only arrays: an entry is filled completely, then the
 * count is published with a release store, so readers (every free) scan
 * them without a lock.  Writers serialise on mhl_registry_lock, which also
 * makes "check overlap, then add" atomic.  Unregistered ranges stay in the
 * table as dead entries; slots are not reused, so a reader never sees an
 * entry change under it.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

struct mhl_region mhl_regions[MHL_MAX_REGIONS];
atomic_uint mhl_nregions;

static struct mhl_range mhl_ranges[MHL_MAX_RANGES];
static atomic_uint mhl_nranges;
pthread_mutex_t mhl_registry_lock = PTHREAD_MUTEX_INITIALIZER;

static bool mhl_overlaps_locked(uintptr_t start, uintptr_t end)
{
	unsigned int n = atomic_load_explicit(&mhl_nranges, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++) {
		const struct mhl_range *r = &mhl_ranges[i];

		if (atomic_load_explicit(&r->live, memory_order_relaxed) &&
		    start < r->end && r->start < end)
			return true;
	}
	return false;
}

static int mhl_range_add_locked(uintptr_t start, uintptr_t end, int region,
				struct mh_heap *heap, void *tag,
				const struct mhl_retire_ops *retire)
{
	unsigned int n = atomic_load_explicit(&mhl_nranges, memory_order_relaxed);

	if (!start || end <= start)
		return MHL_EINVAL;
	if (mhl_overlaps_locked(start, end))
		return MHL_EOVERLAP;
	if (n == MHL_MAX_RANGES)
		return MHL_ENOMEM;
	mhl_ranges[n].start = start;
	mhl_ranges[n].end = end;
	mhl_ranges[n].region = region;
	mhl_ranges[n].heap = heap;
	mhl_ranges[n].tag = tag;
	mhl_ranges[n].retire = retire;
	atomic_store_explicit(&mhl_ranges[n].live, 1, memory_order_relaxed);
	atomic_store_explicit(&mhl_nranges, n + 1, memory_order_release);
	return 0;
}

int mhl_range_add(uintptr_t start, uintptr_t end, int region,
		  struct mh_heap *heap, void *tag)
{
	pthread_mutex_lock(&mhl_registry_lock);
	int rc = mhl_range_add_locked(start, end, region, heap, tag, NULL);

	pthread_mutex_unlock(&mhl_registry_lock);
	return rc;
}

const struct mhl_range *mhl_range_find(uintptr_t addr)
{
	unsigned int n = atomic_load_explicit(&mhl_nranges, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++) {
		const struct mhl_range *r = &mhl_ranges[i];

		if (addr >= r->start && addr < r->end &&
		    atomic_load_explicit(&r->live, memory_order_acquire))
			return r;
	}
	return NULL;
}

bool mhl_reg_overlaps(const void *start, size_t size)
{
	uintptr_t s = (uintptr_t)start;

	if (!size || s + size < s)
		return size != 0;
	pthread_mutex_lock(&mhl_registry_lock);
	bool hit = mhl_overlaps_locked(s, s + size);

	pthread_mutex_unlock(&mhl_registry_lock);
	return hit;
}

/*
 * One engine arena is at most 2^31 - 1 chunks (first-fit: 16 GiB - 8 bytes);
 * a larger region (up to the grammar's 1 TiB) is run as several arenas of
 * equal size, at most MHL_SLICE bytes each, in one heap: every byte is
 * served, a single block is at most one arena.
 */
int mhl_heap_add_sliced(struct mh_heap *heap, void *base, size_t size,
			const struct mh_region_config *rc_cfg)
{
	size_t n = (size + MHL_SLICE - 1) / MHL_SLICE;
	size_t each = ((size + n - 1) / n + 4095) & ~(size_t)4095;
	char *p = base;

	while (size) {
		size_t part = size < each ? size : each;
		int rc = mh_heap_add_region(heap, p, part, rc_cfg);

		if (rc)
			return rc;
		p += part;
		size -= part;
	}
	return 0;
}

int mhl_region_new(const char *name, uint32_t caps, enum mh_algo algo,
		   enum mhl_region_origin origin, void *base, size_t size,
		   const struct mhl_region_ops *ops, struct mhl_kregion *k)
{
	uintptr_t start = (uintptr_t)base;
	int rc;

	if (!base || !size || start + size < start || !caps ||
	    (caps & ~MEMHEAP_CAPS_ALL) ||
	    (algo != MH_ALGO_FIRSTFIT && algo != MH_ALGO_BUDDY))
		return MHL_EINVAL;
	if (name && strlen(name) >= MEMHEAP_NAME_LEN)
		return MHL_EINVAL;

	pthread_mutex_lock(&mhl_registry_lock);
	unsigned int idx = atomic_load_explicit(&mhl_nregions, memory_order_relaxed);
	struct mhl_region *r = &mhl_regions[idx];

	rc = MHL_ENOMEM;
	if (idx == MHL_MAX_REGIONS)
		goto out;
	rc = MHL_EOVERLAP;
	if (mhl_overlaps_locked(start, start + size))
		goto out;

	memset(&r->info, 0, sizeof(r->info));
	if (name)
		strcpy(r->info.name, name);
	else
		snprintf(r->info.name, sizeof(r->info.name), "added%u", idx);
	r->info.index = idx;
	r->info.caps = caps;
	r->info.algo = algo;
	r->info.origin = origin;
	r->info.start = start;
	r->info.end = start + size;
	r->ops = ops;
	r->k = k;
	r->min_floor = SIZE_MAX;
	r->peak_floor = 0;
	r->cmap = NULL;
	rc = ops->init ? ops->init(r, base, size) : 0;
	if (rc)
		goto out;
	rc = mhl_range_add_locked(start, start + size, (int)idx,
				  ops->engine_heap ? &r->heap : NULL, NULL, NULL);
	if (rc) {
		if (ops->fini)
			ops->fini(r, size);
		goto out;
	}
	atomic_store_explicit(&mhl_nregions, idx + 1, memory_order_release);
	rc = (int)idx;
out:
	pthread_mutex_unlock(&mhl_registry_lock);
	return rc;
}

int mhl_reg_standalone_add(void *start, size_t size, struct mh_heap *heap, void *tag,
			   const struct mhl_retire_ops *ops)
{
	uintptr_t s = (uintptr_t)start;
	int rc;

	if (!start || !size || !heap || s + size < s || (ops && !ops->live))
		return MHL_EINVAL;
	pthread_mutex_lock(&mhl_registry_lock);
	rc = mhl_range_add_locked(s, s + size, -1, heap, tag, ops);
	pthread_mutex_unlock(&mhl_registry_lock);
	return rc;
}

/* The first live retirable standalone range overlapping [s, e), copied. */
static bool retirable_overlap(uintptr_t s, uintptr_t e, struct mhl_range *out)
{
	unsigned int n;
	bool hit = false;

	pthread_mutex_lock(&mhl_registry_lock);
	n = atomic_load_explicit(&mhl_nranges, memory_order_relaxed);
	for (unsigned int i = 0; i < n && !hit; i++) {
		const struct mhl_range *r = &mhl_ranges[i];

		if (r->region < 0 && r->retire && s < r->end && r->start < e &&
		    atomic_load_explicit(&r->live, memory_order_relaxed)) {
			out->start = r->start;
			out->end = r->end;
			out->heap = r->heap;
			out->tag = r->tag;
			out->retire = r->retire;
			hit = true;
		}
	}
	pthread_mutex_unlock(&mhl_registry_lock);
	return hit;
}

int mhl_reg_reclaim(const void *start, size_t size, const char *api)
{
	uintptr_t s = (uintptr_t)start, e = s + size;
	struct mhl_range old;
	size_t live;

	if (!start || !size || e < s)
		return MHL_EINVAL;
	/* each pass retires one heap for good: at most one pass per range */
	for (unsigned int pass = 0; pass < MHL_MAX_RANGES; pass++) {
		if (!retirable_overlap(s, e, &old))
			return MHL_OK;
		uintptr_t tag = (uintptr_t)old.tag;
		bool covered = s <= tag && tag + old.retire->tag_size <= e;

		live = old.retire->live(old.tag, covered);
		if (live && covered)
			fprintf(stderr, "%s: [%p, %p) overwrites the control data of %s %p "
				"[%p, %p), which had %zu allocated block%s: retired\n",
				api ? api : "memheap", (void *)s, (void *)e,
				old.retire->kind, old.tag, (void *)old.start,
				(void *)old.end, live, live == 1 ? "" : "s");
		else if (live) {
			fprintf(stderr, "%s: [%p, %p) overlaps %s %p [%p, %p), "
				"which still has %zu allocated block%s: refused\n",
				api ? api : "memheap", (void *)s, (void *)e,
				old.retire->kind, old.tag, (void *)old.start,
				(void *)old.end, live, live == 1 ? "" : "s");
			return MHL_EOVERLAP;
		}
		mhl_reg_unregister(old.heap);
	}
	return MHL_EOVERLAP;
}

int mhl_reg_unregister(struct mh_heap *heap)
{
	int found = 0;

	if (!heap)
		return MHL_EINVAL;
	pthread_mutex_lock(&mhl_registry_lock);
	unsigned int n = atomic_load_explicit(&mhl_nranges, memory_order_relaxed);

	for (unsigned int i = 0; i < n; i++) {
		struct mhl_range *r = &mhl_ranges[i];

		if (r->region < 0 && r->heap == heap &&
		    atomic_load_explicit(&r->live, memory_order_relaxed)) {
			atomic_store_explicit(&r->live, 0, memory_order_release);
			found++;
		}
	}
	pthread_mutex_unlock(&mhl_registry_lock);
	return found ? 0 : MHL_EFOREIGN;
}

int mhl_standalone_check_all(bool print)
{
	unsigned int n = atomic_load_explicit(&mhl_nranges, memory_order_acquire);
	int first = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct mhl_range *r = &mhl_ranges[i];
		bool seen = false;

		if (r->region >= 0 || !atomic_load_explicit(&r->live, memory_order_acquire))
			continue;
		/* a heap with several ranges is checked once */
		for (unsigned int j = 0; j < i && !seen; j++)
			seen = mhl_ranges[j].heap == r->heap && mhl_ranges[j].region < 0 &&
			       atomic_load_explicit(&mhl_ranges[j].live, memory_order_acquire);
		if (seen)
			continue;
		mhl_check_print_mode(print);
		int rc = mh_check(r->heap);

		mhl_check_print_mode(false);
		mhl_pending_clear();
		if (rc && !first)
			first = rc;
	}
	return first;
}
