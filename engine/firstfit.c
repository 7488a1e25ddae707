// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * firstfit.c - the first-fit engine: 8-byte chunks, segregated free lists
 * found through a two-level bitmap, immediate coalescing.
 *
 * Block layout (offsets in 8-byte chunks from the arena start):
 *
 *   used:  | prev_chunks:32 | chunks:31 used:1 | payload ...            |
 *   free:  | prev_chunks:32 | chunks:31 used:0 | next:32 | prev:32 | .. |
 *
 * The 8-byte header is the whole per-block overhead.  prev_chunks is kept
 * exact for every block, so each header can be cross-checked against both
 * neighbours in O(1): that is how foreign pointers, double frees and damaged
 * headers are told apart from real blocks before anything is changed.
 *
 * Size classes: blocks below 32 chunks (256 B) have one exact class per chunk
 * count; above, each power of two is split into 16 classes.  A class map bit
 * per class and a group map bit per 16 classes make "first non-empty class
 * >= c" two bit scans.  A request whose class is exact, or equal to the lower
 * bound of its class, may take any block of its class; otherwise it takes the
 * first block of a higher class, and only if there is none, the head of its
 * own class if that is large enough.  Inserting a block in front of its list
 * only when it is at least as large as the head keeps the head the best
 * candidate.  So an allocation inspects a bounded number of blocks, and the
 * largest satisfiable request is exactly the size of the head of the highest
 * non-empty class (what ff_largest() returns).
 */
#include "internal.h"

#define FF_CHUNK	8u
#define FF_MIN_CHUNKS	2u
#define FF_MAX_CHUNKS	0x7fffffffu
#define FF_NIL		0xffffffffu
#define FF_EXACT	32u	/* classes below this hold one chunk count */
#define FF_SL		16u	/* classes per power of two above it */
#define FF_GROUPS_MAX	28u	/* 32 + 26 * 16 classes cover FF_MAX_CHUNKS */
#define FF_DEAD		0xf4eedeacu	/* header absorbed by a merge */
#define FF_USED		1u

struct ff_hdr {
	u32 prev_chunks;
	u32 size_used;
};

struct ff_free {
	struct ff_hdr h;
	u32 next, prev;
};

struct ff_ctl {
	u32 chunks;	/* arena size in chunks */
	u32 nclasses;
	u32 group_map;
	u16 class_map[FF_GROUPS_MAX];
	u32 head[];	/* nclasses list heads */
};

static inline u32 ff_class(u32 n)
{
	unsigned int fl;

	if (n < FF_EXACT)
		return n;
	fl = mh_fls32(n);
	return FF_EXACT + (fl - 5) * FF_SL + ((n >> (fl - 4)) & (FF_SL - 1));
}

static inline u32 ff_class_floor(u32 c)
{
	unsigned int fl;

	if (c < FF_EXACT)
		return c;
	fl = ((c - FF_EXACT) / FF_SL) + 5;
	return (FF_SL + (c & (FF_SL - 1))) << (fl - 4);
}

static inline struct ff_ctl *ctl_of(struct mh_region *r)
{
	return r->ctl;
}

static inline struct ff_free *blk(struct mh_region *r, u32 off)
{
	return (struct ff_free *)(r->arena + (uintptr_t)off * FF_CHUNK);
}

static inline u32 chunks_of(const struct ff_free *b)
{
	return b->h.size_used >> 1;
}

static inline bool is_used(const struct ff_free *b)
{
	return b->h.size_used & FF_USED;
}

static inline u32 off_of(struct mh_region *r, const void *p)
{
	return (u32)(((uintptr_t)p - r->arena) / FF_CHUNK);
}

/* Chunks a payload of @size bytes needs; caller bounds @size. */
static inline size_t chunks_for(size_t size)
{
	size_t n = (size + 2 * FF_CHUNK - 1) / FF_CHUNK;

	return n < FF_MIN_CHUNKS ? FF_MIN_CHUNKS : n;
}

