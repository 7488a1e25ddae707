// SPDX-License-Identifier: MIT
/*
 * heap.c - the FreeRTOS heap API: heap_4 semantics over the system heap,
 * heap_5 over the regions of vPortDefineHeapRegions().
 */
#include <portable.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rtos/rtos.h"

#define MHL_EXPORT __attribute__((visibility("default")))

/* heap_5: the ordered heap of the defined regions, once defined. */
static struct mhl_oheap region_heap;
static atomic_bool regions_defined;
static pthread_mutex_t define_lock = PTHREAD_MUTEX_INITIALIZER;

static void (*_Atomic malloc_failed_hook)(void);

static struct mhl_oheap *defined_heap(void)
{
	return atomic_load_explicit(&regions_defined, memory_order_acquire) ?
	       &region_heap : NULL;
}

MHL_EXPORT void vPortSetMallocFailedHook(void (*pxHook)(void))
{
	atomic_store(&malloc_failed_hook, pxHook);
}

static void *malloc_failed(void)
{
	void (*hook)(void) = atomic_load(&malloc_failed_hook);

	if (hook)
		hook();
	return NULL;
}

/* As heap_4: a request of 0 bytes returns NULL (and the hook runs). */
MHL_EXPORT void *pvPortMalloc(size_t xWantedSize)
{
	struct mhl_oheap *oh = defined_heap();
	void *p;

	if (xWantedSize == 0)
		return malloc_failed();
	if (oh)
		p = mhl_oheap_alloc(oh, xWantedSize, 0, 0, "pvPortMalloc");
	else
		p = mhl_alloc(xWantedSize, 0, mhl_rtos_caps(), 0, "pvPortMalloc");
	return p ? p : malloc_failed();
}

MHL_EXPORT void *pvPortCalloc(size_t xNum, size_t xSize)
{
	struct mhl_oheap *oh = defined_heap();
	void *p;

	if (xNum == 0 || xSize == 0)
		return malloc_failed();
	if (oh)
		p = mhl_oheap_calloc(oh, xNum, xSize, "pvPortCalloc");
	else
		p = mhl_calloc(xNum, xSize, 0, mhl_rtos_caps(), 0, "pvPortCalloc");
	return p ? p : malloc_failed();
}

MHL_EXPORT void vPortFree(void *pv)
{
	mhl_rtos_free(pv, "vPortFree", NULL, 0);
}

/* heap_4 and heap_5 do nothing here either. */
MHL_EXPORT void vPortInitialiseBlocks(void)
{
}

static void heap_stats(struct mhl_stats *st)
{
	struct mhl_oheap *oh = defined_heap();

	if (oh)
		mhl_oheap_stats(oh, st);
	else
		mhl_caps_stats(mhl_rtos_caps(), st);
}

MHL_EXPORT size_t xPortGetFreeHeapSize(void)
{
	struct mhl_stats st;

	heap_stats(&st);
	return st.free;
}

MHL_EXPORT size_t xPortGetMinimumEverFreeHeapSize(void)
{
	struct mhl_stats st;

	heap_stats(&st);
	return st.min_free;
}

MHL_EXPORT void xPortResetHeapMinimumEverFreeHeapSize(void)
{
	struct mhl_oheap *oh = defined_heap();

	if (oh)
		mhl_oheap_reset_min_free(oh);
	else
		mhl_reset_min_free(mhl_rtos_caps());
}

MHL_EXPORT void vPortGetHeapStats(HeapStats_t *pxHeapStats)
{
	struct mhl_stats st;

	if (!pxHeapStats)
		return;
	heap_stats(&st);
	pxHeapStats->xAvailableHeapSpaceInBytes = st.free;
	pxHeapStats->xSizeOfLargestFreeBlockInBytes = st.largest_free;
	pxHeapStats->xSizeOfSmallestFreeBlockInBytes = st.smallest_free;
	pxHeapStats->xNumberOfFreeBlocks = st.free_blocks;
	pxHeapStats->xMinimumEverFreeBytesRemaining = st.min_free;
	pxHeapStats->xNumberOfSuccessfulAllocations = st.alloc_count;
	pxHeapStats->xNumberOfSuccessfulFrees = st.free_count;
}

