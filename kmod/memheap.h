/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memheap.h - internal interfaces of memheap.ko.
 *
 * Object model:
 *   memheap_device  the one instance: the DMA-capable struct device the
 *                   regions belong to, the regions, /dev/memheap, the list
 *                   of open files (for per-process usage).
 *   memheap_region  one reserved range with its kernel mapping and pool.
 *   memheap_file    one open of /dev/memheap: its handles and its charge.
 *   memheap_buffer  one allocation; refcounted by its handle, each mapping
 *                   and each dma-buf; the memory returns to the pool on the
 *                   last put.
 */
#ifndef MEMHEAP_INTERNAL_H
#define MEMHEAP_INTERNAL_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/memheap.h>

#include "compat.h"
#include "pool.h"

struct dma_buf;

#define MEMHEAP_MAX_REGIONS	32
#define MEMHEAP_HANDLE_MAX	((u32)INT_MAX)	/* handle << 32 fits loff_t */

/**
 * struct memheap_region_spec - a validated region description, before
 * any resource is taken.
 * @name:     stable name.
 * @caps:     MEMHEAP_CAP_*.
 * @algo:     MEMHEAP_ALGO_*.
 * @map_mode: MEMHEAP_MAP_*.
 * @origin:   MEMHEAP_ORIGIN_*.
 * @phys:     start (DT and PARAM origins).
 * @size:     bytes, a page multiple.
 */
struct memheap_region_spec {
	char name[MEMHEAP_NAME_LEN];
	u32 caps;
	u32 algo;
	u32 map_mode;
	u32 origin;
	phys_addr_t phys;
	u64 size;
};

/**
 * struct memheap_region - a live region.
 * @spec:         what it was declared as.
 * @index:        position in memheap_device.regions.
 * @phys:         physical start.
 * @dma_addr:     device address of the start, valid if @has_dma_addr.
 * @has_dma_addr: @dma_addr is valid (always for self-backed regions).
 * @dma_mapped:   @dma_addr came from dma_map_*() and must be unmapped.
 * @vaddr:        kernel mapping of the whole region.
 * @linear:       @vaddr is in the kernel's cacheable linear map (self-backed
 *                regions and DT ranges the kernel maps), so the streaming
 *                DMA API can do its cache maintenance.
 * @kmap_cached:  the kernel's mapping of the region is cacheable.
 * @self_pages:   self-backed: the pages from dma_alloc_pages().
 * @low_watermark: free bytes below which the low-watermark event fires
 *                (the pool tracks crossings).
 * @pool:         the page pool.
 */
struct memheap_region {
	struct memheap_region_spec spec;
	unsigned int index;
	phys_addr_t phys;
	dma_addr_t dma_addr;
	bool has_dma_addr;
	bool dma_mapped;
	void *vaddr;
	bool linear;
	bool kmap_cached;
	struct page *self_pages;
	u64 low_watermark;
	struct memheap_pool pool;
};

/**
 * struct memheap_device - the driver instance.
 * @dev:        the device regions belong to (DMA API, messages).
 * @regions:    regions in index order.
 * @nr_regions: number of @regions.
 * @misc:       /dev/memheap.
 * @files_lock: protects @files.
 * @files:      open files (memheap_file.node).
 */
struct memheap_device {
	struct device *dev;
	struct memheap_region *regions[MEMHEAP_MAX_REGIONS];
	unsigned int nr_regions;
	struct miscdevice misc;
	struct mutex files_lock;	/* protects @files */
	struct list_head files;
};

/**
 * struct memheap_handles - handle -> buffer table of one file (handles.c).
 * @buckets: 2^@bits chains of buffers (memheap_buffer.hnode).
 * @bits:    log2 of the number of buckets.
 * @count:   live handles.
 * @next:    cursor of the cyclic handle allocator.
 */
struct memheap_handles {
	struct hlist_head *buckets;
	unsigned int bits;
	u32 count;
	u32 next;
};

/**
 * struct memheap_file - one open file.
 * @ref:      held by the open file and by every buffer it charged.
 * @lock:     protects @handles, @used and @buffers.
 * @handles:  handle -> buffer, one reference each.
 * @used:     bytes charged: buffers allocated here and not yet released
 *            (freed-but-mapped buffers still count).
 * @buffers:  buffers charged.
 * @node:     in memheap_device.files while open.
 */
