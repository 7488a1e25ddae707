/* SPDX-License-Identifier: MIT */
/*
 * kernel.c - the kernel backend: regions of memheap.ko (/dev/memheap).
 *
 * Each kernel region gets a virtual WINDOW reserved at start (PROT_NONE,
 * four times the region's size); every buffer the library takes from the
 * kernel is mapped at a fixed place inside its region's window.  The window
 * is the region's single entry in the range table, so ownership lookup is
 * as cheap as on the embedded backend, and a page map inside the window
 * tells which buffer an address belongs to.
 *
 * Small requests (<= arena_size / 4, alignment <= page) are sub-allocated
 * with the first-fit engine from ARENAS: kernel buffers of arena_size bytes.
 * Larger ones (and MHL_ALLOC_DEDICATED) get a buffer of their own.  An arena
 * that becomes empty goes back to the kernel, except one spare per region
 * (so an alloc/free pair does not cost two system calls).
 *
 * Locking: one mutex per region covers its window, page map, buffers and
 * arena heaps (created MH_HEAP_F_NOLOCK).
 *
 * fork(): the device maps only MAP_SHARED, so a child would share the
 * parent's buffers.  The child's atfork handler (mhl_kernel_fork_child)
 * replaces each inherited buffer by a private anonymous copy at the same
 * address and marks it DETACHED: never given to the kernel (the handle is
 * the parent's, in the parent's open file, which the child closes and
 * replaces by its own for new buffers).  Detached arenas stay mapped in the
 * child and serve allocations; a freed detached large buffer is unmapped.
 */
#define _GNU_SOURCE	/* mremap, MREMAP_FIXED */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/internal.h"

#define MHL_ARENA_MAX		(256u * 1024u)
#define MHL_WINDOW_FACTOR	4u

struct mhl_kbuf {
	uintptr_t base;
	size_t size;			/* bytes mapped (page multiple) */
	uint32_t handle;
	uint64_t dev_addr;
	bool arena;
	bool detached;			/* a forked child's private copy: no kernel buffer */
	struct mh_heap heap;		/* arenas only */
	struct mhl_kbuf *next, *prev;	/* region's buffer list */
	struct mhl_kbuf *free_next;	/* descriptor free list */
};

struct mhl_kregion {
	pthread_mutex_t lock;
	uint32_t index;			/* kernel region index */
	uintptr_t win;			/* window start */
	size_t win_pages;
	size_t page;
	unsigned int page_shift;	/* log2(page): the hot paths shift, not divide */
	uintptr_t win_end;
	size_t arena_size;
	struct mhl_kbuf *hot;		/* arena that served last: tried first */
	struct mhl_kbuf **owner;	/* per window page: buffer or NULL */
	uint8_t *used;			/* per window page: 1 if taken */
	size_t scan_hint;		/* first page that may be free */
	struct mhl_kbuf *bufs;		/* every live buffer */
	struct mhl_kbuf *spare;		/* one empty arena kept */
	size_t large_blocks, large_bytes;
	size_t held, peak_held;		/* bytes this process holds in blocks */
	size_t alloc_count, free_count, failed_count, error_count;
};

static int mhl_kfd = -1;
static size_t mhl_kpage = 4096;
/*
 * MEMHEAP_ALLOC_TRY on the per-region tries (see mhl_kernel_last), or 0 once
 * a kernel without it refused the flag (its own events are per try then).
 */
static _Atomic uint32_t mhl_ktry = MEMHEAP_ALLOC_TRY;
static struct mhl_kbuf *mhl_kbuf_free;
pthread_mutex_t mhl_kbuf_lock = PTHREAD_MUTEX_INITIALIZER;

int mhl_kernel_open(char *err, size_t errlen)
{
	int fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, MEMHEAP_DEVICE_PATH ": %s", mhl_errno_text(errno));
		return MHL_EIO;
	}
	return fd;
}

static int mhl_ioctl(unsigned long cmd, void *arg)
{
	int rc;

	do {
		rc = ioctl(mhl_kfd, cmd, arg);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		mhl_set_errno(errno);
		return errno == EPERM || errno == EACCES ? MHL_EPERM : MHL_EIO;
	}
	return 0;
}

static struct mhl_kbuf *mhl_kbuf_get(void)
{
	struct mhl_kbuf *b;

	pthread_mutex_lock(&mhl_kbuf_lock);
	if (!mhl_kbuf_free) {
		size_t bytes = 64 * 1024;
		struct mhl_kbuf *slab = mhl_sys_alloc(bytes);

		for (size_t i = 0; slab && i < bytes / sizeof(*slab); i++) {
			slab[i].free_next = mhl_kbuf_free;
			mhl_kbuf_free = &slab[i];
		}
	}
	b = mhl_kbuf_free;
	if (b)
		mhl_kbuf_free = b->free_next;
	pthread_mutex_unlock(&mhl_kbuf_lock);
	if (b)
		memset(b, 0, sizeof(*b));
	return b;
}

