/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memheap: buffers from reserved memory regions (PSRAM, SRAM, carveouts).
 *
 * This header is the whole user-space ABI of memheap.ko:
 *   - the character device /dev/memheap (ioctl + mmap), and
 *   - the generic netlink family "memheap" (statistics and events).
 *
 * Conventions that hold for every structure below:
 *   - All fields have fixed width; padding is explicit.
 *   - Fields marked "in" are read by the kernel, "out" are written by it.
 *   - Every "reserved" field and every unused flag bit must be zero on
 *     input, else the call fails with -EINVAL.  The kernel writes zero to
 *     reserved output fields.
 *   - Structures are extensible: the size of the caller's structure is
 *     carried in the ioctl number (_IOC_SIZE).  A caller built against an
 *     older, shorter version keeps working.  A larger structure is accepted
 *     if every byte beyond the kernel's version is zero (else -E2BIG).  A
 *     structure shorter than the first published version (the *_SIZE_VER0
 *     constants) gets -EINVAL.  Output is copied back truncated to the
 *     caller's size.
 *   - Unknown ioctl commands fail with -ENOTTY.
 */
#ifndef _UAPI_LINUX_MEMHEAP_H
#define _UAPI_LINUX_MEMHEAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MEMHEAP_DEVICE_PATH	"/dev/memheap"
#define MEMHEAP_ABI_VERSION	1

/* Longest region name including the terminating NUL. */
#define MEMHEAP_NAME_LEN	32

/*
 * Region capabilities, in the ESP-IDF sense (MALLOC_CAP_*).  A request
 * names the capabilities it needs; any region having all of them may serve.
 */
/* device-accessible, physically contiguous, has a device address */
#define MEMHEAP_CAP_DMA		(1U << 0)
#define MEMHEAP_CAP_SPIRAM	(1U << 1) /* external RAM (PSRAM) */
#define MEMHEAP_CAP_INTERNAL	(1U << 2) /* on-chip / internal RAM */
#define MEMHEAP_CAP_8BIT	(1U << 3) /* byte-addressable */
#define MEMHEAP_CAP_32BIT	(1U << 4) /* word-addressable */
#define MEMHEAP_CAP_DEFAULT	(1U << 5) /* serves requests that name no capability */
#define MEMHEAP_CAPS_ALL	((1U << 6) - 1)

/* Pool algorithm of a region. */
#define MEMHEAP_ALGO_FIRSTFIT	0 /* lowest-address fit, page granular */
#define MEMHEAP_ALGO_BUDDY	1 /* power-of-two pages */

/* CPU mapping mode, of a region (its default) or of one buffer. */
#define MEMHEAP_MAP_CACHED	0 /* write-back; needs MEMHEAP_IOC_SYNC around device access */
#define MEMHEAP_MAP_UNCACHED	1 /* device memory type / non-cacheable */
#define MEMHEAP_MAP_WC		2 /* write-combining */

/* Where a region's memory comes from. */
#define MEMHEAP_ORIGIN_DT	0 /* device-tree reserved-memory carveout */
#define MEMHEAP_ORIGIN_PARAM	1 /* physical range given by module parameter */
#define MEMHEAP_ORIGIN_SELF	2 /* obtained by the driver (CMA / DMA allocation) */

/* "Any region" in fields that take a region index. */
#define MEMHEAP_REGION_ANY	0xffffffffU

/**
 * struct memheap_info - MEMHEAP_IOC_INFO: ABI version and global limits.
 * @abi_version:  out: MEMHEAP_ABI_VERSION of the running module.
 * @nr_regions:   out: number of regions; valid indices are 0..nr_regions-1.
 * @page_size:    out: allocation granule (the kernel's PAGE_SIZE).
 * @file_limit:   out: bytes one open file may hold (0 = no limit).
 * @file_used:    out: bytes this open file holds now.
 * @file_buffers: out: live buffers of this open file.
 * @reserved:     must be zero.
 */
struct memheap_info {
	__u32 abi_version;
	__u32 nr_regions;
	__u64 page_size;
	__u64 file_limit;
	__u64 file_used;
	__u32 file_buffers;
	__u32 reserved[5];
};

