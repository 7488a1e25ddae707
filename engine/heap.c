// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * heap.c - one heap over several regions: the public mh_* API.
 *
 * This layer owns what both engines share: validating arguments before any
 * arithmetic, searching regions in the order they were added, the lock,
 * poisoning (canaries and fill patterns around the engine's payload),
 * statistics, and turning engine findings into error reports.
 *
 * With poisoning, a payload is laid out as
 *
 *   | head canary: magic:32 size:32 | user bytes (size) | tail magic:32 | slack |
 *
 * so the user pointer is payload + 8 and usable size is the requested size.
 */
#include "internal.h"

#define CANARY_HEAD	0xa110ca7eu	/* live block */
#define CANARY_FREED	0xf4eeb10cu	/* freed block (light poisoning) */
#define CANARY_TAIL	0x7a11f00du
#define POISON_HEAD	8u
#define POISON_TAIL	4u
#define POISON_MAX	0xffffffffu	/* size field is 32 bits */

static const char *const error_names[] = {
	[0] = "no error",
	[1] = "invalid argument",
	[2] = "out of memory",
	[3] = "region overlaps another region",
	[4] = "pointer not owned by this heap",
	[5] = "double free",
	[6] = "canary overwritten",
	[7] = "block header damaged",
	[8] = "free list damaged",
	[9] = "free memory written after free",
};

const char *mh_strerror(int err)
{
	unsigned int i = err <= 0 ? (unsigned int)-err : ~0u;

	if (i >= sizeof(error_names) / sizeof(*error_names))
		return "unknown error";
	return error_names[i];
}

int mh_report(struct mh_heap *heap, int code, const char *op, const void *ptr,
	      const void *where, int region, const char *detail)
{
	struct mh_error_info info = {
		.code = code, .op = op, .ptr = ptr, .where = where,
		.region = region, .detail = detail,
	};

	heap->error_count++;
	if (heap->on_error)
		heap->on_error(heap, &info, heap->error_ctx);
	return code;
}

uintptr_t mh_find_unfilled(uintptr_t p, size_t n, int fill)
{
	const unsigned char *b = (const unsigned char *)p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (unsigned char)fill)
			return p + i;
	return 0;
}

static inline size_t poison_head(const struct mh_heap *h)
{
	return h->poison ? POISON_HEAD : 0;
}

static inline void lock(struct mh_heap *h) MH_ACQUIRES(&h->lock)
{
	if (!(h->flags & MH_HEAP_F_NOLOCK))
		mh_lock_acquire(&h->lock);
	else
		mh_lock_assume_acquired(&h->lock);
}

static inline void unlock(struct mh_heap *h) MH_RELEASES(&h->lock)
{
	if (!(h->flags & MH_HEAP_F_NOLOCK))
		mh_lock_release(&h->lock);
	else
		mh_lock_assume_released(&h->lock);
}

static bool heap_ok(const struct mh_heap *h)
{
	return h && h->magic == MH_HEAP_MAGIC;
}

int mh_heap_init(struct mh_heap *heap, const struct mh_heap_config *cfg)
{
	if (!heap)
		return MH_EINVAL;
	if (cfg && ((cfg->flags & ~MH_HEAP_F_ALL) ||
		    (unsigned int)cfg->poison > MH_POISON_COMPREHENSIVE))
		return MH_EINVAL;
	mh_memset(heap, 0, sizeof(*heap));
	if (cfg) {
		heap->name = cfg->name;
		heap->poison = cfg->poison;
		heap->flags = cfg->flags;
		heap->on_error = cfg->on_error;
		heap->error_ctx = cfg->error_ctx;
	}
	mh_lock_init(&heap->lock);
	heap->magic = MH_HEAP_MAGIC;
	return MH_OK;
}

void mh_heap_destroy(struct mh_heap *heap)
{
	if (!heap_ok(heap))
		return;
	heap->magic = 0;
	mh_lock_destroy(&heap->lock);
}

static const struct mh_engine *engine_of(const struct mh_region_config *rc)
{
	if (!rc || rc->algo == MH_ALGO_FIRSTFIT)
		return &mh_firstfit_engine;
	if (rc->algo == MH_ALGO_BUDDY)
		return &mh_buddy_engine;
	return NULL;
}

static size_t region_struct_size(void)
{
	return mh_align_up(sizeof(struct mh_region), sizeof(u64));
}

size_t mh_region_meta_size(size_t size, const struct mh_region_config *rc)
{
	const struct mh_engine *eng = engine_of(rc);
	size_t ctl;

	if (!eng)
		return 0;
	ctl = eng->ctl_size(size, rc);
	if (!ctl)
		return 0;
	/* carving from the front may cost up to 7 bytes of alignment */
	return region_struct_size() + ctl + sizeof(u64);
}