static void mhl_kbuf_put(struct mhl_kbuf *b)
{
	pthread_mutex_lock(&mhl_kbuf_lock);
	b->free_next = mhl_kbuf_free;
	mhl_kbuf_free = b;
	pthread_mutex_unlock(&mhl_kbuf_lock);
}

/* First run of @pages free window pages; SIZE_MAX if none. */
static size_t mhl_win_find(struct mhl_kregion *k, size_t pages, size_t align_pages)
{
	/* alignment is of the address, and the window starts page aligned only */
	size_t skew = (k->win / k->page) & (align_pages - 1);

	for (size_t i = k->scan_hint; i + pages <= k->win_pages;) {
		size_t start = ((i + skew + align_pages - 1) & ~(align_pages - 1)) - skew;
		size_t j;

		if (start + pages > k->win_pages)
			break;
		for (j = 0; j < pages && !k->used[start + j]; j++)
			;
		if (j == pages)
			return start;
		i = start + j + 1;
	}
	return SIZE_MAX;
}

static void mhl_win_mark(struct mhl_kregion *k, size_t first, size_t pages,
			 struct mhl_kbuf *b)
{
	for (size_t i = 0; i < pages; i++) {
		k->used[first + i] = b ? 1 : 0;
		k->owner[first + i] = b;
	}
	if (!b && first < k->scan_hint)
		k->scan_hint = first;
	while (k->scan_hint < k->win_pages && k->used[k->scan_hint])
		k->scan_hint++;
}

