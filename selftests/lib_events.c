// SPDX-License-Identifier: GPL-2.0
/*
 * libmemheap on the kernel backend and the "events" multicast group: one
 * public allocation call that fails sends exactly one ALLOC_FAILED, with
 * the call's size and caps, however many regions (and arenas) the library
 * tried; each region the call could use counts one failure.  A call that
 * succeeds, even after regions refused it, sends none and counts none.
 *
 * Events are queued before the ioctl that sends them returns, so after an
 * end-marker request of a size of its own the queue holds everything the
 * calls caused: it is read without waiting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "memheap_test.h"
#include "mh_genl.h"

#include "memheap.h"
#include "esp_heap_caps.h"

void *os_malloc(size_t size);	/* lib/include/os/mem.h (Armino) */

struct tally {
	int request;		/* ALLOC_FAILED events with the call's size */
	int other;		/* ALLOC_FAILED events of any other size */
	int end;		/* the end marker's event */
	uint32_t caps;		/* of the last request event */
	uint64_t other_size;	/* of the last other event */
};

FIXTURE(lib) {
	struct mh_genl sub;
	int fd;			/* the test's own file: markers and counters */
	uint32_t n;
	uint64_t page, too_big;	/* larger than any region */
	struct memheap_region_info before[MH_MAX_REGIONS];
	char saved_limit[64];
	char buf[8192];
};

FIXTURE_SETUP(lib)
{
	struct memheap_region_info ri;
	uint32_t i;

	if (strcmp(memheap_backend(), "kernel"))
		SKIP(return, "libmemheap is not on the kernel backend");
	ASSERT_EQ(0, mh_genl_open(&self->sub));
	ASSERT_EQ(0, mh_genl_subscribe(&self->sub));
	self->fd = mh_open();
	ASSERT_LE(0, self->fd);
	self->page = (uint64_t)mh_page_size();
	self->n = mh_nr_regions(self->fd);
	ASSERT_GE(MH_MAX_REGIONS, (int)self->n);
	self->too_big = 0;
	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(0, mh_region(self->fd, i, &ri));
		if (ri.size > self->too_big)
			self->too_big = ri.size;
	}
	self->too_big += self->page;
	ASSERT_LT(0, mh_read_file(MH_PARAM_DIR "file_limit", self->saved_limit,
				  sizeof(self->saved_limit)));
	/* the regions, not the file limit, refuse */
	ASSERT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", "0"));
}

FIXTURE_TEARDOWN(lib)
{
	if (strcmp(memheap_backend(), "kernel"))
		return;
	EXPECT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", self->saved_limit));
	close(self->fd);
	mh_genl_close(&self->sub);
}

static void snapshot(struct __test_metadata *_metadata, FIXTURE_DATA(lib) *self)
{
	for (uint32_t i = 0; i < self->n; i++)
		ASSERT_EQ(0, mh_region(self->fd, i, &self->before[i]));
}

/*
 * Send the end marker (a request of @end bytes no region holds, on the
 * test's own file) and read every queued event.
 */
static int drain(FIXTURE_DATA(lib) *self, uint64_t request, uint64_t end,
		 struct tally *t)
{
	struct mh_genl_reply rep;
	struct memheap_alloc a;
	uint64_t size;
	int ret;

	memset(t, 0, sizeof(*t));
	if (mh_alloc(self->fd, end, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a) != -ENOMEM)
		return -1;
	while ((ret = mh_genl_next_event(&self->sub, 0, self->buf, sizeof(self->buf),
					 &rep)) == 1) {
		if (rep.cmd != MEMHEAP_CMD_EVENT_ALLOC_FAILED || !rep.tb[MEMHEAP_A_SIZE])
			continue;
		size = mh_nla_u64(rep.tb[MEMHEAP_A_SIZE]);
		if (size == end) {
			t->end++;
		} else if (size == request) {
			t->request++;
			t->caps = rep.tb[MEMHEAP_A_CAPS] ? mh_nla_u32(rep.tb[MEMHEAP_A_CAPS]) : ~0U;
		} else {
			t->other++;
			t->other_size = size;
		}
	}
	return ret;
}

/*
 * Each region's failures moved by one if its caps include @caps (a failed
 * call; @caps 0 is the kernel's DEFAULT), by none otherwise or if @failed
 * is false.  The end marker (caps 0 = DEFAULT) adds one to DEFAULT regions.
 */
static void expect_failures(struct __test_metadata *_metadata, FIXTURE_DATA(lib) *self,
			    uint32_t caps, bool failed)
{
	struct memheap_region_info ri;
	uint64_t want;

	if (!caps)
		caps = MEMHEAP_CAP_DEFAULT;
	for (uint32_t i = 0; i < self->n; i++) {
		ASSERT_EQ(0, mh_region(self->fd, i, &ri));
		want = self->before[i].failures;
		if (failed && (ri.caps & caps) == caps)
			want++;
		if (ri.caps & MEMHEAP_CAP_DEFAULT)
			want++;		/* the end marker */
		EXPECT_EQ(want, ri.failures) TH_LOG("region %s", ri.name);
	}
}

static int regions_with(FIXTURE_DATA(lib) *self, uint32_t caps)
{
	struct memheap_region_info ri;
	int count = 0;

	for (uint32_t i = 0; i < self->n; i++)
		if (!mh_region(self->fd, i, &ri) && (ri.caps & caps) == caps)
			count++;
	return count;
}

