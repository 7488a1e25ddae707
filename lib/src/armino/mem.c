// SPDX-License-Identifier: MIT
/*
 * mem.c - Armino allocation: os_malloc/os_zalloc/os_realloc/os_free (also
 * OneOS's os_malloc/os_realloc/os_free) and the psram_* functions.
 *
 * os_* go to the system heap (internal memory, see rtos.c); psram_* to the
 * regions with the SPIRAM capability.  Any family's pointer may be freed.
 */
#include <os/mem.h>

#include <string.h>

#include "rtos/rtos.h"

#define MHL_EXPORT __attribute__((visibility("default")))

MHL_EXPORT void *(os_malloc)(size_t size)
{
	return mhl_rtos_alloc(size, 0, 0, "os_malloc", NULL, 0);
}

MHL_EXPORT void *(os_zalloc)(size_t size)
{
	return mhl_rtos_alloc(size, 0, MHL_ALLOC_ZERO, "os_zalloc", NULL, 0);
}

MHL_EXPORT void *(os_realloc)(void *ptr, size_t size)
{
	return mhl_rtos_realloc(ptr, size, "os_realloc");
}

MHL_EXPORT void (os_free)(void *ptr)
{
	mhl_rtos_free(ptr, "os_free", NULL, 0);
}

MHL_EXPORT void *(psram_malloc)(size_t size)
{
	return mhl_alloc(size, 0, MEMHEAP_CAP_SPIRAM, 0, "psram_malloc");
}

MHL_EXPORT void *(psram_zalloc)(size_t size)
{
	return mhl_alloc(size, 0, MEMHEAP_CAP_SPIRAM, MHL_ALLOC_ZERO,
			 "psram_zalloc");
}

/* The header maps psram_free to os_free; this is for callers of the symbol. */
#undef psram_free
MHL_EXPORT void (psram_free)(void *ptr)
{
	mhl_rtos_free(ptr, "psram_free", NULL, 0);
}

/* The result always lies in PSRAM: a block from elsewhere moves there. */
MHL_EXPORT void *(bk_psram_realloc)(void *ptr, size_t size)
{
	if (ptr && mhl_oheap_nested_owner(ptr)) {
		void *p;
		size_t old;

		if (size == 0) {
			mhl_rtos_free(ptr, "bk_psram_realloc", NULL, 0);
			return NULL;
		}
		p = mhl_alloc(size, 0, MEMHEAP_CAP_SPIRAM, 0, "bk_psram_realloc");
		if (!p)
			return NULL;
		old = mh_usable_size(&mhl_oheap_nested_owner(ptr)->heap, ptr);
		memcpy(p, ptr, old < size ? old : size);
		mhl_rtos_free(ptr, "bk_psram_realloc", NULL, 0);
		return p;
	}
	return mhl_realloc(ptr, size, MEMHEAP_CAP_SPIRAM, 0, "bk_psram_realloc");
}
