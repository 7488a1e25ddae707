/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every kernel-version difference memheap.ko meets, in one place.
 *
 * The driver is written against the newest API; this header supplies it
 * (or a thin adapter) on older kernels.  No other file tests
 * LINUX_VERSION_CODE.  Tested kernels: Debian's 5.10, 6.1, 6.12 (also
 * PREEMPT_RT and 16 KiB pages) and sid's newest (make check-kernels).
 *
 *   API                               changed in  here
 *   vm_flags_set(), vm_flags_clear()  6.3         vma->vm_flags |=, &= ~ before
 *   platform_driver.remove -> void    6.11        int wrapper before
 *   no_llseek removed                 6.12        NULL .llseek after (same
 *                                                 -ESPIPE, see vfs_llseek)
 *   genl_dumpit_info attrs            6.2         ->info.attrs after
 *   MODULE_IMPORT_NS("NS") string     6.13        bare token before
 *   <linux/iosys-map.h>               5.18        dma_buf_map 5.11..5.17
 *   dma_buf_ops.vmap(buf, map)        5.11        void *vmap(buf) before
 *   krealloc_array()                  5.12        krealloc + overflow check
 *   arm64 pfn_valid() of no-map       5.14        memheap_pfn_is_memory():
 *   memory (true since)                           the generic test before
 */
#ifndef MEMHEAP_COMPAT_H
#define MEMHEAP_COMPAT_H

#include <linux/version.h>

/* ---- mm ------------------------------------------------------------------ */
#include <linux/mm.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#include <linux/overflow.h>
#include <linux/slab.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 12, 0)
static inline void * __must_check krealloc_array(void *p, size_t n,
						 size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return krealloc(p, bytes, flags);
}
#endif

/*
 * memheap_pfn_is_memory() - does the kernel describe @pfn as memory (it has
 * a memory map entry), whether or not the memory is in the linear map?
 *
 * That is what pfn_valid() answers on every kernel but arm64 before 5.14,
 * where pfn_valid() also required the linear map (memblock_is_map_memory)
 * and so refused the no-map reserved-memory carveouts a board hands to
 * memheap.  There the generic sparsemem test is done here (the same one
 * <linux/mmzone.h> gives architectures without their own pfn_valid()).
 * Code that needs a usable struct page still asks pfn_valid().
 */
#if defined(CONFIG_ARM64) && defined(CONFIG_SPARSEMEM) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(5, 14, 0)
#include <linux/mmzone.h>
#include <linux/rcupdate.h>

static inline bool memheap_pfn_is_memory(unsigned long pfn)
{
	struct mem_section *ms;
	bool ret;

	if (PHYS_PFN(PFN_PHYS(pfn)) != pfn ||
	    pfn_to_section_nr(pfn) >= NR_MEM_SECTIONS)
		return false;
	ms = __pfn_to_section(pfn);
	rcu_read_lock();
	ret = valid_section(ms) &&
	      (early_section(ms) || pfn_section_valid(ms, pfn));
	rcu_read_unlock();
	return ret;
}
#else
static inline bool memheap_pfn_is_memory(unsigned long pfn)
{
	return pfn_valid(pfn);
}
#endif

/* ---- platform driver ----------------------------------------------------- */
#include <linux/platform_device.h>

/*
 * The driver's remove callback returns void.  MEMHEAP_REMOVE_ADAPTER(fn)
 * (no trailing ';') defines the int-returning adapter older kernels need,
 * and MEMHEAP_PLATFORM_REMOVE(fn) names what goes into .remove.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define MEMHEAP_REMOVE_ADAPTER(fn)
#define MEMHEAP_PLATFORM_REMOVE(fn) fn
#else
#define MEMHEAP_REMOVE_ADAPTER(fn)					\
static int fn ## _int(struct platform_device *pdev)			\
{									\
	fn(pdev);							\
	return 0;							\
}

#define MEMHEAP_PLATFORM_REMOVE(fn) fn ## _int
#endif

/* ---- file operations ----------------------------------------------------- */
#include <linux/fs.h>

/* A non-seekable file: lseek fails with -ESPIPE on every kernel. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define MEMHEAP_NO_LLSEEK NULL
#else
#define MEMHEAP_NO_LLSEEK no_llseek
#endif

/* ---- generic netlink ----------------------------------------------------- */
#include <net/genetlink.h>

static inline struct nlattr **
memheap_dumpit_attrs(const struct genl_dumpit_info *info)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return info->info.attrs;
#else
	return info->attrs;
#endif
}

/* ---- dma-buf ------------------------------------------------------------- */
#include <linux/dma-buf.h>
#include <linux/module.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MEMHEAP_IMPORT_NS_DMA_BUF() MODULE_IMPORT_NS("DMA_BUF")
#else
#define MEMHEAP_IMPORT_NS_DMA_BUF() MODULE_IMPORT_NS(DMA_BUF)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)
#include <linux/iosys-map.h>
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#include <linux/dma-buf-map.h>
#define iosys_map dma_buf_map
#define iosys_map_set_vaddr dma_buf_map_set_vaddr
#else
struct iosys_map {
	void *vaddr;
};

static inline void iosys_map_set_vaddr(struct iosys_map *map, void *vaddr)
{
	map->vaddr = vaddr;
}
#endif

/*
 * The driver's vmap callback has the (buf, map) form.  Before 5.11 the
 * callback returned the address: MEMHEAP_VMAP_ADAPTER(fn) (no trailing ';')
 * defines that form, MEMHEAP_DMABUF_VMAP(fn) names what goes into .vmap.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#define MEMHEAP_VMAP_ADAPTER(fn)
#define MEMHEAP_DMABUF_VMAP(fn) fn
#else
#define MEMHEAP_VMAP_ADAPTER(fn)					\
static void *fn ## _ptr(struct dma_buf *dmabuf)				\
{									\
	struct iosys_map map = { NULL };				\
									\
	return fn(dmabuf, &map) ? NULL : map.vaddr;			\
}

#define MEMHEAP_DMABUF_VMAP(fn) fn ## _ptr
#endif

#endif /* MEMHEAP_COMPAT_H */