/* heap_caps_malloc with caps every region has: one event, the call's caps. */
TEST_F(lib, heap_caps_malloc_one_event)
{
	uint64_t size = self->too_big + 8 * self->page, end = size + self->page;
	struct tally t;

	ASSERT_LE(2, regions_with(self, MEMHEAP_CAP_8BIT));
	snapshot(_metadata, self);
	EXPECT_EQ(NULL, heap_caps_malloc(size, MALLOC_CAP_8BIT));
	ASSERT_EQ(0, drain(self, size, end, &t));
	EXPECT_EQ(1, t.request);
	EXPECT_EQ(MEMHEAP_CAP_8BIT, t.caps);
	EXPECT_EQ(0, t.other) TH_LOG("an event of %llu bytes",
				     (unsigned long long)t.other_size);
	EXPECT_EQ(1, t.end);
	expect_failures(_metadata, self, MEMHEAP_CAP_8BIT, true);
}

/*
 * heap_caps_malloc_prefer with two caps words, each shared by several
 * regions: one event for the call, with the caps of its last attempt
 * (what ESP-IDF's failed-allocation callback gets too); the regions of
 * the earlier caps word count nothing more than the last word's.
 */
TEST_F(lib, heap_caps_malloc_prefer_one_event)
{
	uint64_t size = self->too_big + 10 * self->page, end = size + self->page;
	struct tally t;

	ASSERT_LE(2, regions_with(self, MEMHEAP_CAP_DMA));
	ASSERT_LE(2, regions_with(self, MEMHEAP_CAP_32BIT));
	snapshot(_metadata, self);
	EXPECT_EQ(NULL, heap_caps_malloc_prefer(size, 2, MALLOC_CAP_DMA, MALLOC_CAP_32BIT));
	ASSERT_EQ(0, drain(self, size, end, &t));
	EXPECT_EQ(1, t.request);
	EXPECT_EQ(MEMHEAP_CAP_32BIT, t.caps);
	EXPECT_EQ(0, t.other) TH_LOG("an event of %llu bytes",
				     (unsigned long long)t.other_size);
	EXPECT_EQ(1, t.end);
	expect_failures(_metadata, self, MEMHEAP_CAP_32BIT, true);
}

/* os_malloc (Armino): one event, the caps the system heap asks for. */
TEST_F(lib, os_malloc_one_event)
{
	uint64_t size = self->too_big + 12 * self->page, end = size + self->page;
	uint32_t caps = MEMHEAP_CAP_DEFAULT | MEMHEAP_CAP_INTERNAL;
	struct tally t;

	if (!regions_with(self, caps))
		caps = MEMHEAP_CAP_DEFAULT;	/* as lib/src/rtos/sys_heap.c decides */
	snapshot(_metadata, self);
	EXPECT_EQ(NULL, os_malloc(size));
	ASSERT_EQ(0, drain(self, size, end, &t));
	EXPECT_EQ(1, t.request);
	EXPECT_EQ(caps, t.caps);
	EXPECT_EQ(0, t.other) TH_LOG("an event of %llu bytes",
				     (unsigned long long)t.other_size);
	EXPECT_EQ(1, t.end);
	expect_failures(_metadata, self, caps, true);
}

/* realloc that cannot grow: one event, and the block is still the caller's. */
TEST_F(lib, heap_caps_realloc_one_event)
{
	uint64_t size = self->too_big + 14 * self->page, end = size + self->page;
	unsigned char *p;
	struct tally t;

	p = heap_caps_malloc(64, MALLOC_CAP_8BIT);
	ASSERT_NE(NULL, p);
	memset(p, 0x5a, 64);
	snapshot(_metadata, self);
	EXPECT_EQ(NULL, heap_caps_realloc(p, size, MALLOC_CAP_8BIT));
	ASSERT_EQ(0, drain(self, size, end, &t));
	EXPECT_EQ(1, t.request);
	EXPECT_EQ(MEMHEAP_CAP_8BIT, t.caps);
	EXPECT_EQ(0, t.other);
	EXPECT_EQ(1, t.end);
	expect_failures(_metadata, self, MEMHEAP_CAP_8BIT, true);
	EXPECT_EQ(0x5a, p[0]);
	EXPECT_EQ(0x5a, p[63]);
	heap_caps_free(p);
}

/*
 * Calls that succeed send nothing and count nothing, also when the first
 * region with the caps was too small for the call (a large buffer refused
 * by one region, then served by another) and for arena-sized small blocks.
 */
TEST_F(lib, success_sends_nothing)
{
	uint64_t smallest = UINT64_MAX, largest = 0, size, end;
	struct memheap_region_info ri;
	void *small, *mid, *os;
	struct tally t;
	uint32_t i;

	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(0, mh_region(self->fd, i, &ri));
		if (!(ri.caps & MEMHEAP_CAP_8BIT))
			continue;
		if (ri.size < smallest)
			smallest = ri.size;
		if (ri.free > largest)
			largest = ri.free;
	}
	if (smallest + self->page >= largest)
		SKIP(return, "8BIT regions of one size: no region refuses first");
	/* more than the smallest 8BIT region holds, less than another's free */
	size = smallest + self->page;
	end = self->too_big + 16 * self->page;
	snapshot(_metadata, self);
	small = heap_caps_malloc(100, MALLOC_CAP_8BIT);
	mid = heap_caps_malloc(size, MALLOC_CAP_8BIT);
	os = os_malloc(200);
	EXPECT_NE(NULL, small);
	EXPECT_NE(NULL, mid);
	EXPECT_NE(NULL, os);
	ASSERT_EQ(0, drain(self, size, end, &t));
	EXPECT_EQ(0, t.request);
	EXPECT_EQ(0, t.other) TH_LOG("an event of %llu bytes",
				     (unsigned long long)t.other_size);
	EXPECT_EQ(1, t.end);
	expect_failures(_metadata, self, 0, false);
	heap_caps_free(small);
	heap_caps_free(mid);
	heap_caps_free(os);
}

TEST_HARNESS_MAIN
