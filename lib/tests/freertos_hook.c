// SPDX-License-Identifier: MIT
/*
 * freertos_hook.c - with configUSE_MALLOC_FAILED_HOOK 1, FreeRTOS.h makes
 * pvPortMalloc/pvPortCalloc call vApplicationMallocFailedHook exactly once
 * per failed call and never on success.
 */
#define configUSE_MALLOC_FAILED_HOOK 1
#include <FreeRTOS.h>

#include "lt.h"

static int hook_calls;

void vApplicationMallocFailedHook(void)
{
	hook_calls++;
}

int main(void)
{
	void *p;

	p = pvPortMalloc(64);
	CHECK(p != NULL);
	CHECK_EQ(hook_calls, 0);
	vPortFree(p);
	CHECK(pvPortMalloc((size_t)1 << 40) == NULL);
	CHECK_EQ(hook_calls, 1);
	CHECK(pvPortCalloc(SIZE_MAX / 2, 4) == NULL);
	CHECK_EQ(hook_calls, 2);
	CHECK(pvPortMalloc(0) == NULL);		/* heap_4 does the same */
	CHECK_EQ(hook_calls, 3);
	vPortSetMallocFailedHook(NULL);		/* switched off */
	CHECK(pvPortMalloc((size_t)1 << 40) == NULL);
	CHECK_EQ(hook_calls, 3);
	return lt_done();
}
