/* SPDX-License-Identifier: MIT */
/*
 * core.h - the internal core of libmemheap, shared by every API family
 * (Armino, OneOS, ESP-IDF, FreeRTOS, memheap_*, the LD_PRELOAD malloc).
 *
 * What the core owns:
 *   - one registry of REGIONS, in priority order (index 0 first): the
 *     backend's regions (embedded layout or the kernel's regions) followed by
 *     regions added at run time (os_sys_heap_add, heap_caps_add_region,
 *     vPortDefineHeapRegions ...).  Each region has a name, MEMHEAP_CAP_*
 *     capabilities (uapi/linux/memheap.h), an algorithm and its own engine
 *     heap (engine/mh_pool.h) with its own lock;
 *   - a table of address RANGES mapping any address to its owner: a region,
 *     or a STANDALONE heap (OneOS user heap, multi_heap handle) that a family
 *     created itself and registered, so that mhl_free() / mhl_realloc() /
 *     mhl_usable_size() work on a pointer from any family;
 *   - statistics, local-minimum monitoring, integrity checks, walking,
 *     failed-allocation listeners, allocation-site tracking, poisoning
 *     level, configuration and its description.
 *
 * Initialisation is lazy and thread-safe: every function below initialises
 * the library on first use (pthread_once).  Initialisation never calls
 * malloc (the LD_PRELOAD build replaces malloc); it reads the environment
 * and the config file with open/read.  If the configuration is bad the
 * library prints one line naming the (first) bad entry on stderr and uses
 * no region at all
 * (every allocation fails, mhl_config() tells why): a silently different
 * layout would be worse than a loud failure.
 *
 * Locking: the region registry and the range table are append-only and
 * read without locks (entries are published with release stores, never
 * moved, never reused).  Each region's engine heap has its own mutex; an
 * allocation takes the lock of the regions it tries, one at a time.  Small
 * blocks of engine regions are freed into and allocated from a per-thread
 * cache without any region lock (tcache.c); every statistic, check and
 * walk sees them as free, exactly as if they had gone to the engine.  The
 * tracking table, the listener table and the monitor have their own locks.
 * No core lock is held while a listener, error handler or walk callback
 * runs (walks visit a copy of each region's blocks).
 *
 * Capabilities: a region matches a request for caps C when
 * (region.caps & C) == C (mhl_caps_match).  C == 0 matches every region
 * (ESP-IDF semantics); families wanting "the default heap" pass
 * MEMHEAP_CAP_DEFAULT.
 *
 * Errors: functions returning int return 0 (MHL_OK) or a negative MHL_E*
 * code.  Misuse (foreign pointer, double free, damaged block) is reported
 * through the error handler (default: one line on stderr, with the call
 * site when known) and changes nothing.
 *
 * Names: everything here is mhl_* (internal, hidden in the shared library).
 */
#ifndef MHL_CORE_H
#define MHL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/memheap.h>	/* MEMHEAP_CAP_*, MEMHEAP_NAME_LEN (uapi/) */
#include "mh_pool.h"		/* engine: struct mh_heap, mh_stats, mh_block_info */

/*
 * Public functions of every family carry MHL_API: the library is built with
 * -fvisibility=hidden, and the version script only narrows what is default.
 */
#define MHL_API __attribute__((visibility("default")))

/* ---- error codes ----------------------------------------------------- */

/* The engine's codes keep their values; the core adds a few of its own. */
enum mhl_error {
	MHL_OK = MH_OK,
	MHL_EINVAL = MH_EINVAL,		/* bad argument */
	MHL_ENOMEM = MH_ENOMEM,		/* too small / no space / table full */
	MHL_EOVERLAP = MH_EOVERLAP,	/* range overlaps a known range */
	MHL_EFOREIGN = MH_EFOREIGN,	/* pointer owned by nobody we know */
	MHL_EDOUBLEFREE = MH_EDOUBLEFREE,
	MHL_ECANARY = MH_ECANARY,
	MHL_EHEADER = MH_EHEADER,
	MHL_EFREELIST = MH_EFREELIST,
	MHL_EPOISON = MH_EPOISON,
	MHL_ESTATE = -20,		/* wrong state (monitor already on/off ...) */
	MHL_ENOTSUP = -21,		/* not possible on this backend / region */
	MHL_EIO = -22,			/* the kernel refused (errno in mhl_last_errno) */
	MHL_EPERM = -23,		/* not permitted (e.g. device address without CAP_SYS_ADMIN) */
};

