// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation and mapping on every region, algorithm and mapping mode:
 * alloc / mmap / write / read / free, the counters that follow, routing
 * by capabilities, exhaustion and recovery, alignment, and new buffers
 * reading as zero even after another process dirtied the same memory.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memheap_test.h"

#define WINDOW		(1ULL << MEMHEAP_MMAP_WINDOW_SHIFT)
#define DIRTY_BYTE	0xa5

static uint64_t round_page(uint64_t v)
{
	uint64_t page = (uint64_t)mh_page_size();

	return (v + page - 1) / page * page;
}

/* Word-wise zero check (buffers are page aligned): offset or len. */
static size_t first_nonzero_fast(const volatile uint8_t *p, size_t len)
{
	const volatile uint64_t *w = (const volatile uint64_t *)p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i])
			return i * 8 + mh_first_nonzero(p + i * 8, 8);
	return len;
}

static const uint32_t modes[] = {
	MH_MAP_NONE, MEMHEAP_MAP_CACHED, MEMHEAP_MAP_UNCACHED, MEMHEAP_MAP_WC,
};

static int sync_buffer(int fd, uint32_t handle, uint32_t flags)
{
	struct memheap_sync s = { .handle = handle, .flags = flags };

	return mh_ioctl(fd, MEMHEAP_IOC_SYNC, &s);
}

/*
 * One buffer through its whole life in region @r with mode @mode,
 * checking the region's counters and the buffer's own view at each step.
 */
static void one_buffer(struct __test_metadata *_metadata, int fd, uint32_t r,
		       uint32_t mode, uint64_t size, uint32_t seed)
{
	struct memheap_region_info before, during, after;
	struct memheap_buffer_info bi;
	struct memheap_alloc a;
	uint8_t *p, *q;
	uint32_t want_mode;

	ASSERT_EQ(0, mh_region(fd, r, &before));
	if (before.largest_free < round_page(size))
		return;
	want_mode = mode == MH_MAP_NONE ? before.map_mode : mode;
	ASSERT_EQ(0, mh_alloc(fd, size, 0, r, mode, &a)) {
		TH_LOG("region %s mode %u size %" PRIu64, before.name, mode, size);
	}
	EXPECT_NE(0, a.handle);
	EXPECT_EQ(r, a.region_out);
	/* Page multiple; a buddy pool rounds up to a power of two pages. */
	EXPECT_LE(round_page(size), a.size_out);
	EXPECT_EQ(0, a.size_out % (uint64_t)mh_page_size());
	if (before.algo == MEMHEAP_ALGO_BUDDY) {
		uint64_t pages = a.size_out / (uint64_t)mh_page_size();

		EXPECT_EQ(0, pages & (pages - 1));
		EXPECT_GT(2 * round_page(size), a.size_out);
	} else {
		EXPECT_EQ(round_page(size), a.size_out);
	}
	EXPECT_EQ(0, a.mmap_offset % WINDOW);
	if (before.caps & MEMHEAP_CAP_DMA) {
		EXPECT_LE(before.dev_addr, a.dev_addr);
		EXPECT_GE(before.dev_addr + before.size, a.dev_addr + a.size_out);
	} else {
		EXPECT_EQ(0, a.dev_addr);
	}

	ASSERT_EQ(0, mh_region(fd, r, &during));
	EXPECT_EQ(before.used + a.size_out, during.used);
	EXPECT_EQ(before.free - a.size_out, during.free);
	EXPECT_EQ(before.live + 1, during.live);
	EXPECT_EQ(before.allocs + 1, during.allocs);
	EXPECT_EQ(before.failures, during.failures);
	EXPECT_GE(during.free, during.min_free);

	ASSERT_EQ(0, mh_buffer(fd, a.handle, &bi));
	EXPECT_EQ(r, bi.region);
	EXPECT_EQ(want_mode, bi.map_mode);
	EXPECT_EQ(a.size_out, bi.size);
	EXPECT_EQ(a.mmap_offset, bi.mmap_offset);
	EXPECT_EQ(a.dev_addr, bi.dev_addr);
	EXPECT_EQ(0, bi.flags);

	p = mh_map(fd, a.mmap_offset, a.size_out);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mh_buffer(fd, a.handle, &bi));
	EXPECT_EQ(MEMHEAP_BUFFER_MAPPED, bi.flags);
	EXPECT_EQ(a.size_out, first_nonzero_fast(p, a.size_out));
	mh_fill(p, a.size_out, seed);
	if (want_mode == MEMHEAP_MAP_CACHED)
		EXPECT_EQ(0, sync_buffer(fd, a.handle, MEMHEAP_SYNC_FOR_DEVICE));
	/* A second mapping of the same buffer sees the same memory. */
	q = mh_map(fd, a.mmap_offset, a.size_out);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(a.size_out, mh_verify(q, a.size_out, seed));
	q[0] ^= 0xff;
	EXPECT_EQ(p[0], q[0]);
	if (want_mode == MEMHEAP_MAP_CACHED)
		EXPECT_EQ(0, sync_buffer(fd, a.handle, MEMHEAP_SYNC_FOR_CPU));
	EXPECT_EQ(0, munmap(q, a.size_out));
	EXPECT_EQ(0, munmap(p, a.size_out));
	ASSERT_EQ(0, mh_buffer(fd, a.handle, &bi));
	EXPECT_EQ(0, bi.flags);
	ASSERT_EQ(0, mh_free(fd, a.handle));

	ASSERT_EQ(0, mh_region(fd, r, &after));
	EXPECT_EQ(before.used, after.used);
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(before.largest_free, after.largest_free);
	EXPECT_EQ(before.allocs + 1, after.allocs);
}

