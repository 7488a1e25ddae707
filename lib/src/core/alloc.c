/* SPDX-License-Identifier: MIT */
/*
 * alloc.c - capability-routed allocation, and free / realloc / usable size
 * of any pointer, whichever family or heap it came from.
 *
 * Routing: regions in priority order, the first whose caps include the
 * request's.  Ownership: the range table (registry.c), scanned without
 * locks.  Small blocks of engine regions come from the thread caches
 * (tcache.c) inline; everything else goes through the owning region's
 * operations (engine_region.c, kernel.c) or, for a standalone heap's
 * block, the heap itself.  The memheap extensions (device address, sync,
 * export) go to the owning region's operations too.
 */
#include <string.h>

#include "core/internal.h"

static __attribute__((noinline)) void *mhl_region_slow(struct mhl_region *r, size_t size,
							size_t align, unsigned int flags)
{
	void *p = r->ops->alloc(r, size, align, flags);

	if (p && (flags & MHL_ALLOC_ZERO))
		memset(p, 0, size);
	return p;
}

/* The thread's cache first (inlined: the path most allocations take), then the region. */
static inline __attribute__((always_inline)) void *
mhl_region_try(struct mhl_region *r, size_t size, size_t align, unsigned int flags)
{
	void *p = r->cmap && align <= MH_MIN_ALIGN ? mhl_tcache_alloc(r, size) : NULL;

	if (!p)
		return mhl_region_slow(r, size, align, flags);
	if (flags & MHL_ALLOC_ZERO)
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

/*
 * A layout without a 'default' region is valid (a program may only ask by
 * capability), but then every request that names no capability fails:
 * say so once per process, with what to change.
 */
static __attribute__((noinline, cold)) void mhl_no_default_note(unsigned int n)
{
	static atomic_bool said;

	for (unsigned int i = 0; i < n; i++)
		if (mhl_regions[i].info.caps & MEMHEAP_CAP_DEFAULT)
			return;
	if (atomic_exchange(&said, true))
		return;
	mhl_say("no region has the 'default' capability: os_malloc, malloc, pvPortMalloc "
		"and every request naming no capability fail (give a region the "
		"'default' option, e.g. MEMHEAP_REGIONS=sram:512K:internal:default)");
}

void *mhl_alloc_last(size_t size, size_t align, uint32_t caps, const char *file, int line)
{
	int region = -1;
	void *p;

	mhl_init();
	if (!mhl_align_ok(align))
		return NULL;
	p = mhl_kernel_last(size, align, caps, &region);
	if (p)
		mhl_track_new(p, size, region, file, line);
	return p;
}

static void *mhl_route(size_t size, size_t align, uint32_t caps, unsigned int flags,
		       const char *api, const char *file, int line)
{
	bool matched = false;
	unsigned int n;
	void *p;

	mhl_init();
	if (!mhl_align_ok(align))
		goto report;
	n = atomic_load_explicit(&mhl_nregions, memory_order_acquire);
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];

		if (!mhl_caps_match(r->info.caps, caps))
			continue;
		matched = true;
		p = mhl_region_try(r, size, align, flags);
		if (p) {
			mhl_track_new(p, size, (int)i, file, line);
			return p;
		}
	}
	if (!matched && n && (caps & MEMHEAP_CAP_DEFAULT))
		mhl_no_default_note(n);
	if (flags & MHL_ALLOC_NO_HOOK)
		return NULL;	/* the caller reports the call (mhl_alloc_last) */
	/* a kernel buffer reads as zero: MHL_ALLOC_ZERO holds */
	p = mhl_alloc_last(size, align, caps, file, line);
	if (p)
		return p;
report:
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

/* The region owning range @r, or NULL for a standalone heap's range. */
static inline struct mhl_region *mhl_range_region(const struct mhl_range *r)
{
	return r->region >= 0 ? &mhl_regions[r->region] : NULL;
}