int mh_heap_add_region(struct mh_heap *heap, void *base, size_t size,
		       const struct mh_region_config *rc)
{
	const struct mh_engine *eng = engine_of(rc);
	uintptr_t start = (uintptr_t)base, end, meta, arena;
	struct mh_region *r, *it;
	size_t need;
	int err;

	if (!heap_ok(heap) || !base || !eng || size > UINTPTR_MAX - start)
		return MH_EINVAL;
	need = mh_region_meta_size(size, rc);
	if (!need)
		return MH_EINVAL;
	end = start + size;
	if (rc && rc->meta) {
		if (rc->meta_size < need)
			return MH_ENOMEM;
		meta = mh_align_up((uintptr_t)rc->meta, sizeof(u64));
		if ((uintptr_t)rc->meta < end &&
		    start < (uintptr_t)rc->meta + rc->meta_size)
			return MH_EINVAL;	/* metadata must lie outside */
		arena = mh_align_up(start, MH_MIN_ALIGN);
	} else {
		if (size < need)
			return MH_ENOMEM;
		meta = mh_align_up(start, sizeof(u64));
		arena = mh_align_up(meta + need - sizeof(u64), MH_MIN_ALIGN);
	}
	if (arena >= end)
		return MH_ENOMEM;

	lock(heap);
	for (it = heap->first; it; it = it->next) {
		if (start < it->end && it->start < end) {
			unlock(heap);
			return MH_EOVERLAP;
		}
	}
	r = (struct mh_region *)meta;
	mh_memset(r, 0, sizeof(*r));
	r->magic = MH_REGION_MAGIC;
	r->index = (int)heap->nregions;
	r->eng = eng;
	r->heap = heap;
	r->start = start;
	r->end = end;
	r->arena = arena;
	r->arena_end = end & ~(uintptr_t)(MH_MIN_ALIGN - 1);
	r->fill = heap->poison == MH_POISON_COMPREHENSIVE ? MH_FILL_FREE : -1;
	r->ctl = (char *)r + region_struct_size();
	err = eng->init(r, rc);
	if (err) {
		r->magic = 0;
		unlock(heap);
		return err;
	}
	if (heap->last)
		heap->last->next = r;
	else
		heap->first = r;
	heap->last = r;
	heap->nregions++;
	heap->total_bytes += r->total;
	heap->min_free_ever += r->total;
	unlock(heap);
	return MH_OK;
}

static struct mh_region *region_of(struct mh_heap *h, uintptr_t p)
{
	struct mh_region *r;

	for (r = h->first; r; r = r->next)
		if (p >= r->arena && p < r->arena_end)
			return r;
	return NULL;
}

static bool in_any_region(struct mh_heap *h, uintptr_t p)
{
	struct mh_region *r;

	for (r = h->first; r; r = r->next)
		if (p >= r->start && p < r->end)
			return true;
	return false;
}

bool mh_heap_contains(struct mh_heap *heap, const void *ptr)
{
	bool found;

	if (!heap_ok(heap))
		return false;
	lock(heap);
	found = in_any_region(heap, (uintptr_t)ptr);
	unlock(heap);
	return found;
}

/* Counters after any change of r->allocated by @delta bytes. */
static void account(struct mh_heap *h, size_t before, size_t after)
{
	h->allocated_bytes = h->allocated_bytes - before + after;
	if (h->allocated_bytes > h->peak_allocated)
		h->peak_allocated = h->allocated_bytes;
	if (h->total_bytes - h->allocated_bytes < h->min_free_ever)
		h->min_free_ever = h->total_bytes - h->allocated_bytes;
}

static inline u32 head_check(u32 magic, u32 size)
{
	return magic ^ (size * 0x9e3779b1u);
}

static void write_canaries(uintptr_t payload, size_t size)
{
	u32 head[2] = { (u32)size,
			     head_check(CANARY_HEAD, (u32)size) };
	u32 tail = CANARY_TAIL;

	mh_memcpy((void *)payload, head, sizeof(head));
	mh_memcpy((void *)(payload + POISON_HEAD + size), &tail, sizeof(tail));
}

