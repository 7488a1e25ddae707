/* SPDX-License-Identifier: MIT */
/*
 * core_alloc: capability routing, ownership of any pointer, realloc across
 * capabilities, exact statistics, failed allocations changing nothing,
 * misuse reports, added regions and standalone heaps with overlap rules.
 * Embedded backend with a layout of its own (set before the first call).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/core.h"
#include "lt.h"

#define CAP_INT (MEMHEAP_CAP_INTERNAL | MEMHEAP_CAP_DMA)

static int reports, last_code;
static const void *last_ptr;
static const char *last_alloc_file;
static int last_alloc_line;

static void count_report(const struct mhl_error_report *rep, void *ctx)
{
	(void)ctx;
	reports++;
	last_code = rep->code;
	last_ptr = rep->ptr;
	last_alloc_file = rep->alloc_file;
	last_alloc_line = rep->alloc_line;
}

static int failed_calls;
static size_t failed_size;
static uint32_t failed_caps;
static const char *failed_api;

static void on_failed(size_t size, uint32_t caps, const char *api, void *ctx)
{
	(void)ctx;
	failed_calls++;
	failed_size = size;
	failed_caps = caps;
	failed_api = api;
}

static void test_layout(void)
{
	struct mhl_config_info ci;
	struct mhl_region_info ri;

	mhl_config(&ci);
	CHECK(ci.config_ok);
	CHECK_STR(ci.backend_name, "embedded");
	CHECK_STR(ci.layout_source, "MEMHEAP_REGIONS");
	CHECK_EQ(mhl_region_count(), 3);
	CHECK_EQ(mhl_region_find("fast"), 0);
	CHECK_EQ(mhl_region_find("ext"), 1);
	CHECK_EQ(mhl_region_find("bud"), 2);
	CHECK_EQ(mhl_region_find("nope"), -1);
	REQUIRE(mhl_region_get(0, &ri, NULL) == 0);
	CHECK_EQU(ri.caps, CAP_INT | MEMHEAP_CAP_8BIT | MEMHEAP_CAP_32BIT | MEMHEAP_CAP_DEFAULT);
	CHECK_EQ(ri.algo, MH_ALGO_FIRSTFIT);
	CHECK_EQU(ri.end - ri.start, 64 * 1024);
	REQUIRE(mhl_region_get(2, &ri, NULL) == 0);
	CHECK_EQ(ri.algo, MH_ALGO_BUDDY);
	CHECK_EQ(mhl_region_get(3, &ri, NULL), MHL_EINVAL);
}

static int region_of(const void *p)
{
	struct mhl_owner o;

	if (mhl_owner_of(p, &o) != MHL_OWNER_REGION)
		return -1;
	return o.region;
}

static void test_routing(void)
{
	void *a = mhl_alloc(100, 0, MEMHEAP_CAP_DMA, 0, "t");
	void *b = mhl_alloc(100, 0, MEMHEAP_CAP_SPIRAM, 0, "t");
	void *c = mhl_alloc(100, 0, MEMHEAP_CAP_DEFAULT, 0, "t");
	void *d = mhl_alloc(100, 4096, MEMHEAP_CAP_SPIRAM, 0, "t");
	void *e = mhl_alloc(100, 3, 0, 0, "t");

	CHECK_EQ(region_of(a), 0);
	CHECK_EQ(region_of(b), 1);
	CHECK_EQ(region_of(c), 0);	/* priority order */
	CHECK_EQ(region_of(d), 1);
	CHECK(((uintptr_t)d & 4095) == 0);
	CHECK(e == NULL);		/* alignment not a power of two */
	/* no region has DMA and SPIRAM */
	CHECK(mhl_alloc(16, 0, MEMHEAP_CAP_DMA | MEMHEAP_CAP_SPIRAM, 0, "t") == NULL);
	CHECK(mhl_alloc(16, 0, 1u << 20, 0, "t") == NULL);

	/* the first region fills, DEFAULT overflows into the next */
	void *big = mhl_alloc(60 * 1024, 0, MEMHEAP_CAP_DEFAULT, 0, "t");
	CHECK_EQ(region_of(big), 0);
	void *next = mhl_alloc(8 * 1024, 0, MEMHEAP_CAP_DEFAULT, 0, "t");
	CHECK_EQ(region_of(next), 1);

	/* any pointer frees through one call */
	CHECK_EQ(mhl_free(a, "t"), 0);
	CHECK_EQ(mhl_free(b, "t"), 0);
	CHECK_EQ(mhl_free(c, "t"), 0);
	CHECK_EQ(mhl_free(d, "t"), 0);
	CHECK_EQ(mhl_free(big, "t"), 0);
	CHECK_EQ(mhl_free(next, "t"), 0);
	CHECK_EQ(mhl_free(NULL, "t"), 0);

	/* zeroing and calloc */
	unsigned char *z = mhl_alloc(64, 0, 0, 0, "t");
	REQUIRE(z);
	memset(z, 0xab, 64);
	mhl_free(z, "t");
	z = mhl_alloc(64, 0, 0, MHL_ALLOC_ZERO, "t");
	REQUIRE(z);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(z[i], 0);
	mhl_free(z, "t");
	CHECK(mhl_calloc(SIZE_MAX / 2, 4, 0, 0, 0, "t") == NULL);
}

