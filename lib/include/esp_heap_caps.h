/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * esp_heap_caps.h - ESP-IDF's capability-based heap allocator (heap_caps_*)
 * over memheap regions.
 *
 * Each memheap region (simulated SRAM / PSRAM, a kernel carveout, or a
 * range added with heap_caps_add_region*()) is one heap with a set of
 * MALLOC_CAP_* capabilities.  A request names the capabilities it needs; it
 * is served from the first region, in region priority order, that has all
 * of them.  Capabilities no memheap region can have (EXEC, IRAM, PIDs, RTC,
 * TCM, retention, DMA descriptors) make a request unsatisfiable: it returns
 * NULL and fires the failed-allocation callback.  MALLOC_CAP_DMA never
 * returns external (SPIRAM) memory unless MALLOC_CAP_SPIRAM is requested
 * too.  MALLOC_CAP_32BIT rounds the size up to a multiple of 4.
 *
 * Every pointer from this API can be freed by heap_caps_free(), by the
 * free of every other libmemheap family (os_free, vPortFree, ...) and the
 * other way round.  All functions are thread-safe.
 *
 * docs/api-esp-idf.md lists every function and the decisions taken where
 * ESP-IDF's documentation is silent.
 */
#ifndef MEMHEAP_ESP_HEAP_CAPS_H
#define MEMHEAP_ESP_HEAP_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "multi_heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags to indicate the capabilities of the various memory systems. */
#define MALLOC_CAP_EXEC		(1U << 0)  /* able to run executable code: never on memheap */
#define MALLOC_CAP_32BIT	(1U << 1)  /* aligned 32-bit data accesses */
#define MALLOC_CAP_8BIT		(1U << 2)  /* 8/16/...-bit data accesses */
#define MALLOC_CAP_DMA		(1U << 3)  /* accessible by DMA */
#define MALLOC_CAP_PID2		(1U << 4)  /* PID2 memory space (PIDs are not used) */
#define MALLOC_CAP_PID3		(1U << 5)  /* PID3 memory space (PIDs are not used) */
#define MALLOC_CAP_PID4		(1U << 6)  /* PID4 memory space (PIDs are not used) */
#define MALLOC_CAP_PID5		(1U << 7)  /* PID5 memory space (PIDs are not used) */
#define MALLOC_CAP_PID6		(1U << 8)  /* PID6 memory space (PIDs are not used) */
#define MALLOC_CAP_PID7		(1U << 9)  /* PID7 memory space (PIDs are not used) */
#define MALLOC_CAP_SPIRAM	(1U << 10) /* in SPI RAM (external) */
#define MALLOC_CAP_INTERNAL	(1U << 11) /* internal: stays when caches are off */
#define MALLOC_CAP_DEFAULT	(1U << 12) /* may serve malloc()/calloc() */
#define MALLOC_CAP_IRAM_8BIT	(1U << 13) /* IRAM with unaligned access */
#define MALLOC_CAP_RETENTION	(1U << 14) /* accessible by retention DMA */
#define MALLOC_CAP_RTCRAM	(1U << 15) /* in RTC fast memory */
#define MALLOC_CAP_TCM		(1U << 16) /* in TCM memory */
#define MALLOC_CAP_DMA_DESC_AHB	(1U << 17) /* can hold AHB DMA descriptors */
#define MALLOC_CAP_DMA_DESC_AXI	(1U << 18) /* can hold AXI DMA descriptors */
#define MALLOC_CAP_CACHE_ALIGNED (1U << 19) /* aligned to the cache line size */
#define MALLOC_CAP_INVALID	(1U << 31) /* can't be used / list end marker */

/* Placement attribute of the ESP-IDF heap code; meaningless on Linux. */
#define HEAP_IRAM_ATTR

/*
 * Called when an allocation fails, if registered: @size bytes with @caps
 * were requested by @function_name ("heap_caps_malloc", ...).
 */
typedef void (*esp_alloc_failed_hook_t)(size_t size, uint32_t caps,
					const char *function_name);

/* Heap containing a walked block. */
struct walker_heap_info {
	intptr_t start;	/* start address of the heap */
	intptr_t end;	/* end address of the heap (one past the last byte) */
};

/* One walked block. */
struct walker_block_info {
	void *ptr;	/* pointer to the block data */
	size_t size;	/* size of the block */
	bool used;	/* true: used, false: free */
};

/* The spelling "into" is ESP-IDF's own. */
typedef struct walker_heap_info walker_heap_into_t;
typedef struct walker_block_info walker_block_info_t;

/*
 * Called for each block by heap_caps_walk() / heap_caps_walk_all().
 * Return true to continue with the heap, false to stop this heap and go on
 * with the next one.  It sees a copy of the heap's blocks taken at one
 * instant and runs with no heap locked: it may allocate and free, in that
 * heap too (blocks it changes are not revisited).
 */
