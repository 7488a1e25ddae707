/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the core's own files share (not for the API families:
 * they use core.h only).
 */
#ifndef MHL_INTERNAL_H
#define MHL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "core/core.h"

#define MHL_MAX_REGIONS		64	/* backend + added */
#define MHL_MAX_LAYOUT		16	/* entries of one layout */
#define MHL_MAX_RANGES		4096	/* address ranges, never reused */
#define MHL_MIN_REGION		4096	/* smallest layout region */

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

struct mhl_region {
	struct mh_heap heap;		/* engine heap (own lock); unused for kernel regions */
	struct mhl_region_info info;
	struct mhl_kregion *k;		/* kernel backend data, NULL otherwise */
	size_t min_floor;		/* lowest free before the last engine reset (SIZE_MAX: none) */
	size_t peak_floor;		/* highest allocated before the last reset */
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
};

/* Lazy initialisation (pthread_once); every entry point calls it. */
void mhl_init(void);

/* Core memory that never goes through malloc: page-granular mmap, zeroed. */
void *mhl_sys_alloc(size_t size);
void mhl_sys_free(void *p, size_t size);

/*
 * Register a range under the registry lock after checking overlap with
 * every live range.  Returns 0 or MHL_EOVERLAP / MHL_ENOMEM / MHL_EINVAL.
 */
int mhl_range_add(uintptr_t start, uintptr_t end, int region,
		  struct mh_heap *heap, void *tag);

/*
 * Create and publish a region, last in priority order.  Engine regions
 * (@k NULL) manage [base, base + size); kernel regions own the virtual
 * window [base, base + size) their buffers are mapped into.  Checks name,
 * caps and overlap; returns the index or MHL_E*.
 */
int mhl_region_new(const char *name, uint32_t caps, enum mh_algo algo,
		   enum mhl_region_origin origin, void *base, size_t size,
		   struct mhl_kregion *k);

/* mh_check of every live standalone heap; first error or 0. */
int mhl_standalone_check_all(bool print);

/* Lookup without locks; NULL if no live range contains @addr. */
const struct mhl_range *mhl_range_find(uintptr_t addr);

/* Engine heap config for core regions and the error callback. */
void mhl_engine_config(struct mh_heap_config *cfg, const char *name);

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

/* ---- tracking (track.c) ---- */
extern atomic_bool mhl_track_on;
extern atomic_size_t mhl_track_live;
void mhl_track_site(const void *ptr, const char **file, int *line);

/* ---- backends ---- */
int mhl_embedded_start(const struct mhl_layout *layout, char *err, size_t errlen);

/* Kernel backend (kernel.c). */
int mhl_kernel_open(char *err, size_t errlen);	/* fd or MHL_E* */
int mhl_kernel_start(int fd, char *err, size_t errlen);
void *mhl_kernel_alloc(struct mhl_region *r, size_t size, size_t align, unsigned int flags);
int mhl_kernel_free(struct mhl_region *r, void *ptr, const char *api);
void *mhl_kernel_realloc(struct mhl_region *r, void *ptr, size_t size);
size_t mhl_kernel_usable(struct mhl_region *r, const void *ptr);
void mhl_kernel_stats(struct mhl_region *r, struct mhl_stats *st);
int mhl_kernel_check(struct mhl_region *r);
int mhl_kernel_walk(struct mhl_region *r, mh_walk_fn fn, void *ctx);
void mhl_kernel_reset_min(struct mhl_region *r);
int mhl_kernel_dev_addr(struct mhl_region *r, const void *ptr, uint64_t *out);
int mhl_kernel_sync(struct mhl_region *r, const void *ptr, size_t len, bool for_device);
int mhl_kernel_export(struct mhl_region *r, const void *ptr, int flags);

void mhl_set_errno(int e);

/*
 * The core's locks, taken in this order by fork() (fork.c) so a child
 * never inherits one held by a thread that does not exist in it:
 * monitor, registry, hook, track, each region's (engine or kernel), kbuf.
 */
extern pthread_mutex_t mhl_monitor_lock, mhl_registry_lock, mhl_hook_lock,
	mhl_track_lock, mhl_kbuf_lock;
void mhl_kernel_lock(struct mhl_region *r, bool lock);
extern const int mhl_fork_safe;
extern const int *const mhl_fork_ref;

/* Text of an errno value that never allocates (safe inside malloc). */
const char *mhl_errno_text(int e);

#endif /* MHL_INTERNAL_H */