static __always_inline void map_set(struct ff_ctl *c, u32 cls)
{
	c->class_map[cls / FF_SL] |= (u16)(1u << (cls % FF_SL));
	c->group_map |= 1u << (cls / FF_SL);
}

static __always_inline void map_clear(struct ff_ctl *c, u32 cls)
{
	c->class_map[cls / FF_SL] &= (u16)~(1u << (cls % FF_SL));
	if (!c->class_map[cls / FF_SL])
		c->group_map &= ~(1u << (cls / FF_SL));
}

static inline bool map_test(const struct ff_ctl *c, u32 cls)
{
	return (c->class_map[cls / FF_SL] >> (cls % FF_SL)) & 1u;
}

/* First non-empty class >= @from, or FF_NIL. */
static __always_inline u32 map_find(const struct ff_ctl *c, u32 from)
{
	u32 g = from / FF_SL, bits, groups;

	if (from >= c->nclasses)
		return FF_NIL;
	bits = c->class_map[g] & (0xffffu << (from % FF_SL));
	if (bits)
		return g * FF_SL + mh_ctz32(bits);
	groups = g + 1 < 32 ? c->group_map & (~0u << (g + 1)) : 0;
	if (!groups)
		return FF_NIL;
	g = mh_ctz32(groups);
	return g * FF_SL + mh_ctz32(c->class_map[g]);
}

/* Set the prev_chunks of the block after @off (if any) to @n. */
static inline void set_next_prev(struct mh_region *r, u32 off, u32 n)
{
	if (off + n < ctl_of(r)->chunks)
		blk(r, off + n)->h.prev_chunks = n;
}

/*
 * The class of the free block at @off if it is intact as far as O(1) checks
 * tell (inside the arena, free, linked both ways, of class @expect unless
 * that is FF_NIL), else FF_NIL.
 */
static __always_inline u32 free_node_class(struct mh_region *r,
					   u32 off, u32 expect)
{
	struct ff_ctl *c = ctl_of(r);
	struct ff_free *b;
	u32 n, cls;

	if (off >= c->chunks)
		return FF_NIL;
	b = blk(r, off);
	n = chunks_of(b);
	if (is_used(b) || n < FF_MIN_CHUNKS || n > c->chunks - off)
		return FF_NIL;
	cls = ff_class(n);
	if (expect != FF_NIL && cls != expect)
		return FF_NIL;
	if (b->prev == FF_NIL ? c->head[cls] != off :
	    b->prev >= c->chunks || blk(r, b->prev)->next != off)
		return FF_NIL;
	if (b->next != FF_NIL &&
	    (b->next >= c->chunks || blk(r, b->next)->prev != off))
		return FF_NIL;
	return cls;
}

static inline bool free_node_ok(struct mh_region *r, u32 off,
				u32 expect)
{
	return free_node_class(r, off, expect) != FF_NIL;
}

static __always_inline void list_insert(struct mh_region *r, u32 off, u32 n)
{
	struct ff_ctl *c = ctl_of(r);
	u32 cls = ff_class(n), head = c->head[cls];
	struct ff_free *b = blk(r, off), *h;

	b->h.size_used = n << 1;
	if (head == FF_NIL) {
		b->next = FF_NIL;
		b->prev = FF_NIL;
		c->head[cls] = off;
		map_set(c, cls);
		return;
	}
	h = blk(r, head);
	if (n >= chunks_of(h)) {	/* the head stays the largest seen */
		b->next = head;
		b->prev = FF_NIL;
		h->prev = off;
		c->head[cls] = off;
	} else {
		b->next = h->next;
		b->prev = head;
		if (h->next != FF_NIL)
			blk(r, h->next)->prev = off;
		h->next = off;
	}
}

