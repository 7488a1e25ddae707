/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * multi_heap.c - ESP-IDF's multi_heap_* over one engine heap per handle.
 *
 * The handle (struct multi_heap_info) sits at the front of the caller's
 * block, as on ESP-IDF; the rest of the block is one first-fit region
 * (ESP-IDF's TLSF is also a good-fit allocator with in-block headers).  The
 * whole block is registered with the core, so free()/heap_caps_free()/
 * os_free() of the heap's pointers work.  A block inside memory the core
 * already manages (e.g. a buffer from heap_caps_malloc()) still becomes a
 * heap, but only multi_heap_* serve its pointers, as on ESP-IDF.
 *
 * Misuse (bad handle, foreign pointer, double free) is described on stderr
 * and changes nothing; ESP-IDF would assert.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "esp/esp_internal.h"

#define MULTI_HEAP_MAGIC	0x6d756c7469687021ULL	/* "multihp!" */
#define OFFS_MAGIC		((uintptr_t)0x6f6666735f616c67ULL)

/* Header in front of a pointer from multi_heap_aligned_alloc_offs(). */
struct offs_hdr {
	uintptr_t check;	/* OFFS_MAGIC ^ user pointer ^ block */
	void *block;		/* the engine block holding it */
};

/* Bytes before an offset-aligned pointer: its header, aligned down. */
#define OFFS_ROOM (sizeof(struct offs_hdr) + _Alignof(struct offs_hdr))

static struct offs_hdr *hdr_of(uintptr_t p)
{
	return (struct offs_hdr *)((p - sizeof(struct offs_hdr)) &
				   ~(uintptr_t)(_Alignof(struct offs_hdr) - 1));
}

/*
 * Whether engine reports print: only while one of this file's functions
 * runs (multi_heap_check() says it per call).  Calls the core makes into
 * these heaps (free() of a multi_heap pointer) are reported by the core.
 */
static _Thread_local bool print_reports;

/* Live offset-aligned blocks in all heaps: heap_caps_free() looks only then. */
static atomic_uint offs_live_total;

static void report(struct mh_heap *heap, const struct mh_error_info *info, void *ctx)
{
	(void)ctx;
	if (!print_reports)
		return;
	fprintf(stderr, "multi_heap %p: %s(%p): %s%s%s (at %p)\n",
		(void *)((char *)heap - offsetof(struct multi_heap_info, heap)),
		info->op, info->ptr, mh_strerror(info->code),
		info->detail ? ": " : "", info->detail ? info->detail : "",
		info->where);
}

static struct multi_heap_info *handle_of(multi_heap_handle_t h, const char *api)
{
	if (!h) {
		fprintf(stderr, "%s: NULL heap handle\n", api);
		return NULL;
	}
	if (((uintptr_t)h & (_Alignof(struct multi_heap_info) - 1)) ||
	    h->magic != (MULTI_HEAP_MAGIC ^ (uintptr_t)h)) {
		fprintf(stderr, "%s: %p is not a registered multi_heap handle\n",
			api, (void *)h);
		return NULL;
	}
	return h;
}

/*
 * Copy @n bytes at @p into @out if they can be read (an earlier heap's
 * handle may lie in memory the program has unmapped since): the kernel
 * reads them for us and reports EFAULT instead of a fault.
 */
static bool read_safely(const void *p, void *out, size_t n)
{
	struct iovec local = { out, n }, remote = { (void *)p, n };
	int fds[2];
	bool ok;

	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)n)
		return true;
	if (errno == EFAULT)
		return false;
	/* process_vm_readv not allowed here: a pipe tells the same */
	if (pipe(fds))
		return false;
	ok = n <= PIPE_BUF && write(fds[1], p, n) == (ssize_t)n &&
	     read(fds[0], out, n) == (ssize_t)n;
	close(fds[0]);
	close(fds[1]);
	return ok;
}

/*
 * mhl_range_reclaim()'s question about an earlier heap whose memory a new
 * heap or region overlaps: its allocated blocks.  A handle that can no
 * longer be read, or no longer holds a heap (the program overwrote or
 * cleared its memory), is a heap that is gone: 0.  When 0, or when the new
 * memory covers the handle (@force), the handle is invalidated (if it can
 * still be written: it lies in memory the program has not unmapped) so
 * the old handle is refused from now on.
 */
