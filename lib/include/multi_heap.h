/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * multi_heap.h - ESP-IDF's multi_heap API: a heap inside any caller-given
 * block of memory.
 *
 * multi_heap_register() turns [start, start + size) into a heap; the heap's
 * control data lives at the front of that block, as on ESP-IDF, so nothing
 * is allocated elsewhere.  Its range is also made known to the rest of
 * libmemheap, so heap_caps_free(), os_free() and friends accept its
 * pointers too.  Every function is thread-safe (the heap has its own lock,
 * whether or not multi_heap_set_lock() is called).
 *
 * A bad handle or a pointer the heap does not own gets a diagnostic on
 * stderr and changes nothing; ESP-IDF would assert instead.
 */
#ifndef MEMHEAP_MULTI_HEAP_H
#define MEMHEAP_MULTI_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle to a registered heap. */
typedef struct multi_heap_info *multi_heap_handle_t;

/* Heap metadata, filled by multi_heap_get_info() and heap_caps_get_info(). */
typedef struct {
	size_t total_free_bytes;	/* free bytes; = multi_heap_free_size() */
	size_t total_allocated_bytes;	/* bytes held by allocated blocks */
	size_t largest_free_block;	/* largest malloc-able size */
	size_t minimum_free_bytes;	/* lifetime minimum free; = multi_heap_minimum_free_size() */
	size_t allocated_blocks;	/* number of allocated blocks */
	size_t free_blocks;		/* number of free blocks */
	size_t total_blocks;		/* number of blocks */
} multi_heap_info_t;

/*
 * Called for each block by multi_heap_walk(): the block's data, its usable
 * size, 1 if allocated / 0 if free.  Return false to stop.  It runs with the
 * heap locked and must not call into the same heap.
 */
typedef bool (*multi_heap_walker_cb_t)(void *block_ptr, size_t block_size,
				       int block_used, void *user_data);

/* Allocate @size bytes aligned to @alignment (a power of two). */
void *multi_heap_aligned_alloc(multi_heap_handle_t heap, size_t size, size_t alignment);

/* malloc() in @heap.  NULL on failure and for size 0 (as on ESP-IDF). */
void *multi_heap_malloc(multi_heap_handle_t heap, size_t size);

/* Zeroed @n * @size bytes in @heap; NULL on overflow. */
void *multi_heap_calloc(multi_heap_handle_t heap, size_t n, size_t size);

/* Deprecated in ESP-IDF: same as multi_heap_free(). */
void multi_heap_aligned_free(multi_heap_handle_t heap, void *p);

/* free() in @heap; @p NULL or allocated from @heap. */
void multi_heap_free(multi_heap_handle_t heap, void *p);

/* realloc() in @heap.  On failure NULL, and @p is untouched and valid. */
void *multi_heap_realloc(multi_heap_handle_t heap, void *p, size_t size);

/* Usable size of @p (at least the size asked for); 0 for a bad pointer. */
size_t multi_heap_get_allocated_size(multi_heap_handle_t heap, void *p);

/*
 * Make a heap of [start, start + size).  NULL if @start is NULL, if the
 * block is too small to hold the heap's control data and one block, or if
 * it overlaps memory libmemheap manages otherwise (another heap with live
 * blocks, part of a region).  A block inside one allocated buffer of a
 * region is accepted, but its pointers are then served by multi_heap_*
 * only.  Memory of an earlier multi_heap whose blocks are all free may be
 * registered again; the old handle is then invalid.
 */
multi_heap_handle_t multi_heap_register(void *start, size_t size);

/* Remember @lock for @heap.  The heap is locked internally in any case. */
void multi_heap_set_lock(multi_heap_handle_t heap, void *lock);

/* Every block of @heap, one line each, on stdout. */
void multi_heap_dump(multi_heap_handle_t heap);

/* Full integrity check; errors go to stderr if @print_errors. */
bool multi_heap_check(multi_heap_handle_t heap, bool print_errors);

/* Free bytes (total_free_bytes of multi_heap_get_info()). */
size_t multi_heap_free_size(multi_heap_handle_t heap);

/* Lifetime low watermark of multi_heap_free_size(). */
size_t multi_heap_minimum_free_size(multi_heap_handle_t heap);

/* Fill @info with the state of @heap. */
void multi_heap_get_info(multi_heap_handle_t heap, multi_heap_info_t *info);

/* Allocate @size bytes such that (pointer + @offset) is @alignment-aligned. */
void *multi_heap_aligned_alloc_offs(multi_heap_handle_t heap, size_t size,
				    size_t alignment, size_t offset);

/* Set minimum_free_bytes to the current free bytes; return the old value. */
size_t multi_heap_reset_minimum_free_bytes(multi_heap_handle_t heap);

/* Set minimum_free_bytes to @new_minimum_free_bytes_value unless the
 * current value is smaller. */
void multi_heap_restore_minimum_free_bytes(multi_heap_handle_t heap,
					   const size_t new_minimum_free_bytes_value);

/* Call @walker_func on every block of @heap in address order. */
void multi_heap_walk(multi_heap_handle_t heap, multi_heap_walker_cb_t walker_func,
		     void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* MEMHEAP_MULTI_HEAP_H */