static __always_inline void list_remove_cls(struct mh_region *r, u32 off,
					    u32 cls)
{
	struct ff_ctl *c = ctl_of(r);
	struct ff_free *b = blk(r, off);

	if (b->prev == FF_NIL)
		c->head[cls] = b->next;
	else
		blk(r, b->prev)->next = b->next;
	if (b->next != FF_NIL)
		blk(r, b->next)->prev = b->prev;
	if (c->head[cls] == FF_NIL)
		map_clear(c, cls);
}

static inline void list_remove(struct mh_region *r, u32 off)
{
	list_remove_cls(r, off, ff_class(chunks_of(blk(r, off))));
}

/*
 * The free block at @from (linked, in its class) becomes the free block at
 * @to of @n chunks.  When the class does not change, which is the common
 * case of splitting from or merging into a large block, the list node just
 * moves: no unlink, no relink, no bitmap update.
 */
static __always_inline void ff_list_move(struct mh_region *r, u32 from,
					 u32 cls, u32 to, u32 n)
{
	struct ff_ctl *c = ctl_of(r);
	struct ff_free *a = blk(r, from), *b;
	u32 next, prev;

	/* sizes inside one class share their top five bits */
	if (n >= FF_EXACT && chunks_of(a) >= FF_EXACT ?
	    (n ^ chunks_of(a)) >> (mh_fls32(n) - 4) :
	    n != chunks_of(a)) {
		list_remove_cls(r, from, cls);
		list_insert(r, to, n);
		return;
	}
	next = a->next;
	prev = a->prev;
	b = blk(r, to);
	b->h.size_used = n << 1;
	b->next = next;
	b->prev = prev;
	if (prev == FF_NIL)
		c->head[cls] = to;
	else
		blk(r, prev)->next = to;
	if (next != FF_NIL)
		blk(r, next)->prev = to;
}

/* A damaged list cannot be trusted: report it and stop using the class. */
static void quarantine(struct mh_region *r, u32 cls, const char *op)
{
	struct ff_ctl *c = ctl_of(r);

	mh_report(r->heap, MH_EFREELIST, op, NULL,
		  c->head[cls] < c->chunks ? (void *)blk(r, c->head[cls]) : NULL,
		  r->index, "size class taken out of use");
	c->head[cls] = FF_NIL;
	map_clear(c, cls);
}

/* A free block (still linked) of >= @n chunks, or FF_NIL; *clsp its class. */
static __always_inline u32 find_block(struct mh_region *r, u32 n,
				      u32 *clsp)
{
	struct ff_ctl *c = ctl_of(r);
	u32 cls = ff_class(n), start, found, off;

	start = (cls < FF_EXACT || ff_class_floor(cls) == n) ? cls : cls + 1;
	for (;;) {
		found = map_find(c, start);
		if (found == FF_NIL)
			break;
		off = c->head[found];
		if (free_node_ok(r, off, found)) {
			*clsp = found;
			return off;
		}
		quarantine(r, found, "alloc");
	}
	if (start != cls && cls < c->nclasses && map_test(c, cls)) {
		off = c->head[cls];
		if (!free_node_ok(r, off, cls)) {
			quarantine(r, cls, "alloc");
			return FF_NIL;
		}
		if (chunks_of(blk(r, off)) >= n) {
			*clsp = cls;
			return off;
		}
	}
	return FF_NIL;
}

/* Fill the bytes of free block @off that are not its header or links. */
static void fill_free_body(struct mh_region *r, u32 off, u32 n)
{
	if (r->fill >= 0 && n > FF_MIN_CHUNKS)
		mh_memset((char *)blk(r, off) + sizeof(struct ff_free), r->fill,
			  (size_t)n * FF_CHUNK - sizeof(struct ff_free));
}

/* A header that merged into a neighbour: mark it so a late free says so. */
static void bury_header(struct mh_region *r, u32 off)
{
	struct ff_free *b = blk(r, off);

	if (r->fill >= 0) {
		mh_memset(b, r->fill, sizeof(*b));
	} else {
		b->h.prev_chunks = FF_DEAD;
		b->h.size_used = FF_DEAD;
	}
}