static size_t live_blocks(void *tag, bool force)
{
	struct multi_heap_info *old = tag, copy;
	size_t live;

	if (!read_safely(old, &copy, sizeof(copy)) ||
	    copy.magic != (MULTI_HEAP_MAGIC ^ (uintptr_t)old))
		return 0;
	/* the heap object's counters: its blocks may have been overwritten */
	live = mh_live_blocks(&old->heap);
	if (!live || force)
		old->magic = 0;
	return live;
}

static const struct mhl_retire_ops retire_ops = {
	.kind = "multi_heap",
	.tag_size = sizeof(struct multi_heap_info),
	.live = live_blocks,
};

/*
 * May [start, end) become a heap?  0: register it with the core; 1: it lies
 * inside one core region (a buffer the caller allocated): a heap only
 * multi_heap_* serve; -1: no (said on stderr).  Earlier heaps in the same
 * memory whose blocks are all free are retired first, whatever the shape of
 * the overlap, as ESP-IDF lets the caller reuse such memory.
 */
static int placement(uintptr_t start, uintptr_t end)
{
	struct mhl_owner owner;

	if (mhl_range_reclaim((const void *)start, end - start, "multi_heap_register"))
		return -1;
	if (!mhl_range_overlaps((const void *)start, end - start))
		return 0;
	if (mhl_owner_of((const void *)start, &owner) == MHL_OWNER_REGION && end <= owner.end)
		return 1;
	fprintf(stderr, "multi_heap_register: [%p, %p) overlaps memory memheap already "
		"manages (a region or another heap) without lying inside one region: "
		"refused\n", (void *)start, (void *)end);
	return -1;
}

MHL_ESP_API multi_heap_handle_t multi_heap_register(void *start, size_t size)
{
	uintptr_t base = (uintptr_t)start, first, end;
	struct multi_heap_info *h;
	struct mh_heap_config cfg = { .name = "multi_heap", .on_error = report };
	size_t region_size;
	int where;

	if (!start || size == 0 || base + size < base)
		return NULL;
	end = base + size;
	first = (base + _Alignof(struct multi_heap_info) - 1) &
		~(uintptr_t)(_Alignof(struct multi_heap_info) - 1);
	if (first >= end || end - first <= sizeof(*h))
		return NULL;
	region_size = end - first - sizeof(*h);
	where = placement(base, end);
	if (where < 0)
		return NULL;

	h = (struct multi_heap_info *)first;
	memset(h, 0, sizeof(*h));
	cfg.poison = mhl_poison();
	if (mh_heap_init(&h->heap, &cfg) != MH_OK)
		return NULL;
	h->start = base;
	h->end = end;
	h->min_floor = SIZE_MAX;
	mh_lock_init(&h->floor_lock);
	if (where == 0) {
		if (mhl_standalone_register_retirable(start, size, &h->heap, h,
						      &retire_ops) != MHL_OK)
			goto fail;
		h->registered = true;
	}
	if (mh_heap_add_region(&h->heap, (void *)(first + sizeof(*h)), region_size, NULL) != MH_OK)
		goto fail_unregister;
	h->magic = MULTI_HEAP_MAGIC ^ (uintptr_t)h;
	return h;

fail_unregister:
	if (h->registered)
		mhl_standalone_unregister(&h->heap);
fail:
	mh_lock_destroy(&h->floor_lock);
	mh_heap_destroy(&h->heap);
	return NULL;
}

MHL_ESP_API void multi_heap_set_lock(multi_heap_handle_t heap, void *lock)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_set_lock");

	if (h)
		h->lock = lock;
}

static void *track(void *p, size_t size)
{
	if (p)
		mhl_track_add(p, size, -1, NULL, 0);
	return p;
}

MHL_ESP_API void *multi_heap_malloc(multi_heap_handle_t heap, size_t size)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_malloc");

	if (!h || size == 0)
		return NULL;
	return track(mh_alloc(&h->heap, size), size);
}