typedef bool (*heap_caps_walker_cb_t)(walker_heap_into_t heap_info,
				      walker_block_info_t block_info,
				      void *user_data);

/* Register @callback to be called when an allocation fails (replacing the
 * previous one).  ESP_OK, or ESP_ERR_INVALID_ARG for NULL (nothing changes). */
esp_err_t heap_caps_register_failed_alloc_callback(esp_alloc_failed_hook_t callback);

/* libc malloc() semantics for memory with all of @caps.  NULL on failure
 * and for size 0 (as on ESP-IDF). */
void *heap_caps_malloc(size_t size, uint32_t caps);

/* libc free() semantics; @ptr may come from any libmemheap allocator. */
void heap_caps_free(void *ptr);

/*
 * libc realloc() semantics for memory with all of @caps.  If the block's
 * region lacks one of @caps, or cannot grow it, the data moves to a region
 * that has them.  NULL @ptr allocates; size 0 frees and returns NULL.  On
 * failure NULL is returned and @ptr is untouched and still valid.
 */
void *heap_caps_realloc(void *ptr, size_t size, uint32_t caps);

/* aligned_alloc() for memory with @caps; @alignment a power of two. */
void *heap_caps_aligned_alloc(size_t alignment, size_t size, uint32_t caps);

/* Deprecated in ESP-IDF: same as heap_caps_free(). */
void heap_caps_aligned_free(void *ptr);

/* Zeroed @n * @size bytes aligned to @alignment; NULL on overflow. */
void *heap_caps_aligned_calloc(size_t alignment, size_t n, size_t size, uint32_t caps);

/* Zeroed @n * @size bytes with @caps; NULL on overflow. */
void *heap_caps_calloc(size_t n, size_t size, uint32_t caps);

/* Total size of all regions having @caps. */
size_t heap_caps_get_total_size(uint32_t caps);

/* Free bytes of all regions having @caps (fragmented: see largest block). */
size_t heap_caps_get_free_size(uint32_t caps);

/* Sum of the low watermarks of all regions having @caps. */
size_t heap_caps_get_minimum_free_size(uint32_t caps);

/* Largest s for which heap_caps_malloc(s, caps) succeeds now. */
size_t heap_caps_get_largest_free_block(uint32_t caps);

/* Track the low watermarks from now on.  ESP_FAIL if already monitoring. */
esp_err_t heap_caps_monitor_local_minimum_free_size_start(void);

/* Back to lifetime low watermarks.  ESP_FAIL if not monitoring. */
esp_err_t heap_caps_monitor_local_minimum_free_size_stop(void);

/* Aggregate multi_heap_info_t over all regions having @caps. */
void heap_caps_get_info(multi_heap_info_t *info, uint32_t caps);

/* Two lines per region having @caps, then a total line, on stdout. */
void heap_caps_print_heap_info(uint32_t caps);

/* heap_caps_check_integrity(MALLOC_CAP_INVALID, print_errors). */
bool heap_caps_check_integrity_all(bool print_errors);

/* Check every region having @caps (all regions if @caps has
 * MALLOC_CAP_INVALID); errors go to stderr if @print_errors. */
bool heap_caps_check_integrity(uint32_t caps, bool print_errors);

/* Check the whole region containing @addr; false also if no region does. */
bool heap_caps_check_integrity_addr(intptr_t addr, bool print_errors);

/*
 * Let heap_caps_malloc_default() (malloc() on ESP-IDF) use external memory:
 * requests up to @limit bytes try internal memory first, larger ones
 * external memory first; each falls back to the other.
 */
void heap_caps_malloc_extmem_enable(size_t limit);

/* malloc() as ESP-IDF's does it: MALLOC_CAP_DEFAULT, honouring the
 * heap_caps_malloc_extmem_enable() limit. */
void *heap_caps_malloc_default(size_t size);

/* realloc() as ESP-IDF's does it; see heap_caps_malloc_default(). */
void *heap_caps_realloc_default(void *ptr, size_t size);

/* Try each of the @num uint32_t caps masks that follow, in order. */
void *heap_caps_malloc_prefer(size_t size, size_t num, ...);
void *heap_caps_realloc_prefer(void *ptr, size_t size, size_t num, ...);
void *heap_caps_calloc_prefer(size_t n, size_t size, size_t num, ...);

/* Every block of every region having @caps, one line each, on stdout. */
void heap_caps_dump(uint32_t caps);
void heap_caps_dump_all(void);

/* Usable size of a live allocation; 0 (and a diagnostic) for a bad pointer,
 * where ESP-IDF would assert. */
size_t heap_caps_get_allocated_size(void *ptr);

/* Walk every block of every region having @caps / of every region. */
void heap_caps_walk(uint32_t caps, heap_caps_walker_cb_t walker_func, void *user_data);
void heap_caps_walk_all(heap_caps_walker_cb_t walker_func, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* MEMHEAP_ESP_HEAP_CAPS_H */
