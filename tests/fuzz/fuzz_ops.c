/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * fuzz_ops: the input is a heap and a program for it.
 *
 *   byte 0      poison level (% 3), number of regions (1-3)
 *   per region  algorithm, buddy min_block, size (8-72 KiB)
 *   then ops    opcode byte + arguments (see the switch below)
 *
 * Ops: alloc, aligned_alloc, calloc, realloc, free, usable_size, legal
 * writes, and misuse: double free, foreign pointers, misaligned and
 * interior pointers, canary overwrites (poisoning on), writes after free
 * (comprehensive).  Every misuse must be refused with an error (and
 * reported once through the callback); injected damage is repaired within
 * the same op, so mh_check must be clean after every op; the content of
 * every live block is verified when it is freed and at the end.  Nothing
 * may crash.
 */
#include "helpers.h"
#include "fuzz/fuzz_common.h"

#define MAXLIVE 256

struct fblk { unsigned char *p; size_t n; uint64_t seed; };

static struct th T;
static struct fblk live[MAXLIVE];
static size_t nlive;
static uint64_t seq;

static void add_live(void *p, size_t n, bool zero)
{
	if (zero && count_byte(p, n, 0) != n)
		FAILF("calloc(%zu) not zeroed", n);
	if (mh_usable_size(&T.heap, p) < n)
		FAILF("usable_size < %zu", n);
	if (((uintptr_t)p & (MH_MIN_ALIGN - 1)) != 0)
		FAILF("%p misaligned", p);
	if (th_region_of(&T, p, n ? n : 1) < 0)
		FAILF("%p (+%zu) outside every region", p, n);
	if (nlive == MAXLIVE) {
		if (mh_free(&T.heap, p) != MH_OK)
			FAILF("free of a new block failed");
		return;
	}
	live[nlive].p = p;
	live[nlive].n = n;
	live[nlive].seed = ++seq;
	pat_fill(p, n, seq);
	nlive++;
}

static void drop_live(size_t i)
{
	live[i] = live[--nlive];
}

static void verify(size_t i)
{
	if (pat_check(live[i].p, live[i].n, live[i].seed) != SIZE_MAX)
		FAILF("live block %p (%zu bytes) changed", (void *)live[i].p, live[i].n);
}

/* A misuse: must return an error and report exactly once. */
static void refused(int rc, const char *what)
{
	if (rc == MH_OK)
		FAILF("%s accepted", what);
	if (T.rec.count != 1)
		FAILF("%s: callback fired %d times", what, T.rec.count);
	if (T.rec.e[0].code != rc)
		FAILF("%s: returned %d, callback got %d", what, rc, T.rec.e[0].code);
	rec_clear(&T.rec);
}

static void check_clean(const char *after)
{
	int rc = mh_check(&T.heap);

	if (rc != MH_OK)
		FAILF("mh_check = %d (%s) after %s", rc, mh_strerror(rc), after);
	if (T.rec.count)
		FAILF("callback fired %d times after %s", T.rec.count, after);
}