MHL_ESP_API void *multi_heap_calloc(multi_heap_handle_t heap, size_t n, size_t size)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_calloc");

	if (!h || n == 0 || size == 0)
		return NULL;
	return track(mh_calloc(&h->heap, n, size), n * size);
}

static bool power_of_two(size_t x)
{
	return x && !(x & (x - 1));
}

MHL_ESP_API void *multi_heap_aligned_alloc(multi_heap_handle_t heap, size_t size,
					   size_t alignment)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_aligned_alloc");

	if (!h || size == 0 || !power_of_two(alignment))
		return NULL;
	return track(mh_aligned_alloc(&h->heap, alignment, size), size);
}

MHL_ESP_API void *multi_heap_aligned_alloc_offs(multi_heap_handle_t heap, size_t size,
						size_t alignment, size_t offset)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_aligned_alloc_offs");
	size_t want = (alignment - offset % alignment) % alignment;
	uintptr_t b, p;
	struct offs_hdr *hdr;
	void *block;

	if (!h || size == 0 || !power_of_two(alignment))
		return NULL;
	if (want == 0)	/* plain alignment: an ordinary block */
		return track(mh_aligned_alloc(&h->heap, alignment, size), size);
	/* Room for the (aligned) header and any residue modulo @alignment. */
	if (size > SIZE_MAX / 2 - alignment - OFFS_ROOM)
		return NULL;
	block = mh_alloc(&h->heap, size + OFFS_ROOM + alignment);
	if (!block)
		return NULL;
	b = (uintptr_t)block + OFFS_ROOM;
	p = b + ((want - b % alignment) + alignment) % alignment;
	hdr = hdr_of(p);
	hdr->block = block;
	hdr->check = OFFS_MAGIC ^ p ^ (uintptr_t)block;
	atomic_fetch_add(&h->offs_live, 1);
	atomic_fetch_add(&offs_live_total, 1);
	return track((void *)p, size);
}

/*
 * The engine block behind an offset-aligned pointer @p of @h, or NULL if
 * @p is not one.  Reads the header only when such blocks exist and it lies
 * in the heap; the block is then checked by the engine.
 */
static void *offs_block(struct multi_heap_info *h, const void *p)
{
	uintptr_t up = (uintptr_t)p;
	const struct offs_hdr *hdr;
	bool saved = print_reports;
	size_t usable;

	if (!atomic_load(&h->offs_live) || up < h->start + OFFS_ROOM + sizeof(*h) ||
	    up >= h->end)
		return NULL;
	hdr = hdr_of(up);
	if (hdr->check != (OFFS_MAGIC ^ up ^ (uintptr_t)hdr->block) ||
	    (uintptr_t)hdr->block > (uintptr_t)hdr || !mh_heap_contains(&h->heap, hdr->block))
		return NULL;
	print_reports = false;
	usable = mh_usable_size(&h->heap, hdr->block);
	print_reports = saved;
	if (usable < up - (uintptr_t)hdr->block)
		return NULL;
	return hdr->block;
}

struct multi_heap_info *mhl_esp_multi_heap_special(const void *p)
{
	struct mhl_owner owner;
	struct multi_heap_info *h;

	if (!atomic_load(&offs_live_total) || !p)
		return NULL;
	if (mhl_owner_of(p, &owner) != MHL_OWNER_STANDALONE || !owner.tag)
		return NULL;
	h = owner.tag;
	if (owner.heap != &h->heap || h->magic != (MULTI_HEAP_MAGIC ^ (uintptr_t)h))
		return NULL;
	return offs_block(h, p) ? h : NULL;
}

static void free_in(struct multi_heap_info *h, void *p, const char *api)
{
	void *block = offs_block(h, p);

	if (block) {
		struct offs_hdr *hdr = hdr_of((uintptr_t)p);

		hdr->check = 0;	/* a second free is then a foreign pointer */
		if (mh_free(&h->heap, block) == MH_OK) {
			atomic_fetch_sub(&h->offs_live, 1);
			atomic_fetch_sub(&offs_live_total, 1);
			mhl_track_remove(p);
		} else {
			hdr->check = OFFS_MAGIC ^ (uintptr_t)p ^ (uintptr_t)block;
		}
		return;
	}
	if (!mh_heap_contains(&h->heap, p)) {
		fprintf(stderr, "%s: %p does not belong to heap %p\n", api, p, (void *)h);
		return;
	}
	if (mh_free(&h->heap, p) == MH_OK)
		mhl_track_remove(p);
}