#define MEMHEAP_INFO_SIZE_VER0	56

/**
 * struct memheap_region_info - MEMHEAP_IOC_REGION_QUERY: one region.
 * @index:        in: region index (0..nr_regions-1), else -EINVAL.
 * @caps:         out: MEMHEAP_CAP_* of the region.
 * @algo:         out: MEMHEAP_ALGO_*.
 * @map_mode:     out: default MEMHEAP_MAP_* of buffers in this region.
 * @origin:       out: MEMHEAP_ORIGIN_*.
 * @reserved0:    must be zero.
 * @name:         out: stable NUL-terminated name (ABI; from DT or parameter).
 * @size:         out: bytes managed by the pool.
 * @used:         out: bytes in live buffers (and freed buffers still mapped).
 * @free:         out: size - used.
 * @largest_free: out: largest single buffer an allocation could get now.
 * @min_free:     out: lowest @free since load.
 * @allocs:       out: successful allocations since load.
 * @failures:     out: failed allocation requests since load that could
 *                have used this region (its caps include theirs, and it is
 *                the region they named, if any); MEMHEAP_ALLOC_TRY
 *                requests are not counted.
 * @live:         out: buffers currently holding memory.
 * @dev_addr:     out: device (bus) address of the region start for
 *                CAP_DMA regions and CAP_SYS_ADMIN callers; 0 otherwise.
 * @reserved:     must be zero.
 */
struct memheap_region_info {
	__u32 index;
	__u32 caps;
	__u32 algo;
	__u32 map_mode;
	__u32 origin;
	__u32 reserved0;
	char name[MEMHEAP_NAME_LEN];
	__u64 size;
	__u64 used;
	__u64 free;
	__u64 largest_free;
	__u64 min_free;
	__u64 allocs;
	__u64 failures;
	__u64 live;
	__u64 dev_addr;
	__u64 reserved[4];
};

#define MEMHEAP_REGION_INFO_SIZE_VER0	160

/* memheap_alloc.flags */
#define MEMHEAP_ALLOC_REGION	(1U << 0) /* allocate only from memheap_alloc.region */
#define MEMHEAP_ALLOC_MAP_SET	(1U << 1) /* use memheap_alloc.map_mode, not the region's default */
#define MEMHEAP_ALLOC_TRY	(1U << 2) /* one try of several: failure not counted, no event */
#define MEMHEAP_ALLOC_FLAGS_ALL	((1U << 3) - 1)

/**
 * struct memheap_alloc - MEMHEAP_IOC_ALLOC: allocate a buffer.
 * @size:      in: bytes wanted, > 0; rounded up to whole pages.
 * @align:     in: 0 (page) or a power of two; below the page size means
 *             the page size.  Not a power of two: -EINVAL.
 * @caps:      in: MEMHEAP_CAP_* the region must have; 0 means DEFAULT.
 * @flags:     in: MEMHEAP_ALLOC_*.
 * @region:    in: region index when MEMHEAP_ALLOC_REGION is set (its caps
 *             must still include @caps), else must be zero.
 * @map_mode:  in: MEMHEAP_MAP_* when MEMHEAP_ALLOC_MAP_SET is set, else zero.
 * @handle:    out: opaque non-zero handle, valid only on this open file.
 * @region_out: out: index of the region that served the request.
 * @mmap_offset: out: offset to pass to mmap() to map this buffer.
 * @size_out:  out: bytes actually reserved (page multiple).
 * @dev_addr:  out: device address for CAP_DMA regions and CAP_SYS_ADMIN
 *             callers; 0 otherwise.
 * @reserved:  must be zero.
 *
 * Regions are tried in index order.  The new buffer reads as zero.
 * Errors: -EINVAL (bad field, or a flag outside MEMHEAP_ALLOC_FLAGS_ALL),
 * -ENOMEM (no region can hold it, or the per-file limit would be
 * exceeded; one allocation-failed event is sent for the request, with its
 * @size and @caps, and the @failures counter of every region with @caps
 * that it tried goes up by one), -ENODEV (no region has @caps), -EFAULT
 * (the result cannot be written back: the allocation is undone).
 *
 * MEMHEAP_ALLOC_TRY marks a request as one try among several that the
 * caller makes for one request of its own (a library trying its regions
 * one by one with MEMHEAP_ALLOC_REGION, or sizing an arena): its -ENOMEM
 * counts in no region's @failures and sends no event.  Such a caller
 * reports its request itself, once, when every try failed: it makes a
 * last ALLOC of the request's own size and caps without MEMHEAP_ALLOC_TRY
 * (and without MEMHEAP_ALLOC_REGION), which either succeeds (memory was
 * freed meanwhile) or fails, is counted and sends the one event.
 * libmemheap does so.  Success is the same with or without the flag.
 */
