// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * buddy.c - the buddy engine: power-of-two blocks of at least min_block
 * bytes ("units"), split and merged per order.
 *
 * All metadata is outside the blocks, so a 2^k request occupies exactly 2^k
 * bytes and nothing written into a block can corrupt the allocator:
 *
 *   free[k]   per order, one bit per order-k block position: a free block
 *             starts there.  Each is a 64-ary bitmap tree (summary words over
 *             the leaf words), so "lowest free block of order k" is one word
 *             per tree level.  A mask of non-empty orders finds the smallest
 *             order >= k with a free block in one bit scan.
 *   split[k]  per order k >= 1, one bit per position: that block is split
 *             into two order k-1 halves.
 *   inner     one bit per unit: the allocated block starting here was handed
 *             out as an aligned pointer inside it, recorded at its start.
 *
 * About 4 bits per unit in all (3.2% at the default 16-byte unit).
 *
 * The block containing a unit is found by climbing from order 0 while the
 * parent is not split; a block is a leaf exactly when its parent is split (or
 * it has none), so the climb ends at the leaf in O(its order) steps.  A leaf
 * with its free bit clear is allocated.  A pointer is a live block if it is
 * the start of an allocated leaf, or the aligned interior pointer recorded at
 * the start of one (aligned allocations beyond what the arena's own alignment
 * gives).
 *
 * An arena that is not a power of two units long is covered greedily by the
 * largest aligned blocks that fit; parents that would reach past the end
 * count as split and never merge.
 */
#include "internal.h"

#define BD_MAX_ORDERS	32	/* units fit in 31 bits */
#define BD_MAX_LEVELS	6	/* 64^6 > 2^31 bits */
#define BD_NONE		0xffffffffu
#define BD_REC_MAGIC	0xa119edb1u	/* interior-pointer record */

struct bd_set {
	u32 nlevels;
	u64 *level[BD_MAX_LEVELS];	/* [0] = leaf words, last = 1 word */
};

struct bd_ctl {
	u32 shift;		/* log2(unit) */
	u32 nunits;
	u32 top;		/* highest order with a block */
	u64 nonempty;	/* bit k: free[k] has a block */
	struct bd_set free[BD_MAX_ORDERS];
	u64 *split[BD_MAX_ORDERS];
	u64 *inner;	/* nunits bits */
	u64 words[];
};

static inline struct bd_ctl *ctl_of(struct mh_region *r)
{
	return r->ctl;
}

static inline u64 bit64(u32 i)
{
	return (u64)1 << (i & 63);
}

static void set_add(struct bd_set *s, u32 i)
{
	u32 l;

	for (l = 0; l < s->nlevels; l++, i >>= 6) {
		u64 old = s->level[l][i >> 6];

		s->level[l][i >> 6] = old | bit64(i);
		if (old)
			return;
	}
}

static void set_del(struct bd_set *s, u32 i)
{
	u32 l;

	for (l = 0; l < s->nlevels; l++, i >>= 6) {
		s->level[l][i >> 6] &= ~bit64(i);
		if (s->level[l][i >> 6])
			return;
	}
}

static inline bool set_has(const struct bd_set *s, u32 i)
{
	return s->level[0][i >> 6] & bit64(i);
}

static inline bool set_empty(const struct bd_set *s)
{
	return !s->level[s->nlevels - 1][0];
}

static u32 set_first(const struct bd_set *s)
{
	u32 l = s->nlevels, i = 0;

	if (set_empty(s))
		return BD_NONE;
	while (l--)
		i = (i << 6) | mh_ctz64(s->level[l][i]);
	return i;
}

static inline bool exists(const struct bd_ctl *c, u32 k, u32 i)
{
	return k <= c->top && ((u64)i + 1) << k <= c->nunits;
}

static inline bool is_split(const struct bd_ctl *c, u32 k, u32 i)
{
	return c->split[k][i >> 6] & bit64(i);
}

static inline void split_set(struct bd_ctl *c, u32 k, u32 i)
{
	c->split[k][i >> 6] |= bit64(i);
}

static inline void split_clear(struct bd_ctl *c, u32 k, u32 i)
{
	c->split[k][i >> 6] &= ~bit64(i);
}

