/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * esp_internal.h - what the ESP-IDF layer's files share: capability
 * translation, routing, the failed-allocation hook and the multi_heap
 * handles the other files must recognise.
 */
#ifndef MHL_ESP_INTERNAL_H
#define MHL_ESP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "esp_heap_caps.h"
#include "esp_heap_caps_init.h"
#include "multi_heap.h"

/* Public entry points are exported; everything else stays hidden. */
#ifdef MHL_API
#define MHL_ESP_API MHL_API
#else
#define MHL_ESP_API __attribute__((visibility("default")))
#endif

/*
 * MALLOC_CAP_* bits with no memheap capability behind them: no backend
 * region has them, but a region the program adds with
 * heap_caps_add_region_with_caps() may be given them (the program vouches
 * for its memory); this layer records them per region and routes requests
 * naming them to those regions only.
 */
#define MHL_ESP_CAPS_EXTRA (MALLOC_CAP_EXEC | MALLOC_CAP_PID2 | MALLOC_CAP_PID3 | \
			    MALLOC_CAP_PID4 | MALLOC_CAP_PID5 | MALLOC_CAP_PID6 | \
			    MALLOC_CAP_PID7 | MALLOC_CAP_IRAM_8BIT |		   \
			    MALLOC_CAP_RETENTION | MALLOC_CAP_RTCRAM |		   \
			    MALLOC_CAP_TCM | MALLOC_CAP_DMA_DESC_AHB |		   \
			    MALLOC_CAP_DMA_DESC_AXI)

/* Bits this layer knows; any other bit (and INVALID) makes a request
 * unsatisfiable. */
#define MHL_ESP_CAPS_KNOWN (MHL_ESP_CAPS_EXTRA | MALLOC_CAP_32BIT | MALLOC_CAP_8BIT | \
			    MALLOC_CAP_DMA | MALLOC_CAP_SPIRAM |		   \
			    MALLOC_CAP_INTERNAL | MALLOC_CAP_DEFAULT |	   \
			    MALLOC_CAP_CACHE_ALIGNED)

/* A request translated to the core's terms. */
struct mhl_esp_req {
	bool possible;		/* false: no memheap region can ever match */
	uint32_t core_caps;	/* MEMHEAP_CAP_* the region must have */
	uint32_t extra;		/* MHL_ESP_CAPS_EXTRA bits the region must have */
	bool no_spiram;		/* DMA without SPIRAM: external memory excluded */
	size_t align;		/* 0 (default) or the cache line for CACHE_ALIGNED */
	bool round32;		/* MALLOC_CAP_32BIT: sizes rounded up to 4 */
};

/* Translate MALLOC_CAP_* @caps. */
void mhl_esp_req(uint32_t caps, struct mhl_esp_req *req);

/* MEMHEAP_CAP_* of a region -> MALLOC_CAP_*. */
uint32_t mhl_esp_caps_from_core(uint32_t core_caps);

/* Every MALLOC_CAP_* of region @info: its memheap caps and the extra bits
 * it was added with. */
uint32_t mhl_esp_region_caps(const struct mhl_region_info *info);

/* Record the extra bits (MHL_ESP_CAPS_EXTRA) region @index was added with. */
void mhl_esp_set_extra(unsigned int index, uint32_t extra);

/* MALLOC_CAP_* -> MEMHEAP_CAP_* for the bits a region can have. */
uint32_t mhl_esp_caps_to_core(uint32_t caps);

/* true if region @info may serve @req (caps match, exclusions respected). */
bool mhl_esp_region_matches(const struct mhl_esp_req *req,
			    const struct mhl_region_info *info);

/* true if some region is DMA and SPIRAM at once (exclusion matters). */
bool mhl_esp_dma_spiram_exists(void);

/* Cache line size used for MALLOC_CAP_CACHE_ALIGNED. */
size_t mhl_esp_cache_line(void);

/*
 * Allocate for @req without running failed-allocation listeners: @size
 * already rounded; @align 0 or a power of two (the larger of it and
 * req->align is used).  NULL on failure, nothing changed.
 */
void *mhl_esp_alloc(const struct mhl_esp_req *req, size_t size, size_t align,
		    bool zero, const char *api);

/* Size after MALLOC_CAP_32BIT rounding; SIZE_MAX if it would overflow. */
size_t mhl_esp_round(const struct mhl_esp_req *req, size_t size);

/*
 * Report a failed allocation of @size bytes with @caps by @api: runs the
 * core's listeners (the ESP-IDF hook among them) once, the ESP-IDF hook
 * seeing exactly @caps.
 */
void mhl_esp_alloc_failed(size_t size, uint32_t caps, const char *api);

/*
 * The allocation steps of caps_alloc.c without failure reports, for the
 * functions built from them (api names the public function).
 */
void *mhl_esp_malloc_base(size_t size, uint32_t caps, size_t align, bool zero,
			  const char *api);
void *mhl_esp_realloc_base(void *ptr, size_t size, uint32_t caps, const char *api);
/*
 * A public call failed: its last try on the kernel backend (see
 * mhl_alloc_last; it may still succeed and is then the result), else report
 * the failure (size > 0) and return NULL.  Once per public call, with the
 * caps of its last attempt.  _realloc moves @ptr's data into the last try's
 * block and frees @ptr.
 */
void *mhl_esp_failed(size_t size, uint32_t caps, const char *api);
void *mhl_esp_failed_realloc(void *ptr, size_t size, uint32_t caps, const char *api);
/* Free any pointer, offset-aligned multi_heap blocks included. */
void mhl_esp_free_any(void *ptr, const char *api);

/* Statistics over the regions matching @caps (exclusions respected). */
void mhl_esp_stats(uint32_t caps, struct mhl_stats *out);

/*
 * multi_heap handles.  The handle lives at the front of the memory given to
 * multi_heap_register(); @magic mixes a constant with the handle's address.
 */
struct multi_heap_info {
	uint64_t magic;
	struct mh_heap heap;
	void *lock;			/* multi_heap_set_lock(): kept, not used */
	uintptr_t start, end;		/* the whole registered block */
	bool registered;		/* its range is known to the core */
	atomic_uint offs_live;		/* live multi_heap_aligned_alloc_offs blocks */
	size_t min_floor;		/* multi_heap_restore_minimum_free_bytes() */
	mh_lock_t floor_lock;
};

/* The multi_heap whose range holds @p when @p needs this layer to be freed
 * (offset-aligned block, or a heap nested in a region); else NULL. */
struct multi_heap_info *mhl_esp_multi_heap_special(const void *p);

/* multi_heap_free() on behalf of another function named @api. */
void mhl_esp_multi_heap_free(struct multi_heap_info *h, void *p, const char *api);

#endif /* MHL_ESP_INTERNAL_H */
