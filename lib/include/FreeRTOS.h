/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * FreeRTOS.h - the part of FreeRTOS.h a program needs for the heap API
 * (libmemheap): the base types and portable.h.
 *
 * FreeRTOSConfig.h is included when the program has one on its include
 * path.  With configUSE_MALLOC_FAILED_HOOK set to 1 there (or before this
 * header), the program must define vApplicationMallocFailedHook(), exactly
 * as with FreeRTOS, and pvPortMalloc() calls it whenever it returns NULL:
 * this header registers it from a constructor in the program.
 */
#ifndef INC_FREERTOS_H
#define INC_FREERTOS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__has_include)
#if __has_include("FreeRTOSConfig.h")
#include "FreeRTOSConfig.h"
#endif
#endif

#include <portable.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef long BaseType_t;
typedef unsigned long UBaseType_t;
typedef uint32_t TickType_t;

#ifndef pdFALSE
#define pdFALSE		((BaseType_t)0)
#define pdTRUE		((BaseType_t)1)
#define pdPASS		(pdTRUE)
#define pdFAIL		(pdFALSE)
#endif

#ifndef configUSE_MALLOC_FAILED_HOOK
#define configUSE_MALLOC_FAILED_HOOK	0
#endif

#if configUSE_MALLOC_FAILED_HOOK == 1
void vApplicationMallocFailedHook(void);

/* Runs before main in every program unit that includes this header. */
__attribute__((constructor, used)) static void
prvMemheapUseMallocFailedHook(void)
{
	vPortSetMallocFailedHook(vApplicationMallocFailedHook);
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* INC_FREERTOS_H */