/* A region (or heap) with capabilities @have serves a request for @want. */
static inline bool mhl_caps_match(uint32_t have, uint32_t want)
{
	return (have & want) == want;
}

/* Short static text for any MHL_E* code. */
const char *mhl_strerror(int err);

/* ---- configuration --------------------------------------------------- */

enum mhl_backend {
	MHL_BACKEND_EMBEDDED = 0,	/* regions simulated in anonymous memory */
	MHL_BACKEND_KERNEL = 1,		/* regions of memheap.ko via /dev/memheap */
};

struct mhl_config_info {
	enum mhl_backend backend;
	const char *backend_name;	/* "embedded" or "kernel" */
	const char *backend_reason;	/* "auto: /dev/memheap absent", "MEMHEAP_BACKEND=kernel", ... */
	const char *layout_source;	/* "default", "MEMHEAP_REGIONS", "MEMHEAP_CONFIG=<path>", "kernel" */
	enum mh_poison poison;		/* from MEMHEAP_POISON (default none) */
	const char *poison_name;	/* "none", "light", "comprehensive" */
	bool config_ok;			/* false: bad configuration, no regions */
	const char *config_error;	/* first configuration error, or NULL */
	bool tracking;			/* allocation-site tracking on now */
	unsigned int nregions;		/* regions now (backend + added) */
};

/* The configuration in force (initialises the library).  Strings are static. */
void mhl_config(struct mhl_config_info *out);

/*
 * Print the configuration and one line per region (name, caps, algorithm,
 * range, size, free, largest free, minimum free) to @out.  This is what
 * os_show_memory_config_info() shows.
 */
void mhl_print_config(FILE *out);

/* Poisoning level new heaps should use (standalone heaps included). */
enum mh_poison mhl_poison(void);

/* Text of a capability mask: "dma|internal|8bit|32bit|default" into buf. */
const char *mhl_caps_str(uint32_t caps, char *buf, size_t len);

/* ---- regions --------------------------------------------------------- */

enum mhl_region_origin {
	MHL_ORIGIN_BACKEND = 0,	/* from the layout (embedded) or the kernel */
	MHL_ORIGIN_ADDED = 1,	/* added at run time from caller memory */
};

/* Statistics of one region, or summed over several (mhl_caps_stats). */
struct mhl_stats {
	size_t total;		/* bytes usable by blocks */
	size_t free;		/* total - allocated */
	size_t allocated;	/* bytes held by allocated blocks (overhead included) */
	/*
	 * Largest n for which an allocation of n bytes (align <= 8) from this
	 * region (set of regions) succeeds now.  Exact on the embedded backend
	 * and for added regions; on the kernel backend it is the larger of
	 * what the process's arenas can give and the kernel's largest free
	 * buffer (other processes may take it meanwhile).
	 */
	size_t largest_free;
	/*
	 * Lowest free since start, or since the local-minimum monitor was
	 * started while it runs (mhl_min_free_monitor).  Summed over regions
	 * for a set of regions (as ESP-IDF documents).  On the kernel backend
	 * it is this process's view: free now minus how far above its
	 * current use the process has been (exact while no other process
	 * changes the region).
	 */
	size_t min_free;
	size_t peak_allocated;	/* highest allocated (OneOS mem_maxused) */
	size_t allocated_blocks;
	size_t free_blocks;
	size_t total_blocks;
	size_t smallest_free;	/* smallest free block's usable bytes (0 if none) */
	size_t alloc_count;	/* successful allocations */
	size_t free_count;	/* successful frees */
	size_t failed_count;	/* allocations that failed in this region */
	size_t error_count;	/* misuse / damage reports */
	unsigned int regions;	/* regions summed */
};