/* Take a kernel buffer of @size bytes (page multiple) and map it. */
/* Take @b off its region's list of buffers (caller holds the region lock). */
static void mhl_kbuf_unlink(struct mhl_kregion *k, struct mhl_kbuf *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		k->bufs = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/*
 * One try in region @r for a request of the library's: MEMHEAP_ALLOC_TRY, so
 * that the kernel neither counts nor reports it (mhl_kernel_last does).
 */
static int mhl_kalloc_try(struct mhl_region *r, struct memheap_alloc *a)
{
	uint32_t try = atomic_load_explicit(&mhl_ktry, memory_order_relaxed);
	int rc;

	a->flags = MEMHEAP_ALLOC_REGION | try;
	a->region = r->k->index;
	a->caps = r->info.caps;
	rc = mhl_ioctl(MEMHEAP_IOC_ALLOC, a);
	if (rc && try && errno == EINVAL) {
		/* a module older than MEMHEAP_ALLOC_TRY */
		atomic_store_explicit(&mhl_ktry, 0, memory_order_relaxed);
		a->flags = MEMHEAP_ALLOC_REGION;
		rc = mhl_ioctl(MEMHEAP_IOC_ALLOC, a);
	}
	return rc;
}

/* Map the kernel buffer @a gave into region @r's window; NULL (freed) if no room. */
static struct mhl_kbuf *mhl_kbuf_place(struct mhl_region *r, const struct memheap_alloc *a,
				       size_t align)
{
	struct mhl_kregion *k = r->k;
	struct memheap_handle_arg fr = { .handle = a->handle };
	struct mhl_kbuf *b;
	size_t pages, first, align_pages;
	void *p;

	align_pages = align > k->page ? align / k->page : 1;
	b = mhl_kbuf_get();
	if (!b)
		goto kfree;
	pages = a->size_out / k->page;
	first = mhl_win_find(k, pages, align_pages);
	if (first == SIZE_MAX)
		goto put;
	p = mmap((void *)(k->win + first * k->page), a->size_out, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, mhl_kfd, (off_t)a->mmap_offset);
	if (p == MAP_FAILED) {
		mhl_set_errno(errno);
		/* MAP_FIXED failure may have dropped the reservation: restore it */
		mmap((void *)(k->win + first * k->page), a->size_out, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
		goto put;
	}
	b->base = (uintptr_t)p;
	b->size = a->size_out;
	b->handle = a->handle;
	b->dev_addr = a->dev_addr;
	mhl_win_mark(k, first, pages, b);
	b->next = k->bufs;
	if (k->bufs)
		k->bufs->prev = b;
	k->bufs = b;
	return b;
put:
	mhl_kbuf_put(b);
kfree:
	mhl_ioctl(MEMHEAP_IOC_FREE, &fr);
	return NULL;
}

static struct mhl_kbuf *mhl_kbuf_new(struct mhl_region *r, size_t size, size_t align)
{
	struct memheap_alloc a = {
		.size = size, .align = align > r->k->page ? align : 0,
	};

	if (mhl_kalloc_try(r, &a))
		return NULL;
	return mhl_kbuf_place(r, &a, align);
}

static void mhl_kbuf_release(struct mhl_region *r, struct mhl_kbuf *b)
{
	struct mhl_kregion *k = r->k;
	struct memheap_handle_arg fr = { .handle = b->handle };

	if (b->arena)
		mh_heap_destroy(&b->heap);
	if (k->hot == b)
		k->hot = NULL;
	/* replace the mapping by the reservation again: the window stays ours */
	mmap((void *)b->base, b->size, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	if (!b->detached)	/* a detached copy's handle is the parent's */
		mhl_ioctl(MEMHEAP_IOC_FREE, &fr);
	mhl_win_mark(k, (b->base - k->win) / k->page, b->size / k->page, NULL);
	mhl_kbuf_unlink(k, b);
	mhl_kbuf_put(b);
}

static struct mhl_kbuf *mhl_arena_new(struct mhl_region *r)
{
	struct mhl_kbuf *b = mhl_kbuf_new(r, r->k->arena_size, 0);
	struct mh_heap_config hc;
	struct mh_region_config rc = { .algo = MH_ALGO_FIRSTFIT };

	if (!b)
		return NULL;
	mhl_engine_config(&hc, r->info.name);
	hc.flags = MH_HEAP_F_NOLOCK;
	if (mh_heap_init(&b->heap, &hc) ||
	    mh_heap_add_region(&b->heap, (void *)b->base, b->size, &rc)) {
		mhl_kbuf_release(r, b);
		return NULL;
	}
	b->arena = true;
	return b;
}

static struct mhl_kbuf *mhl_kbuf_of(struct mhl_kregion *k, const void *ptr)
{
	uintptr_t a = (uintptr_t)ptr;

	if (a < k->win || a >= k->win_end)
		return NULL;
	return k->owner[(a - k->win) >> k->page_shift];
}

static bool mhl_is_small(struct mhl_kregion *k, size_t size, size_t align,
			 unsigned int flags)
{
	return !(flags & MHL_ALLOC_DEDICATED) && size <= k->arena_size / 4 &&
	       align <= k->page;
}

/* Bytes held in blocks changed by @delta (engine counters, or a buffer). */
static void mhl_kused(struct mhl_kregion *k, ptrdiff_t delta)
{
	k->held += (size_t)delta;
	if (k->held > k->peak_held)
		k->peak_held = k->held;
}

/* Give the idle spare arena back (it would hide kernel memory). */
static bool mhl_drop_spare(struct mhl_region *r)
{
	struct mhl_kregion *k = r->k;

	if (!k->spare)
		return false;
	mhl_kbuf_release(r, k->spare);
	k->spare = NULL;
	return true;
}

static void *mhl_arena_alloc(struct mhl_kbuf *b, size_t size, size_t align)
{
	return align <= MH_MIN_ALIGN ? mh_alloc(&b->heap, size)
				     : mh_aligned_alloc(&b->heap, align, size);
}

static void *mhl_kernel_try(struct mhl_region *r, size_t size, size_t align,
			    unsigned int flags)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kbuf *b = NULL;
	void *p = NULL;

	if (mhl_is_small(k, size, align, flags)) {
		/* the arena that served last first, then the others, then a new one */
		struct mhl_kbuf *x = k->hot;
		size_t before;

		if (x) {
			before = mh_heap_allocated(&x->heap);
			p = mhl_arena_alloc(x, size, align);
			if (p) {
				b = x;
				mhl_kused(k, (ptrdiff_t)(mh_heap_allocated(&x->heap) - before));
			}
		}
		for (x = k->bufs; !p && x; x = x->next) {
			if (!x->arena || x == k->hot)
				continue;
			before = mh_heap_allocated(&x->heap);
			p = mhl_arena_alloc(x, size, align);
			if (p) {
				b = x;
				mhl_kused(k, (ptrdiff_t)(mh_heap_allocated(&x->heap) - before));
			}
		}
		if (!p) {
			b = mhl_arena_new(r);
			if (b) {
				p = mhl_arena_alloc(b, size, align);
				if (p)
					mhl_kused(k, (ptrdiff_t)mh_heap_allocated(&b->heap));
				else if (!k->spare)
					k->spare = b;	/* empty: the spare, or back it goes */
				else
					mhl_kbuf_release(r, b);
			}
		}
		if (p) {
			k->hot = b;
			if (k->spare == b)
				k->spare = NULL;
		}
	} else if (size <= SIZE_MAX - k->page) {
		b = mhl_kbuf_new(r, (size + k->page - 1) & ~(k->page - 1), align);
		if (b) {
			p = (void *)b->base;
			k->large_blocks++;
			k->large_bytes += b->size;
			mhl_kused(k, (ptrdiff_t)b->size);
		}
	}
	return p;
}

static void *mhl_kernel_alloc(struct mhl_region *r, size_t size, size_t align,
		       unsigned int flags)
{
	struct mhl_kregion *k = r->k;
	void *p;

	pthread_mutex_lock(&k->lock);
	p = mhl_kernel_try(r, size, align, flags);
	if (!p && mhl_drop_spare(r))
		p = mhl_kernel_try(r, size, align, flags);
	if (p)
		k->alloc_count++;
	else
		k->failed_count++;
	pthread_mutex_unlock(&k->lock);
	return p;
}

/*
 * The last try of a failed allocation call (see MEMHEAP_ALLOC_TRY in the
 * uapi header): one ALLOC of the request's own @size, @align and @caps, no
 * region named, not a try.  The kernel routes it over every region with
 * @caps; if it fails, the kernel counts it once per such region and sends
 * the call's one allocation-failed event.  If it succeeds (memory was freed
 * meanwhile), the buffer is a dedicated block of the region that served it,
 * and its index goes to @region.  Made only when some kernel region of this
 * process has @caps (0: any region; the kernel reads 0 as DEFAULT) and the
 * module knows MEMHEAP_ALLOC_TRY.
 */
void *mhl_kernel_last(size_t size, size_t align, uint32_t caps, int *region)
{
	struct memheap_alloc a = { .size = size, .caps = caps };
	unsigned int n = atomic_load_explicit(&mhl_nregions, memory_order_acquire), i;
	struct mhl_region *r = NULL;
	struct mhl_kregion *k;
	struct mhl_kbuf *b;
	bool any = false;

	if (mhl_kfd < 0 || !size || size > SIZE_MAX - mhl_kpage ||
	    !atomic_load_explicit(&mhl_ktry, memory_order_relaxed))
		return NULL;
	for (i = 0; i < n && !any; i++)
		any = mhl_regions[i].k && mhl_caps_match(mhl_regions[i].info.caps, caps);
	if (!any)
		return NULL;
	a.align = align > mhl_kpage ? align : 0;
	if (mhl_ioctl(MEMHEAP_IOC_ALLOC, &a))
		return NULL;
	for (i = 0; i < n; i++)
		if (mhl_regions[i].k && mhl_regions[i].k->index == a.region_out) {
			r = &mhl_regions[i];
			break;
		}
	if (!r) {	/* a region this process does not use */
		struct memheap_handle_arg fr = { .handle = a.handle };

		mhl_ioctl(MEMHEAP_IOC_FREE, &fr);
		return NULL;
	}
	k = r->k;
	pthread_mutex_lock(&k->lock);
	b = mhl_kbuf_place(r, &a, align);
	if (b) {
		k->large_blocks++;
		k->large_bytes += b->size;
		mhl_kused(k, (ptrdiff_t)b->size);
		k->alloc_count++;
	}
	pthread_mutex_unlock(&k->lock);
	if (!b)
		return NULL;
	*region = (int)i;
	return (void *)b->base;
}

static int mhl_kernel_free(struct mhl_region *r, void *ptr, const char *api)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kbuf *b;
	int rc = 0;

	(void)api;
	mhl_pending_clear();
	pthread_mutex_lock(&k->lock);
	b = mhl_kbuf_of(k, ptr);
	if (!b) {
		rc = MHL_EFOREIGN;
	} else if (b->arena) {
		size_t before = mh_heap_allocated(&b->heap);

		rc = mh_free(&b->heap, ptr);
		mhl_kused(k, -(ptrdiff_t)(before - mh_heap_allocated(&b->heap)));
		if (!rc && !mh_heap_allocated(&b->heap) && !b->detached) {
			/*
			 * empty: keep one spare, give the rest back.  An empty
			 * detached arena stays: unmapping it would give nothing
			 * to the kernel and take its free bytes out of the stats.
			 */
			if (!k->spare)
				k->spare = b;
			else if (k->spare != b)
				mhl_kbuf_release(r, b);
		}
	} else if ((uintptr_t)ptr != b->base) {
		rc = MHL_EFOREIGN;
	} else {
		k->large_blocks--;
		k->large_bytes -= b->size;
		mhl_kused(k, -(ptrdiff_t)b->size);
		/* a detached buffer's bytes stay the parent's in the kernel's
		 * counters: they leave this process's peak too */
		if (b->detached)
			k->peak_held -= b->size;
		mhl_kbuf_release(r, b);
	}
	if (rc)
		k->error_count++;
	else
		k->free_count++;
	pthread_mutex_unlock(&k->lock);
	return rc;
}

static void *mhl_kernel_realloc(struct mhl_region *r, void *ptr, size_t size)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kbuf *b;
	void *p = NULL;

	pthread_mutex_lock(&k->lock);
	b = mhl_kbuf_of(k, ptr);
	if (b && b->arena && mhl_is_small(k, size, 0, 0)) {
		size_t before = mh_heap_allocated(&b->heap);

		p = mh_realloc(&b->heap, ptr, size);
		mhl_kused(k, (ptrdiff_t)(mh_heap_allocated(&b->heap) - before));
	} else if (b && !b->arena && (uintptr_t)ptr == b->base && size <= b->size)
		p = ptr;
	pthread_mutex_unlock(&k->lock);
	return p;	/* NULL: the core moves the block */
}