/* Rules of heap_5, checked before anything changes.  0 or -1 (diagnosed). */
static int check_regions(const HeapRegion_t *r, size_t *count)
{
	uintptr_t prev_end = 0;
	size_t n;

	for (n = 0; r[n].xSizeInBytes != 0; n++) {
		uintptr_t s = (uintptr_t)r[n].pucStartAddress;

		if (n == MHL_OHEAP_MAX_RANGES) {
			mhl_rtos_diag("vPortDefineHeapRegions",
				      "more than %d regions", MHL_OHEAP_MAX_RANGES);
			return -1;
		}
		if (!s) {
			mhl_rtos_diag("vPortDefineHeapRegions",
				      "region %zu has a NULL start", n);
			return -1;
		}
		if (s + r[n].xSizeInBytes < s) {
			mhl_rtos_diag("vPortDefineHeapRegions",
				      "region %zu wraps around the address space", n);
			return -1;
		}
		if (n && s < prev_end) {
			mhl_rtos_diag("vPortDefineHeapRegions",
				      "region %zu is not above region %zu (regions must be in ascending address order and not overlap)",
				      n, n - 1);
			return -1;
		}
		prev_end = s + r[n].xSizeInBytes;
	}
	if (n == 0) {
		mhl_rtos_diag("vPortDefineHeapRegions", "no region before the { NULL, 0 } end marker");
		return -1;
	}
	*count = n;
	return 0;
}

/*
 * heap_5 asserts (configASSERT) on a bad definition and on a second call:
 * the firmware stops there.  So does this: one line on stderr saying why,
 * then abort() (SIGABRT, a core dump where enabled), before anything was
 * changed.  A program is never left running on a heap it did not define.
 */
static __attribute__((noreturn, cold)) void define_assert_failed(void)
{
	mhl_rtos_diag("vPortDefineHeapRegions",
		      "configASSERT failed (heap_5 stops here): aborting");
	abort();
}

/*
 * heap_5: the regions become the heap of pvPortMalloc from now on.  Bad
 * input (NULL, no region, unordered or overlapping regions, a region
 * overlapping memory another heap manages, a region too small, a second
 * call) is diagnosed on stderr and aborts the program, as heap_5's
 * configASSERT does.
 */
MHL_EXPORT void vPortDefineHeapRegions(const HeapRegion_t *const pxHeapRegions)
{
	size_t n, i;
	int rc = MHL_OK;

	if (!pxHeapRegions) {
		mhl_rtos_diag("vPortDefineHeapRegions", "NULL region array");
		define_assert_failed();
	}
	pthread_mutex_lock(&define_lock);
	if (defined_heap()) {
		mhl_rtos_diag("vPortDefineHeapRegions",
			      "heap regions are already defined (heap_5 takes one definition)");
		goto fail;
	}
	if (check_regions(pxHeapRegions, &n) != 0)
		goto fail;
	if (mhl_oheap_init(&region_heap, "freertos_heap") != MHL_OK) {
		mhl_rtos_diag("vPortDefineHeapRegions", "cannot set up the heap");
		goto fail;
	}
	for (i = 0; i < n && rc == MHL_OK; i++)
		rc = mhl_oheap_add(&region_heap, pxHeapRegions[i].pucStartAddress,
				   pxHeapRegions[i].xSizeInBytes, MH_ALGO_FIRSTFIT);
	if (rc != MHL_OK) {
		mhl_rtos_diag("vPortDefineHeapRegions",
			      "region %zu (%p, %zu bytes): %s; no region defined",
			      i - 1, (void *)pxHeapRegions[i - 1].pucStartAddress,
			      pxHeapRegions[i - 1].xSizeInBytes,
			      rc == MHL_EOVERLAP ? "overlaps memory another heap manages" :
			      rc == MHL_ENOMEM ? "too small" : mhl_strerror(rc));
		mhl_oheap_destroy(&region_heap);
		goto fail;
	}
	atomic_store_explicit(&regions_defined, true, memory_order_release);
	pthread_mutex_unlock(&define_lock);
	return;
fail:
	pthread_mutex_unlock(&define_lock);
	define_assert_failed();
}