struct mhl_region_info {
	unsigned int index;		/* priority order, 0 first */
	char name[MEMHEAP_NAME_LEN];
	uint32_t caps;			/* MEMHEAP_CAP_* */
	enum mh_algo algo;
	enum mhl_region_origin origin;
	/*
	 * Address range that belongs to the region: the memory itself
	 * (embedded, added) or, on the kernel backend, the virtual window the
	 * region's arenas and buffers are mapped into.
	 */
	uintptr_t start, end;
	uint64_t dev_addr;		/* kernel DMA regions for privileged callers; else 0 */
};

/* Number of regions now (backend + added).  Never decreases. */
unsigned int mhl_region_count(void);

/* Region @index: MHL_EINVAL if out of range.  @stats may be NULL. */
int mhl_region_get(unsigned int index, struct mhl_region_info *info,
		   struct mhl_stats *stats);

/* Index of the first region named @name, or -1. */
int mhl_region_find(const char *name);

/*
 * Add [base, base + size) of caller memory as a new region, last in
 * priority order.  @name may be NULL ("added<N>").  @caps must be non-zero
 * and within MEMHEAP_CAPS_ALL.  Errors (nothing changes): MHL_EINVAL (NULL
 * base, bad caps/algo, base+size overflows), MHL_EOVERLAP (overlaps any
 * region or standalone range), MHL_ENOMEM (too small to hold one block, or
 * the registry is full).  On success returns the new region's index (>= 0).
 */
int mhl_region_add(const char *name, void *base, size_t size, uint32_t caps,
		   enum mh_algo algo);

/* ---- allocation ------------------------------------------------------ */

#define MHL_ALLOC_ZERO		0x1u	/* zero the memory */
#define MHL_ALLOC_NO_HOOK	0x2u	/* do not run failed-allocation listeners */
/*
 * Kernel backend: give the block a kernel buffer of its own (page-rounded)
 * instead of a slice of a shared arena, so it can be exported as a dma-buf
 * or synced alone.  No effect on the embedded backend and added regions.
 */
#define MHL_ALLOC_DEDICATED	0x4u

/*
 * Allocate @size bytes aligned to @align (0 or a power of two; 0 means the
 * default 8) from the first region, in priority order, whose caps include
 * @caps (0: any region).  size 0 returns a unique minimal block.
 * @api names the public function for diagnostics and listeners
 * ("heap_caps_malloc"); it must be a static string.
 * On failure: NULL, nothing changes except the failed counters of the
 * regions tried, and (unless MHL_ALLOC_NO_HOOK) the call is reported: the
 * kernel's by mhl_alloc_last (which may still succeed), then every
 * failed-allocation listener runs once with (size, caps, api).
 * When tracking is on, the allocation is recorded with no call site.
 */
void *mhl_alloc(size_t size, size_t align, uint32_t caps, unsigned int flags,
		const char *api);

/*
 * Same as mhl_alloc, recording the call site (@file is the caller's file or
 * function name, static string) whether or not tracking is on.
 */
void *mhl_alloc_at(size_t size, size_t align, uint32_t caps, unsigned int flags,
		   const char *api, const char *file, int line);

/* Allocate from region @index only (no listeners; tracked if tracking on). */
void *mhl_region_alloc(unsigned int index, size_t size, size_t align,
		       unsigned int flags);

/* count * size, overflow-checked (NULL, listeners run), zeroed. */
void *mhl_calloc(size_t count, size_t size, size_t align, uint32_t caps,
		 unsigned int flags, const char *api);

/*
 * The kernel backend's last try for a call whose every try failed (callers
 * that passed MHL_ALLOC_NO_HOOK make it themselves, once per public call,
 * before mhl_alloc_failed).  The library's own kernel requests are
 * MEMHEAP_ALLOC_TRY, which the kernel neither counts nor reports; this is
 * one MEMHEAP_IOC_ALLOC of @size, @align and @caps (0: the kernel's
 * DEFAULT) over every kernel region: if it fails the kernel counts it and
 * sends the call's one allocation-failed event; if it succeeds (memory was
 * freed meanwhile) the block is returned, a kernel buffer of its own,
 * zeroed, tracked.  NULL without a system call when no kernel region has
 * @caps, the module predates MEMHEAP_ALLOC_TRY, @size is 0 or @align is not
 * a power of two.
 */