/* Canaries of a live payload of @capacity bytes; MH_OK, size in *size. */
static int read_canaries(uintptr_t payload, size_t capacity, size_t *size,
			 uintptr_t *where)
{
	u32 head[2], tail;

	mh_memcpy(head, (void *)payload, sizeof(head));
	*where = payload;
	if (head[1] != head_check(CANARY_HEAD, head[0]) ||
	    head[0] > capacity - POISON_HEAD - POISON_TAIL)
		return MH_ECANARY;
	*where = payload + POISON_HEAD + head[0];
	mh_memcpy(&tail, (void *)*where, sizeof(tail));
	if (tail != CANARY_TAIL)
		return MH_ECANARY;
	*size = head[0];
	return MH_OK;
}

/* Engine payload size for a request of @size bytes (bounded by the caller). */
static inline size_t payload_size(const struct mh_heap *h, size_t size)
{
	return h->poison ? size + POISON_HEAD + POISON_TAIL : size;
}

static void *alloc_locked(struct mh_heap *h, size_t size, size_t align)
{
	struct mh_region *r;
	size_t before;
	void *p = NULL;

	if (size > MH_MAX_REQUEST || (h->poison && size > POISON_MAX)) {
		h->failed_count++;
		return NULL;
	}
	for (r = h->first; r; r = r->next) {
		before = r->allocated;
		p = r->eng->alloc(r, payload_size(h, size), align, poison_head(h));
		if (p) {
			account(h, before, r->allocated);
			break;
		}
	}
	if (!p) {
		h->failed_count++;
		return NULL;
	}
	h->alloc_count++;
	if (h->poison) {
		write_canaries((uintptr_t)p, size);
		p = (char *)p + POISON_HEAD;
		if (h->poison == MH_POISON_COMPREHENSIVE)
			mh_memset(p, MH_FILL_ALLOC, size);
	}
	return p;
}

void *mh_alloc(struct mh_heap *heap, size_t size)
{
	void *p;

	if (!heap_ok(heap))
		return NULL;
	lock(heap);
	p = alloc_locked(heap, size, MH_MIN_ALIGN);
	unlock(heap);
	return p;
}

void *mh_aligned_alloc(struct mh_heap *heap, size_t align, size_t size)
{
	void *p;

	if (!heap_ok(heap))
		return NULL;
	lock(heap);
	if (!mh_is_pow2(align) || align > MH_MAX_REQUEST) {
		heap->failed_count++;
		p = NULL;
	} else {
		p = alloc_locked(heap, size,
				 align < MH_MIN_ALIGN ? MH_MIN_ALIGN : align);
	}
	unlock(heap);
	return p;
}

void *mh_calloc(struct mh_heap *heap, size_t count, size_t size)
{
	void *p;

	if (!heap_ok(heap))
		return NULL;
	if (size && count > MH_MAX_REQUEST / size) {
		lock(heap);
		heap->failed_count++;
		unlock(heap);
		return NULL;
	}
	p = mh_alloc(heap, count * size);
	if (p)
		mh_memset(p, 0, count * size);
	return p;
}

/*
 * Find and validate the block behind a user pointer.  On success *rp, the
 * engine payload, its capacity and the user size are set; on failure the
 * error is reported under @op and returned.
 */
static int lookup_locked(struct mh_heap *h, const void *ptr, const char *op,
			 struct mh_region **rp, uintptr_t *payload,
			 size_t *capacity, size_t *size)
{
	uintptr_t p = (uintptr_t)ptr, where;
	struct mh_region *r = region_of(h, p);
	int err;

	if (!r || p - r->arena < poison_head(h))
		return mh_report(h, MH_EFOREIGN, op, ptr, ptr, r ? r->index : -1,
				 "pointer is not inside a block of this heap");
	*payload = p - poison_head(h);
	err = r->eng->lookup(r, *payload, capacity);
	if (err == MH_OK && h->poison) {
		if (*capacity < POISON_HEAD + POISON_TAIL) {
			err = MH_EHEADER;
		} else {
			u32 head[2];

			mh_memcpy(head, (void *)*payload, sizeof(head));
			if (head[1] == head_check(CANARY_FREED, head[0]))
				err = MH_EDOUBLEFREE;
			else
				err = read_canaries(*payload, *capacity, size,
						    &where);
			if (err == MH_ECANARY)
				return mh_report(h, err, op, ptr, (void *)where,
						 r->index,
						 "buffer overrun or underrun");
		}
	} else if (err == MH_OK) {
		*size = *capacity;
	}
	if (err)
		return mh_report(h, err, op, ptr, ptr, r->index,
				 err == MH_EDOUBLEFREE ? "block is already free" :
				 err == MH_EFOREIGN ? "not a block of this heap" :
				 "no valid block header at this address");
	*rp = r;
	return MH_OK;
}

