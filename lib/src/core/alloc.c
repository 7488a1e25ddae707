/* SPDX-License-Identifier: MIT */
/*
 * alloc.c - capability-routed allocation, and free / realloc / usable size
 * of any pointer, whichever family or heap it came from.
 *
 * Routing: regions in priority order, the first whose caps include the
 * request's.  Ownership: the range table (registry.c), scanned without
 * locks.  The only locks taken are the engine heap's own.
 */
#include <string.h>

#include "core/internal.h"

static void *mhl_engine_alloc(struct mhl_region *r, size_t size, size_t align)
{
	if (align <= MH_MIN_ALIGN)
		return mh_alloc(&r->heap, size);
	return mh_aligned_alloc(&r->heap, align, size);
}

static void *mhl_region_try(struct mhl_region *r, size_t size, size_t align,
			    unsigned int flags)
{
	void *p = r->k ? mhl_kernel_alloc(r, size, align, flags) : mhl_engine_alloc(r, size, align);

	if (p && (flags & MHL_ALLOC_ZERO))
		memset(p, 0, size);
	return p;
}

static bool mhl_align_ok(size_t align)
{
	return align == 0 || (align & (align - 1)) == 0;
}

static void mhl_track_new(const void *p, size_t size, int region, const char *file, int line)
{
	if (file || atomic_load_explicit(&mhl_track_on, memory_order_relaxed))
		mhl_track_add(p, size, region, file, line);
}

static void *mhl_route(size_t size, size_t align, uint32_t caps, unsigned int flags,
		       const char *api, const char *file, int line)
{
	unsigned int n;

	mhl_init();
	if (!mhl_align_ok(align))
		goto fail;
	n = atomic_load_explicit(&mhl_nregions, memory_order_acquire);
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];

		if ((r->info.caps & caps) != caps)
			continue;
		void *p = mhl_region_try(r, size, align, flags);

		if (p) {
			mhl_track_new(p, size, (int)i, file, line);
			return p;
		}
	}
fail:
	if (!(flags & MHL_ALLOC_NO_HOOK))
		mhl_run_failed_listeners(size, caps, api);
	return NULL;
}

void *mhl_alloc(size_t size, size_t align, uint32_t caps, unsigned int flags,
		const char *api)
{
	return mhl_route(size, align, caps, flags, api, NULL, 0);
}

void *mhl_alloc_at(size_t size, size_t align, uint32_t caps, unsigned int flags,
		   const char *api, const char *file, int line)
{
	return mhl_route(size, align, caps, flags, api, file, line);
}

void *mhl_region_alloc(unsigned int index, size_t size, size_t align,
		       unsigned int flags)
{
	mhl_init();
	if (index >= atomic_load_explicit(&mhl_nregions, memory_order_acquire) ||
	    !mhl_align_ok(align))
		return NULL;
	void *p = mhl_region_try(&mhl_regions[index], size, align, flags);

	if (p)
		mhl_track_new(p, size, (int)index, NULL, 0);
	return p;
}

void *mhl_calloc(size_t count, size_t size, size_t align, uint32_t caps,
		 unsigned int flags, const char *api)
{
	if (size && count > SIZE_MAX / size) {
		mhl_init();
		if (!(flags & MHL_ALLOC_NO_HOOK))
			mhl_run_failed_listeners(SIZE_MAX, caps, api);
		return NULL;
	}
	return mhl_route(count * size, align, caps, flags | MHL_ALLOC_ZERO, api, NULL, 0);
}

/* Free through the owner; reports misuse.  @r: the owning range. */
static int mhl_free_owned(const struct mhl_range *r, void *ptr, const char *api,
			  const char *file, int line)
{
	int rc;

	mhl_pending_clear();
	if (r->region >= 0 && mhl_regions[r->region].k)
		rc = mhl_kernel_free(&mhl_regions[r->region], ptr, api);
	else
		rc = mh_free(r->heap, ptr);
	if (rc) {
		mhl_report(rc, api, ptr, file, line);
		return rc;
	}
	if (atomic_load_explicit(&mhl_track_live, memory_order_relaxed))
		mhl_track_remove(ptr);
	return 0;
}