static size_t mhl_kernel_usable(struct mhl_region *r, const void *ptr)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kbuf *b;
	size_t n = 0;

	pthread_mutex_lock(&k->lock);
	b = mhl_kbuf_of(k, ptr);
	if (b && b->arena)
		n = mh_usable_size(&b->heap, ptr);
	else if (b && (uintptr_t)ptr == b->base)
		n = b->size;
	pthread_mutex_unlock(&k->lock);
	return n;
}

static bool mhl_ksmallest_cb(const struct mh_block_info *bi, void *ctx)
{
	size_t *smallest = ctx;

	if (!bi->used && (*smallest == 0 || bi->size < *smallest))
		*smallest = bi->size;
	return true;
}

static void mhl_kernel_stats(struct mhl_region *r, struct mhl_stats *st)
{
	struct mhl_kregion *k = r->k;
	struct memheap_region_info q = { .index = k->index };
	size_t arena_free = 0, arena_largest = 0;

	size_t held_gap;

	pthread_mutex_lock(&k->lock);
	/* an idle spare arena is free memory: give it back so the kernel's
	 * largest free block is what an allocation would really get */
	mhl_drop_spare(r);
	held_gap = k->peak_held - k->held;
	for (struct mhl_kbuf *b = k->bufs; b; b = b->next) {
		struct mh_stats es;

		if (!b->arena)
			continue;
		mh_get_stats(&b->heap, &es);
		/*
		 * Free is what free blocks hold, as on the embedded backend; the
		 * arena's control data is overhead (counted allocated), so that
		 * free, largest and the free-block count describe the same blocks.
		 */
		arena_free += es.free_bytes;
		if (es.largest_free > arena_largest)
			arena_largest = es.largest_free;
		st->allocated_blocks += es.allocated_blocks;
		st->free_blocks += es.free_blocks;
		st->total_blocks += es.total_blocks;
		mh_walk(&b->heap, mhl_ksmallest_cb, &st->smallest_free);
	}
	st->allocated_blocks += k->large_blocks;
	st->total_blocks += k->large_blocks;
	st->alloc_count = k->alloc_count;
	st->free_count = k->free_count;
	st->failed_count = k->failed_count;
	st->error_count = k->error_count;
	pthread_mutex_unlock(&k->lock);

	if (!mhl_ioctl(MEMHEAP_IOC_REGION_QUERY, &q)) {
		size_t kfree = q.free, klargest = q.largest_free < q.free ? q.largest_free : q.free;

		st->total = q.size;
		st->free = kfree + arena_free;
		st->allocated = st->total > st->free ? st->total - st->free : 0;
		st->largest_free = klargest > arena_largest ? klargest : arena_largest;
		/*
		 * The kernel reports its free bytes and largest free extent, not
		 * the extents themselves: its free space counts as one block when
		 * it is one extent (largest == free) and as two otherwise (a lower
		 * bound), the smaller of those two as a smallest-block bound.
		 */
		if (kfree) {
			size_t rest = kfree - klargest;
			size_t ksmall = !rest ? klargest : rest < klargest ? rest : klargest;

			st->free_blocks += rest ? 2 : 1;
			st->total_blocks += rest ? 2 : 1;
			if (!st->smallest_free || ksmall < st->smallest_free)
				st->smallest_free = ksmall;
		}
		/*
		 * Lowest free since the last reset, as this process saw it: free
		 * now minus how far above its current use this process has been.
		 * Exact while no other process changes the region meanwhile.
		 */
		st->min_free = st->free > held_gap ? st->free - held_gap : 0;
		st->peak_allocated = st->allocated + held_gap;
	}
}