void *mhl_alloc_last(size_t size, size_t align, uint32_t caps, const char *file, int line);

/* Run the failed-allocation listeners (for families that retry: _prefer). */
void mhl_alloc_failed(size_t size, uint32_t caps, const char *api);

/*
 * Free any pointer: a region's block or a standalone heap's block.  NULL is
 * a no-op returning MHL_OK.  A pointer owned by nobody, a double free or a
 * damaged block is reported (with @api and, when tracking knows it, the
 * allocation site) and returns the error; nothing is freed.
 */
int mhl_free(void *ptr, const char *api);
int mhl_free_at(void *ptr, const char *api, const char *file, int line);

/*
 * Resize @ptr (any family's pointer).  NULL ptr: mhl_alloc(size, 0, caps).
 * size 0: free and return NULL.  @caps == 0 means "stay in a region with the
 * caps of the block's current region" (os_realloc, realloc); otherwise
 * (heap_caps_realloc) the result lies in a region having @caps: resized in
 * place when the block's region has them and room allows, else moved to the
 * first matching region.  Standalone-heap blocks are resized within their
 * heap and @caps is ignored.  On failure NULL and the original block is
 * unchanged and still owned by the caller; listeners run (unless
 * MHL_ALLOC_NO_HOOK).  A foreign pointer is reported and returns NULL.
 */
void *mhl_realloc(void *ptr, size_t size, uint32_t caps, unsigned int flags,
		  const char *api);

/* Usable bytes at @ptr (any family); 0 for NULL or a pointer we do not own. */
size_t mhl_usable_size(const void *ptr);

/* ---- ownership and standalone heaps ---------------------------------- */

enum mhl_owner_kind {
	MHL_OWNER_NONE = 0,
	MHL_OWNER_REGION = 1,		/* a core region */
	MHL_OWNER_STANDALONE = 2,	/* a registered standalone heap */
};

struct mhl_owner {
	enum mhl_owner_kind kind;
	int region;			/* region index for MHL_OWNER_REGION, else -1 */
	struct mh_heap *heap;		/* the engine heap that owns the address */
	void *tag;			/* standalone: the tag given at registration */
	uintptr_t start, end;		/* the range that contains the address */
};

/* Who owns @addr (any address inside a range, not only block starts). */
enum mhl_owner_kind mhl_owner_of(const void *addr, struct mhl_owner *out);

/*
 * Register [start, start + size), managed by the caller's engine heap
 * @heap (already initialised, region added or about to be), so that
 * mhl_free / mhl_realloc / mhl_usable_size / mhl_check_addr serve its
 * pointers.  @tag is the family's handle (multi_heap_handle_t, struct
 * os_memheap *).  Errors: MHL_EINVAL, MHL_EOVERLAP (overlaps a region or
 * another registered range), MHL_ENOMEM (table full: 4096 ranges per
 * process, unregistered slots are not reused).
 * Call it BEFORE mh_heap_add_region so the overlap rule covers every range.
 */
int mhl_standalone_register(void *start, size_t size, struct mh_heap *heap,
			    void *tag);

/* Forget every range registered with @heap (its memory is the caller's again). */
int mhl_standalone_unregister(struct mh_heap *heap);

/*
 * A standalone heap whose memory the program may reuse once all its blocks
 * are free (ESP-IDF lets a program register a new multi_heap on the buffer
 * of an earlier one; OneOS the same with a user heap's memory).
 * @live(tag, force) returns the heap's allocated blocks; when it returns 0,
 * or with @force, it has made the heap unusable (its handle no longer
 * valid) and the core drops the heap's ranges.  @force: the new memory
 * covers the heap's control object (@tag, @tag_size bytes), which the new
 * heap overwrites, as on the vendor's RTOS.  @kind names the heap in
 * messages ("multi_heap").
 */