static void test_realloc(void)
{
	char *p = mhl_alloc(32, 0, MEMHEAP_CAP_SPIRAM, 0, "t");

	REQUIRE(p);
	memcpy(p, "0123456789abcdefghijklmnopqrstu", 32);
	/* caps 0: stays in a region with the block's caps */
	char *q = mhl_realloc(p, 4000, 0, 0, "t");
	REQUIRE(q);
	CHECK_EQ(region_of(q), 1);
	CHECK(!memcmp(q, "0123456789abcdefghijklmnopqrstu", 32));
	/* caps demanding DMA: moves to the DMA region, content kept */
	char *r = mhl_realloc(q, 100, MEMHEAP_CAP_DMA, 0, "t");
	REQUIRE(r);
	CHECK_EQ(region_of(r), 0);
	CHECK(!memcmp(r, "0123456789abcdefghijklmnopqrstu", 32));
	/* failure keeps the original, unchanged */
	char *s = mhl_realloc(r, 1u << 30, 0, MHL_ALLOC_NO_HOOK, "t");
	CHECK(s == NULL);
	CHECK(mhl_usable_size(r) >= 100);
	CHECK(!memcmp(r, "0123456789abcdefghijklmnopqrstu", 32));
	/* size 0 frees */
	CHECK(mhl_realloc(r, 0, 0, 0, "t") == NULL);
	CHECK_EQ(mhl_usable_size(r), 0);
	/* NULL allocates */
	p = mhl_realloc(NULL, 10, MEMHEAP_CAP_SPIRAM, 0, "t");
	CHECK_EQ(region_of(p), 1);
	mhl_free(p, "t");
}

/* largest_free is exactly the largest size an allocation gets, per region */
static void test_exact_largest(void)
{
	for (unsigned int i = 0; i < mhl_region_count(); i++) {
		struct mhl_stats st, after;
		struct mhl_region_info ri;
		void *hold[3];

		mhl_region_get(i, &ri, NULL);
		/* fragment a little first */
		hold[0] = mhl_region_alloc(i, 1000, 0, 0);
		hold[1] = mhl_region_alloc(i, 3000, 0, 0);
		hold[2] = mhl_region_alloc(i, 200, 0, 0);
		mhl_free(hold[1], "t");
		mhl_region_get(i, NULL, &st);
		CHECK(st.largest_free > 0);
		CHECK(st.free >= st.largest_free);
		CHECK_EQU(st.total, st.free + st.allocated);
		void *p = mhl_region_alloc(i, st.largest_free + 1, 0, 0);
		CHECK(p == NULL);
		/* a failed allocation changes nothing but the failed counter */
		mhl_region_get(i, NULL, &after);
		CHECK_EQU(after.free, st.free);
		CHECK_EQU(after.largest_free, st.largest_free);
		CHECK_EQU(after.allocated_blocks, st.allocated_blocks);
		CHECK_EQU(after.failed_count, st.failed_count + 1);
		p = mhl_region_alloc(i, st.largest_free, 0, 0);
		CHECK(p != NULL);
		mhl_free(p, "t");
		mhl_free(hold[0], "t");
		mhl_free(hold[2], "t");
		mhl_region_get(i, NULL, &after);
		CHECK_EQU(after.allocated_blocks, 0);
		CHECK_EQU(after.free, after.total);
	}
}

