/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * caps_alloc.c - heap_caps_malloc / calloc / realloc / free and their
 * aligned and _prefer variants.
 *
 * As on ESP-IDF: size 0 gives NULL without a failure report; every other
 * NULL fires the failed-allocation callback once per public call, with the
 * caps of the last attempt.
 */
#include <stdarg.h>
#include <string.h>

#include "esp/esp_internal.h"

void *mhl_esp_malloc_base(size_t size, uint32_t caps, size_t align, bool zero,
			 const char *api)
{
	struct mhl_esp_req req;

	mhl_esp_req(caps, &req);
	return mhl_esp_alloc(&req, mhl_esp_round(&req, size), align, zero, api);
}

/*
 * The call's last try on the kernel backend (mhl_alloc_last): one kernel
 * request with the caps of the call's last attempt; none when @caps has
 * bits only regions added by heap_caps_add_region* carry.  Failing, the
 * kernel sends the call's one event; succeeding in a region @caps excludes
 * (external memory for DMA), the block goes back and the call fails.
 */
static void *last_try(size_t size, size_t align, uint32_t caps)
{
	struct mhl_esp_req req;
	struct mhl_region_info info;
	struct mhl_owner owner;
	void *p;

	mhl_esp_req(caps, &req);
	/* bits memheap has no flag for: only added regions carry them, never the kernel's */
	if (!req.possible || req.extra || size == 0 || size == SIZE_MAX)
		return NULL;
	size = mhl_esp_round(&req, size);
	if (size == SIZE_MAX)
		return NULL;
	p = mhl_alloc_last(size, req.align > align ? req.align : align, req.core_caps,
			   NULL, 0);
	if (p && req.no_spiram && mhl_esp_dma_spiram_exists() &&
	    (mhl_owner_of(p, &owner) != MHL_OWNER_REGION ||
	     mhl_region_get((unsigned int)owner.region, &info, NULL) != MHL_OK ||
	     !mhl_esp_region_matches(&req, &info))) {
		mhl_free(p, "heap_caps_malloc");
		p = NULL;
	}
	return p;
}

static void *failed_aligned(size_t size, size_t align, uint32_t caps, const char *api)
{
	void *p;

	if (!size)
		return NULL;
	p = last_try(size, align, caps);
	if (!p)
		mhl_esp_alloc_failed(size, caps, api);
	return p;
}

/* Report without a last try: the call tried nothing (a _prefer with num 0). */
static void *failed_untried(size_t size, uint32_t caps, const char *api)
{
	if (size)
		mhl_esp_alloc_failed(size, caps, api);
	return NULL;
}

void *mhl_esp_failed(size_t size, uint32_t caps, const char *api)
{
	return failed_aligned(size, 0, caps, api);
}

void *mhl_esp_failed_realloc(void *ptr, size_t size, uint32_t caps, const char *api)
{
	size_t old;
	void *p;

	if (!ptr)
		return mhl_esp_failed(size, caps, api);
	if (!size)
		return NULL;
	old = mhl_usable_size(ptr);
	p = old ? last_try(size, 0, caps) : NULL;
	if (p) {
		memcpy(p, ptr, old < size ? old : size);
		mhl_esp_free_any(ptr, api);
		return p;
	}
	mhl_esp_alloc_failed(size, caps, api);
	return NULL;
}

MHL_ESP_API void *heap_caps_malloc(size_t size, uint32_t caps)
{
	void *p = mhl_esp_malloc_base(size, caps, 0, false, "heap_caps_malloc");

	return p ? p : mhl_esp_failed(size, caps, "heap_caps_malloc");
}

static bool mul_overflows(size_t n, size_t size, size_t *out)
{
	return __builtin_mul_overflow(n, size, out);
}

MHL_ESP_API void *heap_caps_calloc(size_t n, size_t size, uint32_t caps)
{
	size_t bytes;
	void *p;

	if (mul_overflows(n, size, &bytes))
		return mhl_esp_failed(SIZE_MAX, caps, "heap_caps_calloc");
	p = mhl_esp_malloc_base(bytes, caps, 0, true, "heap_caps_calloc");
	return p ? p : mhl_esp_failed(bytes, caps, "heap_caps_calloc");
}