MHL_ESP_API void multi_heap_free(multi_heap_handle_t heap, void *p)
{
	struct multi_heap_info *h;

	if (!p)
		return;
	h = handle_of(heap, "multi_heap_free");
	if (!h)
		return;
	print_reports = true;
	free_in(h, p, "multi_heap_free");
	print_reports = false;
}

MHL_ESP_API void multi_heap_aligned_free(multi_heap_handle_t heap, void *p)
{
	struct multi_heap_info *h;

	if (!p)
		return;
	h = handle_of(heap, "multi_heap_aligned_free");
	if (!h)
		return;
	print_reports = true;
	free_in(h, p, "multi_heap_aligned_free");
	print_reports = false;
}

void mhl_esp_multi_heap_free(struct multi_heap_info *h, void *p, const char *api)
{
	print_reports = true;
	free_in(h, p, api);
	print_reports = false;
}

static size_t size_in(struct multi_heap_info *h, void *p)
{
	void *block = offs_block(h, p);

	if (block)
		return mh_usable_size(&h->heap, block) - ((uintptr_t)p - (uintptr_t)block);
	if (!mh_heap_contains(&h->heap, p))
		return 0;
	return mh_usable_size(&h->heap, p);
}

MHL_ESP_API size_t multi_heap_get_allocated_size(multi_heap_handle_t heap, void *p)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_get_allocated_size");
	size_t n;

	if (!h || !p)
		return 0;
	print_reports = true;
	n = size_in(h, p);
	print_reports = false;
	if (n == 0)
		fprintf(stderr, "multi_heap_get_allocated_size: %p is not a live block of heap %p\n",
			p, (void *)h);
	return n;
}

MHL_ESP_API void *multi_heap_realloc(multi_heap_handle_t heap, void *p, size_t size)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_realloc");
	void *r = NULL;
	size_t old;

	if (!h)
		return NULL;
	if (!p)
		return size ? track(mh_alloc(&h->heap, size), size) : NULL;
	print_reports = true;
	if (size == 0) {
		free_in(h, p, "multi_heap_realloc");
		goto out;
	}
	if (offs_block(h, p)) {
		/* Offset alignment is not kept by realloc (nor on ESP-IDF). */
		old = size_in(h, p);
		r = mh_alloc(&h->heap, size);
		if (r) {
			mhl_track_add(r, size, -1, NULL, 0);
			memcpy(r, p, old < size ? old : size);
			free_in(h, p, "multi_heap_realloc");
		}
		goto out;
	}
	if (!mh_heap_contains(&h->heap, p)) {
		fprintf(stderr, "multi_heap_realloc: %p does not belong to heap %p\n", p, (void *)h);
		goto out;
	}
	r = mh_realloc(&h->heap, p, size);
	if (r) {
		mhl_track_remove(p);
		mhl_track_add(r, size, -1, NULL, 0);
	}
out:
	print_reports = false;
	return r;
}

MHL_ESP_API bool multi_heap_check(multi_heap_handle_t heap, bool print_errors)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_check");
	int rc;

	if (!h)
		return false;
	print_reports = print_errors;
	rc = mh_check(&h->heap);
	print_reports = false;
	return rc == MH_OK;
}

static size_t floor_min(struct multi_heap_info *h, size_t engine_min)
{
	size_t m;

	mh_lock_acquire(&h->floor_lock);
	m = h->min_floor < engine_min ? h->min_floor : engine_min;
	mh_lock_release(&h->floor_lock);
	return m;
}

static bool sum_used(const struct mh_block_info *b, void *ctx)
{
	if (b->used && !b->damaged)
		*(size_t *)ctx += b->size;
	return true;
}

/*
 * ESP-IDF's total_allocated_bytes: the data bytes of the live blocks (what
 * multi_heap_get_allocated_size() says of each: the size asked for, rounded
 * up to the 8-byte granule, exactly the size asked for with poisoning), no
 * headers; total_free_bytes is what is left once headers are paid for.
 */
