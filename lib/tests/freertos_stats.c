// SPDX-License-Identifier: MIT
/*
 * freertos_stats.c - exactness of xPortGetFreeHeapSize (moves by exactly
 * what a block occupies, back on free), xPortGetMinimumEverFreeHeapSize,
 * xPortResetHeapMinimumEverFreeHeapSize and every HeapStats_t field, on a
 * heap_5 heap whose contents the test knows.
 */
#include <FreeRTOS.h>

#include <stdalign.h>

#include "lt.h"

static alignas(8) uint8_t ram[32 * 1024];

int main(void)
{
	const HeapRegion_t regions[] = { { ram, sizeof(ram) }, { NULL, 0 } };
	HeapStats_t st, st2;
	size_t free0, f1, f2, f3, foot1, foot2;
	void *a, *b, *c, *big;

	vPortDefineHeapRegions(regions);
	free0 = xPortGetFreeHeapSize();
	CHECK(free0 > sizeof(ram) - 1024 && free0 <= sizeof(ram));
	CHECK_EQU(xPortGetMinimumEverFreeHeapSize(), free0);
	vPortGetHeapStats(&st);
	CHECK_EQU(st.xAvailableHeapSpaceInBytes, free0);
	CHECK_EQU(st.xNumberOfFreeBlocks, 1);
	CHECK_EQU(st.xSizeOfSmallestFreeBlockInBytes, st.xSizeOfLargestFreeBlockInBytes);
	CHECK_EQU(st.xNumberOfSuccessfulAllocations, 0);
	CHECK_EQU(st.xNumberOfSuccessfulFrees, 0);

	/* the largest free block is exactly what pvPortMalloc can get */
	big = pvPortMalloc(st.xSizeOfLargestFreeBlockInBytes + 1);
	CHECK(big == NULL);
	big = pvPortMalloc(st.xSizeOfLargestFreeBlockInBytes);
	CHECK(big != NULL);
	CHECK_EQU(xPortGetFreeHeapSize(), 0);
	CHECK_EQU(xPortGetMinimumEverFreeHeapSize(), 0);
	vPortFree(big);
	CHECK_EQU(xPortGetFreeHeapSize(), free0);
	xPortResetHeapMinimumEverFreeHeapSize();
	CHECK_EQU(xPortGetMinimumEverFreeHeapSize(), free0);

	/* free size moves by a block's footprint: 8-byte rounded + header */
	a = pvPortMalloc(100);
	f1 = xPortGetFreeHeapSize();
	foot1 = free0 - f1;
	CHECK(foot1 >= 104 && foot1 <= 104 + 16);
	b = pvPortMalloc(1000);
	f2 = xPortGetFreeHeapSize();
	foot2 = f1 - f2;
	CHECK(foot2 >= 1000 && foot2 <= 1000 + 16);
	CHECK_EQU(foot2 - foot1, 1000 - 104);	/* same per-block overhead */
	c = pvPortMalloc(50);
	f3 = xPortGetFreeHeapSize();
	REQUIRE(a && b && c);
	CHECK_EQU(xPortGetMinimumEverFreeHeapSize(), f3);

	/* a hole: two free blocks, smallest and largest reported */
	vPortFree(b);
	CHECK_EQU(xPortGetFreeHeapSize(), f3 + foot2);
	vPortGetHeapStats(&st);
	CHECK_EQU(st.xAvailableHeapSpaceInBytes, f3 + foot2);
	CHECK_EQU(st.xNumberOfFreeBlocks, 2);
	CHECK(st.xSizeOfSmallestFreeBlockInBytes >= 1000 &&
	      st.xSizeOfSmallestFreeBlockInBytes < foot2);
	CHECK(st.xSizeOfLargestFreeBlockInBytes > 20 * 1024);
	CHECK_EQU(st.xMinimumEverFreeBytesRemaining, f3);
	CHECK_EQU(st.xNumberOfSuccessfulAllocations, 4);	/* big, a, b, c */
	CHECK_EQU(st.xNumberOfSuccessfulFrees, 2);

	/* minimum ever stays, reset brings it to now */
	CHECK_EQU(xPortGetMinimumEverFreeHeapSize(), f3);
	xPortResetHeapMinimumEverFreeHeapSize();
	CHECK_EQU(xPortGetMinimumEverFreeHeapSize(), f3 + foot2);

	vPortFree(a);
	vPortFree(c);
	CHECK_EQU(xPortGetFreeHeapSize(), free0);
	vPortGetHeapStats(&st2);
	CHECK_EQU(st2.xNumberOfFreeBlocks, 1);
	CHECK_EQU(st2.xNumberOfSuccessfulFrees, 4);
	vPortGetHeapStats(NULL);	/* ignored */
	return lt_done();
}