struct memheap_alloc {
	__u64 size;
	__u64 align;
	__u32 caps;
	__u32 flags;
	__u32 region;
	__u32 map_mode;
	__u32 handle;
	__u32 region_out;
	__u64 mmap_offset;
	__u64 size_out;
	__u64 dev_addr;
	__u64 reserved[2];
};

#define MEMHEAP_ALLOC_SIZE_VER0	80

/**
 * struct memheap_handle_arg - MEMHEAP_IOC_FREE: drop this file's handle.
 * @handle:   in: handle from MEMHEAP_IOC_ALLOC on this file.
 * @reserved: must be zero.
 *
 * The handle is gone at once (-ENOENT on reuse).  The memory goes back to
 * the pool when the last mapping and the last dma-buf reference are gone.
 */
struct memheap_handle_arg {
	__u32 handle;
	__u32 reserved[3];
};

#define MEMHEAP_HANDLE_ARG_SIZE_VER0	16

/* memheap_buffer_info.flags (out) */
#define MEMHEAP_BUFFER_MAPPED	(1U << 0) /* at least one live mapping */
#define MEMHEAP_BUFFER_EXPORTED	(1U << 1) /* at least one dma-buf */

/**
 * struct memheap_buffer_info - MEMHEAP_IOC_BUFFER_QUERY: one buffer.
 * @handle:      in: handle on this file.
 * @flags:       out: MEMHEAP_BUFFER_*.
 * @region:      out: region index.
 * @map_mode:    out: MEMHEAP_MAP_* used by mmap().
 * @size:        out: bytes (page multiple).
 * @mmap_offset: out: as returned by MEMHEAP_IOC_ALLOC.
 * @dev_addr:    out: as in struct memheap_alloc.
 * @reserved:    must be zero.
 */
struct memheap_buffer_info {
	__u32 handle;
	__u32 flags;
	__u32 region;
	__u32 map_mode;
	__u64 size;
	__u64 mmap_offset;
	__u64 dev_addr;
	__u64 reserved[2];
};

#define MEMHEAP_BUFFER_INFO_SIZE_VER0	56

/* memheap_sync.flags: exactly one of FOR_CPU / FOR_DEVICE, and a direction */
#define MEMHEAP_SYNC_FOR_CPU	(1U << 0) /* before the CPU reads what the device wrote */
#define MEMHEAP_SYNC_FOR_DEVICE	(1U << 1) /* before the device reads what the CPU wrote */
#define MEMHEAP_SYNC_READ	(1U << 2) /* the device side reads (DMA_TO_DEVICE) */
#define MEMHEAP_SYNC_WRITE	(1U << 3) /* the device side writes (DMA_FROM_DEVICE) */
#define MEMHEAP_SYNC_FLAGS_ALL	((1U << 4) - 1)

/**
 * struct memheap_sync - MEMHEAP_IOC_SYNC: cache maintenance on a range.
 * @handle:   in: handle on this file.
 * @flags:    in: MEMHEAP_SYNC_*; READ|WRITE both or neither = bidirectional.
 * @offset:   in: start within the buffer.
 * @length:   in: bytes; 0 means to the end of the buffer.
 * @reserved: must be zero.
 *
 * A no-op (success) on uncached and write-combined buffers.  A range
 * outside the buffer (overflow-checked) is -EINVAL.
 */