/* Free through the owner; reports misuse.  @r: the owning range. */
static int mhl_free_owned(const struct mhl_range *r, void *ptr, const char *api,
			  const char *file, int line)
{
	struct mhl_region *reg = mhl_range_region(r);
	int rc = reg && reg->cmap ? mhl_tcache_free(reg, ptr) : 0;

	/* 1: in the thread's cache (the path most frees take); else the owner */
	if (rc > 0)
		rc = 0;
	else if (!rc)
		rc = reg ? reg->ops->free(reg, ptr, api) : mhl_standalone_free(r->heap, ptr);
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

/* true (and counted as misuse) if @ptr is a freed block waiting in a cache. */
static bool mhl_cached_misuse(const struct mhl_range *r, const void *ptr)
{
	struct mhl_region *reg = mhl_range_region(r);

	if (!reg || !reg->cmap || !mhl_tcache_is_cached(reg, ptr))
		return false;
	atomic_fetch_add_explicit(&reg->tc_errors, 1, memory_order_relaxed);
	return true;
}

static size_t mhl_usable_owned(const struct mhl_range *r, const void *ptr)
{
	struct mhl_region *reg = mhl_range_region(r);

	return reg ? reg->ops->usable(reg, ptr) : mhl_standalone_usable(r->heap, ptr);
}

size_t mhl_usable_size(const void *ptr)
{
	const struct mhl_range *r;

	if (!ptr)
		return 0;
	mhl_init();
	r = mhl_range_find((uintptr_t)ptr);
	if (!r || mhl_cached_misuse(r, ptr))
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
	if (mhl_cached_misuse(r, ptr)) {
		mhl_report(MHL_EDOUBLEFREE, api, ptr, NULL, 0);
		return NULL;
	}
	old = mhl_usable_owned(r, ptr);
	if (!old) {
		/* not a live block of its owner: freed, interior, damaged */
		mhl_report(mhl_pending_code(MHL_EFOREIGN), api, ptr, NULL, 0);
		return NULL;
	}
	struct mhl_region *reg = mhl_range_region(r);

	if (!reg) {
		/* standalone heap: the block stays in its heap */
		p = mhl_standalone_realloc(r->heap, ptr, size);
	} else {
		uint32_t want = caps ? caps : reg->info.caps;

		if (mhl_caps_match(reg->info.caps, want)) {
			p = reg->ops->realloc(reg, ptr, size);
			if (p && p != ptr) {
				if (atomic_load_explicit(&mhl_track_live, memory_order_relaxed))
					mhl_track_remove(ptr);
				mhl_track_new(p, size, r->region, NULL, 0);
			}
		}
		if (!p)
			p = mhl_move(r, ptr, old, size, want, api);
		if (!p && !(flags & MHL_ALLOC_NO_HOOK)) {
			/* the call's last try (reported by the kernel if it fails) */
			p = mhl_alloc_last(size, 0, want, NULL, 0);
			if (p) {
				memcpy(p, ptr, old < size ? old : size);
				mhl_free_owned(r, ptr, api, NULL, 0);
			}
		}
	}
	mhl_pending_clear();
	if (!p && !(flags & MHL_ALLOC_NO_HOOK))
		mhl_run_failed_listeners(size, caps, api);
	return p;
}

/* The region owning @ptr (MHL_EFOREIGN: nobody; MHL_ENOTSUP: a standalone heap). */
static struct mhl_region *mhl_ptr_region(const void *ptr, int *rc)
{
	const struct mhl_range *rg;
	struct mhl_region *r;

	mhl_init();
	rg = ptr ? mhl_range_find((uintptr_t)ptr) : NULL;
	r = rg ? mhl_range_region(rg) : NULL;
	if (!r)
		*rc = rg ? MHL_ENOTSUP : MHL_EFOREIGN;
	return r;
}

int mhl_dev_addr(const void *ptr, uint64_t *out)
{
	int rc = 0;
	struct mhl_region *r = mhl_ptr_region(ptr, &rc);

	if (!out)
		return MHL_EINVAL;
	if (!r)
		return rc;
	if (!r->ops->dev_addr || !(r->info.caps & MEMHEAP_CAP_DMA))
		return MHL_ENOTSUP;
	return r->ops->dev_addr(r, ptr, out);
}

/* Memory that is not a kernel buffer is ordinary coherent RAM: nothing to do. */
int mhl_sync(const void *ptr, size_t len, bool for_device)
{
	int rc = 0;
	struct mhl_region *r = mhl_ptr_region(ptr, &rc);

	if (!r)
		return rc == MHL_ENOTSUP ? MHL_OK : rc;
	return r->ops->sync ? r->ops->sync(r, ptr, len, for_device) : MHL_OK;
}

int mhl_export_dmabuf(const void *ptr, int flags)
{
	int rc = 0;
	struct mhl_region *r = mhl_ptr_region(ptr, &rc);

	if (!r)
		return rc;
	return r->ops->export_dmabuf ? r->ops->export_dmabuf(r, ptr, flags) : MHL_ENOTSUP;
}