/*
 * Make the free block at @off (linked, @m chunks) an allocated block of @n
 * chunks; the rest, if it can hold a block, stays free in its place.  Its
 * right neighbour is used (free blocks never touch), so no merge.
 */
static __always_inline void carve(struct mh_region *r, u32 off,
				  u32 cls, u32 m, u32 n)
{
	struct ff_free *b = blk(r, off);
	uintptr_t bad;

	if (r->fill >= 0) {
		bad = mh_find_unfilled((uintptr_t)b + sizeof(struct ff_free),
				       (size_t)n * FF_CHUNK - sizeof(struct ff_free),
				       r->fill);
		if (bad)
			mh_report(r->heap, MH_EPOISON, "alloc", NULL, (void *)bad,
				  r->index, "a free block's fill pattern changed");
	}
	if (m - n >= FF_MIN_CHUNKS) {
		ff_list_move(r, off, cls, off + n, m - n);
		blk(r, off + n)->h.prev_chunks = n;
		set_next_prev(r, off + n, m - n);
	} else {
		list_remove_cls(r, off, cls);
		n = m;
		r->nfree--;
	}
	b->h.size_used = (n << 1) | FF_USED;
	r->nalloc++;
	r->allocated += (size_t)n * FF_CHUNK;
}

static void *ff_alloc_aligned(struct mh_region *r, size_t size, size_t align,
			      size_t offset)
{
	size_t n = chunks_for(size), want;
	u32 off, m, gap, cls;
	uintptr_t h, target;

	/* worst case: a gap of align - 8 grows to align + 8 to hold a block */
	if (align > (size_t)FF_MAX_CHUNKS * FF_CHUNK)
		return NULL;
	want = n + align / FF_CHUNK + FF_MIN_CHUNKS;
	if (want > ctl_of(r)->chunks)
		return NULL;
	off = find_block(r, (u32)want, &cls);
	if (off == FF_NIL)
		return NULL;
	m = chunks_of(blk(r, off));
	h = (uintptr_t)blk(r, off);
	target = mh_align_up(h + sizeof(struct ff_hdr) + offset, align) -
		 offset - sizeof(struct ff_hdr);
	gap = (u32)((target - h) / FF_CHUNK);
	if (gap == 1)
		gap += (u32)(align / FF_CHUNK);
	if (gap) {	/* the front gap becomes a free block of its own */
		list_remove_cls(r, off, cls);
		blk(r, off + gap)->h.prev_chunks = gap;
		set_next_prev(r, off + gap, m - gap);
		list_insert(r, off, gap);
		list_insert(r, off + gap, m - gap);
		r->nfree++;
		off += gap;
		m -= gap;
		cls = ff_class(m);
	}
	carve(r, off, cls, m, (u32)n);
	return (char *)blk(r, off) + sizeof(struct ff_hdr);
}

static void *ff_alloc(struct mh_region *r, size_t size, size_t align,
		      size_t offset)
{
	size_t n;
	u32 off, cls;

	if (size > (size_t)ctl_of(r)->chunks * FF_CHUNK)
		return NULL;
	if (align > FF_CHUNK)
		return ff_alloc_aligned(r, size, align, offset);
	n = chunks_for(size);
	off = find_block(r, (u32)n, &cls);
	if (off == FF_NIL)
		return NULL;
	carve(r, off, cls, chunks_of(blk(r, off)), (u32)n);
	return (char *)blk(r, off) + sizeof(struct ff_hdr);
}

/* Header of a free block that merged away or never was: double free? */
static bool looks_freed(struct mh_region *r, u32 off)
{
	struct ff_free *b = blk(r, off);
	u32 fillword = 0x01010101u * (u32)(r->fill & 0xff);

	if (b->h.prev_chunks == FF_DEAD && b->h.size_used == FF_DEAD)
		return true;
	if (r->fill >= 0 && b->h.prev_chunks == fillword &&
	    b->h.size_used == fillword)
		return true;
	return free_node_ok(r, off, FF_NIL);
}