static void free_locked(struct mh_heap *h, struct mh_region *r,
			uintptr_t payload, size_t capacity)
{
	size_t before = r->allocated;

	if (h->poison == MH_POISON_COMPREHENSIVE) {
		mh_memset((void *)payload, MH_FILL_FREE, capacity);
	} else if (h->poison) {
		u32 head[2];

		mh_memcpy(head, (void *)payload, sizeof(head));
		head[1] = head_check(CANARY_FREED, head[0]);
		mh_memcpy((void *)payload, head, sizeof(head));
	}
	r->eng->release(r, payload);
	account(h, before, r->allocated);
	h->free_count++;
}

int mh_free(struct mh_heap *heap, void *ptr)
{
	struct mh_region *r;
	uintptr_t payload;
	size_t capacity, size;
	int err;

	if (!ptr)
		return MH_OK;
	if (!heap_ok(heap))
		return MH_EINVAL;
	lock(heap);
	r = region_of(heap, (uintptr_t)ptr);
	if (r && !heap->poison &&
	    r->eng->lookup(r, (uintptr_t)ptr, &capacity) == MH_OK) {
		/* fast path: no canaries to check, freeing only lowers usage */
		size_t before = r->allocated;

		r->eng->release(r, (uintptr_t)ptr);
		heap->allocated_bytes -= before - r->allocated;
		heap->free_count++;
		unlock(heap);
		return MH_OK;
	}
	err = lookup_locked(heap, ptr, "free", &r, &payload, &capacity, &size);
	if (!err)
		free_locked(heap, r, payload, capacity);
	unlock(heap);
	return err;
}

size_t mh_usable_size(struct mh_heap *heap, const void *ptr)
{
	struct mh_region *r;
	uintptr_t payload;
	size_t capacity, size = 0;

	if (!ptr || !heap_ok(heap))
		return 0;
	lock(heap);
	if (lookup_locked(heap, ptr, "usable_size", &r, &payload, &capacity,
			  &size))
		size = 0;
	unlock(heap);
	return size;
}

void *mh_realloc(struct mh_heap *heap, void *ptr, size_t size)
{
	struct mh_region *r;
	uintptr_t payload;
	size_t capacity, old, before;
	void *p;

	if (!ptr)
		return mh_alloc(heap, size);
	if (!heap_ok(heap))
		return NULL;
	lock(heap);
	if (lookup_locked(heap, ptr, "realloc", &r, &payload, &capacity, &old)) {
		unlock(heap);
		return NULL;
	}
	if (!size) {
		free_locked(heap, r, payload, capacity);
		unlock(heap);
		return NULL;
	}
	if (size > MH_MAX_REQUEST || (heap->poison && size > POISON_MAX)) {
		heap->failed_count++;
		unlock(heap);
		return NULL;
	}
	before = r->allocated;
	if (r->eng->resize(r, payload, payload_size(heap, size))) {
		account(heap, before, r->allocated);
		if (heap->poison) {
			write_canaries(payload, size);
			if (heap->poison == MH_POISON_COMPREHENSIVE && size > old)
				mh_memset((char *)ptr + old, MH_FILL_ALLOC,
					  size - old);
		}
		unlock(heap);
		return ptr;
	}
	p = alloc_locked(heap, size, MH_MIN_ALIGN);
	if (p) {
		mh_memcpy(p, ptr, old < size ? old : size);
		free_locked(heap, r, payload, capacity);
	}
	unlock(heap);
	return p;
}

void mh_get_stats(struct mh_heap *heap, struct mh_stats *st)
{
	struct mh_region *r;
	size_t largest, overhead;

	if (!st)
		return;
	mh_memset(st, 0, sizeof(*st));
	if (!heap_ok(heap))
		return;
	lock(heap);
	overhead = heap->poison ? POISON_HEAD + POISON_TAIL : 0;
	for (r = heap->first; r; r = r->next) {
		largest = r->eng->largest(r);
		largest = largest > overhead ? largest - overhead : 0;
		if (heap->poison && largest > POISON_MAX)
			largest = POISON_MAX;
		if (largest > st->largest_free)
			st->largest_free = largest;
		st->allocated_blocks += r->nalloc;
		st->free_blocks += r->nfree;
	}
	st->total_blocks = st->allocated_blocks + st->free_blocks;
	st->total_bytes = heap->total_bytes;
	st->allocated_bytes = heap->allocated_bytes;
	st->free_bytes = heap->total_bytes - heap->allocated_bytes;
	st->min_free_ever = heap->min_free_ever;
	st->peak_allocated = heap->peak_allocated;
	st->regions = heap->nregions;
	st->alloc_count = heap->alloc_count;
	st->free_count = heap->free_count;
	st->failed_count = heap->failed_count;
	st->error_count = heap->error_count;
	unlock(heap);
}