static int mhl_kernel_check(struct mhl_region *r, bool print)
{
	struct mhl_kregion *k = r->k;
	struct memheap_check c = { .region = k->index };
	int first = 0;

	(void)print;	/* the module reports what it found in the kernel log */

	pthread_mutex_lock(&k->lock);
	for (struct mhl_kbuf *b = k->bufs; b; b = b->next) {
		if (!b->arena)
			continue;
		int rc = mh_check(&b->heap);

		if (rc && !first)
			first = rc;
	}
	pthread_mutex_unlock(&k->lock);
	mhl_pending_clear();
	if (!first && !mhl_ioctl(MEMHEAP_IOC_CHECK, &c) && c.errors)
		first = MHL_EHEADER;
	return first;
}

struct mhl_kwalk_copy {
	struct mh_block_info *b;
	size_t n, cap;
};

static bool mhl_kwalk_copy_cb(const struct mh_block_info *bi, void *ctx)
{
	struct mhl_kwalk_copy *c = ctx;

	if (c->n == c->cap)
		return false;
	c->b[c->n++] = *bi;
	return true;
}

/* Blocks of every buffer of @k (an arena's count, 1 for a dedicated one). */
static size_t mhl_kwalk_blocks(struct mhl_kregion *k)
{
	size_t n = 0;

	for (struct mhl_kbuf *b = k->bufs; b; b = b->next) {
		if (b->arena) {
			struct mh_stats es;

			mh_get_stats(&b->heap, &es);
			n += es.total_blocks;
		} else {
			n++;
		}
	}
	return n;
}