static int ff_lookup(struct mh_region *r, uintptr_t payload, size_t *capacity)
{
	struct ff_ctl *c = ctl_of(r);
	struct ff_free *b, *nb;
	u32 off, n, prev;

	if (payload < r->arena + sizeof(struct ff_hdr) ||
	    payload >= r->arena_end || (payload - r->arena) % FF_CHUNK)
		return MH_EFOREIGN;
	off = off_of(r, (void *)(payload - sizeof(struct ff_hdr)));
	b = blk(r, off);
	if (!is_used(b))
		return looks_freed(r, off) ? MH_EDOUBLEFREE : MH_EHEADER;
	n = chunks_of(b);
	prev = b->h.prev_chunks;
	if (n < FF_MIN_CHUNKS || n > c->chunks - off)
		return MH_EHEADER;
	if (off == 0 ? prev != 0 :
	    prev < FF_MIN_CHUNKS || prev > off || chunks_of(blk(r, off - prev)) != prev)
		return MH_EHEADER;
	if (off + n < c->chunks) {
		nb = blk(r, off + n);
		if (nb->h.prev_chunks != n)
			return MH_EHEADER;
		if (!is_used(nb) && !free_node_ok(r, off + n, FF_NIL))
			return MH_EFREELIST;
	}
	if (off && !is_used(blk(r, off - prev)) &&
	    !free_node_ok(r, off - prev, FF_NIL))
		return MH_EFREELIST;
	*capacity = (size_t)(n - 1) * FF_CHUNK;
	return MH_OK;
}

/*
 * Give back @off (@n chunks, header not yet marked free), merging with free
 * neighbours.  The merged block reuses a neighbour's list node when it can.
 */
static __always_inline void release_range(struct mh_region *r, u32 off, u32 n)
{
	struct ff_ctl *c = ctl_of(r);
	struct ff_free *b = blk(r, off), *nb = NULL;
	u32 next = off + n, prev_off = off - b->h.prev_chunks;
	bool prev_free = off && !is_used(blk(r, prev_off));
	bool next_free = next < c->chunks && !is_used(nb = blk(r, next));

	if (prev_free) {
		u32 total = off - prev_off + n;

		if (next_free) {
			total += chunks_of(nb);
			list_remove(r, next);
			bury_header(r, next);
			r->nfree--;
		}
		bury_header(r, off);
		ff_list_move(r, prev_off, ff_class(chunks_of(blk(r, prev_off))),
			     prev_off, total);
		set_next_prev(r, prev_off, total);
		return;
	}
	if (next_free) {
		u32 total = n + chunks_of(nb);

		ff_list_move(r, next, ff_class(chunks_of(nb)), off, total);
		bury_header(r, next);
		set_next_prev(r, off, total);
		return;
	}
	list_insert(r, off, n);
	set_next_prev(r, off, n);
	r->nfree++;
}

static void ff_release(struct mh_region *r, uintptr_t payload)
{
	u32 off = off_of(r, (void *)(payload - sizeof(struct ff_hdr)));
	u32 n = chunks_of(blk(r, off));

	r->nalloc--;
	r->allocated -= (size_t)n * FF_CHUNK;
	release_range(r, off, n);
}

