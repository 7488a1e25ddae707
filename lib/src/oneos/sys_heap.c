// SPDX-License-Identifier: MIT
/*
 * sys_heap.c - the OneOS system heap: os_sys_heap_init/os_sys_heap_add,
 * os_aligned_malloc, os_calloc, os_memory_info, os_memory_check.
 * (os_malloc/os_realloc/os_free are shared with Armino: armino/mem.c.)
 *
 * Before os_sys_heap_init() the system heap is memheap's default memory;
 * after it, the ordered heap of the os_sys_heap_add() ranges.  Both are the
 * RTOS layer's (rtos/sys_heap.c), which every RTOS family shares.
 */
#include <os_memory.h>

#include <stdatomic.h>
#include <string.h>

#include "oneos.h"
#include "rtos/rtos.h"

#define MHL_EXPORT __attribute__((visibility("default")))

int mhl_oneos_algo(enum os_mem_alg alg, enum mh_algo *out)
{
	switch (alg) {
	case OS_MEM_ALG_FIRSTFIT:
	case OS_MEM_ALG_DEFAULT:
		*out = MH_ALGO_FIRSTFIT;
		return 0;
	case OS_MEM_ALG_BUDDY:
		*out = MH_ALGO_BUDDY;
		return 0;
	}
	return -1;
}

os_err_t mhl_oneos_err(int mhl_rc)
{
	switch (mhl_rc) {
	case MHL_OK:
		return OS_EOK;
	case MHL_ENOMEM:
		return OS_ENOMEM;
	case MHL_EOVERLAP:
	case MHL_EINVAL:
		return OS_EINVAL;
	default:
		return OS_ERROR;
	}
}

/* Idempotent: a second call keeps the regions already added. */
MHL_EXPORT void (os_sys_heap_init)(void)
{
	mhl_rtos_sys_heap_start();
}

MHL_EXPORT os_err_t (os_sys_heap_add)(void *start_addr, os_size_t size,
				      enum os_mem_alg alg)
{
	struct mhl_oheap *sys;
	enum mh_algo algo;

	if (mhl_oneos_algo(alg, &algo) != 0) {
		mhl_rtos_diag("os_sys_heap_add", "unknown algorithm %d", (int)alg);
		return OS_EINVAL;
	}
	os_sys_heap_init();
	sys = mhl_rtos_sys_heap();
	if (!sys)
		return OS_ENOMEM;
	return mhl_oneos_err(mhl_oheap_add(sys, start_addr, size, algo));
}

/* @align must be a power of two (0 is not). */
MHL_EXPORT void *(os_aligned_malloc)(os_size_t align, os_size_t size)
{
	if (align == 0 || (align & (align - 1))) {
		mhl_rtos_diag("os_aligned_malloc",
			      "alignment %zu is not a power of two", align);
		return NULL;
	}
	return mhl_rtos_alloc(size, align, 0, "os_aligned_malloc", NULL, 0);
}

MHL_EXPORT void *(os_calloc)(os_size_t count, os_size_t size)
{
	struct mhl_oheap *sys = mhl_rtos_sys_heap();

	if (sys)
		return mhl_oheap_calloc(sys, count, size, "os_calloc");
	return mhl_calloc(count, size, 0, mhl_rtos_caps(), 0, "os_calloc");
}

MHL_EXPORT void (os_memory_info)(os_meminfo_t *info)
{
	struct mhl_oheap *sys = mhl_rtos_sys_heap();
	struct mhl_stats st;

	if (!info)
		return;
	if (sys)
		mhl_oheap_stats(sys, &st);
	else
		mhl_caps_stats(mhl_rtos_caps(), &st);
	info->mem_total = st.total;
	info->mem_used = st.allocated;
	info->mem_maxused = st.peak_allocated;
}

MHL_EXPORT os_err_t (os_memory_check)(void)
{
	struct mhl_oheap *sys = mhl_rtos_sys_heap();
	int rc;

	rc = sys ? mhl_oheap_check(sys, true) : mhl_check(mhl_rtos_caps(), true);
	return rc == MHL_OK ? OS_EOK : OS_ERROR;
}
