/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * caps_default.c - malloc() as ESP-IDF does it: heap_caps_malloc_default(),
 * heap_caps_realloc_default() and heap_caps_malloc_extmem_enable().
 *
 * Requests up to the limit try internal memory first, larger ones external
 * memory first; each then falls back to any MALLOC_CAP_DEFAULT memory.  The
 * limit starts at 16384 bytes, ESP-IDF's default
 * CONFIG_SPIRAM_MALLOC_ALWAYSINTERNAL when PSRAM serves malloc() (memheap's
 * default layout gives PSRAM the DEFAULT capability, which is that case).
 */
#include <stdatomic.h>

#include "esp/esp_internal.h"

#define EXTMEM_LIMIT_DEFAULT 16384

static atomic_size_t extmem_limit = EXTMEM_LIMIT_DEFAULT;

MHL_ESP_API void heap_caps_malloc_extmem_enable(size_t limit)
{
	atomic_store(&extmem_limit, limit);
}

static uint32_t first_choice(size_t size)
{
	return MALLOC_CAP_DEFAULT |
	       (size <= atomic_load(&extmem_limit) ? MALLOC_CAP_INTERNAL : MALLOC_CAP_SPIRAM);
}

MHL_ESP_API void *heap_caps_malloc_default(size_t size)
{
	void *r = mhl_esp_malloc_base(size, first_choice(size), 0, false,
				      "heap_caps_malloc_default");

	if (!r && size)
		r = mhl_esp_malloc_base(size, MALLOC_CAP_DEFAULT, 0, false,
					"heap_caps_malloc_default");
	return r ? r : mhl_esp_failed(size, MALLOC_CAP_DEFAULT, "heap_caps_malloc_default");
}

MHL_ESP_API void *heap_caps_realloc_default(void *ptr, size_t size)
{
	void *r = mhl_esp_realloc_base(ptr, size, first_choice(size),
				       "heap_caps_realloc_default");

	if (!r && size)
		r = mhl_esp_realloc_base(ptr, size, MALLOC_CAP_DEFAULT,
					 "heap_caps_realloc_default");
	return r ? r : mhl_esp_failed_realloc(ptr, size, MALLOC_CAP_DEFAULT,
						 "heap_caps_realloc_default");
}
