/* SPDX-License-Identifier: MIT */
/*
 * rtos.h - the RTOS layer, what the RTOS families (Armino, OneOS, FreeRTOS)
 * share, between them and the core: the system heap (rtos/sys_heap.c: its
 * capabilities, the ordered heap it becomes once OneOS's os_sys_heap_init
 * ran, one alloc/free/realloc that knows every kind of RTOS heap) and the
 * ordered heaps (rtos/oheap.h).  A family calls this layer and the core,
 * never another family.
 */
#ifndef MHL_RTOS_H
#define MHL_RTOS_H

#include <stddef.h>
#include <stdint.h>

#include "rtos/oheap.h"

/*
 * Capabilities of the default system heap: DEFAULT|INTERNAL when some
 * region has both (Armino's os_malloc is SRAM), else DEFAULT.
 */
uint32_t mhl_rtos_caps(void);

/* The system's ordered heap once mhl_rtos_sys_heap_start() ran, else NULL. */
struct mhl_oheap *mhl_rtos_sys_heap(void);

/*
 * Make the system heap an ordered heap (empty until ranges are added):
 * OneOS's os_sys_heap_init().  Idempotent: a second call keeps the ranges.
 */
void mhl_rtos_sys_heap_start(void);

/* Allocate from the system heap (OneOS one if defined, else the regions). */
void *mhl_rtos_alloc(size_t size, size_t align, unsigned int flags,
		     const char *api, const char *file, int line);

/* Free any pointer; @file NULL when the caller gave no call site. */
void mhl_rtos_free(void *ptr, const char *api, const char *file, int line);

/* os_realloc semantics: stays in the kind of memory the block is in. */
void *mhl_rtos_realloc(void *ptr, size_t size, const char *api);

#endif /* MHL_RTOS_H */
