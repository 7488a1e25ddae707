// SPDX-License-Identifier: MIT
/*
 * sys_heap.c - the system heap the RTOS families share: Armino's os_malloc,
 * OneOS's os_malloc (one symbol) and FreeRTOS's pvPortMalloc without
 * vPortDefineHeapRegions.  It is memheap's default memory (the regions with
 * mhl_rtos_caps()) until mhl_rtos_sys_heap_start() makes it an ordered heap.
 */
#include "rtos/rtos.h"

#include <pthread.h>
#include <stdatomic.h>

static struct mhl_oheap sys_heap;
static atomic_bool sys_heap_on;
static pthread_mutex_t sys_heap_init_lock = PTHREAD_MUTEX_INITIALIZER;

struct mhl_oheap *mhl_rtos_sys_heap(void)
{
	return atomic_load_explicit(&sys_heap_on, memory_order_acquire) ?
	       &sys_heap : NULL;
}

void mhl_rtos_sys_heap_start(void)
{
	pthread_mutex_lock(&sys_heap_init_lock);
	if (!atomic_load(&sys_heap_on) &&
	    mhl_oheap_init(&sys_heap, "sys_heap") == MHL_OK)
		atomic_store_explicit(&sys_heap_on, true, memory_order_release);
	pthread_mutex_unlock(&sys_heap_init_lock);
}

static atomic_uint caps_cache;		/* computed caps, 0 = not yet */
static atomic_uint caps_regions;	/* region count it was computed for */

uint32_t mhl_rtos_caps(void)
{
	const uint32_t want = MEMHEAP_CAP_DEFAULT | MEMHEAP_CAP_INTERNAL;
	unsigned int n = mhl_region_count();
	uint32_t caps;

	caps = atomic_load_explicit(&caps_cache, memory_order_acquire);
	if (caps && atomic_load_explicit(&caps_regions, memory_order_relaxed) == n)
		return caps;
	/* Regions are only ever appended: recompute when the count moved. */
	caps = MEMHEAP_CAP_DEFAULT;
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region_info info;

		if (mhl_region_get(i, &info, NULL) == MHL_OK &&
		    mhl_caps_match(info.caps, want)) {
			caps = want;
			break;
		}
	}
	atomic_store_explicit(&caps_regions, n, memory_order_relaxed);
	atomic_store_explicit(&caps_cache, caps, memory_order_release);
	return caps;
}

void *mhl_rtos_alloc(size_t size, size_t align, unsigned int flags,
		     const char *api, const char *file, int line)
{
	struct mhl_oheap *sys = mhl_rtos_sys_heap();
	void *p;

	if (!sys) {
		if (file)
			return mhl_alloc_at(size, align, mhl_rtos_caps(), flags,
					    api, file, line);
		return mhl_alloc(size, align, mhl_rtos_caps(), flags, api);
	}
	p = mhl_oheap_alloc(sys, size, align, flags, api);
	if (p && file)
		mhl_track_add(p, size, -1, file, line);
	return p;
}

void mhl_rtos_free(void *ptr, const char *api, const char *file, int line)
{
	struct mhl_oheap *nested;
	size_t usable = 0;
	int rc;

	if (!ptr)
		return;
	nested = mhl_oheap_nested_owner(ptr);
	if (nested) {
		mhl_oheap_free(nested, ptr, api);
		return;
	}
	/* A block holding a nested heap takes that heap with it. */
	if (mhl_oheap_any_nested())
		usable = mhl_usable_size(ptr);
	rc = file ? mhl_free_at(ptr, api, file, line) : mhl_free(ptr, api);
	if (rc == MHL_OK && usable)
		mhl_oheap_release_nested(ptr, usable);
}

void *mhl_rtos_realloc(void *ptr, size_t size, const char *api)
{
	struct mhl_oheap *nested;

	if (!ptr)
		return mhl_rtos_alloc(size, 0, 0, api, NULL, 0);
	nested = mhl_oheap_nested_owner(ptr);
	if (nested)
		return mhl_oheap_realloc(nested, ptr, size, api);
	return mhl_realloc(ptr, size, 0, 0, api);
}