struct memheap_file {
	struct kref ref;
	struct mutex lock;	/* @handles, @used, @buffers */
	struct memheap_handles handles;
	u64 used;
	u32 buffers;
	struct list_head node;
};

/**
 * struct memheap_buffer - one allocation.
 * @ref:       handle + mappings + dma-bufs.
 * @region:    where it lives.
 * @file:      the file it is charged to (holds a reference).
 * @offset:    start within the region.
 * @size:      bytes reserved (page multiple).
 * @map_mode:  MEMHEAP_MAP_* of CPU mappings.
 * @handle:    its handle on @file (stays set after FREE, for messages).
 * @hnode:     in @file's handle table while the handle is live.
 * @mappings:  live VMAs.
 * @exports:   live dma-bufs.
 * @tgid:      thread-group id of the allocating process.
 * @comm:      its command name.
 */
struct memheap_buffer {
	struct kref ref;
	struct memheap_region *region;
	struct memheap_file *file;
	u64 offset;
	u64 size;
	u32 map_mode;
	u32 handle;
	struct hlist_node hnode;
	atomic_t mappings;
	atomic_t exports;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
};

extern struct memheap_device memheap_dev;

/* module parameters (main.c) */
unsigned long memheap_file_limit(void);
unsigned int memheap_low_watermark_pct(void);

/* region_param.c */
int memheap_parse_param_regions(const char *param,
				struct memheap_region_spec *specs,
				unsigned int max, unsigned int *count);

/* region_dt.c */
int memheap_parse_dt_regions(struct device_node *np,
			     struct memheap_region_spec *specs,
			     unsigned int max, unsigned int *count);

/* region.c */
int memheap_validate_specs(const struct memheap_region_spec *specs,
			   unsigned int count);
int memheap_regions_create(struct device *dev,
			   const struct memheap_region_spec *specs,
			   unsigned int count);
void memheap_regions_destroy(void);
struct memheap_region *memheap_region_get(u32 index);
int memheap_region_by_name(const char *name);
void memheap_region_fill_info(struct memheap_region *r,
			      struct memheap_region_info *info, bool admin);

/* cache.c */
void memheap_cache_flush(struct memheap_region *r, u64 offset, u64 len);
int memheap_cache_sync(struct memheap_region *r, u64 offset, u64 len,
		       bool for_device, enum dma_data_direction dir);

/* buffer.c */
struct memheap_file *memheap_file_new(void);
void memheap_file_put(struct memheap_file *f);
int memheap_buffer_alloc(struct memheap_file *f, struct memheap_alloc *req);
struct memheap_buffer *memheap_buffer_lookup(struct memheap_file *f,
					     u32 handle);
int memheap_buffer_drop_handle(struct memheap_file *f, u32 handle);
void memheap_file_drop_all(struct memheap_file *f);
void memheap_buffer_get(struct memheap_buffer *buf);
void memheap_buffer_put(struct memheap_buffer *buf);
u64 memheap_buffer_dev_addr(struct memheap_buffer *buf);
pgprot_t memheap_buffer_pgprot(struct memheap_buffer *buf, pgprot_t prot);
int memheap_mmap_flags(struct vm_area_struct *vma);
int memheap_buffer_mmap(struct memheap_file *f, struct vm_area_struct *vma);

/* handles.c (callers hold the file's lock) */
int memheap_handles_init(struct memheap_handles *t);
void memheap_handles_destroy(struct memheap_handles *t);
struct memheap_buffer *memheap_handles_find(struct memheap_handles *t,
					    u32 handle);
int memheap_handles_insert(struct memheap_handles *t,
			   struct memheap_buffer *buf);
void memheap_handles_remove(struct memheap_handles *t,
			    struct memheap_buffer *buf);
void memheap_handles_take_all(struct memheap_handles *t,
			      struct hlist_head *out);
int memheap_handles_walk(struct memheap_handles *t,
			 int (*fn)(struct memheap_buffer *buf, void *ctx),
			 void *ctx);

/* dmabuf.c */
struct dma_buf *memheap_dmabuf_export(struct memheap_buffer *buf, u32 flags);

/* device.c */
int memheap_device_register(struct device *parent);
void memheap_device_unregister(void);

/* netlink.c */
int memheap_netlink_init(void);
void memheap_netlink_exit(void);
void memheap_event_alloc_failed(const struct memheap_alloc *req);
void memheap_event_low_watermark(struct memheap_region *r, u64 free);

#endif /* MEMHEAP_INTERNAL_H */
