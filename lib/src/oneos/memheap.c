// SPDX-License-Identifier: MIT
/*
 * memheap.c - OneOS user heaps: os_memheap_init/add/alloc/aligned_alloc/
 * realloc/free/info/check over caller memory (oheap.c does the work).
 */
#include <os_memory.h>

#include <stdlib.h>
#include <string.h>

#include "rtos/oheap.h"
#include "oneos.h"

#define MHL_EXPORT __attribute__((visibility("default")))

#define OS_KOBJ_INITED	0x55	/* object_inited of a live heap object */

struct heap_mem {
	struct mhl_oheap oh;
};

static struct mhl_oheap *heap_of(os_memheap_t *heap, const char *api)
{
	if (!heap || heap->object_inited != OS_KOBJ_INITED || !heap->h_mem) {
		mhl_rtos_diag(api, "heap %p is not initialised", (void *)heap);
		return NULL;
	}
	return &heap->h_mem->oh;
}

/* OS_EINVAL for NULL or an object already initialised. */
MHL_EXPORT os_err_t (os_memheap_init)(os_memheap_t *heap, const char *name)
{
	struct heap_mem *hm;

	if (!heap)
		return OS_EINVAL;
	if (heap->object_inited == OS_KOBJ_INITED) {
		mhl_rtos_diag("os_memheap_init", "heap '%s' is already initialised",
			      heap->name);
		return OS_EINVAL;
	}
	hm = calloc(1, sizeof(*hm));
	if (!hm)
		return OS_ENOMEM;
	memset(heap->name, 0, sizeof(heap->name));
	if (name)
		strncpy(heap->name, name, sizeof(heap->name) - 1);
	if (mhl_oheap_init(&hm->oh, heap->name) != MHL_OK) {
		free(hm);
		return OS_ENOMEM;
	}
	hm->oh.retirable = true;	/* its memory may become another heap's */
	heap->h_mem = hm;
	heap->resource_node.next = &heap->resource_node;
	heap->resource_node.prev = &heap->resource_node;
	heap->object_inited = OS_KOBJ_INITED;
	return OS_EOK;
}

MHL_EXPORT os_err_t (os_memheap_add)(os_memheap_t *heap, void *start_addr,
				     os_size_t size, enum os_mem_alg alg)
{
	struct mhl_oheap *oh = heap_of(heap, "os_memheap_add");
	enum mh_algo algo;

	if (!oh)
		return OS_EINVAL;
	if (mhl_oneos_algo(alg, &algo) != 0) {
		mhl_rtos_diag("os_memheap_add", "unknown algorithm %d", (int)alg);
		return OS_EINVAL;
	}
	return mhl_oneos_err(mhl_oheap_add(oh, start_addr, size, algo));
}

MHL_EXPORT void *(os_memheap_alloc)(os_memheap_t *heap, os_size_t size)
{
	struct mhl_oheap *oh = heap_of(heap, "os_memheap_alloc");

	return oh ? mhl_oheap_alloc(oh, size, 0, 0, "os_memheap_alloc") : NULL;
}

MHL_EXPORT void *(os_memheap_aligned_alloc)(os_memheap_t *heap,
					    os_size_t align, os_size_t size)
{
	struct mhl_oheap *oh = heap_of(heap, "os_memheap_aligned_alloc");

	if (!oh)
		return NULL;
	if (align == 0 || (align & (align - 1))) {
		mhl_rtos_diag("os_memheap_aligned_alloc",
			      "alignment %zu is not a power of two", align);
		return NULL;
	}
	return mhl_oheap_alloc(oh, size, align, 0, "os_memheap_aligned_alloc");
}

MHL_EXPORT void *(os_memheap_realloc)(os_memheap_t *heap, void *ptr,
				      os_size_t size)
{
	struct mhl_oheap *oh = heap_of(heap, "os_memheap_realloc");

	return oh ? mhl_oheap_realloc(oh, ptr, size, "os_memheap_realloc") : NULL;
}

MHL_EXPORT void (os_memheap_free)(os_memheap_t *heap, void *ptr)
{
	struct mhl_oheap *oh = heap_of(heap, "os_memheap_free");

	if (oh)
		mhl_oheap_free(oh, ptr, "os_memheap_free");
}

MHL_EXPORT void (os_memheap_info)(os_memheap_t *heap, os_meminfo_t *info)
{
	struct mhl_oheap *oh;
	struct mhl_stats st;

	if (!info)
		return;
	memset(info, 0, sizeof(*info));
	oh = heap_of(heap, "os_memheap_info");
	if (!oh)
		return;
	mhl_oheap_stats(oh, &st);
	info->mem_total = st.total;
	info->mem_used = st.allocated;
	info->mem_maxused = st.peak_allocated;
}

/* OS_EOK, OS_ERROR when damage is found, OS_EINVAL for a bad heap object. */
MHL_EXPORT os_err_t (os_memheap_check)(os_memheap_t *heap)
{
	struct mhl_oheap *oh = heap_of(heap, "os_memheap_check");

	if (!oh)
		return OS_EINVAL;
	return mhl_oheap_check(oh, true) == MHL_OK ? OS_EOK : OS_ERROR;
}