int mhl_free_at(void *ptr, const char *api, const char *file, int line)
{
	const struct mhl_range *r;

	if (!ptr)
		return 0;
	mhl_init();
	r = mhl_range_find((uintptr_t)ptr);
	if (!r) {
		mhl_pending_clear();
		mhl_report(MHL_EFOREIGN, api, ptr, file, line);
		return MHL_EFOREIGN;
	}
	return mhl_free_owned(r, ptr, api, file, line);
}

int mhl_free(void *ptr, const char *api)
{
	return mhl_free_at(ptr, api, NULL, 0);
}

static size_t mhl_usable_owned(const struct mhl_range *r, const void *ptr)
{
	if (r->region >= 0 && mhl_regions[r->region].k)
		return mhl_kernel_usable(&mhl_regions[r->region], ptr);
	return mh_usable_size(r->heap, ptr);
}

size_t mhl_usable_size(const void *ptr)
{
	const struct mhl_range *r;

	if (!ptr)
		return 0;
	mhl_init();
	r = mhl_range_find((uintptr_t)ptr);
	if (!r)
		return 0;
	mhl_pending_clear();
	size_t n = mhl_usable_owned(r, ptr);

	mhl_pending_clear();
	return n;
}

/* Move @ptr (usable @old bytes) into a new block from regions with @caps. */
static void *mhl_move(const struct mhl_range *r, void *ptr, size_t old, size_t size,
		      uint32_t caps, const char *api)
{
	void *p = mhl_route(size, 0, caps, MHL_ALLOC_NO_HOOK, api, NULL, 0);

	if (!p)
		return NULL;
	memcpy(p, ptr, old < size ? old : size);
	mhl_free_owned(r, ptr, api, NULL, 0);
	return p;
}

void *mhl_realloc(void *ptr, size_t size, uint32_t caps, unsigned int flags,
		  const char *api)
{
	const struct mhl_range *r;
	void *p = NULL;
	size_t old;

	if (!ptr)
		return mhl_route(size, 0, caps, flags, api, NULL, 0);
	mhl_init();
	r = mhl_range_find((uintptr_t)ptr);
	if (!r) {
		mhl_pending_clear();
		mhl_report(MHL_EFOREIGN, api, ptr, NULL, 0);
		return NULL;
	}
	if (!size) {
		mhl_free_owned(r, ptr, api, NULL, 0);
		return NULL;
	}
	mhl_pending_clear();
	old = mhl_usable_owned(r, ptr);
	if (!old) {
		/* not a live block of its owner: freed, interior, damaged */
		mhl_report(mhl_pending_code(MHL_EFOREIGN), api, ptr, NULL, 0);
		return NULL;
	}
	if (r->region < 0) {
		/* standalone heap: the block stays in its heap */
		p = mh_realloc(r->heap, ptr, size);
	} else {
		struct mhl_region *reg = &mhl_regions[r->region];
		uint32_t want = caps ? caps : reg->info.caps;

		if ((reg->info.caps & want) == want) {
			p = reg->k ? mhl_kernel_realloc(reg, ptr, size)
				   : mh_realloc(&reg->heap, ptr, size);
			if (p && p != ptr) {
				if (atomic_load_explicit(&mhl_track_live, memory_order_relaxed))
					mhl_track_remove(ptr);
				mhl_track_new(p, size, r->region, NULL, 0);
			}
		}
		if (!p)
			p = mhl_move(r, ptr, old, size, want, api);
	}
	mhl_pending_clear();
	if (!p && !(flags & MHL_ALLOC_NO_HOOK))
		mhl_run_failed_listeners(size, caps, api);
	return p;
}