static inline bool is_inner(const struct bd_ctl *c, u32 u)
{
	return c->inner[u >> 6] & bit64(u);
}

static void free_add(struct bd_ctl *c, u32 k, u32 i)
{
	set_add(&c->free[k], i);
	c->nonempty |= (u64)1 << k;
}

static void free_del(struct bd_ctl *c, u32 k, u32 i)
{
	set_del(&c->free[k], i);
	if (set_empty(&c->free[k]))
		c->nonempty &= ~((u64)1 << k);
}

/* The leaf block containing unit @u: returns its order, *index set. */
static u32 leaf_of(const struct bd_ctl *c, u32 u, u32 *index)
{
	u32 k = 0;

	while (exists(c, k + 1, u >> (k + 1)) && !is_split(c, k + 1, u >> (k + 1)))
		k++;
	*index = u >> k;
	return k;
}

static inline uintptr_t block_addr(struct mh_region *r, u32 k, u32 i)
{
	return r->arena + ((uintptr_t)i << (k + ctl_of(r)->shift));
}

static inline size_t order_bytes(const struct bd_ctl *c, u32 k)
{
	return (size_t)1 << (k + c->shift);
}

/* Smallest order whose blocks hold @size bytes; caller bounds @size. */
static u32 order_for(const struct bd_ctl *c, size_t size)
{
	size_t units = (size + order_bytes(c, 0) - 1) >> c->shift;

	if (units <= 1)
		return 0;
	return mh_fls64((u64)units - 1) + 1;
}

static inline u64 record_of(uintptr_t block, uintptr_t payload)
{
	return ((u64)(BD_REC_MAGIC ^ (u32)block) << 32) |
	       (u32)(payload - block);
}

/* Take a free block of order @k (splitting a larger one); BD_NONE if none. */
static u32 take_order(struct mh_region *r, u32 k)
{
	struct bd_ctl *c = ctl_of(r);
	u64 avail = c->nonempty >> k;
	u32 j, i;

	if (k > c->top || !avail)
		return BD_NONE;
	j = k + mh_ctz64(avail);
	i = set_first(&c->free[j]);
	free_del(c, j, i);
	while (j > k) {		/* split down: keep the left half */
		split_set(c, j, i);
		j--;
		i <<= 1;
		free_add(c, j, i + 1);
		r->nfree++;
	}
	r->nfree--;
	r->nalloc++;
	r->allocated += order_bytes(c, k);
	return i;
}

static void *bd_alloc(struct mh_region *r, size_t size, size_t align,
		      size_t offset)
{
	struct bd_ctl *c = ctl_of(r);
	uintptr_t b, p, bad;
	u32 k, i;
	size_t need = size;
	bool interior = false;

	if (size > r->total)
		return NULL;
	if (align > MH_MIN_ALIGN) {
		uintptr_t arena_align = r->arena & -r->arena;

		if (!offset && align <= arena_align) {
			/* order-k blocks sit at multiples of 2^k from the arena */
			if (need < align)
				need = align;
		} else {
			/* hand out an aligned pointer inside a larger block */
			if (align > ((size_t)1 << 31) || align > r->total)
				return NULL;
			need = size + align - MH_MIN_ALIGN;
			interior = true;
		}
		if (need > r->total)
			return NULL;
	}
	k = order_for(c, need);
	i = take_order(r, k);
	if (i == BD_NONE)
		return NULL;
	b = block_addr(r, k, i);
	if (r->fill >= 0) {
		bad = mh_find_unfilled(b, order_bytes(c, k), r->fill);
		if (bad)
			mh_report(r->heap, MH_EPOISON, "alloc", NULL, (void *)bad,
				  r->index, "a free block's fill pattern changed");
	}
	if (!interior)
		return (void *)b;
	p = mh_align_up(b + offset, align) - offset;
	if (p != b) {
		u64 rec = record_of(b, p);

		mh_memcpy((void *)b, &rec, sizeof(rec));
		c->inner[(i << k) >> 6] |= bit64(i << k);
	}
	return (void *)p;
}