size_t mh_live_blocks(struct mh_heap *heap)
{
	size_t n;

	if (!heap_ok(heap))
		return 0;
	lock(heap);
	/*
	 * every successful allocation (realloc moves included) counts once
	 * in alloc_count, every release once in free_count
	 */
	n = heap->alloc_count - heap->free_count;
	unlock(heap);
	return n;
}

void mh_reset_min_free(struct mh_heap *heap)
{
	if (!heap_ok(heap))
		return;
	lock(heap);
	heap->min_free_ever = heap->total_bytes - heap->allocated_bytes;
	heap->peak_allocated = heap->allocated_bytes;
	unlock(heap);
}

size_t mh_block_overhead(enum mh_algo algo)
{
	struct mh_region_config rc = { .algo = algo };
	const struct mh_engine *eng = engine_of(&rc);

	return eng ? eng->overhead : 0;
}

void mh_heap_retry_failed(struct mh_heap *heap)
{
	if (!heap_ok(heap))
		return;
	lock(heap);
	if (heap->failed_count)
		heap->failed_count--;
	unlock(heap);
}

struct check_ctx {
	struct mh_heap *heap;
	int err;
};

static bool check_canaries(struct mh_region *r, const struct mh_raw_block *b,
			   void *arg)
{
	struct check_ctx *cc = arg;
	uintptr_t where = b->payload;
	size_t size;

	if (b->damaged)	/* r->eng->check() reports it */
		return true;
	if (b->used && (b->capacity < POISON_HEAD + POISON_TAIL ||
			read_canaries(b->payload, b->capacity, &size, &where)))
		cc->err = mh_report(cc->heap, MH_ECANARY, "check",
				    (void *)(b->payload + POISON_HEAD),
				    (void *)where, r->index,
				    "buffer overrun or underrun");
	return true;
}

int mh_check(struct mh_heap *heap)
{
	struct check_ctx cc = { .heap = heap, .err = MH_OK };
	struct mh_region *r;
	size_t allocated = 0;
	int err;

	if (!heap_ok(heap))
		return MH_EINVAL;
	lock(heap);
	for (r = heap->first; r; r = r->next) {
		if (r->magic != MH_REGION_MAGIC) {
			cc.err = mh_report(heap, MH_EHEADER, "check", NULL, r,
					   r->index, "region control data damaged");
			break;
		}
		err = r->eng->check(r);
		if (err && !cc.err)
			cc.err = err;
		if (heap->poison)
			r->eng->walk(r, check_canaries, &cc);
		allocated += r->allocated;
	}
	if (allocated != heap->allocated_bytes)
		cc.err = mh_report(heap, MH_EHEADER, "check", NULL, NULL, -1,
				   "heap counters disagree with regions");
	unlock(heap);
	return cc.err;
}

struct walk_ctx {
	struct mh_heap *heap;
	mh_walk_fn fn;
	void *ctx;
	int err;
};

static bool walk_one(struct mh_region *r, const struct mh_raw_block *b,
		     void *arg)
{
	struct walk_ctx *wc = arg;
	struct mh_block_info info = {
		.ptr = (void *)b->payload, .size = b->capacity,
		.block = (void *)b->block, .block_size = b->block_size,
		.region = r->index, .used = b->used, .damaged = b->damaged,
	};
	uintptr_t where;
	size_t size;

	if (b->damaged)
		wc->err = mh_report(wc->heap, MH_EHEADER, "walk", NULL,
				    info.block, r->index,
				    "size out of range; rest of region is one block");
	if (b->used && wc->heap->poison) {
		info.ptr = (char *)info.ptr + POISON_HEAD;
		if (b->capacity >= POISON_HEAD + POISON_TAIL &&
		    !read_canaries(b->payload, b->capacity, &size, &where))
			info.size = size;
		else
			info.size = b->capacity >= POISON_HEAD ?
				    b->capacity - POISON_HEAD : 0;
	}
	return wc->fn(&info, wc->ctx);
}

int mh_walk(struct mh_heap *heap, mh_walk_fn fn, void *ctx)
{
	struct walk_ctx wc = { .heap = heap, .fn = fn, .ctx = ctx, .err = MH_OK };
	struct mh_region *r;

	if (!heap_ok(heap) || !fn)
		return MH_EINVAL;
	lock(heap);
	for (r = heap->first; r; r = r->next)
		if (!r->eng->walk(r, walk_one, &wc))
			break;
	unlock(heap);
	return wc.err;
}
