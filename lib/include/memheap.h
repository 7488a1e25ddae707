/* SPDX-License-Identifier: MIT */
/*
 * memheap.h - libmemheap's own extensions, beside the Armino, OneOS,
 * ESP-IDF and FreeRTOS APIs: region enumeration, allocation by capability
 * with explicit alignment, device addresses, cache maintenance and dma-buf
 * export of DMA buffers, and which backend serves the process.
 *
 * Every pointer from any libmemheap API may be passed to these functions
 * (and memheap_free frees a pointer from any family).  All calls are
 * thread-safe.  Functions returning int return 0 (or a non-negative value
 * as documented) on success and a negative errno value on failure.
 *
 * Backends (see the library's README): "kernel" when /dev/memheap exists
 * (memheap.ko regions), "embedded" otherwise (simulated regions in
 * anonymous memory; MEMHEAP_REGIONS / MEMHEAP_CONFIG set the layout).
 */
#ifndef MEMHEAP_H
#define MEMHEAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Region capabilities: the same values as <linux/memheap.h>. */
#ifndef MEMHEAP_CAP_DMA
#define MEMHEAP_CAP_DMA		(1U << 0) /* device-accessible, physically contiguous, has a device address */
#define MEMHEAP_CAP_SPIRAM	(1U << 1) /* external RAM (PSRAM) */
#define MEMHEAP_CAP_INTERNAL	(1U << 2) /* on-chip / internal RAM */
#define MEMHEAP_CAP_8BIT	(1U << 3) /* byte-addressable */
#define MEMHEAP_CAP_32BIT	(1U << 4) /* word-addressable */
#define MEMHEAP_CAP_DEFAULT	(1U << 5) /* serves requests that name no capability */
#define MEMHEAP_CAPS_ALL	((1U << 6) - 1)
#endif
#ifndef MEMHEAP_ALGO_FIRSTFIT
#define MEMHEAP_ALGO_FIRSTFIT	0 /* lowest-address fit, page granular */
#define MEMHEAP_ALGO_BUDDY	1 /* power-of-two pages */
#endif

#define MEMHEAP_REGION_NAME_LEN	32

/* One region as memheap_region_info() reports it. */
struct memheap_region {
	unsigned int index;		/* priority order: allocation tries 0 first */
	char name[MEMHEAP_REGION_NAME_LEN];
	uint32_t caps;			/* MEMHEAP_CAP_* */
	uint32_t algo;			/* MEMHEAP_ALGO_* */
	uint32_t added;			/* 1: added at run time from program memory */
	uint32_t reserved;
	uintptr_t start, end;		/* address range owned by the region */
	uint64_t dev_addr;		/* kernel DMA region start, privileged callers; else 0 */
	size_t total;			/* bytes usable by blocks */
	size_t free;			/* total - allocated */
	size_t allocated;		/* held by blocks, overhead included */
	size_t largest_free;		/* largest allocation that succeeds now */
	size_t min_free;		/* lowest free since start */
	size_t peak_allocated;
	size_t allocated_blocks;
	size_t free_blocks;
	size_t alloc_count;		/* successful allocations */
	size_t free_count;		/* successful frees */
	size_t failed_count;		/* failed allocations */
};

/* Number of regions (backend regions, then regions added at run time). */
unsigned int memheap_region_count(void);

/* Fill @out for region @index: 0, or -EINVAL (index out of range, NULL). */
int memheap_region_info(unsigned int index, struct memheap_region *out);

/* Index of the region called @name, or -ENOENT. */
int memheap_region_find(const char *name);

/* Index of the region holding @ptr, or -ENOENT (also for standalone heaps). */
int memheap_region_of(const void *ptr);

/* memheap_alloc flags */
#define MEMHEAP_F_ZERO		0x1u	/* zero the memory */
/*
 * Kernel backend: a kernel buffer of its own (page granular) instead of a
 * slice of a shared arena: needed for memheap_export_dmabuf().
 */
#define MEMHEAP_F_DEDICATED	0x2u

/*
 * @size bytes aligned to @align (0 = 8, else a power of two) from the first
 * region whose caps include @caps (0: any region).  NULL on failure
 * (failed-allocation callbacks of the other APIs run).
 */
void *memheap_alloc(size_t size, size_t align, uint32_t caps, unsigned int flags);

/* Free a pointer from any libmemheap API; NULL is a no-op. */
void memheap_free(void *ptr);

/* Usable bytes at @ptr (any API), 0 if not ours. */
size_t memheap_usable_size(const void *ptr);

/*
 * Device (bus) address of @ptr, which must lie in a block of a DMA region
 * on the kernel backend.  -EOPNOTSUPP: embedded backend or not a DMA
 * region; -EPERM: the kernel gives device addresses only to CAP_SYS_ADMIN;
 * -ENOENT: not memheap memory.
 */
int memheap_dev_addr(const void *ptr, uint64_t *dev_addr);

/*
 * Cache maintenance for cached kernel buffers, [ptr, ptr + len) (len 0:
 * to the end of the buffer).  for_device: after the CPU wrote, before the
 * device reads.  for_cpu: after the device wrote, before the CPU reads.
 * 0 (nothing to do) for memory that is not a kernel buffer.
 */
int memheap_sync_for_device(const void *ptr, size_t len);
int memheap_sync_for_cpu(const void *ptr, size_t len);

/*
 * Export the kernel buffer starting at @ptr (allocated with
 * MEMHEAP_F_DEDICATED, or large enough to have its own buffer) as a
 * dma-buf; @flags O_CLOEXEC and/or O_RDWR.  Returns the fd, or
 * -EOPNOTSUPP (embedded backend, arena slice), -ENOENT, -EINVAL.
 */
int memheap_export_dmabuf(const void *ptr, int flags);

/* "kernel" or "embedded". */
const char *memheap_backend(void);

/* Print the configuration and every region to @out (stdout if NULL). */
void memheap_print_config(FILE *out);

/* Check every heap's integrity: 0 if intact, -EIO otherwise (details on stderr if @verbose). */
int memheap_check(int verbose);

#ifdef __cplusplus
}
#endif

#endif /* MEMHEAP_H */