static size_t fsize(struct fin *f)
{
	unsigned int b = fin_u8(f);

	switch (b >> 6) {
	case 0: return b & 63;
	case 1: return (b & 63) * 8 + fin_u8(f) % 8;
	case 2: return fin_u16(f) % 20000;
	default: return (b & 1) ? SIZE_MAX - fin_u8(f) : (size_t)1 << (fin_u8(f) % 64);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin f = { data, size, 0 };
	unsigned int b0 = fin_u8(&f);
	enum mh_poison poison = (enum mh_poison)(b0 % 3);
	int nreg = 1 + (int)(b0 / 3) % 3;
	size_t ops = 0;

	memset(&T, 0, sizeof(T));
	th_init(&T, poison);
	for (int i = 0; i < nreg; i++) {
		unsigned int a = fin_u8(&f), s = fin_u8(&f);
		enum mh_algo algo = (a & 1) ? MH_ALGO_BUDDY : MH_ALGO_FIRSTFIT;
		size_t mb = algo == MH_ALGO_BUDDY ? (size_t)16 << ((a >> 1) % 3) : 0;

		th_add_mb(&T, 8192 + (size_t)s * 256, algo, mb);
	}
	nlive = 0;
	seq = 0;

	while (fin_more(&f) && ops++ < 2000) {
		unsigned int op = fin_u8(&f) % 16;
		size_t i = nlive ? fin_u8(&f) % nlive : 0;
		void *x;

		switch (op) {
		case 0: case 1: {
			size_t n = fsize(&f);

			if ((x = mh_alloc(&T.heap, n)) != NULL)
				add_live(x, n, false);
			break;
		}
		case 2: {
			unsigned int s = fin_u8(&f);
			size_t al = (s & 0x80) ? (size_t)(s & 0x7f) : (size_t)1 << (s % 20);
			size_t n = fsize(&f);

			x = mh_aligned_alloc(&T.heap, al, n);
			if (x) {
				if ((al & (al - 1)) != 0 || al == 0)
					FAILF("aligned_alloc(%zu) accepted a bad alignment", al);
				CHECK_ALIGNED(x, al);
				add_live(x, n, false);
			}
			break;
		}
		case 3: {
			size_t c = fsize(&f), n = fsize(&f);

			if ((x = mh_calloc(&T.heap, c, n)) != NULL) {
				if (n && c > SIZE_MAX / n)
					FAILF("calloc(%zu, %zu) overflowed", c, n);
				add_live(x, c * n, true);
			}
			break;
		}
		case 4: {	/* realloc */
			size_t n = fsize(&f);

			if (!nlive) {
				if ((x = mh_realloc(&T.heap, NULL, n)) != NULL)
					add_live(x, n, false);
				break;
			}
			verify(i);
			x = mh_realloc(&T.heap, live[i].p, n);
			if (!n) {
				if (x)
					FAILF("realloc(p, 0) returned %p", x);
				drop_live(i);
			} else if (x) {
				size_t keep = n < live[i].n ? n : live[i].n;

				if (pat_check(x, keep, live[i].seed) != SIZE_MAX)
					FAILF("realloc lost the content");
				drop_live(i);
				add_live(x, n, false);
			} else {
				verify(i);	/* unchanged */
			}
			break;
		}
		case 5: case 6:	/* free */
			if (!nlive)
				break;
			verify(i);
			if (mh_free(&T.heap, live[i].p) != MH_OK)
				FAILF("mh_free of a live block failed");
			drop_live(i);
			break;
		case 7:
			if (nlive && mh_usable_size(&T.heap, live[i].p) < live[i].n)
				FAILF("usable_size shrank");
			break;
		case 8:	/* legal write: new content */
			if (nlive) {
				live[i].seed = ++seq;
				pat_fill(live[i].p, live[i].n, seq);
			}
			break;
		case 9: {	/* double free, right after the free */
			void *p;

			if (!nlive)
				break;
			p = live[i].p;
			verify(i);
			if (mh_free(&T.heap, p) != MH_OK)
				FAILF("mh_free failed");
			drop_live(i);
			rec_clear(&T.rec);
			refused(mh_free(&T.heap, p), "double free");
			break;
		}
		case 10: {	/* foreign */
			uint64_t local[2];
			void *p = fin_u8(&f) & 1 ? (void *)&local[1] : (void *)((uintptr_t)(fin_u32(&f) & ~7u) | 0x1000);
			int rc;

			rec_clear(&T.rec);
			rc = mh_free(&T.heap, p);
			if (th_region_of(&T, p, 1) < 0 && rc != MH_EFOREIGN)
				FAILF("foreign pointer %p: %d (%s)", p, rc, mh_strerror(rc));
			refused(rc, "foreign free");
			if (mh_realloc(&T.heap, p, 16))
				FAILF("realloc of a foreign pointer worked");
			rec_clear(&T.rec);
			break;
		}
		case 11: {	/* misaligned or interior pointer */
			unsigned int k = fin_u8(&f);
			unsigned char *q, saved[8];
			int rc;

			if (!nlive || live[i].n < 24)
				break;
			if (k & 0x80) {
				q = live[i].p + 1 + k % 7;
				rec_clear(&T.rec);
				rc = mh_free(&T.heap, q);
				refused(rc, "misaligned free");
				break;
			}
			/* aligned interior, the word before it zeroed, 0xff'd or 0xa5'd */
			q = live[i].p + 8 * (1 + k % ((live[i].n - 16) / 8 + 1));
			if (q + 8 > live[i].p + live[i].n || q - 8 < live[i].p)
				break;
			memcpy(saved, q - 8, 8);
			memset(q - 8, (k & 0x40) ? 0xff : (k & 0x20) ? 0xa5 : 0, 8);
			rec_clear(&T.rec);
			rc = mh_free(&T.heap, q);
			refused(rc, "interior free");
			memcpy(q - 8, saved, 8);
			break;
		}
		case 12: {	/* canary overwrite */
			unsigned int k = fin_u8(&f);
			unsigned char *byte, saved;
			int rc;

			if (!nlive || poison == MH_POISON_NONE)
				break;
			/* the tail's 4 bytes or ptr[-1] (other head bytes: see
			 * misuse_canary_head_bytes) */
			byte = (k & 1) ? live[i].p + live[i].n + (k >> 1) % 4 : live[i].p - 1;
			saved = *byte;
			*byte ^= (unsigned char)(1 + (k >> 4));
			rc = mh_check(&T.heap);
			if (rc != MH_ECANARY)
				FAILF("mh_check with a damaged canary = %d (block %p of %zu, byte %+td, region %d %s)",
				      rc, (void *)live[i].p, live[i].n, byte - live[i].p,
				      th_region_of(&T, live[i].p, 1),
				      algo_name(T.algo[th_region_of(&T, live[i].p, 1)]));
			rec_clear(&T.rec);
			rc = mh_free(&T.heap, live[i].p);
			if (rc != MH_ECANARY)
				FAILF("mh_free with a damaged canary = %d", rc);
			refused(rc, "free with a damaged canary");
			if (mh_realloc(&T.heap, live[i].p, live[i].n + 8))
				FAILF("realloc with a damaged canary worked");
			rec_clear(&T.rec);
			*byte = saved;
			verify(i);
			break;
		}
		case 13: {	/* write after free */
			unsigned int k = fin_u8(&f);
			unsigned char *p, *byte;
			size_t n;
			int rc;

			if (!nlive || poison != MH_POISON_COMPREHENSIVE || live[i].n < 64)
				break;
			p = live[i].p;
			n = live[i].n;
			verify(i);
			if (mh_free(&T.heap, p) != MH_OK)
				FAILF("mh_free failed");
			drop_live(i);
			byte = p + 32 + k % (n - 48);
			if (*byte != MH_FILL_FREE)
				break;	/* (free-list data there) */
			*byte = (unsigned char)k == MH_FILL_FREE ? 0 : (unsigned char)k;
			rc = mh_check(&T.heap);
			if (rc != MH_EPOISON)
				FAILF("mh_check after a write to freed memory = %d", rc);
			rec_clear(&T.rec);
			*byte = MH_FILL_FREE;
			break;
		}
		case 14: {
			struct mh_stats s = th_stats(&T);

			CHECK_STATS_SANE(s);
			if (s.allocated_blocks != nlive)
				FAILF("allocated_blocks %zu, %zu live", s.allocated_blocks, nlive);
			if (s.largest_free) {
				x = mh_alloc(&T.heap, s.largest_free);
				if (!x)
					FAILF("mh_alloc(largest_free %zu) failed", s.largest_free);
				if (mh_free(&T.heap, x) != MH_OK)
					FAILF("free failed");
			}
			break;
		}
		default:
			mh_reset_min_free(&T.heap);
			break;
		}
		/* after every misuse op, and every 16 ops otherwise */
		if (op >= 9 || ops % 16 == 0)
			check_clean("an op");
	}
	for (size_t k = 0; k < nlive; k++) {
		verify(k);
		if (mh_free(&T.heap, live[k].p) != MH_OK)
			FAILF("final free failed");
	}
	nlive = 0;
	check_clean("the end");
	{
		struct mh_stats s = th_stats(&T);

		if (s.allocated_blocks || s.allocated_bytes)
			FAILF("blocks left at the end");
	}
	th_fini(&T);
	return 0;
}