static void test_caps_stats_and_monitor(void)
{
	struct mhl_stats all, spi, r1, r2;

	mhl_caps_stats(0, &all);
	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &spi);
	mhl_region_get(1, NULL, &r1);
	mhl_region_get(2, NULL, &r2);
	CHECK_EQU(all.regions, 3);
	CHECK_EQU(spi.regions, 2);
	CHECK_EQU(spi.total, r1.total + r2.total);
	CHECK_EQU(spi.free, r1.free + r2.free);
	CHECK_EQU(spi.largest_free, r1.largest_free > r2.largest_free ? r1.largest_free : r2.largest_free);

	/* lifetime low, then a local monitor sees only later lows */
	mhl_reset_min_free(0);
	void *p = mhl_region_alloc(0, 20000, 0, 0);
	mhl_free(p, "t");
	struct mhl_stats s0;
	mhl_region_get(0, NULL, &s0);
	size_t lifetime = s0.min_free;
	CHECK(lifetime <= s0.total - 20000);
	CHECK_EQ(mhl_min_free_monitor_stop(), MHL_ESTATE);
	CHECK_EQ(mhl_min_free_monitor_start(), 0);
	CHECK_EQ(mhl_min_free_monitor_start(), MHL_ESTATE);
	mhl_region_get(0, NULL, &s0);
	CHECK_EQU(s0.min_free, s0.free);	/* local minimum starts now */
	p = mhl_region_alloc(0, 1000, 0, 0);
	mhl_free(p, "t");
	mhl_region_get(0, NULL, &s0);
	CHECK(s0.min_free < s0.free && s0.min_free > lifetime);
	CHECK_EQ(mhl_min_free_monitor_stop(), 0);
	mhl_region_get(0, NULL, &s0);
	CHECK_EQU(s0.min_free, lifetime);
}

static void test_misuse(void)
{
	mhl_set_error_handler(count_report, NULL, NULL, NULL);
	char local[16];
	void *p = mhl_alloc(40, 0, 0, 0, "t");
	struct mhl_stats before, after;

	mhl_caps_stats(0, &before);
	reports = 0;
	CHECK_EQ(mhl_free(local, "os_free"), MHL_EFOREIGN);
	CHECK_EQ(reports, 1);
	CHECK_EQ(last_code, MHL_EFOREIGN);
	CHECK_PTR(last_ptr, local);
	CHECK(mhl_free((char *)p + 8, "os_free") < 0);		/* interior */
	CHECK_EQ(mhl_free(p, "os_free"), 0);
	CHECK(mhl_free(p, "os_free") != 0);				/* double free */
	CHECK_EQ(reports, 3);
	CHECK(mhl_realloc(local, 10, 0, 0, "os_realloc") == NULL);
	CHECK_EQ(reports, 4);
	CHECK_EQ(last_code, MHL_EFOREIGN);
	CHECK(mhl_realloc(p, 10, 0, 0, "os_realloc") == NULL);	/* freed already */
	CHECK_EQ(reports, 5);
	CHECK_EQ(last_code, MHL_EDOUBLEFREE);
	CHECK_PTR(last_ptr, p);
	CHECK_EQ(mhl_usable_size(local), 0);
	mhl_caps_stats(0, &after);
	CHECK(after.free > before.free);
	CHECK_EQU(after.allocated_blocks + 1, before.allocated_blocks);
	CHECK_EQU(after.error_count, before.error_count + 3);	/* interior, double, realloc */
	CHECK_EQ(mhl_check(0, false), 0);
	mhl_set_error_handler(NULL, NULL, NULL, NULL);
}

static void test_failed_listeners(void)
{
	CHECK_EQ(mhl_alloc_failed_listen(on_failed, NULL), 0);
	CHECK_EQ(mhl_alloc_failed_listen(on_failed, NULL), 0);	/* no duplicate */
	failed_calls = 0;
	CHECK(mhl_alloc(1u << 30, 0, MEMHEAP_CAP_DMA, 0, "heap_caps_malloc") == NULL);
	CHECK_EQ(failed_calls, 1);
	CHECK_EQU(failed_size, 1u << 30);
	CHECK_EQU(failed_caps, MEMHEAP_CAP_DMA);
	CHECK_STR(failed_api, "heap_caps_malloc");
	CHECK(mhl_alloc(1u << 30, 0, 0, MHL_ALLOC_NO_HOOK, "x") == NULL);
	CHECK_EQ(failed_calls, 1);
	mhl_alloc_failed(5, 0, "heap_caps_malloc_prefer");
	CHECK_EQ(failed_calls, 2);
	CHECK_EQ(mhl_alloc_failed_unlisten(on_failed, NULL), 0);
	CHECK_EQ(mhl_alloc_failed_unlisten(on_failed, NULL), MHL_EINVAL);
	CHECK(mhl_alloc(1u << 30, 0, 0, 0, "x") == NULL);
	CHECK_EQ(failed_calls, 2);
}