/*
 * The alignment actually used: a power of two as given; any other value
 * but 0 rounded up to the next power of two (as the C library's memalign,
 * which ESP-IDF's Linux build uses, does: its host test asks for 0x1F);
 * 0 (or one too large to round) for a request that must fail.
 */
static size_t alignment_of(size_t a)
{
	size_t p = 1;

	if (!a)
		return 0;
	while (p < a) {
		if (p > SIZE_MAX / 2)
			return 0;
		p <<= 1;
	}
	return p;
}

MHL_ESP_API void *heap_caps_aligned_alloc(size_t alignment, size_t size, uint32_t caps)
{
	void *p = NULL;

	alignment = alignment_of(alignment);
	if (alignment)
		p = mhl_esp_malloc_base(size, caps, alignment, false, "heap_caps_aligned_alloc");
	if (!p && !alignment) {
		if (size)
			mhl_esp_alloc_failed(size, caps, "heap_caps_aligned_alloc");
		return NULL;
	}
	return p ? p : failed_aligned(size, alignment, caps, "heap_caps_aligned_alloc");
}

MHL_ESP_API void *heap_caps_aligned_calloc(size_t alignment, size_t n, size_t size,
					   uint32_t caps)
{
	size_t bytes;
	void *p = NULL;

	if (mul_overflows(n, size, &bytes))
		return mhl_esp_failed(SIZE_MAX, caps, "heap_caps_aligned_calloc");
	alignment = alignment_of(alignment);
	if (alignment)
		p = mhl_esp_malloc_base(bytes, caps, alignment, true, "heap_caps_aligned_calloc");
	if (!p && !alignment) {
		if (bytes)
			mhl_esp_alloc_failed(bytes, caps, "heap_caps_aligned_calloc");
		return NULL;
	}
	return p ? p : failed_aligned(bytes, alignment, caps, "heap_caps_aligned_calloc");
}

void mhl_esp_free_any(void *ptr, const char *api)
{
	struct multi_heap_info *h;

	if (!ptr)
		return;
	h = mhl_esp_multi_heap_special(ptr);
	if (h)
		mhl_esp_multi_heap_free(h, ptr, api);
	else
		mhl_free(ptr, api);
}

MHL_ESP_API void heap_caps_free(void *ptr)
{
	mhl_esp_free_any(ptr, "heap_caps_free");
}

MHL_ESP_API void heap_caps_aligned_free(void *ptr)
{
	mhl_esp_free_any(ptr, "heap_caps_aligned_free");
}

/* Move @ptr into a new block for @req: copy, then free the old block. */
static void *move(void *ptr, size_t old, size_t size, const struct mhl_esp_req *req,
		  const char *api)
{
	void *r = mhl_esp_alloc(req, size, 0, false, api);

	if (r) {
		memcpy(r, ptr, old < size ? old : size);
		mhl_esp_free_any(ptr, api);
	}
	return r;
}

/*
 * ESP-IDF's heap_caps_realloc without the failure report: resize in the
 * block's region when that region has the caps, else move.
 */
