/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * portable.h - the FreeRTOS heap API over memheap (libmemheap).
 *
 * pvPortMalloc() allocates from the system heap (memheap's internal default
 * memory, the same heap as Armino's os_malloc) until the program calls
 * vPortDefineHeapRegions(); from then on from exactly those regions, as
 * heap_5 does.  Blocks are 8-byte aligned and coalesce on free (heap_4 /
 * heap_5 behaviour).  vPortFree() frees a pointer from any libmemheap
 * family.  Every function is thread-safe.  See docs/api-freertos.md.
 */
#ifndef PORTABLE_H
#define PORTABLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef portBYTE_ALIGNMENT
#define portBYTE_ALIGNMENT	8
#endif
#if portBYTE_ALIGNMENT != 8
#error "libmemheap returns 8-byte aligned blocks: portBYTE_ALIGNMENT must be 8"
#endif
#define portBYTE_ALIGNMENT_MASK	(0x0007)

/* One region for vPortDefineHeapRegions(); { NULL, 0 } ends the array. */
typedef struct HeapRegion {
	uint8_t *pucStartAddress;
	size_t xSizeInBytes;
} HeapRegion_t;

/* What vPortGetHeapStats() reports. */
typedef struct xHeapStats {
	size_t xAvailableHeapSpaceInBytes;	/* free bytes */
	size_t xSizeOfLargestFreeBlockInBytes;	/* largest pvPortMalloc that succeeds now */
	size_t xSizeOfSmallestFreeBlockInBytes;	/* smallest free block (0 if none) */
	size_t xNumberOfFreeBlocks;
	size_t xMinimumEverFreeBytesRemaining;
	size_t xNumberOfSuccessfulAllocations;
	size_t xNumberOfSuccessfulFrees;
} HeapStats_t;

void *pvPortMalloc(size_t xWantedSize);
void *pvPortCalloc(size_t xNum, size_t xSize);
void vPortFree(void *pv);
void vPortInitialiseBlocks(void);
size_t xPortGetFreeHeapSize(void);
size_t xPortGetMinimumEverFreeHeapSize(void);
void xPortResetHeapMinimumEverFreeHeapSize(void);
void vPortGetHeapStats(HeapStats_t *pxHeapStats);
void vPortDefineHeapRegions(const HeapRegion_t *const pxHeapRegions);

/*
 * memheap: the function pvPortMalloc() calls when it returns NULL (NULL:
 * none).  FreeRTOS.h sets it to vApplicationMallocFailedHook when the
 * program has configUSE_MALLOC_FAILED_HOOK set to 1.
 */
void vPortSetMallocFailedHook(void (*pxHook)(void));

#ifdef __cplusplus
}
#endif

#endif /* PORTABLE_H */