/*
 * The region's blocks (across its buffers) are copied under its lock and
 * @fn runs on the copy with no core lock held, as for engine regions: a
 * callback under the lock that allocates would wait for the tracking,
 * monitor, registry or hook lock (or another kernel region's) while fork()
 * holds those and waits for this one.  @fn's false ends the region, not
 * just the current arena.  Without memory for the copy nothing is visited
 * (MHL_ENOMEM): running @fn under the lock would bring the deadlock back.
 */
static int mhl_kernel_walk(struct mhl_region *r, mh_walk_fn fn, void *ctx)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kwalk_copy c = { 0 };
	size_t bytes;
	int rc = 0;

	pthread_mutex_lock(&k->lock);
	c.cap = mhl_kwalk_blocks(k);
	bytes = c.cap * sizeof(*c.b);
	c.b = bytes ? mhl_sys_alloc(bytes) : NULL;
	if (!c.b && c.cap) {
		pthread_mutex_unlock(&k->lock);
		return MHL_ENOMEM;
	}
	for (struct mhl_kbuf *b = k->bufs; b && !rc; b = b->next) {
		if (b->arena) {
			rc = mh_walk(&b->heap, mhl_kwalk_copy_cb, &c);
		} else if (c.n < c.cap) {
			c.b[c.n++] = (struct mh_block_info){
				.ptr = (void *)b->base, .size = b->size,
				.block = (void *)b->base, .block_size = b->size,
				.region = 0, .used = true,
			};
		}
	}
	pthread_mutex_unlock(&k->lock);
	/* a finding of the copying walk (returned in @rc) is not @fn's calls' */
	mhl_pending_clear();
	for (size_t i = 0; i < c.n; i++)
		if (!fn(&c.b[i], ctx))
			break;
	if (c.b)
		mhl_sys_free(c.b, bytes);
	return rc;
}

static void mhl_kernel_reset_min(struct mhl_region *r)
{
	struct mhl_kregion *k = r->k;

	pthread_mutex_lock(&k->lock);
	k->peak_held = k->held;
	pthread_mutex_unlock(&k->lock);
}

static int mhl_kernel_dev_addr(struct mhl_region *r, const void *ptr, uint64_t *out)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kbuf *b;
	int rc = 0;

	pthread_mutex_lock(&k->lock);
	b = mhl_kbuf_of(k, ptr);
	if (!b)
		rc = MHL_EFOREIGN;
	else if (b->detached)
		rc = MHL_ENOTSUP;	/* ordinary memory now */
	else if (!b->dev_addr)
		rc = MHL_EPERM;
	else
		*out = b->dev_addr + ((uintptr_t)ptr - b->base);
	pthread_mutex_unlock(&k->lock);
	return rc;
}

static int mhl_kernel_sync(struct mhl_region *r, const void *ptr, size_t len, bool for_device)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kbuf *b;
	struct memheap_sync s = { 0 };
	int rc;

	pthread_mutex_lock(&k->lock);
	b = mhl_kbuf_of(k, ptr);
	if (b && b->detached) {
		/* ordinary memory now: nothing to sync, as on the embedded backend */
		pthread_mutex_unlock(&k->lock);
		return MHL_OK;
	}
	if (b) {
		s.handle = b->handle;
		s.offset = (uintptr_t)ptr - b->base;
		s.length = len;
	}
	pthread_mutex_unlock(&k->lock);
	if (!b)
		return MHL_EFOREIGN;
	s.flags = for_device ? MEMHEAP_SYNC_FOR_DEVICE : MEMHEAP_SYNC_FOR_CPU;
	rc = mhl_ioctl(MEMHEAP_IOC_SYNC, &s);
	return rc == MHL_EIO && mhl_last_errno() == EINVAL ? MHL_EINVAL : rc;
}