struct mhl_retire_ops {
	const char *kind;
	size_t tag_size;
	size_t (*live)(void *tag, bool force);
};

/* mhl_standalone_register() for a heap that may be retired (see above). */
int mhl_standalone_register_retirable(void *start, size_t size, struct mh_heap *heap,
				      void *tag, const struct mhl_retire_ops *ops);

/*
 * Before [start, start + size) becomes a heap or region: retire every
 * retirable standalone heap it overlaps in any way (new start inside the
 * old heap, old heap inside the new range, partial overlap either side)
 * whose blocks are all free, or whose control object it covers (that one
 * with one line on stderr, "API: [s, e) overwrites the control data of
 * KIND TAG [a, b), which had N allocated block(s): retired").  MHL_OK if no
 * other heap with live blocks overlaps (other overlaps are the caller's to
 * judge, e.g. with mhl_range_overlaps()); MHL_EOVERLAP after one line on
 * stderr, "API: [s, e) overlaps KIND TAG [a, b), which still has N
 * allocated block(s): refused", if one does (nothing is changed then).
 */
int mhl_range_reclaim(const void *start, size_t size, const char *api);

/*
 * true if [start, start + size) overlaps any region or registered range
 * (what the "add region" calls must refuse).
 */
bool mhl_range_overlaps(const void *start, size_t size);

/* ---- statistics and monitoring --------------------------------------- */

/* Sum over the regions whose caps include @caps (0: all regions). */
/*
 * Add one region's (or set's) statistics @st to @sum the way every summed
 * view does: sizes, counts and minimum free add up, largest free is the
 * largest, smallest free the smallest non-zero, regions counts one more.
 */
void mhl_stats_accumulate(struct mhl_stats *sum, const struct mhl_stats *st);
void mhl_caps_stats(uint32_t caps, struct mhl_stats *out);

/*
 * Reset min_free (and peak) to the current value for every region whose
 * caps include @caps (0: all).  (FreeRTOS xPortResetHeapMinimumEverFree...)
 */
void mhl_reset_min_free(uint32_t caps);

/*
 * Local minimum monitor (ESP-IDF heap_caps_monitor_local_minimum_free_size_*):
 * start: min_free of every region is reported from now on, MHL_ESTATE if
 * already running.  stop: min_free is again the lifetime minimum (which
 * includes the lows seen while monitoring), MHL_ESTATE if not running.
 */
int mhl_min_free_monitor_start(void);
int mhl_min_free_monitor_stop(void);

/* ---- integrity and walking ------------------------------------------- */

/*
 * Check every region whose caps include @caps (0: all regions) and, when
 * @caps is 0, every standalone heap.  Returns MHL_OK or the first error;
 * with @print, each damage found is described on stderr.
 */
int mhl_check(uint32_t caps, bool print);

/* Check the region or standalone heap owning @addr; MHL_EFOREIGN if none. */
int mhl_check_addr(const void *addr, bool print);

/*
 * Visit every block of every region whose caps include @caps (0: all), in
 * priority order then address order.  @fn returns false to stop the walk
 * of the current region (the next region is still walked, as ESP-IDF does).
 * @fn sees a copy of the region's blocks (across its kernel buffers on the
 * kernel backend) taken at one instant and runs without any core lock, so
 * it may allocate and free anywhere, the walked region included (blocks it
 * changes are not revisited).  On the kernel backend, without memory for
 * the copy the region is not visited and MHL_ENOMEM is returned.
 */
typedef bool (*mhl_walk_fn)(const struct mhl_region_info *region,
			    const struct mh_block_info *block, void *ctx);
int mhl_walk(uint32_t caps, mhl_walk_fn fn, void *ctx);

/* ---- failed-allocation listeners and error handler -------------------- */

typedef void (*mhl_alloc_failed_fn)(size_t size, uint32_t caps,
				    const char *api, void *ctx);

/*
 * Add a listener run (without core locks held) after every failed
 * allocation; several families may listen.  Adding the same (fn, ctx)
 * twice is a no-op.  MHL_ENOMEM after 16 listeners.
 */
