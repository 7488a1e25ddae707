// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - CPU cache maintenance on a range of a region.
 *
 * Regions in the kernel's linear map (self-backed ones) use the streaming
 * DMA API on the memheap device, which knows whether the device is
 * coherent.  Carveouts outside the linear map cannot use it (it reaches the
 * memory through the linear map), so on arm64 the data-cache lines are
 * maintained by virtual address through the region's own kernel mapping,
 * which acts on the same physical lines.
 */
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/types.h>

#ifdef CONFIG_ARM64
#include <asm/barrier.h>
#include <asm/cache.h>
#endif

#include "memheap.h"

#ifdef CONFIG_ARM64
/* "dc cvac" cleans a line to the point of coherency; "dc civac" also
 * invalidates it.
 */
static void dcache_by_va(void *start, u64 len, bool invalidate)
{
	u32 ctr = read_cpuid_effective_cachetype();
	unsigned long line = 4UL << ((ctr >> 16) & 0xf);
	unsigned long addr = (unsigned long)start & ~(line - 1);
	unsigned long end = (unsigned long)start + len;

	for (; addr < end; addr += line) {
		if (invalidate)
			asm volatile("dc civac, %0" : : "r" (addr) : "memory");
		else
			asm volatile("dc cvac, %0" : : "r" (addr) : "memory");
	}
	dsb(sy);
}

static int carveout_sync(struct memheap_region *r, u64 offset, u64 len,
			 bool for_device, enum dma_data_direction dir)
{
	if (for_device)
		dcache_by_va(r->vaddr + offset, len, false);
	else if (dir != DMA_TO_DEVICE)
		dcache_by_va(r->vaddr + offset, len, true);
	return 0;
}

static void carveout_flush(struct memheap_region *r, u64 offset, u64 len)
{
	dcache_by_va(r->vaddr + offset, len, true);
}
#else
/* No portable by-address maintenance: sync is refused, not faked. */
static int carveout_sync(struct memheap_region *r, u64 offset, u64 len,
			 bool for_device, enum dma_data_direction dir)
{
	return -EOPNOTSUPP;
}

static void carveout_flush(struct memheap_region *r, u64 offset, u64 len)
{
}
#endif

/**
 * memheap_cache_sync() - make a range coherent between CPU and devices.
 * @r:          the region.
 * @offset:     start within the region.
 * @len:        bytes, > 0; the range lies inside the region.
 * @for_device: true before device access, false before CPU access.
 * @dir:        DMA_TO_DEVICE (device reads), DMA_FROM_DEVICE (device
 *              writes) or DMA_BIDIRECTIONAL.
 *
 * Return: 0, or -EOPNOTSUPP where the architecture offers no way.
 */
int memheap_cache_sync(struct memheap_region *r, u64 offset, u64 len,
		       bool for_device, enum dma_data_direction dir)
{
	struct device *dev = memheap_dev.dev;

	if (!r->linear)
		return carveout_sync(r, offset, len, for_device, dir);
	if (for_device)
		dma_sync_single_for_device(dev, r->dma_addr + offset, len, dir);
	else
		dma_sync_single_for_cpu(dev, r->dma_addr + offset, len, dir);
	return 0;
}

/**
 * memheap_cache_flush() - write back and drop every cached line of a
 * range, so that a mapping with another memory type sees memory as it is
 * and no dirty line lands on it later.
 * @r:      the region.
 * @offset: start within the region.
 * @len:    bytes.
 */
void memheap_cache_flush(struct memheap_region *r, u64 offset, u64 len)
{
	struct device *dev = memheap_dev.dev;

	if (!r->linear) {
		carveout_flush(r, offset, len);
		return;
	}
	dma_sync_single_for_device(dev, r->dma_addr + offset, len,
				   DMA_BIDIRECTIONAL);
	dma_sync_single_for_cpu(dev, r->dma_addr + offset, len,
				DMA_BIDIRECTIONAL);
}