MHL_ESP_API void multi_heap_get_info(multi_heap_handle_t heap, multi_heap_info_t *info)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_get_info");
	struct mh_stats st;
	size_t data = 0;

	if (!info)
		return;
	memset(info, 0, sizeof(*info));
	if (!h)
		return;
	mh_get_stats(&h->heap, &st);
	mh_walk(&h->heap, sum_used, &data);
	info->total_free_bytes = st.free_bytes;
	info->total_allocated_bytes = data;
	info->largest_free_block = st.largest_free;
	info->minimum_free_bytes = floor_min(h, st.min_free_ever);
	info->allocated_blocks = st.allocated_blocks;
	info->free_blocks = st.free_blocks;
	info->total_blocks = st.total_blocks;
}

MHL_ESP_API size_t multi_heap_free_size(multi_heap_handle_t heap)
{
	multi_heap_info_t info;

	multi_heap_get_info(heap, &info);
	return info.total_free_bytes;
}

MHL_ESP_API size_t multi_heap_minimum_free_size(multi_heap_handle_t heap)
{
	multi_heap_info_t info;

	multi_heap_get_info(heap, &info);
	return info.minimum_free_bytes;
}

MHL_ESP_API size_t multi_heap_reset_minimum_free_bytes(multi_heap_handle_t heap)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_reset_minimum_free_bytes");
	struct mh_stats st;
	size_t old;

	if (!h)
		return 0;
	mh_lock_acquire(&h->floor_lock);
	mh_get_stats(&h->heap, &st);
	old = h->min_floor < st.min_free_ever ? h->min_floor : st.min_free_ever;
	mh_reset_min_free(&h->heap);
	h->min_floor = SIZE_MAX;
	mh_lock_release(&h->floor_lock);
	return old;
}

MHL_ESP_API void multi_heap_restore_minimum_free_bytes(multi_heap_handle_t heap,
						       const size_t new_minimum_free_bytes_value)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_restore_minimum_free_bytes");

	if (!h)
		return;
	mh_lock_acquire(&h->floor_lock);
	if (new_minimum_free_bytes_value < h->min_floor)
		h->min_floor = new_minimum_free_bytes_value;
	mh_lock_release(&h->floor_lock);
}

struct walk_ctx {
	multi_heap_walker_cb_t fn;
	void *user;
};

static bool walk_one(const struct mh_block_info *b, void *ctx)
{
	struct walk_ctx *w = ctx;

	return w->fn(b->ptr, b->size, b->used ? 1 : 0, w->user);
}

MHL_ESP_API void multi_heap_walk(multi_heap_handle_t heap, multi_heap_walker_cb_t walker_func,
				 void *user_data)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_walk");
	struct walk_ctx w = { walker_func, user_data };

	if (!h)
		return;
	if (!walker_func) {
		fprintf(stderr, "multi_heap_walk: NULL walker function\n");
		return;
	}
	/* a damaged block goes to the walker (the rest of the heap, as one
	 * block) and is described on stderr: a walk never stops in silence */
	print_reports = true;
	mh_walk(&h->heap, walk_one, &w);
	print_reports = false;
}

static bool dump_one(const struct mh_block_info *b, void *ctx)
{
	(void)ctx;
	printf("  Block %p data %p size %zu next %p %s\n", b->block, b->ptr, b->size,
	       (void *)((char *)b->block + b->block_size),
	       b->damaged ? "DAMAGED header: the rest of the heap" : b->used ? "used" : "free");
	return true;
}

MHL_ESP_API void multi_heap_dump(multi_heap_handle_t heap)
{
	struct multi_heap_info *h = handle_of(heap, "multi_heap_dump");
	struct mh_stats st;

	if (!h)
		return;
	mh_get_stats(&h->heap, &st);
	printf("Heap %p: start %p end %p, %zu bytes free of %zu, %zu blocks\n",
	       (void *)h, (void *)h->start, (void *)h->end, st.free_bytes,
	       st.total_bytes, st.total_blocks);
	fflush(stdout);
	print_reports = true;
	mh_walk(&h->heap, dump_one, NULL);
	print_reports = false;
	fflush(stdout);
}