static void test_added_and_standalone(void)
{
	size_t len = 256 * 1024;
	unsigned char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct mhl_region_info ri;

	REQUIRE(mem != MAP_FAILED);
	/* overlap with a backend region */
	mhl_region_get(0, &ri, NULL);
	CHECK_EQ(mhl_region_add("x", (void *)(ri.start + 4096), 8192, MEMHEAP_CAP_8BIT,
				MH_ALGO_FIRSTFIT), MHL_EOVERLAP);
	CHECK_EQ(mhl_region_add("x", mem, 8, MEMHEAP_CAP_8BIT, MH_ALGO_FIRSTFIT), MHL_ENOMEM);
	CHECK_EQ(mhl_region_add("x", mem, 8192, 0, MH_ALGO_FIRSTFIT), MHL_EINVAL);
	CHECK_EQ(mhl_region_add("x", NULL, 8192, MEMHEAP_CAP_8BIT, MH_ALGO_FIRSTFIT), MHL_EINVAL);
	CHECK_EQ(mhl_region_count(), 3);

	int idx = mhl_region_add("user", mem, 64 * 1024, MEMHEAP_CAP_8BIT | (1u << 5),
				 MH_ALGO_BUDDY);
	CHECK_EQ(idx, 3);
	CHECK_EQ(mhl_region_add("again", mem + 4096, 4096, MEMHEAP_CAP_8BIT,
				MH_ALGO_FIRSTFIT), MHL_EOVERLAP);
	CHECK(mhl_range_overlaps(mem + 100, 10));
	CHECK(!mhl_range_overlaps(mem + 64 * 1024, 4096));

	/* a standalone heap in the rest of the mapping */
	static struct mh_heap sh;
	int tag;
	REQUIRE(mh_heap_init(&sh, NULL) == 0);
	CHECK_EQ(mhl_standalone_register(mem + 60 * 1024, 8192, &sh, &tag), MHL_EOVERLAP);
	CHECK_EQ(mhl_standalone_register(mem + 64 * 1024, 64 * 1024, &sh, &tag), 0);
	REQUIRE(mh_heap_add_region(&sh, mem + 64 * 1024, 64 * 1024, NULL) == 0);
	CHECK_EQ(mhl_region_add("x", mem + 70 * 1024, 4096, MEMHEAP_CAP_8BIT,
				MH_ALGO_FIRSTFIT), MHL_EOVERLAP);
	void *sp = mh_alloc(&sh, 100);
	struct mhl_owner o;
	CHECK_EQ(mhl_owner_of(sp, &o), MHL_OWNER_STANDALONE);
	CHECK_PTR(o.tag, &tag);
	CHECK_PTR(o.heap, &sh);
	CHECK(mhl_usable_size(sp) >= 100);
	sp = mhl_realloc(sp, 3000, 0, 0, "t");
	CHECK_EQ(mhl_owner_of(sp, &o), MHL_OWNER_STANDALONE);
	CHECK_EQ(mhl_check_addr(sp, false), 0);
	CHECK_EQ(mhl_free(sp, "multi_heap_free"), 0);
	struct mh_stats hs;
	mh_get_stats(&sh, &hs);
	CHECK_EQU(hs.allocated_blocks, 0);
	CHECK_EQ(mhl_check(0, false), 0);
	CHECK_EQ(mhl_standalone_unregister(&sh), 0);
	CHECK_EQ(mhl_standalone_unregister(&sh), MHL_EFOREIGN);
	CHECK_EQ(mhl_owner_of(mem + 64 * 1024, NULL), MHL_OWNER_NONE);

	/* the added region routes by its caps, after the backend's */
	void *u = mhl_alloc(100, 0, MEMHEAP_CAP_8BIT | (1u << 5), 0, "t");
	CHECK_EQ(region_of(u), 0);	/* sram has both too, and comes first */
	u = mhl_region_alloc(3, 100, 0, 0);
	CHECK_EQ(region_of(u), 3);
	CHECK_EQ(mhl_check_addr(u, false), 0);
	CHECK_EQ(mhl_check_addr(&tag, false), MHL_EFOREIGN);
	mhl_free(u, "t");
}