void *mhl_esp_realloc_base(void *ptr, size_t size, uint32_t caps, const char *api)
{
	struct mhl_esp_req req;
	struct mhl_region_info info;
	struct mhl_owner owner;
	size_t old;
	void *r;

	if (!ptr)
		return mhl_esp_malloc_base(size, caps, 0, false, api);
	if (size == 0) {
		mhl_esp_free_any(ptr, api);
		return NULL;
	}
	mhl_esp_req(caps, &req);
	size = mhl_esp_round(&req, size);
	if (!req.possible || size == SIZE_MAX)
		return NULL;
	switch (mhl_owner_of(ptr, &owner)) {
	case MHL_OWNER_NONE:
		/* Reported by the core; ptr stays the caller's. */
		return mhl_realloc(ptr, size, req.core_caps, MHL_ALLOC_NO_HOOK, api);
	case MHL_OWNER_STANDALONE:
		/* A standalone heap has no caps: the block moves to a region. */
		old = heap_caps_get_allocated_size(ptr);
		return old ? move(ptr, old, size, &req, api) : NULL;
	case MHL_OWNER_REGION:
		break;
	}
	old = mhl_usable_size(ptr);
	if (!old)	/* not a live block: report through the core, keep ptr */
		return mhl_realloc(ptr, size, req.core_caps, MHL_ALLOC_NO_HOOK, api);
	if (mhl_region_get((unsigned int)owner.region, &info, NULL) == MHL_OK &&
	    mhl_esp_region_matches(&req, &info) &&
	    (!req.align || !((uintptr_t)ptr & (req.align - 1)))) {
		if (req.align && size <= old)
			return ptr;	/* an in-place shrink could not keep the alignment */
		if (!req.align && req.no_spiram && mhl_esp_dma_spiram_exists() && size <= old)
			return ptr;	/* the core might move it into external memory */
		if (!req.align && !(req.no_spiram && mhl_esp_dma_spiram_exists())) {
			/* caps 0 would mean "any region" here, but "same caps" to the core */
			r = mhl_realloc(ptr, size, req.core_caps ? req.core_caps : info.caps,
					MHL_ALLOC_NO_HOOK, api);
			if (r)
				return r;
		}
	}
	return move(ptr, old, size, &req, api);
}

MHL_ESP_API void *heap_caps_realloc(void *ptr, size_t size, uint32_t caps)
{
	void *r = mhl_esp_realloc_base(ptr, size, caps, "heap_caps_realloc");

	return r ? r : mhl_esp_failed_realloc(ptr, size, caps, "heap_caps_realloc");
}

MHL_ESP_API void *heap_caps_malloc_prefer(size_t size, size_t num, ...)
{
	uint32_t caps = MALLOC_CAP_DEFAULT;
	void *r = NULL;
	va_list ap;

	va_start(ap, num);
	if (!num) {
		va_end(ap);
		return failed_untried(size, caps, "heap_caps_malloc_prefer");
	}
	while (num--) {
		caps = va_arg(ap, uint32_t);
		r = mhl_esp_malloc_base(size, caps, 0, false, "heap_caps_malloc_prefer");
		if (r || size == 0)
			break;
	}
	va_end(ap);
	return r ? r : mhl_esp_failed(size, caps, "heap_caps_malloc_prefer");
}

MHL_ESP_API void *heap_caps_realloc_prefer(void *ptr, size_t size, size_t num, ...)
{
	uint32_t caps = MALLOC_CAP_DEFAULT;
	void *r = NULL;
	va_list ap;

	va_start(ap, num);
	if (!num) {
		va_end(ap);
		return failed_untried(size, caps, "heap_caps_realloc_prefer");
	}
	while (num--) {
		caps = va_arg(ap, uint32_t);
		r = mhl_esp_realloc_base(ptr, size, caps, "heap_caps_realloc_prefer");
		if (r || size == 0)
			break;
	}
	va_end(ap);
	return r ? r : mhl_esp_failed_realloc(ptr, size, caps, "heap_caps_realloc_prefer");
}

MHL_ESP_API void *heap_caps_calloc_prefer(size_t n, size_t size, size_t num, ...)
{
	uint32_t caps = MALLOC_CAP_DEFAULT;
	size_t bytes;
	void *r = NULL;
	va_list ap;

	va_start(ap, num);
	if (mul_overflows(n, size, &bytes)) {
		while (num--)
			caps = va_arg(ap, uint32_t);
		va_end(ap);
		return mhl_esp_failed(SIZE_MAX, caps, "heap_caps_calloc_prefer");
	}
	if (!num) {
		va_end(ap);
		return failed_untried(bytes, caps, "heap_caps_calloc_prefer");
	}
	while (num--) {
		caps = va_arg(ap, uint32_t);
		r = mhl_esp_malloc_base(bytes, caps, 0, true, "heap_caps_calloc_prefer");
		if (r || bytes == 0)
			break;
	}
	va_end(ap);
	return r ? r : mhl_esp_failed(bytes, caps, "heap_caps_calloc_prefer");
}
