/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the core's own files share (not for the API families:
 * they use core.h only).
 *
 * The core is layered; a file calls only files of its own layer's lower
 * neighbours, never one above it (lib/check-layers.sh, run by make check,
 * fails on any cycle between the core's objects):
 *
 *   entry points   alloc.c stats.c entry.c init.c (mhl_init: lazy start)
 *   lock order     fork.c
 *   backends       embedded.c kernel.c
 *   region types   tcache.c (engine regions' thread caches)
 *   registry       registry.c (regions, address ranges)
 *   reports        hooks.c (errors, listeners) track.c (call sites)
 *   leaves         sys.c (pages, messages, errno, ticks) config.c (grammar)
 *
 * Only the entry points call mhl_init(); the functions below them assume
 * the library is initialised.
 */
#ifndef MHL_INTERNAL_H
#define MHL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/core.h"

#define MHL_MAX_REGIONS		64	/* backend + added */
#define MHL_MAX_LAYOUT		16	/* entries of one layout */
#define MHL_MAX_RANGES		4096	/* address ranges, never reused */

/* One entry of a layout (MEMHEAP_REGIONS, config file or the default). */
struct mhl_layout_entry {
	char name[MEMHEAP_NAME_LEN];
	size_t size;
	uint32_t caps;
	enum mh_algo algo;
	unsigned int map_mode;		/* MEMHEAP_MAP_*, recorded only */
};

struct mhl_layout {
	unsigned int n;
	struct mhl_layout_entry e[MHL_MAX_LAYOUT];
};

/*
 * Parse a layout.  @text: the MEMHEAP_REGIONS value (@per_line false:
 * comma-separated) or a config file's contents (@per_line true: one entry
 * per line, '#' starts a comment).  @origin names the source in messages.
 * Returns 0, or MHL_EINVAL with a message naming the bad entry in @err.
 * Touches no heap memory (runs inside malloc's initialisation).
 */
int mhl_layout_parse(const char *text, bool per_line, const char *origin,
		     struct mhl_layout *out, char *err, size_t errlen);

/* Parse "none" / "light" / "comprehensive"; -1 if unknown. */
int mhl_poison_parse(const char *s);

struct mhl_kregion;
struct mhl_region;

/*
 * What a region is to the core: its type's operations.  Implemented by
 * engine heaps (engine_region.c: the embedded backend's regions and added
 * ones) and kernel regions (kernel.c); alloc.c and stats.c dispatch through
 * them and never ask which type a region is.  NULL: not supported (device
 * address, sync, export: engine heaps are ordinary memory).
 */
struct mhl_region_ops {
	const char *kind;
	/*
	 * The region is one engine heap (r->heap, r->lock) behind the thread
	 * caches: its statistics are read with the caches held, its lock is
	 * taken after theirs (fork.c), its range names r->heap as owner.
	 */
	bool engine_heap;
	/* Under the registry lock, r->info set: set the region up / undo it. */
	int (*init)(struct mhl_region *r, void *base, size_t size);
	void (*fini)(struct mhl_region *r, size_t size);
	/* The thread cache already tried; MHL_ALLOC_ZERO is the caller's. */
	void *(*alloc)(struct mhl_region *r, size_t size, size_t align, unsigned int flags);
	int (*free)(struct mhl_region *r, void *ptr, const char *api);
	/* In place (or within the region); NULL: the core moves the block. */
	void *(*realloc)(struct mhl_region *r, void *ptr, size_t size);
	size_t (*usable)(struct mhl_region *r, const void *ptr);
	/* The region's own figures into a zeroed @st (the floors are the core's). */
	void (*stats)(struct mhl_region *r, struct mhl_stats *st);
	int (*check)(struct mhl_region *r, bool print);
	/* @fn runs on a copy of the blocks, no core lock held. */
	int (*walk)(struct mhl_region *r, mh_walk_fn fn, void *ctx);
	/* Restart minimum free and peak at the current values. */
	void (*reset_min)(struct mhl_region *r);
	/* fork(): the region's locks (fork.c, in the core's lock order). */
	void (*lock)(struct mhl_region *r, bool lock);
	int (*dev_addr)(struct mhl_region *r, const void *ptr, uint64_t *out);
	int (*sync)(struct mhl_region *r, const void *ptr, size_t len, bool for_device);
	int (*export_dmabuf)(struct mhl_region *r, const void *ptr, int flags);
};

extern const struct mhl_region_ops mhl_engine_region_ops;	/* engine_region.c */
extern const struct mhl_region_ops mhl_kernel_region_ops;	/* kernel.c */

/* Standalone heaps' blocks (engine_region.c): the family's heap, its locking. */
int mhl_standalone_free(struct mh_heap *heap, void *ptr);
void *mhl_standalone_realloc(struct mh_heap *heap, void *ptr, size_t size);
size_t mhl_standalone_usable(struct mh_heap *heap, const void *ptr);
int mhl_standalone_check(struct mh_heap *heap, bool print);

struct mhl_region {
	/* read by every allocation and free: kept off the lines engine calls write */
	struct mhl_region_info info;
	const struct mhl_region_ops *ops;
	struct mhl_kregion *k;		/* kernel region data (kernel.c), NULL otherwise */
	/*
	 * Thread caches (tcache.c).  @cmap: per 8 bytes of the region, charge / 8
	 * of a cacheable block whose user pointer is there, else 0; NULL: the
	 * region is not cached.  @hdr: engine bytes per block besides usable.
	 */
	atomic_uchar *cmap;
	unsigned int hdr;
	size_t tc_limit;		/* bytes a thread may cache for the region */
	atomic_bool tc_maybe;		/* some cache may hold blocks of the region */

	/* engine heap (MH_HEAP_F_NOLOCK: @lock serialises it); unused for kernel regions */
	_Alignas(64) struct mh_heap heap;
	pthread_mutex_t lock;
	/* under @lock: engine operations the caches made (not the user's) */
	size_t eng_frees;
	size_t min_floor;		/* lowest free before the last engine reset (SIZE_MAX: none) */
	size_t peak_floor;		/* highest allocated before the last reset */
	/* under mhl_tc_lock */
	int64_t tc_retired;		/* bytes held by users, counted by threads gone */
	size_t tc_peak;			/* highest bytes held since start / reset */
	size_t tc_allocs, tc_frees;	/* cache hits of threads gone */
	atomic_size_t tc_errors;	/* misuse found by the caches */
};

/* Regions in priority order; readers load mhl_nregions with acquire. */
extern struct mhl_region mhl_regions[MHL_MAX_REGIONS];
extern atomic_uint mhl_nregions;

struct mhl_range {
	uintptr_t start, end;
	atomic_int live;		/* 0 once unregistered */
	int region;			/* >= 0: region index; -1: standalone */
	struct mh_heap *heap;
	void *tag;
	const struct mhl_retire_ops *retire;	/* standalone: may give memory up */
};

/* Lazy initialisation (init.c, once, under mhl_init_lock); every entry point calls it. */
extern atomic_bool mhl_ready;
void mhl_init_once(void);
static inline void mhl_init(void)
{
	/* done once: one load on every later call instead of a pthread_once call */
	if (!atomic_load_explicit(&mhl_ready, memory_order_acquire))
		mhl_init_once();
}

/* ---- leaves (sys.c) ---- */

/* Core memory that never goes through malloc: page-granular mmap, zeroed. */
void *mhl_sys_alloc(size_t size);
void mhl_sys_free(void *p, size_t size);
/* One line "memheap: MSG" on stderr, no stdio (safe inside malloc). */
void mhl_say(const char *msg);
/* Text of an errno value that never allocates (safe inside malloc). */
const char *mhl_errno_text(int e);
/* errno of the thread's last failed kernel call (mhl_last_errno reads it). */
void mhl_set_errno(int e);
/* The tick's origin (set by initialisation) and the tick now, without mhl_init. */
void mhl_tick_start(void);
uint32_t mhl_tick_now(void);
/* Poisoning level for new heaps, set once by initialisation. */
extern enum mh_poison mhl_poison_level;

/* ---- registry (registry.c) ---- */

/*
 * Register a range under the registry lock after checking overlap with
 * every live range.  Returns 0 or MHL_EOVERLAP / MHL_ENOMEM / MHL_EINVAL.
 */
int mhl_range_add(uintptr_t start, uintptr_t end, int region,
		  struct mh_heap *heap, void *tag);

/* Add [base, base + size) to @heap as arenas of at most MHL_SLICE bytes. */
int mhl_heap_add_sliced(struct mh_heap *heap, void *base, size_t size,
			const struct mh_region_config *rc_cfg);
/*
 * Create and publish a region of type @ops, last in priority order: engine
 * heaps manage [base, base + size); kernel regions (@k their data) own the
 * virtual window [base, base + size) their buffers are mapped into.  Checks
 * name, caps and overlap; returns the index or MHL_E*.
 */
int mhl_region_new(const char *name, uint32_t caps, enum mh_algo algo,
		   enum mhl_region_origin origin, void *base, size_t size,
		   const struct mhl_region_ops *ops, struct mhl_kregion *k);

/* mh_check of every live standalone heap; first error or 0. */
int mhl_standalone_check_all(bool print);

/* Lookup without locks; NULL if no live range contains @addr. */
const struct mhl_range *mhl_range_find(uintptr_t addr);

/* What mhl_standalone_register*, mhl_range_reclaim, mhl_standalone_unregister
 * and mhl_range_overlaps (entry.c) do once the library is initialised. */
int mhl_reg_standalone_add(void *start, size_t size, struct mh_heap *heap, void *tag,
			   const struct mhl_retire_ops *ops);
int mhl_reg_reclaim(const void *start, size_t size, const char *api);
int mhl_reg_unregister(struct mh_heap *heap);
bool mhl_reg_overlaps(const void *start, size_t size);

/* ---- error reporting (hooks.c) ---- */

/* Engine error callback: stashes the first report of the current call. */
void mhl_engine_error(struct mh_heap *heap, const struct mh_error_info *info, void *ctx);
/* Clear / deliver the stashed engine report (delivered without locks). */
void mhl_pending_clear(void);
/* Code of the stashed engine report, or @fallback if none. */
int mhl_pending_code(int fallback);
void mhl_report(int code, const char *api, const void *ptr, const char *file, int line);
/* During checks the engine callback prints instead of stashing. */
void mhl_check_print_mode(bool on);
void mhl_run_failed_listeners(size_t size, uint32_t caps, const char *api);
/* Engine heap config for core regions: poisoning level, the error callback. */
void mhl_engine_config(struct mh_heap_config *cfg, const char *name);
/* The error handler and the listeners, behind entry.c's public calls. */
void mhl_hook_set_handler(mhl_error_fn fn, void *ctx, mhl_error_fn *old, void **old_ctx);
int mhl_hook_listen(mhl_alloc_failed_fn fn, void *ctx);
int mhl_hook_unlisten(mhl_alloc_failed_fn fn, void *ctx);

/* ---- tracking (track.c) ---- */
extern atomic_bool mhl_track_on;
extern atomic_size_t mhl_track_live;
void mhl_track_site(const void *ptr, const char **file, int *line);
/* mhl_track_foreach without initialising. */
size_t mhl_track_visit(mhl_track_fn fn, void *ctx);

/* ---- thread caches (tcache.c) ---- */

#define MHL_TC_MAX_CHARGE	1024u	/* largest engine charge cached */
#define MHL_TC_MIN_USABLE	16u	/* a cached block holds a link and a key */
/* largest engine arena (first-fit: 2^31 - 1 chunks of 8 bytes) */
#define MHL_SLICE_BYTES		((16ULL << 30) - 4096)
#define MHL_SLICE		((size_t)(MHL_SLICE_BYTES > SIZE_MAX ? SIZE_MAX / 2 : MHL_SLICE_BYTES))
#define MHL_CMAP_MAX_REGION	(1ull << 30)	/* larger regions are not cached */
#define MHL_TC_BYTES		(64u * 1024u)	/* per thread and region, at most 1/8 of it */

/* Secret, thread-exit key, sharing mode: once, from library initialisation. */
void mhl_tcache_setup(void);
/* Cacheable-block map of region @r (see struct mhl_region). */
void mhl_cmap_set(struct mhl_region *r, void *p, size_t charge);
size_t mhl_cmap_get(struct mhl_region *r, const void *p);	/* charge or 0 */
void mhl_cmap_clear(struct mhl_region *r, const void *p);
/* A cached block of @size bytes, or NULL (no cache, not cacheable, bin empty). */
void *mhl_tcache_alloc(struct mhl_region *r, size_t size);
/* 1: @p is cached; 0: not cacheable now, free it in the engine; MHL_EDOUBLEFREE. */
int mhl_tcache_free(struct mhl_region *r, void *p);
/* true if @p is a block sitting in some cache (a freed block). */
bool mhl_tcache_is_cached(struct mhl_region *r, const void *p);
/*
 * Around an engine call on a cached region: enter locks this thread's cache
 * (every cache when the thread has none; returns NULL then), leave counts
 * the @delta bytes users hold more and unlocks.
 */
struct mhl_tcache *mhl_tcache_enter(void);
void mhl_tcache_leave(struct mhl_region *r, struct mhl_tcache *tc, int64_t delta);
/* Empty every cache's blocks of @r into the engine; bytes returned. */
size_t mhl_tcache_flush(struct mhl_region *r);
/* Empty this thread's cached blocks of @r into the engine. */
void mhl_tcache_flush_own(struct mhl_region *r);
/*
 * Lock every cache and empty those of regions whose caps include @caps;
 * until mhl_tcache_release() the engines hold every free block and the
 * *_held functions may be called.
 */
void mhl_tcache_hold(uint32_t caps);
void mhl_tcache_release(void);
void mhl_tcache_counts_held(struct mhl_region *r, size_t *allocs, size_t *frees);
void mhl_tcache_reset_peak_held(struct mhl_region *r);
void mhl_tcache_fork_lock(bool lock);
void mhl_tcache_fork_child(void);

/* ---- backends ---- */
int mhl_embedded_start(const struct mhl_layout *layout, char *err, size_t errlen);

/* Kernel backend (kernel.c). */
int mhl_kernel_open(char *err, size_t errlen);	/* fd or MHL_E* */
int mhl_kernel_start(int fd, char *err, size_t errlen);
void *mhl_kernel_last(size_t size, size_t align, uint32_t caps, int *region);
/*
 * In a forked child, after the fork locks are released: private copies of
 * the inherited kernel buffers, and the child's own /dev/memheap file.
 */
void mhl_kernel_fork_child(void);
/* The process maps kernel buffers (the kernel backend is in use). */
bool mhl_kernel_in_use(void);

/*
 * The core's locks, taken in this order by fork() (fork.c) so a child
 * never inherits one held by a thread that does not exist in it:
 * init, monitor, registry, hook, track, each kernel region's, thread
 * caches (list, then each cache), each engine region's, kbuf.  Under a
 * kernel region's lock only kbuf is taken (walk callbacks run on a copy,
 * with no core lock held); an engine region's is taken inside a cache,
 * never the other way round.
 */
extern pthread_mutex_t mhl_init_lock, mhl_monitor_lock, mhl_registry_lock, mhl_hook_lock,
	mhl_track_lock, mhl_kbuf_lock, mhl_tc_lock;

#endif /* MHL_INTERNAL_H */