static bool ff_resize(struct mh_region *r, uintptr_t payload, size_t size)
{
	struct ff_ctl *c = ctl_of(r);
	u32 off = off_of(r, (void *)(payload - sizeof(struct ff_hdr)));
	struct ff_free *b = blk(r, off), *nb;
	u32 m = chunks_of(b), n, next = off + m, have;

	if (size > (size_t)c->chunks * FF_CHUNK)
		return false;
	n = (u32)chunks_for(size);
	if (n <= m) {
		if (m - n < FF_MIN_CHUNKS)
			return true;
		b->h.size_used = (n << 1) | FF_USED;
		blk(r, off + n)->h.prev_chunks = n;
		r->allocated -= (size_t)(m - n) * FF_CHUNK;
		fill_free_body(r, off + n, m - n);
		release_range(r, off + n, m - n);
		return true;
	}
	if (next >= c->chunks)
		return false;
	nb = blk(r, next);
	if (is_used(nb))
		return false;
	have = m + chunks_of(nb);
	if (have < n)
		return false;
	if (have - n < FF_MIN_CHUNKS) {
		list_remove(r, next);
		r->nfree--;
		n = have;
		set_next_prev(r, off, n);
	} else {
		/* the new node may overlap the old one: move it first */
		ff_list_move(r, next, ff_class(chunks_of(nb)), off + n, have - n);
		blk(r, off + n)->h.prev_chunks = n;
		set_next_prev(r, off + n, have - n);
	}
	b->h.size_used = (n << 1) | FF_USED;
	r->allocated += (size_t)(n - m) * FF_CHUNK;
	return true;
}

static size_t ff_largest(struct mh_region *r)
{
	struct ff_ctl *c = ctl_of(r);
	u32 g, cls, off;

	if (!c->group_map)
		return 0;
	g = mh_fls32(c->group_map);
	cls = g * FF_SL + mh_fls32(c->class_map[g]);
	off = c->head[cls];
	if (off >= c->chunks)
		return 0;
	return (size_t)(chunks_of(blk(r, off)) - 1) * FF_CHUNK;
}

static bool ff_walk(struct mh_region *r, mh_raw_walk_fn fn, void *ctx)
{
	struct ff_ctl *c = ctl_of(r);
	struct mh_raw_block rb;
	u32 off = 0, n;

	while (off < c->chunks) {
		struct ff_free *b = blk(r, off);

		n = chunks_of(b);
		rb.damaged = n < FF_MIN_CHUNKS || n > c->chunks - off;
		if (rb.damaged)	/* the next blocks cannot be found: the rest */
			n = c->chunks - off;
		rb.block = (uintptr_t)b;
		rb.block_size = (size_t)n * FF_CHUNK;
		rb.payload = rb.block + sizeof(struct ff_hdr);
		rb.capacity = rb.block_size > sizeof(struct ff_hdr) ?
			      rb.block_size - sizeof(struct ff_hdr) : 0;
		rb.used = is_used(b);
		if (!fn(r, &rb, ctx))
			return false;
		off += n;
	}
	return true;
}

static int ff_check_lists(struct mh_region *r, size_t nfree)
{
	struct ff_ctl *c = ctl_of(r);
	size_t seen = 0, steps;
	u32 cls, off, g;
	bool listed;
	int err = MH_OK;

	for (cls = 0; cls < c->nclasses; cls++) {
		off = c->head[cls];
		listed = off != FF_NIL;
		if (listed != map_test(c, cls)) {
			err = mh_report(r->heap, MH_EFREELIST, "check", NULL, NULL,
					r->index, "class bitmap disagrees with list");
		}
		for (steps = 0; off != FF_NIL; steps++) {
			if (steps > nfree || !free_node_ok(r, off, cls)) {
				return mh_report(r->heap, MH_EFREELIST, "check",
						 NULL, off < c->chunks ?
						 (void *)blk(r, off) : NULL,
						 r->index, "list node out of range or mislinked");
			}
			seen++;
			off = blk(r, off)->next;
		}
	}
	for (g = 0; g < FF_GROUPS_MAX; g++) {
		if (!!c->class_map[g] != !!(c->group_map & (1u << g)))
			err = mh_report(r->heap, MH_EFREELIST, "check", NULL, NULL,
					r->index, "group bitmap disagrees");
	}
	if (seen != nfree)
		err = mh_report(r->heap, MH_EFREELIST, "check", NULL, NULL,
				r->index, "free block missing from the lists");
	return err;
}

