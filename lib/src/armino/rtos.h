/* SPDX-License-Identifier: MIT */
/*
 * rtos.h - what the RTOS families (Armino, OneOS, FreeRTOS) share: the
 * capabilities of "the system heap" and one free/realloc that knows every
 * kind of RTOS heap (core regions, registered ordered heaps, nested heaps).
 */
#ifndef MHL_RTOS_H
#define MHL_RTOS_H

#include <stddef.h>
#include <stdint.h>

#include "../oneos/oheap.h"

/*
 * Capabilities of the default system heap: DEFAULT|INTERNAL when some
 * region has both (Armino's os_malloc is SRAM), else DEFAULT.
 */
uint32_t mhl_rtos_caps(void);

/* The OneOS system heap once os_sys_heap_init() ran, else NULL (oneos/). */
struct mhl_oheap *mhl_oneos_sys_heap(void);

/* Allocate from the system heap (OneOS one if defined, else the regions). */
void *mhl_rtos_alloc(size_t size, size_t align, unsigned int flags,
		     const char *api, const char *file, int line);

/* Free any pointer; @file NULL when the caller gave no call site. */
void mhl_rtos_free(void *ptr, const char *api, const char *file, int line);

/* os_realloc semantics: stays in the kind of memory the block is in. */
void *mhl_rtos_realloc(void *ptr, size_t size, const char *api);

#endif /* MHL_RTOS_H */
