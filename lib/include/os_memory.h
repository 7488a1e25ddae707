/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * os_memory.h - the OneOS memory heap API over memheap (libmemheap).
 *
 * System heap: os_malloc() and friends.  Until the program calls
 * os_sys_heap_init(), the system heap is memheap's default memory (the
 * regions with the DEFAULT capability, as for Armino's os_malloc()).  After
 * os_sys_heap_init(), it is exactly the ranges given to os_sys_heap_add(),
 * searched in the order they were added, each with its own algorithm.
 *
 * User heaps: a struct os_memheap the program owns (it may be static),
 * os_memheap_init() then one or more os_memheap_add().  Their ranges are
 * known to the whole library, so os_free() (or vPortFree(), heap_caps_free()
 * ...) of a user-heap block works too.
 *
 * Every function is thread-safe.  docs/api-oneos.md has the details and the
 * decisions where the OneOS documentation is silent.
 */
#ifndef OS_MEMORY_H
#define OS_MEMORY_H

#include <os_types.h>
#include <os_errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest heap name kept in struct os_memheap (longer names are cut). */
#ifndef OS_NAME_MAX
#define OS_NAME_MAX	15
#endif

/*
 * Both algorithms are always available; OS_MEM_ALG_DEFAULT is first-fit,
 * the first one OneOS lists.
 */
enum os_mem_alg {
	OS_MEM_ALG_FIRSTFIT = 0,
	OS_MEM_ALG_BUDDY = 1,
	OS_MEM_ALG_DEFAULT = 2,
};

struct heap_mem;		/* the library's heap state, opaque */

/*
 * A user heap object.  The library writes h_mem, object_inited and name;
 * the name array has a fixed size (16 bytes) whatever OS_NAME_MAX says, so
 * the layout is the same in the library and in every program.
 */
struct os_memheap {
	struct heap_mem *h_mem;
	os_uint8_t object_inited;
	char name[15 + 1];
	os_list_node_t resource_node;
};
typedef struct os_memheap os_memheap_t;

struct os_meminfo {
	os_size_t mem_total;	/* bytes the heap manages for blocks */
	os_size_t mem_used;	/* bytes in allocated blocks, overhead included */
	os_size_t mem_maxused;	/* highest mem_used seen */
};
typedef struct os_meminfo os_meminfo_t;

/*
 * The names are parenthesised so that Armino's CONFIG_MEM_DEBUG macros
 * (os/mem.h), when active, do not rewrite these declarations.
 */
void (os_sys_heap_init)(void);
os_err_t (os_sys_heap_add)(void *start_addr, os_size_t size,
			   enum os_mem_alg alg);

void *(os_malloc)(os_size_t size);
void *(os_aligned_malloc)(os_size_t align, os_size_t size);
void *(os_realloc)(void *ptr, os_size_t size);
void *(os_calloc)(os_size_t count, os_size_t size);
void (os_free)(void *ptr);
void (os_memory_info)(os_meminfo_t *info);
os_err_t (os_memory_check)(void);

os_err_t (os_memheap_init)(os_memheap_t *heap, const char *name);
os_err_t (os_memheap_add)(os_memheap_t *heap, void *start_addr,
			  os_size_t size, enum os_mem_alg alg);
void *(os_memheap_alloc)(os_memheap_t *heap, os_size_t size);
void *(os_memheap_aligned_alloc)(os_memheap_t *heap, os_size_t align,
				 os_size_t size);
void *(os_memheap_realloc)(os_memheap_t *heap, void *ptr, os_size_t size);
void (os_memheap_free)(os_memheap_t *heap, void *ptr);
void (os_memheap_info)(os_memheap_t *heap, os_meminfo_t *info);
os_err_t (os_memheap_check)(os_memheap_t *heap);

#ifdef __cplusplus
}
#endif

#endif /* OS_MEMORY_H */