static int ff_check(struct mh_region *r)
{
	struct ff_ctl *c = ctl_of(r);
	u32 off = 0, n, prev_n = 0;
	size_t nused = 0, nfree = 0, bytes = 0;
	bool prev_free = false;
	uintptr_t bad;
	int err = MH_OK, e;

	while (off < c->chunks) {
		struct ff_free *b = blk(r, off);

		n = chunks_of(b);
		if (n < FF_MIN_CHUNKS || n > c->chunks - off)
			return mh_report(r->heap, MH_EHEADER, "check", NULL, b,
					 r->index, "block size out of range");
		if (b->h.prev_chunks != prev_n)
			err = mh_report(r->heap, MH_EHEADER, "check", NULL, b,
					r->index, "previous-size field damaged");
		if (is_used(b)) {
			nused++;
			bytes += (size_t)n * FF_CHUNK;
		} else {
			nfree++;
			if (prev_free)
				err = mh_report(r->heap, MH_EFREELIST, "check",
						NULL, b, r->index,
						"neighbouring free blocks");
			if (r->fill >= 0 && n > FF_MIN_CHUNKS) {
				bad = mh_find_unfilled((uintptr_t)b + sizeof(struct ff_free),
						       (size_t)n * FF_CHUNK -
						       sizeof(struct ff_free), r->fill);
				if (bad)
					err = mh_report(r->heap, MH_EPOISON,
							"check", NULL,
							(void *)bad, r->index,
							"a free block's fill pattern changed");
			}
		}
		prev_free = !is_used(b);
		prev_n = n;
		off += n;
	}
	e = ff_check_lists(r, nfree);
	if (e)
		err = e;
	if (nused != r->nalloc || nfree != r->nfree || bytes != r->allocated)
		err = mh_report(r->heap, MH_EHEADER, "check", NULL, NULL,
				r->index, "block counters disagree with blocks");
	return err;
}

static size_t ff_ctl_size(size_t size, const struct mh_region_config *rc)
{
	size_t chunks = size / FF_CHUNK, ncls;

	(void)rc;
	if (chunks > FF_MAX_CHUNKS)
		chunks = FF_MAX_CHUNKS;
	if (chunks < FF_MIN_CHUNKS)
		chunks = FF_MIN_CHUNKS;
	ncls = ((ff_class((u32)chunks) / FF_SL) + 1) * FF_SL;
	return sizeof(struct ff_ctl) + ncls * sizeof(u32);
}

static int ff_init(struct mh_region *r, const struct mh_region_config *rc)
{
	struct ff_ctl *c = ctl_of(r);
	size_t chunks = (r->arena_end - r->arena) / FF_CHUNK, i;
	struct ff_free *b;

	(void)rc;
	if (chunks < FF_MIN_CHUNKS)
		return MH_ENOMEM;
	if (chunks > FF_MAX_CHUNKS)
		chunks = FF_MAX_CHUNKS;
	r->arena_end = r->arena + chunks * FF_CHUNK;
	r->total = chunks * FF_CHUNK;
	mh_memset(c, 0, sizeof(*c));
	c->chunks = (u32)chunks;
	c->nclasses = ((ff_class(c->chunks) / FF_SL) + 1) * FF_SL;
	for (i = 0; i < c->nclasses; i++)
		c->head[i] = FF_NIL;
	b = blk(r, 0);
	b->h.prev_chunks = 0;
	fill_free_body(r, 0, c->chunks);
	list_insert(r, 0, c->chunks);
	r->nfree = 1;
	return MH_OK;
}

const struct mh_engine mh_firstfit_engine = {
	.name = "first-fit",
	.overhead = sizeof(struct ff_hdr),
	.ctl_size = ff_ctl_size,
	.init = ff_init,
	.alloc = ff_alloc,
	.lookup = ff_lookup,
	.release = ff_release,
	.resize = ff_resize,
	.largest = ff_largest,
	.walk = ff_walk,
	.check = ff_check,
};