static int bd_lookup(struct mh_region *r, uintptr_t payload, size_t *capacity)
{
	struct bd_ctl *c = ctl_of(r);
	u32 k, i;
	uintptr_t b, end = r->arena + ((uintptr_t)c->nunits << c->shift);
	bool interior;
	u64 rec;

	if (payload < r->arena || payload >= end ||
	    (payload - r->arena) % MH_MIN_ALIGN)
		return MH_EFOREIGN;
	k = leaf_of(c, (u32)((payload - r->arena) >> c->shift), &i);
	if (set_has(&c->free[k], i))
		return MH_EDOUBLEFREE;
	b = block_addr(r, k, i);
	interior = payload != b;
	if (interior != is_inner(c, i << k))
		return MH_EFOREIGN;
	if (payload != b) {
		mh_memcpy(&rec, (void *)b, sizeof(rec));
		if (rec != record_of(b, payload))
			return MH_EHEADER;
	}
	*capacity = b + order_bytes(c, k) - payload;
	return MH_OK;
}

/* Free leaf (k, i), merging with free buddies as far as they go. */
static void free_leaf(struct mh_region *r, u32 k, u32 i)
{
	struct bd_ctl *c = ctl_of(r);

	while (exists(c, k + 1, i >> 1) && set_has(&c->free[k], i ^ 1)) {
		free_del(c, k, i ^ 1);
		r->nfree--;
		k++;
		i >>= 1;
		split_clear(c, k, i);
	}
	free_add(c, k, i);
	r->nfree++;
}

static void bd_release(struct mh_region *r, uintptr_t payload)
{
	struct bd_ctl *c = ctl_of(r);
	u32 k, i;
	uintptr_t b;

	k = leaf_of(c, (u32)((payload - r->arena) >> c->shift), &i);
	b = block_addr(r, k, i);
	if (payload != b) {
		c->inner[(i << k) >> 6] &= ~bit64(i << k);
		mh_memset((void *)b, r->fill >= 0 ? r->fill : 0, payload - b);
	}
	r->nalloc--;
	r->allocated -= order_bytes(c, k);
	free_leaf(r, k, i);
}

static bool bd_resize(struct mh_region *r, uintptr_t payload, size_t size)
{
	struct bd_ctl *c = ctl_of(r);
	u32 k, i, want, j;

	if (size > r->total)
		return false;
	k = leaf_of(c, (u32)((payload - r->arena) >> c->shift), &i);
	if (is_inner(c, i << k))	/* interior pointer: no reshaping */
		return size <= block_addr(r, k, i) + order_bytes(c, k) - payload;
	want = order_for(c, size);
	if (want < k) {		/* give back right halves */
		r->allocated -= order_bytes(c, k) - order_bytes(c, want);
		while (k > want) {
			split_set(c, k, i);
			k--;
			i <<= 1;
			if (r->fill >= 0)
				mh_memset((void *)block_addr(r, k, i + 1), r->fill,
					  order_bytes(c, k));
			free_add(c, k, i + 1);
			r->nfree++;
		}
		return true;
	}
	/* grow: each level must be a left half with a free right buddy */
	for (j = k; j < want; j++) {
		u32 at = i >> (j - k);

		if ((at & 1) || !exists(c, j + 1, at >> 1) ||
		    !set_has(&c->free[j], at ^ 1))
			return false;
	}
	for (j = k; j < want; j++) {
		u32 at = i >> (j - k);

		free_del(c, j, at ^ 1);
		r->nfree--;
		split_clear(c, j + 1, at >> 1);
	}
	r->allocated += order_bytes(c, want) - order_bytes(c, k);
	return true;
}

static size_t bd_largest(struct mh_region *r)
{
	struct bd_ctl *c = ctl_of(r);

	return c->nonempty ? order_bytes(c, mh_fls64(c->nonempty)) : 0;
}

static bool bd_walk(struct mh_region *r, mh_raw_walk_fn fn, void *ctx)
{
	struct bd_ctl *c = ctl_of(r);
	struct mh_raw_block rb;
	u32 u = 0, k, i;
	u64 rec;

	while (u < c->nunits) {
		k = leaf_of(c, u, &i);
		rb.block = block_addr(r, k, i);
		rb.block_size = order_bytes(c, k);
		rb.used = !set_has(&c->free[k], i);
		rb.payload = rb.block;
		rb.damaged = false;	/* metadata lives in bitmaps: mh_check() */
		if (rb.used && is_inner(c, u)) {
			mh_memcpy(&rec, (void *)rb.block, sizeof(rec));
			if ((u32)rec < rb.block_size)
				rb.payload += (u32)rec;
		}
		rb.capacity = rb.block + rb.block_size - rb.payload;
		if (!fn(r, &rb, ctx))
			return false;
		u = (i + 1) << k;
	}
	return true;
}