static int mhl_kernel_export(struct mhl_region *r, const void *ptr, int flags)
{
	struct mhl_kregion *k = r->k;
	struct mhl_kbuf *b;
	struct memheap_export e = { .flags = (uint32_t)flags };
	int rc;

	if (flags & ~(O_CLOEXEC | O_RDWR))
		return MHL_EINVAL;
	pthread_mutex_lock(&k->lock);
	b = mhl_kbuf_of(k, ptr);
	rc = !b ? MHL_EFOREIGN :
	     (b->arena || b->detached || (uintptr_t)ptr != b->base) ? MHL_ENOTSUP : 0;
	if (!rc)
		e.handle = b->handle;
	pthread_mutex_unlock(&k->lock);
	if (rc)
		return rc;
	rc = mhl_ioctl(MEMHEAP_IOC_EXPORT, &e);
	return rc ? rc : e.fd;
}

/* A kernel region prepared (state, maps, window) but not registered yet. */
struct mhl_kprep {
	struct memheap_region_info q;
	struct mhl_kregion *k;
	void *w;
	size_t win, map_bytes;
};

static void mhl_kregion_undo(struct mhl_kprep *p)
{
	if (!p->k)
		return;
	if (p->w && p->w != MAP_FAILED)
		munmap(p->w, p->win);
	mhl_sys_free(p->k->owner, p->map_bytes);
	pthread_mutex_destroy(&p->k->lock);
	mhl_sys_free(p->k, sizeof(*p->k));
	p->k = NULL;
}

static int mhl_kregion_prepare(uint32_t index, struct mhl_kprep *p, char *err, size_t errlen)
{
	struct memheap_region_info *q = &p->q;
	struct mhl_kregion *k;

	memset(p, 0, sizeof(*p));
	q->index = index;
	if (mhl_ioctl(MEMHEAP_IOC_REGION_QUERY, q)) {
		snprintf(err, errlen, "region %u: query failed: %s", index, mhl_errno_text(mhl_last_errno()));
		return MHL_EIO;
	}
	q->name[MEMHEAP_NAME_LEN - 1] = '\0';
	k = mhl_sys_alloc(sizeof(*k));
	if (!k) {
		snprintf(err, errlen, "region '%s': no memory for its state", q->name);
		return MHL_ENOMEM;
	}
	p->k = k;
	pthread_mutex_init(&k->lock, NULL);
	k->index = index;
	k->page = mhl_kpage;
	k->arena_size = MHL_ARENA_MAX;
	while (k->arena_size > k->page && k->arena_size > q->size / 8)
		k->arena_size /= 2;
	p->win = ((size_t)q->size + k->page - 1) / k->page * k->page * MHL_WINDOW_FACTOR;
	if (p->win < 64 * k->page)
		p->win = 64 * k->page;
	k->win_pages = p->win / k->page;
	while (((size_t)1 << k->page_shift) < k->page)
		k->page_shift++;
	p->map_bytes = k->win_pages * (sizeof(*k->owner) + 1);
	k->owner = mhl_sys_alloc(p->map_bytes);
	p->w = mmap(NULL, p->win, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!k->owner || p->w == MAP_FAILED) {
		snprintf(err, errlen, "region '%s': cannot reserve %zu bytes of address space",
			 q->name, p->win);
		mhl_kregion_undo(p);
		return MHL_ENOMEM;
	}
	k->used = (uint8_t *)(k->owner + k->win_pages);
	k->win = (uintptr_t)p->w;
	k->win_end = k->win + p->win;
	return 0;
}

/*
 * Every region is prepared before any is registered (the registry is
 * append-only): a start that fails leaves no region behind, and gives back
 * every state, map and address-space window it took.
 */
