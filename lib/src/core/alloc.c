/* SPDX-License-Identifier: MIT */
/*
 * alloc.c - capability-routed allocation, and free / realloc / usable size
 * of any pointer, whichever family or heap it came from.
 *
 * Routing: regions in priority order, the first whose caps include the
 * request's.  Ownership: the range table (registry.c), scanned without
 * locks.  Small blocks of engine regions go through the thread caches
 * (tcache.c); everything else takes the region's engine lock, and every
 * engine change of a cached region is accounted there (exact peaks).
 */
#include <string.h>

#include "core/internal.h"

/*
 * Engine calls on region @r: under its lock and, for a cached region, inside
 * this thread's cache (tcache.c) so the bytes users hold are counted with
 * the engine's change, never apart from it.
 */
static struct mhl_tcache *mhl_engine_enter(struct mhl_region *r)
{
	struct mhl_tcache *tc = r->cmap ? mhl_tcache_enter() : NULL;

	pthread_mutex_lock(&r->lock);
	return tc;
}

static void mhl_engine_leave(struct mhl_region *r, struct mhl_tcache *tc, size_t before)
{
	int64_t delta = (int64_t)(r->heap.allocated_bytes - before);

	pthread_mutex_unlock(&r->lock);
	if (r->cmap)
		mhl_tcache_leave(r, tc, delta);
}

static void *mhl_engine_try(struct mhl_region *r, size_t size, size_t align)
{
	struct mhl_tcache *tc = mhl_engine_enter(r);
	size_t before = r->heap.allocated_bytes;
	void *p = align <= MH_MIN_ALIGN ? mh_alloc(&r->heap, size)
					: mh_aligned_alloc(&r->heap, align, size);

	if (p && r->cmap && align <= MH_MIN_ALIGN)
		mhl_cmap_set(r, p, r->heap.allocated_bytes - before);
	mhl_engine_leave(r, tc, before);
	return p;
}

/* Engine region, the thread's cache already tried (mhl_region_try). */
static void *mhl_engine_alloc(struct mhl_region *r, size_t size, size_t align)
{
	void *p;

	if (r->cmap && (align > MH_MIN_ALIGN || size + r->hdr > MHL_TC_MAX_CHARGE)) {
		/*
		 * A large or aligned block is placed as the engine alone would
		 * place it for this thread: its cached blocks go back first.
		 */
		mhl_tcache_flush_own(r);
	}
	p = mhl_engine_try(r, size, align);
	if (!p && r->cmap && mhl_tcache_flush(r)) {
		/* refused while caches held free blocks: only the retry may count */
		pthread_mutex_lock(&r->lock);
		r->heap.failed_count--;
		pthread_mutex_unlock(&r->lock);
		p = mhl_engine_try(r, size, align);
	}
	return p;
}

/* Free in engine region @r: into this thread's cache, or the engine. */
static int mhl_engine_free(struct mhl_region *r, void *ptr)
{
	struct mhl_tcache *tc;
	size_t before;
	int rc;

	if (r->cmap) {
		rc = mhl_tcache_free(r, ptr);
		if (rc)
			return rc < 0 ? rc : 0;
		if (mhl_cmap_get(r, ptr))
			mhl_cmap_clear(r, ptr);
	}
	mhl_pending_clear();
	tc = mhl_engine_enter(r);
	before = r->heap.allocated_bytes;
	rc = mh_free(&r->heap, ptr);
	mhl_engine_leave(r, tc, before);
	return rc;
}

/* Resize in engine region @r; a resized block is no longer cached. */
static void *mhl_engine_realloc(struct mhl_region *r, void *ptr, size_t size)
{
	struct mhl_tcache *tc;
	size_t before;
	void *p;

	if (mhl_cmap_get(r, ptr))
		mhl_cmap_clear(r, ptr);
	tc = mhl_engine_enter(r);
	before = r->heap.allocated_bytes;
	p = mh_realloc(&r->heap, ptr, size);
	mhl_engine_leave(r, tc, before);
	return p;
}

static __attribute__((noinline)) void *mhl_region_slow(struct mhl_region *r, size_t size,
							size_t align, unsigned int flags)
{
	void *p = r->k ? mhl_kernel_alloc(r, size, align, flags) : mhl_engine_alloc(r, size, align);

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

		if ((r->info.caps & caps) != caps)
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

/* Free through the owner; reports misuse.  @r: the owning range. */
static int mhl_free_owned(const struct mhl_range *r, void *ptr, const char *api,
			  const char *file, int line)
{
	int rc;

	if (r->region >= 0 && mhl_regions[r->region].k) {
		mhl_pending_clear();
		rc = mhl_kernel_free(&mhl_regions[r->region], ptr, api);
	} else if (r->region >= 0) {
		rc = mhl_engine_free(&mhl_regions[r->region], ptr);
	} else {
		mhl_pending_clear();
		rc = mh_free(r->heap, ptr);
	}
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
	struct mhl_region *reg;

	if (r->region < 0)
		return false;
	reg = &mhl_regions[r->region];
	if (!reg->cmap || !mhl_tcache_is_cached(reg, ptr))
		return false;
	atomic_fetch_add_explicit(&reg->tc_errors, 1, memory_order_relaxed);
	return true;
}

static size_t mhl_usable_owned(const struct mhl_range *r, const void *ptr)
{
	struct mhl_region *reg;
	size_t n;

	if (r->region < 0)
		return mh_usable_size(r->heap, ptr);
	reg = &mhl_regions[r->region];
	if (reg->k)
		return mhl_kernel_usable(reg, ptr);
	pthread_mutex_lock(&reg->lock);
	n = mh_usable_size(&reg->heap, ptr);
	pthread_mutex_unlock(&reg->lock);
	return n;
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
	if (r->region < 0) {
		/* standalone heap: the block stays in its heap */
		p = mh_realloc(r->heap, ptr, size);
	} else {
		struct mhl_region *reg = &mhl_regions[r->region];
		uint32_t want = caps ? caps : reg->info.caps;

		if ((reg->info.caps & want) == want) {
			p = reg->k ? mhl_kernel_realloc(reg, ptr, size)
				   : mhl_engine_realloc(reg, ptr, size);
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