/* Summary words must mirror their children; returns the set bits counted. */
static size_t check_set(struct mh_region *r, const struct bd_set *s,
			u32 nbits, int *err)
{
	u32 l, w, words = (nbits + 63) / 64;
	size_t count = 0;

	for (w = 0; w < words; w++) {
		u64 v = s->level[0][w];

		if (w == words - 1 && (nbits & 63))
			v &= ~(~(u64)0 << (nbits & 63));
		if (v != s->level[0][w])
			*err = mh_report(r->heap, MH_EFREELIST, "check", NULL,
					 NULL, r->index, "free bit past the end");
		count += mh_popcount64(v);
	}
	for (l = 1; l < s->nlevels; l++) {
		u32 below = words;

		words = (words + 63) / 64;
		for (w = 0; w < below; w++) {
			bool child = s->level[l - 1][w] != 0;
			bool mark = s->level[l][w >> 6] & bit64(w);

			if (child != mark)
				*err = mh_report(r->heap, MH_EFREELIST, "check",
						 NULL, NULL, r->index,
						 "free summary bitmap damaged");
		}
	}
	return count;
}

static int bd_check(struct mh_region *r)
{
	struct bd_ctl *c = ctl_of(r);
	u32 u = 0, k, i, j, x;
	size_t nused = 0, nfree = 0, bytes = 0, bits = 0, inner = 0, w;
	uintptr_t b, bad;
	int err = MH_OK;

	while (u < c->nunits) {
		k = leaf_of(c, u, &i);
		b = block_addr(r, k, i);
		for (j = 1; j < k; j++) {	/* nothing inside a leaf is split */
			for (x = i << (k - j); x < (i + 1) << (k - j); x++) {
				if (is_split(c, j, x)) {
					err = mh_report(r->heap, MH_EHEADER,
							"check", NULL, (void *)b,
							r->index,
							"split bit inside a block");
					break;
				}
			}
		}
		if (is_inner(c, u)) {
			u64 rec;

			mh_memcpy(&rec, (void *)b, sizeof(rec));
			inner++;
			if (set_has(&c->free[k], i) ||
			    (rec >> 32) != (BD_REC_MAGIC ^ (u32)b) ||
			    (u32)rec >= order_bytes(c, k))
				err = mh_report(r->heap, MH_EHEADER, "check", NULL,
						(void *)b, r->index,
						"aligned-allocation record damaged");
		}
		if (set_has(&c->free[k], i)) {
			nfree++;
			if (exists(c, k + 1, i >> 1) &&
			    set_has(&c->free[k], i ^ 1))
				err = mh_report(r->heap, MH_EFREELIST, "check",
						NULL, (void *)b, r->index,
						"free buddies not merged");
			if (r->fill >= 0) {
				bad = mh_find_unfilled(b, order_bytes(c, k), r->fill);
				if (bad)
					err = mh_report(r->heap, MH_EPOISON,
							"check", NULL, (void *)bad,
							r->index,
							"a free block's fill pattern changed");
			}
		} else {
			nused++;
			bytes += order_bytes(c, k);
		}
		u = (i + 1) << k;
	}
	for (k = 0; k <= c->top; k++) {
		bits += check_set(r, &c->free[k], c->nunits >> k, &err);
		if (!set_empty(&c->free[k]) != !!(c->nonempty & ((u64)1 << k)))
			err = mh_report(r->heap, MH_EFREELIST, "check", NULL, NULL,
					r->index, "order mask damaged");
	}
	if (bits != nfree)
		err = mh_report(r->heap, MH_EFREELIST, "check", NULL, NULL,
				r->index, "free bit on a block that is not a leaf");
	for (w = 0, bits = 0; w < ((size_t)c->nunits + 63) / 64; w++)
		bits += mh_popcount64(c->inner[w]);
	if (bits != inner)
		err = mh_report(r->heap, MH_EHEADER, "check", NULL, NULL,
				r->index, "interior-pointer bit inside a block");
	if (nused != r->nalloc || nfree != r->nfree || bytes != r->allocated)
		err = mh_report(r->heap, MH_EHEADER, "check", NULL, NULL,
				r->index, "block counters disagree with blocks");
	return err;
}