int mhl_kernel_start(int fd, char *err, size_t errlen)
{
	static struct mhl_kprep prep[MHL_MAX_REGIONS];
	struct memheap_info info = { 0 };
	uint32_t n, i;
	int rc = 0;

	mhl_kfd = fd;
	if (mhl_ioctl(MEMHEAP_IOC_INFO, &info)) {
		snprintf(err, errlen, MEMHEAP_DEVICE_PATH ": MEMHEAP_IOC_INFO: %s",
			 mhl_errno_text(mhl_last_errno()));
		return MHL_EIO;
	}
	if (info.abi_version != MEMHEAP_ABI_VERSION) {
		snprintf(err, errlen, MEMHEAP_DEVICE_PATH ": ABI version %u, library speaks %u",
			 info.abi_version, MEMHEAP_ABI_VERSION);
		return MHL_EIO;
	}
	if (info.page_size)
		mhl_kpage = info.page_size;
	if (!info.nr_regions) {
		snprintf(err, errlen, MEMHEAP_DEVICE_PATH ": the module has no regions");
		return MHL_EIO;
	}
	n = info.nr_regions < MHL_MAX_REGIONS ? info.nr_regions : MHL_MAX_REGIONS;
	for (i = 0; i < n && !rc; i++)
		rc = mhl_kregion_prepare(i, &prep[i], err, errlen);
	for (i = 0; i < n && !rc; i++) {
		struct mhl_kprep *p = &prep[i];
		int idx = mhl_region_new(p->q.name, p->q.caps ? p->q.caps : MEMHEAP_CAP_DEFAULT,
					 p->q.algo == MEMHEAP_ALGO_BUDDY ? MH_ALGO_BUDDY
									 : MH_ALGO_FIRSTFIT,
					 MHL_ORIGIN_BACKEND, p->w, p->win,
					 &mhl_kernel_region_ops, p->k);

		if (idx < 0) {
			/* cannot happen on a fresh registry; say so if it does */
			snprintf(err, errlen, "region '%s': %s", p->q.name, mhl_strerror(idx));
			rc = idx;
			break;
		}
		mhl_regions[idx].info.dev_addr = p->q.dev_addr;
		p->k = NULL;	/* the region owns it now */
	}
	for (i = 0; i < n; i++)
		mhl_kregion_undo(&prep[i]);
	return rc;
}

static void mhl_kernel_lock(struct mhl_region *r, bool lock)
{
	if (lock)
		pthread_mutex_lock(&r->k->lock);
	else
		pthread_mutex_unlock(&r->k->lock);
}

/*
 * A buffer inherited from the parent, which the child maps MAP_SHARED:
 * replace it by a private copy at the same address.  Without memory for
 * the copy it becomes inaccessible (sharing would corrupt the parent's
 * heap) and leaves the region's books.
 */
static void mhl_kbuf_detach(struct mhl_region *r, struct mhl_kbuf *b)
{
	struct mhl_kregion *k = r->k;
	void *copy = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t held;

	if (copy != MAP_FAILED) {
		memcpy(copy, (void *)b->base, b->size);
		/* one step: the shared mapping is gone, the copy is in its place */
		if (mremap(copy, b->size, b->size, MREMAP_MAYMOVE | MREMAP_FIXED,
			   (void *)b->base) != MAP_FAILED) {
			b->detached = true;
			b->handle = 0;
			b->dev_addr = 0;
			return;
		}
		munmap(copy, b->size);
	}
	mmap((void *)b->base, b->size, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	held = b->arena ? mh_heap_allocated(&b->heap) : b->size;
	k->held -= held;
	k->peak_held -= held;
	if (!b->arena) {
		k->large_blocks--;
		k->large_bytes -= b->size;
	} else {
		mh_heap_destroy(&b->heap);
	}
	if (k->hot == b)
		k->hot = NULL;
	/* the pages stay taken (owner NULL: their pointers are nobody's) */
	for (size_t i = 0; i < b->size / k->page; i++)
		k->owner[(b->base - k->win) / k->page + i] = NULL;
	mhl_kbuf_unlink(k, b);
	mhl_kbuf_put(b);
}

const struct mhl_region_ops mhl_kernel_region_ops = {
	.kind = "kernel",
	.alloc = mhl_kernel_alloc,
	.free = mhl_kernel_free,
	.realloc = mhl_kernel_realloc,
	.usable = mhl_kernel_usable,
	.stats = mhl_kernel_stats,
	.check = mhl_kernel_check,
	.walk = mhl_kernel_walk,
	.reset_min = mhl_kernel_reset_min,
	.lock = mhl_kernel_lock,
	.dev_addr = mhl_kernel_dev_addr,
	.sync = mhl_kernel_sync,
	.export_dmabuf = mhl_kernel_export,
};

bool mhl_kernel_in_use(void)
{
	return mhl_kfd >= 0;
}

void mhl_kernel_fork_child(void)
{
	unsigned int n = atomic_load_explicit(&mhl_nregions, memory_order_acquire);
	int fd;

	if (mhl_kfd < 0)
		return;
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];
		struct mhl_kbuf *b, *next;

		if (!r->k)
			continue;
		pthread_mutex_lock(&r->k->lock);
		/* buffers detached in an earlier fork are private: fork copied them */
		for (b = r->k->bufs; b; b = next) {
			next = b->next;
			if (!b->detached)
				mhl_kbuf_detach(r, b);
		}
		/* the spare is detached now: it stays, as every detached arena */
		r->k->spare = NULL;
		pthread_mutex_unlock(&r->k->lock);
	}
	/*
	 * The inherited descriptor is the parent's open file: its handles are
	 * the parent's.  New buffers come from a file of the child's own; if
	 * it cannot be opened, kernel requests fail (MHL_EIO).
	 */
	fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	close(mhl_kfd);
	mhl_kfd = fd;
}