struct walk_count {
	size_t used, free, bytes_used;
	int regions_seen;
	int last_region;
};

static bool walk_cb(const struct mhl_region_info *r, const struct mh_block_info *b, void *ctx)
{
	struct walk_count *w = ctx;

	if ((int)r->index != w->last_region) {
		w->regions_seen++;
		w->last_region = (int)r->index;
	}
	if (b->used) {
		w->used++;
		w->bytes_used += b->size;
	} else {
		w->free++;
	}
	return true;
}

struct collect {
	struct mhl_track_record recs[8];
	size_t n;
};

static bool collect_cb(const struct mhl_track_record *r, void *ctx)
{
	struct collect *c = ctx;

	if (c->n < 8)
		c->recs[c->n++] = *r;
	return true;
}

static void test_walk_and_track(void)
{
	struct walk_count w = { .last_region = -1 };
	void *p = mhl_alloc_at(123, 0, MEMHEAP_CAP_SPIRAM, 0, "os_malloc_debug", "here.c", 42);
	struct mhl_stats st;
	struct collect c = { .n = 0 };

	mhl_walk(MEMHEAP_CAP_SPIRAM, walk_cb, &w);
	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &st);
	CHECK_EQ(w.regions_seen, 2);
	CHECK_EQU(w.used, st.allocated_blocks);
	CHECK_EQU(w.free, st.free_blocks);
	CHECK(w.bytes_used >= 123);

	/* the debug allocation is recorded with its site although tracking is off */
	CHECK(!mhl_track_enabled());
	void *untracked = mhl_alloc(55, 0, 0, 0, "os_malloc");
	mhl_track_enable(true);
	void *t2 = mhl_alloc(77, 0, MEMHEAP_CAP_DMA, 0, "os_malloc");
	CHECK_EQU(mhl_track_foreach(collect_cb, &c), 2);
	REQUIRE(c.n == 2);
	CHECK_PTR(c.recs[0].ptr, p);		/* oldest first */
	CHECK_EQU(c.recs[0].size, 123);
	CHECK_STR(c.recs[0].file, "here.c");
	CHECK_EQ(c.recs[0].line, 42);
	CHECK_EQ(c.recs[0].region, 1);
	CHECK_PTR(c.recs[1].ptr, t2);
	CHECK(c.recs[1].file == NULL);
	CHECK_EQ(c.recs[1].region, 0);
	CHECK(c.recs[1].tick >= c.recs[0].tick);
	CHECK(c.recs[0].thread[0] != '\0');	/* the thread's name (program name) */

	/* a misuse report names the allocation site */
	mhl_set_error_handler(count_report, NULL, NULL, NULL);
	mhl_free(p, "os_free");
	reports = 0;
	CHECK(mhl_free(p, "os_free") < 0);
	CHECK_EQ(reports, 1);
	CHECK_STR(last_alloc_file, NULL);	/* freed: its record went with it */
	void *p2 = mhl_alloc_at(10, 0, 0, 0, "os_malloc_debug", "site.c", 7);
	CHECK(mhl_free((char *)p2 + 1, "os_free") < 0);
	CHECK_STR(last_alloc_file, NULL);	/* interior pointer: no record */
	mhl_free(p2, "os_free");
	mhl_set_error_handler(NULL, NULL, NULL, NULL);

	mhl_track_enable(false);
	mhl_free(t2, "t");
	mhl_free(untracked, "t");
	c.n = 0;
	CHECK_EQU(mhl_track_foreach(collect_cb, &c), 0);
}

int main(void)
{
	setenv("MEMHEAP_REGIONS",
	       "fast:64K:dma:internal:8bit:32bit:default,ext:1M:spiram:8bit:32bit:default,"
	       "bud:256K:spiram:8bit:buddy", 1);
	unsetenv("MEMHEAP_BACKEND");
	setenv("MEMHEAP_BACKEND", "embedded", 1);
	unsetenv("MEMHEAP_POISON");
	unsetenv("MEMHEAP_TRACK");
	test_layout();
	test_routing();
	test_realloc();
	test_exact_largest();
	test_caps_stats_and_monitor();
	test_misuse();
	test_failed_listeners();
	test_added_and_standalone();
	test_walk_and_track();
	CHECK_EQ(mhl_check(0, true), 0);
	return lt_done();
}