int mhl_alloc_failed_listen(mhl_alloc_failed_fn fn, void *ctx);
int mhl_alloc_failed_unlisten(mhl_alloc_failed_fn fn, void *ctx);

/* What the error handler is told about misuse or damage. */
struct mhl_error_report {
	int code;			/* MHL_E* */
	const char *api;		/* public function called ("os_free") */
	const void *ptr;		/* pointer passed, if any */
	const void *where;		/* where damage was found, if known */
	const char *detail;		/* engine's short text, or NULL */
	const char *file;		/* call site of the bad call, if known */
	int line;
	const char *alloc_file;		/* allocation site of @ptr, if tracked */
	int alloc_line;
};
typedef void (*mhl_error_fn)(const struct mhl_error_report *rep, void *ctx);

/*
 * Replace the error handler (NULL restores the default, which writes one
 * line to stderr).  Returns the previous handler through @old/@old_ctx if
 * non-NULL.  Tests use it to count reports.
 */
void mhl_set_error_handler(mhl_error_fn fn, void *ctx, mhl_error_fn *old,
			   void **old_ctx);

/* ---- allocation-site tracking ------------------------------------------ */

/*
 * Tracking records, for each live block allocated through the core while
 * it is on: size, call site, thread name and tick.  On at start when
 * MEMHEAP_TRACK=1.  Turning it off keeps the records of blocks still live.
 */
void mhl_track_enable(bool on);
bool mhl_track_enabled(void);

/* Milliseconds since library initialisation, wrapping at 2^32 (the "tick"). */
uint32_t mhl_tick(void);

struct mhl_track_record {
	const void *ptr;
	size_t size;			/* requested bytes */
	const char *file;		/* call site, NULL if none recorded */
	int line;
	uint32_t tick;			/* mhl_tick() at allocation */
	int region;			/* region index, -1 for standalone heaps */
	char thread[16];		/* thread name at allocation */
};

/*
 * Visit the records of live blocks (a snapshot taken under the tracking
 * lock, visited without it, oldest first).  Return false to stop.  Returns
 * the number of records visited.
 */
typedef bool (*mhl_track_fn)(const struct mhl_track_record *rec, void *ctx);
size_t mhl_track_foreach(mhl_track_fn fn, void *ctx);

/*
 * For standalone heaps: record / forget a block they handed out (the core
 * records its own blocks itself).  No-op when tracking is off and @file is
 * NULL.
 */
void mhl_track_add(const void *ptr, size_t size, int region, const char *file,
		   int line);
void mhl_track_remove(const void *ptr);

/* ---- memheap extensions (kernel backend) ------------------------------ */

/*
 * Device (bus) address of @ptr (a byte inside a block of a DMA region).
 * MHL_ENOTSUP on the embedded backend or a non-DMA region, MHL_EPERM when
 * the kernel withholds it (no CAP_SYS_ADMIN), MHL_EFOREIGN if not ours.
 */
int mhl_dev_addr(const void *ptr, uint64_t *out);

/*
 * Cache maintenance of [ptr, ptr + len) (len 0: to the end of the block's
 * kernel buffer): @for_device true before the device reads what the CPU
 * wrote, false before the CPU reads what the device wrote.  A no-op
 * returning MHL_OK for memory that is not a kernel buffer (embedded
 * backend, added regions, standalone heaps): it is ordinary coherent RAM.
 */
int mhl_sync(const void *ptr, size_t len, bool for_device);

/*
 * Export the kernel buffer starting at @ptr as a dma-buf fd (>= 0).  @ptr
 * must be a block with a buffer of its own (MHL_ALLOC_DEDICATED, or large
 * enough to get one): a slice of a shared arena is MHL_ENOTSUP, as is the
 * embedded backend.  @flags: O_CLOEXEC and/or O_RDWR.
 */
int mhl_export_dmabuf(const void *ptr, int flags);

/* errno of the last failed kernel call in this thread (0 if none). */
int mhl_last_errno(void);

#endif /* MHL_CORE_H */
