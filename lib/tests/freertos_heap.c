// SPDX-License-Identifier: MIT
/*
 * freertos_heap.c - pvPortMalloc/pvPortCalloc/vPortFree: 8-byte alignment,
 * zeroing, overflow, 0-byte requests (NULL as heap_4), coalescing (heap_4),
 * vPortInitialiseBlocks harmless, pointers of other families freed.
 */
#include <FreeRTOS.h>
#include <os/mem.h>

#include "lt.h"

int main(void)
{
	void *p[64];
	unsigned char *z;
	size_t i, free0, largest0;
	HeapStats_t st;

	vPortInitialiseBlocks();
	free0 = xPortGetFreeHeapSize();
	vPortGetHeapStats(&st);
	largest0 = st.xSizeOfLargestFreeBlockInBytes;
	CHECK(free0 > 0);

	for (i = 0; i < 64; i++) {
		p[i] = pvPortMalloc(1 + i * 13);
		REQUIRE(p[i] != NULL);
		CHECK(((uintptr_t)p[i] & portBYTE_ALIGNMENT_MASK) == 0);
		memset(p[i], (int)i, 1 + i * 13);
	}
	for (i = 0; i < 64; i++) {
		unsigned char *b = p[i];

		CHECK(b[0] == (unsigned char)i && b[i * 13] == (unsigned char)i);
	}
	/* free every other block, then the rest: all coalesces back */
	for (i = 0; i < 64; i += 2)
		vPortFree(p[i]);
	for (i = 1; i < 64; i += 2)
		vPortFree(p[i]);
	CHECK_EQU(xPortGetFreeHeapSize(), free0);
	vPortGetHeapStats(&st);
	CHECK_EQU(st.xSizeOfLargestFreeBlockInBytes, largest0);

	z = pvPortCalloc(100, 10);
	REQUIRE(z != NULL);
	for (i = 0; i < 1000; i++)
		if (z[i])
			break;
	CHECK_EQU(i, 1000);
	vPortFree(z);
	CHECK(pvPortCalloc(SIZE_MAX / 4, 8) == NULL);
	CHECK(pvPortMalloc(0) == NULL);
	CHECK(pvPortMalloc((size_t)1 << 40) == NULL);
	CHECK_EQU(xPortGetFreeHeapSize(), free0);

	/* other families' pointers */
	vPortFree(os_malloc(77));
	vPortFree(NULL);
	CHECK_EQU(xPortGetFreeHeapSize(), free0);
	os_free(pvPortMalloc(77));
	CHECK_EQU(xPortGetFreeHeapSize(), free0);
	return lt_done();
}