/* Words of a 64-ary bitmap tree over @nbits bits; *levels set if non-NULL. */
static size_t set_words(u32 nbits, u32 *levels)
{
	size_t total = 0, w = nbits;
	u32 l = 0;

	do {
		w = (w + 63) / 64;
		total += w;
		l++;
	} while (w > 1);
	if (levels)
		*levels = l;
	return total;
}

static size_t unit_of(const struct mh_region_config *rc)
{
	size_t unit = rc && rc->min_block ? rc->min_block : MH_BUDDY_MIN_BLOCK;

	if (!mh_is_pow2(unit) || unit < MH_BUDDY_MIN_BLOCK ||
	    unit > ((size_t)1 << 30))
		return 0;
	return unit;
}

static size_t ctl_size_units(u32 nunits)
{
	size_t words = 0;
	u32 k, top = mh_fls32(nunits);

	for (k = 0; k <= top; k++) {
		words += set_words(nunits >> k, NULL);
		if (k)
			words += ((nunits >> k) + 63) / 64;
	}
	words += ((size_t)nunits + 63) / 64;	/* inner */
	return sizeof(struct bd_ctl) + words * sizeof(u64);
}

static size_t bd_ctl_size(size_t size, const struct mh_region_config *rc)
{
	size_t unit = unit_of(rc), units;

	if (!unit)
		return 0;
	units = size / unit;
	if (units > 0x7fffffffu)
		units = 0x7fffffffu;
	return ctl_size_units(units ? (u32)units : 1);
}

static int bd_init(struct mh_region *r, const struct mh_region_config *rc)
{
	struct bd_ctl *c = ctl_of(r);
	size_t unit = unit_of(rc), units;
	u64 *w;
	u32 k, l, u, shift;

	if (!unit)
		return MH_EINVAL;
	r->arena = mh_align_up(r->arena, unit);
	if (r->arena >= r->arena_end || r->arena_end - r->arena < unit)
		return MH_ENOMEM;
	units = (r->arena_end - r->arena) / unit;
	if (units > 0x7fffffffu)
		units = 0x7fffffffu;
	shift = mh_fls64(unit);
	mh_memset(c, 0, ctl_size_units((u32)units));
	c->shift = shift;
	c->nunits = (u32)units;
	c->top = mh_fls32(c->nunits);
	r->arena_end = r->arena + ((uintptr_t)units << shift);
	r->total = (size_t)units << shift;
	w = c->words;
	for (k = 0; k <= c->top; k++) {
		u32 nbits = c->nunits >> k, nw = nbits;

		set_words(nbits, &c->free[k].nlevels);
		for (l = 0; l < c->free[k].nlevels; l++) {
			nw = (nw + 63) / 64;
			c->free[k].level[l] = w;
			w += nw;
		}
		if (k) {
			c->split[k] = w;
			w += (nbits + 63) / 64;
		}
	}
	c->inner = w;
	/* greedy cover: the largest aligned block that fits, left to right */
	for (u = 0; u < c->nunits; u += (u32)1 << k) {
		k = u ? mh_ctz32(u) : c->top;
		while (((u64)u + ((u64)1 << k)) > c->nunits)
			k--;
		free_add(c, k, u >> k);
		r->nfree++;
	}
	if (r->fill >= 0)
		mh_memset((void *)r->arena, r->fill, r->total);
	return MH_OK;
}

const struct mh_engine mh_buddy_engine = {
	.name = "buddy",
	.overhead = 0,
	.ctl_size = bd_ctl_size,
	.init = bd_init,
	.alloc = bd_alloc,
	.lookup = bd_lookup,
	.release = bd_release,
	.resize = bd_resize,
	.largest = bd_largest,
	.walk = bd_walk,
	.check = bd_check,
};