struct memheap_sync {
	__u32 handle;
	__u32 flags;
	__u64 offset;
	__u64 length;
	__u64 reserved;
};

#define MEMHEAP_SYNC_SIZE_VER0	32

/**
 * struct memheap_export - MEMHEAP_IOC_EXPORT: share a buffer as a dma-buf.
 * @handle:   in: handle on this file.
 * @flags:    in: O_CLOEXEC and/or O_RDWR (others: -EINVAL).  Without
 *            O_RDWR the dma-buf is read-only (it maps PROT_READ only, for
 *            good).  A file opened read-only may not ask for O_RDWR
 *            (-EACCES).
 * @fd:       out: the dma-buf file descriptor.
 * @reserved: must be zero.
 *
 * The descriptor is installed only once the result is written back: on
 * -EFAULT no descriptor and no dma-buf remain.  The dma-buf keeps the
 * memory alive after MEMHEAP_IOC_FREE and after this file is closed.
 */
struct memheap_export {
	__u32 handle;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

#define MEMHEAP_EXPORT_SIZE_VER0	16

/**
 * struct memheap_check - MEMHEAP_IOC_CHECK: verify pool integrity.
 * @region:     in: region index, or MEMHEAP_REGION_ANY for all.
 * @reserved0:  must be zero.
 * @errors:     out: inconsistencies found (0 = intact); details go to dmesg.
 * @bad_region: out: first region with errors, or MEMHEAP_REGION_ANY.
 * @reserved:   must be zero.
 */
struct memheap_check {
	__u32 region;
	__u32 reserved0;
	__u32 errors;
	__u32 bad_region;
	__u64 reserved[2];
};

#define MEMHEAP_CHECK_SIZE_VER0	32

#define MEMHEAP_IOC_MAGIC	0xB7

#define MEMHEAP_IOC_INFO	 _IOWR(MEMHEAP_IOC_MAGIC, 0x00, struct memheap_info)
#define MEMHEAP_IOC_REGION_QUERY _IOWR(MEMHEAP_IOC_MAGIC, 0x01, struct memheap_region_info)
#define MEMHEAP_IOC_ALLOC	 _IOWR(MEMHEAP_IOC_MAGIC, 0x02, struct memheap_alloc)
#define MEMHEAP_IOC_FREE	 _IOWR(MEMHEAP_IOC_MAGIC, 0x03, struct memheap_handle_arg)
#define MEMHEAP_IOC_BUFFER_QUERY _IOWR(MEMHEAP_IOC_MAGIC, 0x04, struct memheap_buffer_info)
#define MEMHEAP_IOC_SYNC	 _IOWR(MEMHEAP_IOC_MAGIC, 0x05, struct memheap_sync)
#define MEMHEAP_IOC_EXPORT	 _IOWR(MEMHEAP_IOC_MAGIC, 0x06, struct memheap_export)
#define MEMHEAP_IOC_CHECK	 _IOWR(MEMHEAP_IOC_MAGIC, 0x07, struct memheap_check)
/*
 * MEMHEAP_IOC_NOP: does nothing and returns 0.  The floor the benchmark
 * measures every other call against.  Takes no argument (_IO).
 */
#define MEMHEAP_IOC_NOP		 _IO(MEMHEAP_IOC_MAGIC, 0x3f)

/*
 * mmap(): every buffer owns a window of the device's offset space starting
 * at its mmap_offset (a multiple of 1 << MEMHEAP_MMAP_WINDOW_SHIFT).  A
 * mapping must be MAP_SHARED, start at a page inside the buffer and stay
 * inside the window; anything else (an offset that is no buffer's, an
 * offset that overflows, a window overrun) is -EINVAL.  As with a file
 * mapped past its end, pages of a mapping beyond the buffer's size raise
 * SIGBUS when touched.  The mapping cannot grow (mremap fails), is not
 * dumped in core files, and keeps the buffer alive after MEMHEAP_IOC_FREE
 * and close().  The mapping mode is the buffer's.
 *
 * Buffers are data: PROT_EXEC is refused (-EPERM) in every mapping mode,
 * here and in dma-buf mmaps, and mprotect() cannot add it (-EACCES).  A
 * file opened read-only (/dev/memheap or a dma-buf exported without
 * O_RDWR) maps with PROT_READ and MAP_SHARED; such a mapping never becomes
 * writable (PROT_WRITE: -EACCES from mmap() and mprotect()).
 */
#define MEMHEAP_MMAP_WINDOW_SHIFT	32

/* ---- generic netlink -------------------------------------------------- */

#define MEMHEAP_GENL_NAME	"memheap"
#define MEMHEAP_GENL_VERSION	1
#define MEMHEAP_GENL_MCGRP_EVENTS "events"

/**
 * enum memheap_genl_cmd - commands of the "memheap" family.
 * @MEMHEAP_CMD_REGION_GET: do: the region named by MEMHEAP_A_REGION_INDEX or
 *	MEMHEAP_A_REGION_NAME; dump: every region.  Replies carry the
 *	MEMHEAP_A_REGION_* attributes.  Unprivileged.
 * @MEMHEAP_CMD_USAGE_GET: dump: one message per process holding memheap
 *	buffers: MEMHEAP_A_PID, MEMHEAP_A_COMM, MEMHEAP_A_BUFFERS,
 *	MEMHEAP_A_BYTES.  Needs CAP_NET_ADMIN (GENL_ADMIN_PERM).
 * @MEMHEAP_CMD_EXTENT_GET: dump: the extents of one region (given by
 *	MEMHEAP_A_REGION_INDEX or _NAME) in address order, one
 *	MEMHEAP_A_EXTENT per extent, several per message.  Needs
 *	CAP_NET_ADMIN.
 * @MEMHEAP_CMD_EVENT_ALLOC_FAILED: multicast on "events": an allocation
 *	request failed with -ENOMEM; one event per request, however many
 *	regions it tried.  MEMHEAP_A_SIZE and MEMHEAP_A_CAPS as requested
 *	(caps 0 = DEFAULT), and MEMHEAP_A_REGION_INDEX when the request
 *	named a region.
 * @MEMHEAP_CMD_EVENT_LOW_WATERMARK: multicast on "events": a region's free
 *	bytes fell below its low watermark (sent once per crossing; re-armed
 *	when free rises above it again).  MEMHEAP_A_REGION_INDEX,
 *	MEMHEAP_A_REGION_NAME, MEMHEAP_A_REGION_FREE,
 *	MEMHEAP_A_REGION_LOW_WATERMARK.
 *
 * Any user may join "events", so no event names a process (no
 * MEMHEAP_A_PID, no MEMHEAP_A_COMM): data about processes is
 * MEMHEAP_CMD_USAGE_GET, admin-only.
 *
 * Errors carry an extack message (e.g. "unknown region").
 */
enum memheap_genl_cmd {
	MEMHEAP_CMD_UNSPEC,
	MEMHEAP_CMD_REGION_GET,
	MEMHEAP_CMD_USAGE_GET,
	MEMHEAP_CMD_EXTENT_GET,
	MEMHEAP_CMD_EVENT_ALLOC_FAILED,
	MEMHEAP_CMD_EVENT_LOW_WATERMARK,
	__MEMHEAP_CMD_MAX,
};

#define MEMHEAP_CMD_MAX (__MEMHEAP_CMD_MAX - 1)

/**
 * enum memheap_genl_attr - attributes of the "memheap" family.
 * @MEMHEAP_A_PAD: padding for 64-bit attributes.
 * @MEMHEAP_A_REGION_INDEX: u32, region index as in the ioctls.
 * @MEMHEAP_A_REGION_NAME: NUL-terminated string, < MEMHEAP_NAME_LEN.
 * @MEMHEAP_A_REGION_CAPS: u32, MEMHEAP_CAP_*.
 * @MEMHEAP_A_REGION_ALGO: u32, MEMHEAP_ALGO_*.
 * @MEMHEAP_A_REGION_MAP_MODE: u32, MEMHEAP_MAP_*.
 * @MEMHEAP_A_REGION_ORIGIN: u32, MEMHEAP_ORIGIN_*.
 * @MEMHEAP_A_REGION_SIZE: u64, bytes in the pool.
 * @MEMHEAP_A_REGION_USED: u64, bytes held.
 * @MEMHEAP_A_REGION_FREE: u64, bytes free.
 * @MEMHEAP_A_REGION_LARGEST_FREE: u64, largest allocatable buffer now.
 * @MEMHEAP_A_REGION_MIN_FREE: u64, lowest free since load.
 * @MEMHEAP_A_REGION_ALLOCS: u64, successful allocations.
 * @MEMHEAP_A_REGION_FAILURES: u64, failed allocations.
 * @MEMHEAP_A_REGION_LIVE: u64, buffers holding memory.
 * @MEMHEAP_A_REGION_LOW_WATERMARK: u64, free bytes below which the
 *	low-watermark event fires.
 * @MEMHEAP_A_PID: u32, thread-group id of a process (usage dumps only).
 * @MEMHEAP_A_COMM: string, the process's command name (usage dumps only).
 * @MEMHEAP_A_BUFFERS: u64, buffers held by the process.
 * @MEMHEAP_A_BYTES: u64, bytes held by the process.
 * @MEMHEAP_A_SIZE: u64, requested size (events).
 * @MEMHEAP_A_CAPS: u32, requested capabilities (events).
 * @MEMHEAP_A_EXTENT: nested, MEMHEAP_A_EXTENT_* (extent dumps).
 */
enum memheap_genl_attr {
	MEMHEAP_A_UNSPEC,
	MEMHEAP_A_PAD,
	MEMHEAP_A_REGION_INDEX,
	MEMHEAP_A_REGION_NAME,
	MEMHEAP_A_REGION_CAPS,
	MEMHEAP_A_REGION_ALGO,
	MEMHEAP_A_REGION_MAP_MODE,
	MEMHEAP_A_REGION_ORIGIN,
	MEMHEAP_A_REGION_SIZE,
	MEMHEAP_A_REGION_USED,
	MEMHEAP_A_REGION_FREE,
	MEMHEAP_A_REGION_LARGEST_FREE,
	MEMHEAP_A_REGION_MIN_FREE,
	MEMHEAP_A_REGION_ALLOCS,
	MEMHEAP_A_REGION_FAILURES,
	MEMHEAP_A_REGION_LIVE,
	MEMHEAP_A_REGION_LOW_WATERMARK,
	MEMHEAP_A_PID,
	MEMHEAP_A_COMM,
	MEMHEAP_A_BUFFERS,
	MEMHEAP_A_BYTES,
	MEMHEAP_A_SIZE,
	MEMHEAP_A_CAPS,
	MEMHEAP_A_EXTENT,
	__MEMHEAP_A_MAX,
};

#define MEMHEAP_A_MAX (__MEMHEAP_A_MAX - 1)

/**
 * enum memheap_genl_extent_attr - inside MEMHEAP_A_EXTENT.
 * @MEMHEAP_A_EXTENT_PAD: padding for 64-bit attributes.
 * @MEMHEAP_A_EXTENT_OFFSET: u64, start relative to the region start.
 * @MEMHEAP_A_EXTENT_LENGTH: u64, bytes.
 * @MEMHEAP_A_EXTENT_USED: u8, 1 if held by a buffer, 0 if free.
 */
enum memheap_genl_extent_attr {
	MEMHEAP_A_EXTENT_UNSPEC,
	MEMHEAP_A_EXTENT_PAD,
	MEMHEAP_A_EXTENT_OFFSET,
	MEMHEAP_A_EXTENT_LENGTH,
	MEMHEAP_A_EXTENT_USED,
	__MEMHEAP_A_EXTENT_MAX,
};

#define MEMHEAP_A_EXTENT_MAX (__MEMHEAP_A_EXTENT_MAX - 1)

#endif /* _UAPI_LINUX_MEMHEAP_H */
