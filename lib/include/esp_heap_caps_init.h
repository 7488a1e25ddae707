/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * esp_heap_caps_init.h - ESP-IDF heap initialisation and run-time region
 * registration over memheap.
 *
 * libmemheap initialises itself on first use; heap_caps_init() only forces
 * that to happen now.  heap_caps_add_region*() give the library more memory
 * the caller owns: the range becomes a new region (first-fit) served after
 * the regions it already has.
 */
#ifndef MEMHEAP_ESP_HEAP_CAPS_INIT_H
#define MEMHEAP_ESP_HEAP_CAPS_INIT_H

#include <stdint.h>

#include "esp_err.h"
#include "esp_heap_caps.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SOC_MEMORY_TYPE_NO_PRIOS
/* Length of the caps[] array of heap_caps_add_region_with_caps(). */
#define SOC_MEMORY_TYPE_NO_PRIOS 3
#endif

/* Initialise the allocator now (it also initialises itself on first use).
 * Calling it again does nothing. */
void heap_caps_init(void);

/* No start-up stacks live in memheap regions: nothing to enable. */
void heap_caps_enable_nonos_stack_heaps(void);

/*
 * Add [start, end) as a heap whose capabilities are those of the known
 * region containing @start (the memory must be unused and stay valid).
 * ESP_ERR_INVALID_ARG for start == 0 or end <= start, ESP_ERR_NOT_FOUND if
 * @start is in no known region, else what heap_caps_add_region_with_caps()
 * returns.
 */
esp_err_t heap_caps_add_region(intptr_t start, intptr_t end);

/*
 * Add [start, end) as a heap with capabilities caps[0] | caps[1] | ...
 * (SOC_MEMORY_TYPE_NO_PRIOS masks, highest priority first).  A range that
 * coincides with, lies inside, or only touches a known region is allowed;
 * one that straddles a region's start or end is refused with ESP_FAIL.
 * ESP_ERR_INVALID_ARG for a NULL @caps, start == 0 or end <= start;
 * ESP_ERR_INVALID_SIZE if the range is too small for a heap;
 * ESP_ERR_NO_MEM if the library cannot record another heap.
 */
esp_err_t heap_caps_add_region_with_caps(const uint32_t caps[], intptr_t start, intptr_t end);

#ifdef __cplusplus
}
#endif

#endif /* MEMHEAP_ESP_HEAP_CAPS_INIT_H */