TEST(every_region_every_mode)
{
	uint64_t page = (uint64_t)mh_page_size();
	const uint64_t sizes[] = { 1, 3 * page + 1, 16 * page };
	uint32_t r, m, s, n, seed = 1;
	int fd = mh_open();

	ASSERT_LE(0, fd);
	n = mh_nr_regions(fd);
	for (r = 0; r < n; r++)
		for (m = 0; m < ARRAY_SIZE(modes); m++)
			for (s = 0; s < ARRAY_SIZE(sizes); s++)
				one_buffer(_metadata, fd, r, modes[m], sizes[s], seed++);
	EXPECT_EQ(0, mh_check_errors(fd));
	close(fd);
}

/* Dirty the largest free block of @r from a separate process. */
static int dirty_in_child(uint32_t r, uint64_t size)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct memheap_alloc a;
		int fd = mh_open();
		uint8_t *p;

		if (fd < 0 || mh_alloc(fd, size, 0, r, MH_MAP_NONE, &a))
			_exit(10);
		p = mh_map(fd, a.mmap_offset, a.size_out);
		if (p == MAP_FAILED)
			_exit(11);
		memset(p, DIRTY_BYTE, a.size_out);
		sync_buffer(fd, a.handle, MEMHEAP_SYNC_FOR_DEVICE);
		munmap(p, a.size_out);
		_exit(mh_free(fd, a.handle) ? 12 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

/*
 * Another process writes a pattern over a region's whole largest free
 * block and frees it; whatever we get from that block reads as zero.
 */
TEST(new_buffers_zero_after_other_process)
{
	struct memheap_region_info ri;
	struct memheap_alloc a;
	uint32_t r, n;
	uint8_t *p;
	int fd = mh_open();

	ASSERT_LE(0, fd);
	n = mh_nr_regions(fd);
	for (r = 0; r < n; r++) {
		ASSERT_EQ(0, mh_region(fd, r, &ri));
		ASSERT_EQ(0, dirty_in_child(r, ri.largest_free)) {
			TH_LOG("child could not dirty region %s", ri.name);
		}
		ASSERT_EQ(0, mh_alloc(fd, ri.largest_free, 0, r, MH_MAP_NONE, &a));
		p = mh_map(fd, a.mmap_offset, a.size_out);
		ASSERT_NE(MAP_FAILED, p);
		EXPECT_EQ(a.size_out, first_nonzero_fast(p, a.size_out)) {
			TH_LOG("region %s: stale data in a new buffer", ri.name);
		}
		/* And again within one process, with a smaller buffer. */
		memset(p, DIRTY_BYTE, a.size_out);
		EXPECT_EQ(0, munmap(p, a.size_out));
		ASSERT_EQ(0, mh_free(fd, a.handle));
		ASSERT_EQ(0, mh_alloc(fd, ri.largest_free / 2, 0, r, MH_MAP_NONE, &a));
		p = mh_map(fd, a.mmap_offset, a.size_out);
		ASSERT_NE(MAP_FAILED, p);
		EXPECT_EQ(a.size_out, first_nonzero_fast(p, a.size_out));
		EXPECT_EQ(0, munmap(p, a.size_out));
		ASSERT_EQ(0, mh_free(fd, a.handle));
	}
	close(fd);
}

/* Region a request with @caps and @size should land in, or -1. */
static int expected_region(int fd, uint32_t caps, uint64_t size)
{
	struct memheap_region_info ri;
	uint32_t i, n = mh_nr_regions(fd);

	if (!caps)
		caps = MEMHEAP_CAP_DEFAULT;
	for (i = 0; i < n; i++)
		if (!mh_region(fd, i, &ri) && (ri.caps & caps) == caps &&
		    ri.largest_free >= round_page(size))
			return (int)i;
	return -1;
}

static bool any_region_has(int fd, uint32_t caps)
{
	return mh_find_region(fd, caps ? caps : MEMHEAP_CAP_DEFAULT) >= 0;
}

/* Every capability combination goes to the first capable region, or -ENODEV. */
TEST(caps_route_in_index_order)
{
	uint64_t page = (uint64_t)mh_page_size();
	struct memheap_alloc a;
	uint32_t caps;
	int fd = mh_open(), want, ret;

	ASSERT_LE(0, fd);
	for (caps = 0; caps <= MEMHEAP_CAPS_ALL; caps++) {
		want = expected_region(fd, caps, page);
		ret = mh_alloc(fd, page, caps, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a);
		if (!any_region_has(fd, caps)) {
			EXPECT_EQ(-ENODEV, ret) TH_LOG("caps 0x%x", caps);
			continue;
		}
		ASSERT_LE(0, want);
		ASSERT_EQ(0, ret) TH_LOG("caps 0x%x", caps);
		EXPECT_EQ((uint32_t)want, a.region_out) TH_LOG("caps 0x%x", caps);
		ASSERT_EQ(0, mh_free(fd, a.handle));
	}
	close(fd);
}

/* A request the first capable region cannot hold goes to the next one. */
TEST(falls_through_to_next_region)
{
	struct memheap_region_info r0, ri;
	struct memheap_alloc a;
	uint32_t i, n;
	int fd = mh_open(), first;

	ASSERT_LE(0, fd);
	first = mh_find_region(fd, MEMHEAP_CAP_8BIT);
	ASSERT_LE(0, first);
	ASSERT_EQ(0, mh_region(fd, (uint32_t)first, &r0));
	n = mh_nr_regions(fd);
	for (i = (uint32_t)first + 1; i < n; i++) {
		ASSERT_EQ(0, mh_region(fd, i, &ri));
		if ((ri.caps & MEMHEAP_CAP_8BIT) && ri.largest_free > r0.largest_free)
			break;
	}
	if (i == n)
		SKIP(goto out, "no later 8bit region larger than %s", r0.name);
	ASSERT_EQ(0, mh_alloc(fd, r0.largest_free + 1, MEMHEAP_CAP_8BIT,
			      MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	EXPECT_EQ(expected_region(fd, MEMHEAP_CAP_8BIT, r0.largest_free + 1),
		  (int)a.region_out);
	EXPECT_LT((uint32_t)first, a.region_out);
	ASSERT_EQ(0, mh_free(fd, a.handle));
out:
	close(fd);
}

/* MEMHEAP_ALLOC_REGION still requires the region to have @caps. */
TEST(region_flag_keeps_caps)
{
	struct memheap_region_info ri;
	struct mh_snapshot base, now;
	struct memheap_alloc a;
	uint32_t r, n, missing;
	int fd = mh_open(), ret, tested = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_snapshot(fd, &base));
	n = mh_nr_regions(fd);
	for (r = 0; r < n; r++) {
		ASSERT_EQ(0, mh_region(fd, r, &ri));
		missing = MEMHEAP_CAPS_ALL & ~ri.caps;
		if (!missing)
			continue;
		missing &= -missing;	/* one capability it lacks */
		ret = mh_alloc(fd, 1, missing, r, MH_MAP_NONE, &a);
		EXPECT_TRUE(ret == -EINVAL || ret == -ENODEV) {
			TH_LOG("region %s lacks 0x%x: got %d", ri.name, missing, ret);
		}
		tested++;
		/* With its own caps it works. */
		ASSERT_EQ(0, mh_alloc(fd, 1, ri.caps, r, MH_MAP_NONE, &a));
		EXPECT_EQ(r, a.region_out);
		ASSERT_EQ(0, mh_free(fd, a.handle));
	}
	ASSERT_EQ(0, mh_snapshot(fd, &now));
	EXPECT_EQ(0, mh_snapshot_diff(&base, &now));
	if (!tested)
		SKIP(goto out, "every region has every capability");
out:
	close(fd);
}

/* Alignment shows in device addresses (we are root) of a DMA region. */
TEST(alignment_of_dma_buffers)
{
	uint64_t page = (uint64_t)mh_page_size(), align;
	struct memheap_region_info ri;
	struct memheap_alloc a, pad;
	int fd = mh_open(), dma;

	ASSERT_LE(0, fd);
	dma = mh_find_region(fd, MEMHEAP_CAP_DMA);
	if (dma < 0)
		SKIP(goto out, "no DMA region");
	ASSERT_EQ(0, mh_region(fd, (uint32_t)dma, &ri));
	/* A one-page buffer first, so the next aligned one must skip ahead. */
	ASSERT_EQ(0, mh_alloc(fd, page, 0, (uint32_t)dma, MH_MAP_NONE, &pad));
	for (align = 1; align <= ri.size / 4; align <<= 1) {
		memset(&a, 0, sizeof(a));
		a.size = page;
		a.align = align;
		a.flags = MEMHEAP_ALLOC_REGION;
		a.region = (uint32_t)dma;
		a.caps = ri.caps;
		ASSERT_EQ(0, mh_ioctl(fd, MEMHEAP_IOC_ALLOC, &a)) {
			TH_LOG("align %" PRIu64, align);
		}
		EXPECT_EQ(0, a.dev_addr % (align < page ? page : align)) {
			TH_LOG("align %" PRIu64 ": dev_addr 0x%llx", align,
			       (unsigned long long)a.dev_addr);
		}
		ASSERT_EQ(0, mh_free(fd, a.handle));
	}
	ASSERT_EQ(0, mh_free(fd, pad.handle));
out:
	close(fd);
}

/*
 * Page buffers fill a region to the last page; the next one fails and is
 * counted; freeing everything restores the region.
 */
TEST(exhaust_and_recover)
{
	uint64_t page = (uint64_t)mh_page_size();
	struct memheap_region_info before, full, after;
	struct memheap_alloc a;
	uint32_t *handles, r, n, i, count;
	int fd = mh_open();

	ASSERT_LE(0, fd);
	n = mh_nr_regions(fd);
	for (r = 0; r < n; r++) {
		ASSERT_EQ(0, mh_region(fd, r, &before));
		handles = calloc(before.free / page + 1, sizeof(*handles));
		ASSERT_NE(NULL, handles);
		for (count = 0; count <= before.free / page; count++) {
			if (mh_alloc(fd, page, 0, r, MH_MAP_NONE, &a))
				break;
			handles[count] = a.handle;
		}
		EXPECT_EQ(before.free / page, count) TH_LOG("region %s", before.name);
		EXPECT_EQ(-ENOMEM, mh_alloc(fd, page, 0, r, MH_MAP_NONE, &a));
		ASSERT_EQ(0, mh_region(fd, r, &full));
		EXPECT_EQ(0, full.free);
		EXPECT_EQ(0, full.largest_free);
		EXPECT_EQ(0, full.min_free);
		EXPECT_EQ(before.size, full.used);
		/* The loop's last try and the explicit one both failed. */
		EXPECT_EQ(before.failures + 2, full.failures);
		EXPECT_EQ(before.live + count, full.live);
		/* Free in an interleaved order to exercise merging. */
		for (i = 0; i < count; i += 2)
			ASSERT_EQ(0, mh_free(fd, handles[i]));
		for (i = 1; i < count; i += 2)
			ASSERT_EQ(0, mh_free(fd, handles[i]));
		free(handles);
		ASSERT_EQ(0, mh_region(fd, r, &after));
		EXPECT_EQ(before.used, after.used);
		EXPECT_EQ(before.largest_free, after.largest_free);
		EXPECT_EQ(before.live, after.live);
		EXPECT_EQ(0, after.min_free);
		EXPECT_EQ(0, mh_check_errors(fd));
	}
	close(fd);
}

MEMHEAP_TEST_MAIN
