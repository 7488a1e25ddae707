// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer lifetime: memory stays valid, and its range unused, as long as
 * a mapping or a dma-buf refers to it, whatever happened to the handle,
 * the open file or the process; then it all comes back.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <drm/drm.h>
#include <linux/dma-buf.h>

#include "kselftest_harness.h"
#include "memheap_test.h"

#define PAGES 4

static void expect_baseline(struct __test_metadata *_metadata, const struct mh_snapshot *base)
{
	struct mh_snapshot now;
	int diff;

	ASSERT_EQ(0, mh_snapshot_now(&now));
	diff = mh_snapshot_diff(base, &now);
	EXPECT_EQ(0, diff) {
		if (diff > 0 && diff <= (int)MH_MAX_REGIONS)
			TH_LOG("region %d: used %llu (was %llu), live %llu (was %llu)",
			       diff - 1, (unsigned long long)now.used[diff - 1],
			       (unsigned long long)base->used[diff - 1],
			       (unsigned long long)now.live[diff - 1],
			       (unsigned long long)base->live[diff - 1]);
	}
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Freed while mapped: the handle is gone, the memory is not.  Fresh
 * allocations filling the region never land on it (device addresses of
 * a DMA region prove where they are; the contents prove it anywhere).
 */
TEST(free_while_mapped)
{
	struct memheap_region_info before, freed, after;
	struct memheap_buffer_info bi;
	struct mh_snapshot base;
	struct memheap_alloc a, b;
	uint64_t page = (uint64_t)mh_page_size(), size = PAGES * page;
	uint32_t *handles, n = 0, i, seed;
	uint8_t *p, *q;
	int fd = mh_open(), r;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_snapshot(fd, &base));
	r = mh_find_region(fd, MEMHEAP_CAP_DMA);
	if (r < 0)
		r = 0;
	ASSERT_EQ(0, mh_region(fd, (uint32_t)r, &before));
	ASSERT_EQ(0, mh_alloc(fd, size, 0, (uint32_t)r, MH_MAP_NONE, &a));
	p = mh_map(fd, a.mmap_offset, size);
	ASSERT_NE(MAP_FAILED, p);
	mh_fill(p, size, 1000);
	ASSERT_EQ(0, mh_free(fd, a.handle));
	EXPECT_EQ(-ENOENT, mh_buffer(fd, a.handle, &bi));
	EXPECT_EQ(-ENOENT, mh_free(fd, a.handle));

	ASSERT_EQ(0, mh_region(fd, (uint32_t)r, &freed));
	EXPECT_EQ(before.used + size, freed.used);
	EXPECT_EQ(before.live + 1, freed.live);

	/* Fill the rest of the region; nothing may overlap the freed buffer. */
	handles = calloc(before.size / size + 1, sizeof(*handles));
	ASSERT_NE(NULL, handles);
	while (!mh_alloc(fd, size, 0, (uint32_t)r, MH_MAP_NONE, &b)) {
		handles[n] = b.handle;
		seed = 2000 + n++;
		if (a.dev_addr)
			EXPECT_FALSE(overlaps(a.dev_addr, size, b.dev_addr, size));
		q = mh_map(fd, b.mmap_offset, size);
		ASSERT_NE(MAP_FAILED, q);
		EXPECT_EQ(size, mh_first_nonzero(q, size));
		mh_fill(q, size, seed);
		munmap(q, size);
	}
	EXPECT_EQ((before.free - size) / size, n);
	EXPECT_EQ(size, mh_verify(p, size, 1000));
	mh_fill(p, size, 1001);
	EXPECT_EQ(size, mh_verify(p, size, 1001));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, mh_free(fd, handles[i]));
	free(handles);

	/* The last mapping goes: so does the buffer. */
	munmap(p, size);
	ASSERT_EQ(0, mh_region(fd, (uint32_t)r, &after));
	EXPECT_EQ(before.used, after.used);
	EXPECT_EQ(before.live, after.live);
	EXPECT_EQ(before.largest_free, after.largest_free);
	EXPECT_EQ(0, mh_check_errors(fd));
	close(fd);
	expect_baseline(_metadata, &base);
}

/* A process killed while holding buffers, mappings and a dma-buf leaves nothing. */
TEST(killed_process_returns_everything)
{
	struct mh_snapshot base, held;
	int ready[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, mh_snapshot_now(&base));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct memheap_export e = { .flags = O_RDWR };
		struct memheap_alloc a;
		uint32_t i, n = base.nr;
		int fd = mh_open();
		void *p;

		if (fd < 0)
			_exit(10);
		for (i = 0; i < 2 * n; i++) {
			if (mh_alloc(fd, (i + 1) * mh_page_size(), 0, i % n, MH_MAP_NONE, &a))
				_exit(11);
			if (i % 2 == 0) {
				p = mh_map(fd, a.mmap_offset, a.size_out);
				if (p == MAP_FAILED)
					_exit(12);
				memset(p, 0xee, a.size_out);
			}
		}
		e.handle = a.handle;
		if (mh_ioctl(fd, MEMHEAP_IOC_EXPORT, &e))
			_exit(13);
		if (write(ready[1], "r", 1) != 1)
			_exit(14);
		for (;;)
			pause();
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	ASSERT_EQ(0, mh_snapshot_now(&held));
	EXPECT_NE(0, mh_snapshot_diff(&base, &held));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	expect_baseline(_metadata, &base);
}

/*
 * fork(): the child shares the parent's mapping (both see each other's
 * writes) and keeps the buffer alive after the parent freed, unmapped and
 * closed everything.
 */
TEST(fork_shares_and_keeps_mappings)
{
	struct mh_snapshot base;
	struct memheap_alloc a;
	int fd = mh_open(), to_child[2], to_parent[2], status;
	size_t size;
	uint8_t *p;
	char c;
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_snapshot(fd, &base));
	ASSERT_EQ(0, mh_alloc(fd, PAGES * mh_page_size(), 0, MEMHEAP_REGION_ANY,
			      MH_MAP_NONE, &a));
	size = a.size_out;
	p = mh_map(fd, a.mmap_offset, size);
	ASSERT_NE(MAP_FAILED, p);
	mh_fill(p, size, 1);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct memheap_buffer_info bi;

		/* Same open file: the handle works here. */
		if (mh_buffer(fd, a.handle, &bi) || bi.size != size)
			_exit(10);
		close(fd);
		if (mh_verify(p, size, 1) != size)
			_exit(11);
		mh_fill(p, size, 2);
		if (write(to_parent[1], "w", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(12);
		/* The parent freed, unmapped and closed: still ours. */
		if (mh_verify(p, size, 3) != size)
			_exit(13);
		mh_fill(p, size, 4);
		if (mh_verify(p, size, 4) != size)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	EXPECT_EQ(size, mh_verify(p, size, 2));
	mh_fill(p, size, 3);
	ASSERT_EQ(0, munmap(p, size));
	ASSERT_EQ(0, mh_free(fd, a.handle));
	close(fd);
	ASSERT_EQ(1, write(to_child[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	expect_baseline(_metadata, &base);
}

/*
 * close() with live mappings: they stay valid (a mapping holds the open
 * file, so what the file owns is released with the last mapping), and
 * once the last one goes everything is back.
 */
TEST(close_with_live_mappings)
{
	struct mh_snapshot base, held;
	struct memheap_alloc a, b, c;
	uint8_t *p, *q;
	int fd = mh_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_snapshot(fd, &base));
	ASSERT_EQ(0, mh_alloc(fd, 2 * mh_page_size(), 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	ASSERT_EQ(0, mh_alloc(fd, 3 * mh_page_size(), 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &b));
	/* And one buffer nobody maps. */
	ASSERT_EQ(0, mh_alloc(fd, mh_page_size(), 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &c));
	p = mh_map(fd, a.mmap_offset, a.size_out);
	q = mh_map(fd, b.mmap_offset, b.size_out);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, q);
	mh_fill(p, a.size_out, 5);
	mh_fill(q, b.size_out, 6);
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(a.size_out, mh_verify(p, a.size_out, 5));
	EXPECT_EQ(b.size_out, mh_verify(q, b.size_out, 6));
	ASSERT_EQ(0, munmap(p, a.size_out));
	/* The remaining mapping still holds its buffer. */
	ASSERT_EQ(0, mh_snapshot_now(&held));
	EXPECT_LE(base.used[b.region_out] + b.size_out, held.used[b.region_out]);
	EXPECT_LE(base.live[b.region_out] + 1, held.live[b.region_out]);
	EXPECT_EQ(b.size_out, mh_verify(q, b.size_out, 6));
	mh_fill(q, b.size_out, 7);
	EXPECT_EQ(b.size_out, mh_verify(q, b.size_out, 7));
	ASSERT_EQ(0, munmap(q, b.size_out));
	expect_baseline(_metadata, &base);
}

/* Export, then drop handle, mapping and device file: the dma-buf still works. */
TEST(dmabuf_outlives_the_file)
{
	struct memheap_export e = { .flags = O_RDWR | O_CLOEXEC };
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	struct memheap_buffer_info bi;
	struct mh_snapshot base, held;
	struct memheap_alloc a;
	uint8_t *p;
	size_t size;
	int fd = mh_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_snapshot(fd, &base));
	ASSERT_EQ(0, mh_alloc(fd, PAGES * mh_page_size(), 0, MEMHEAP_REGION_ANY,
			      MH_MAP_NONE, &a));
	size = a.size_out;
	p = mh_map(fd, a.mmap_offset, size);
	ASSERT_NE(MAP_FAILED, p);
	mh_fill(p, size, 7);
	e.handle = a.handle;
	ASSERT_EQ(0, mh_ioctl(fd, MEMHEAP_IOC_EXPORT, &e));
	ASSERT_LE(0, e.fd);
	ASSERT_EQ(0, mh_buffer(fd, a.handle, &bi));
	EXPECT_EQ(MEMHEAP_BUFFER_MAPPED | MEMHEAP_BUFFER_EXPORTED, bi.flags);
	ASSERT_EQ(0, munmap(p, size));
	ASSERT_EQ(0, mh_free(fd, a.handle));
	ASSERT_EQ(0, close(fd));

	ASSERT_EQ(0, mh_snapshot_now(&held));
	EXPECT_EQ(base.used[a.region_out] + size, held.used[a.region_out]);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, e.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, ioctl(e.fd, DMA_BUF_IOCTL_SYNC, &sync));
	EXPECT_EQ(size, mh_verify(p, size, 7));
	mh_fill(p, size, 8);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	EXPECT_EQ(0, ioctl(e.fd, DMA_BUF_IOCTL_SYNC, &sync));
	/* Past the dma-buf's size: refused. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size + mh_page_size(), PROT_READ, MAP_SHARED, e.fd, 0));
	/* The mapping holds the dma-buf after its fd is closed. */
	ASSERT_EQ(0, close(e.fd));
	EXPECT_EQ(size, mh_verify(p, size, 8));
	ASSERT_EQ(0, munmap(p, size));
	expect_baseline(_metadata, &base);
}

/* The DRM card driven by vgem (by its driver name), opened; -1 if none. */
static int open_vgem(void)
{
	char path[300], name[32];
	struct drm_version v;
	struct dirent *de;
	int fd = -1;
	DIR *d;

	d = opendir("/dev/dri");
	if (!d)
		return -1;
	while ((de = readdir(d)) && fd < 0) {
		if (strncmp(de->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&v, 0, sizeof(v));
		memset(name, 0, sizeof(name));
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) || strcmp(name, "vgem")) {
			close(fd);
			fd = -1;
		}
	}
	closedir(d);
	return fd;
}

/*
 * Does this kernel let a driver hand out the struct pages of no-map
 * reserved memory (pfn_valid())?  From Linux 5.14 on, yes.  Before, arm64's
 * pfn_valid() left out memory outside the linear map, so memheap refuses
 * to attach a dma-buf of a no-map carveout with EOPNOTSUPP, as
 * kmod/README.md says of memory without struct page.  The board's DT and
 * parameter carveouts are all no-map (selftests/qemu/board.conf).
 */
static bool nomap_has_pages(void)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 5 || (major == 5 && minor >= 14);
}

/*
 * One buffer of @region exported and imported by vgem: vgem keeps it
 * after every user-space reference on our side is gone, and gives back
 * our dma-buf, through which what we wrote reads back.
 */
static void vgem_import(struct __test_metadata *_metadata, int card, uint32_t region)
{
	struct memheap_export e = { .flags = O_RDWR | O_CLOEXEC };
	struct drm_prime_handle prime = { 0 };
	struct drm_prime_handle back = { 0 };
	struct drm_gem_close gclose = { 0 };
	struct memheap_region_info ri;
	struct mh_snapshot base, held;
	struct memheap_alloc a;
	bool attachable;
	size_t size;
	uint8_t *p;
	int fd, ret, err;

	fd = mh_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_region(fd, region, &ri));
	attachable = ri.origin == MEMHEAP_ORIGIN_SELF || nomap_has_pages();
	ASSERT_EQ(0, mh_snapshot(fd, &base));
	ASSERT_EQ(0, mh_alloc(fd, PAGES * mh_page_size(), 0, region, MH_MAP_NONE, &a)) {
		TH_LOG("region %s: alloc: %s", ri.name, strerror(errno));
	}
	size = a.size_out;
	p = mh_map(fd, a.mmap_offset, size);
	ASSERT_NE(MAP_FAILED, p);
	mh_fill(p, size, 11 + region);
	ASSERT_EQ(0, munmap(p, size));
	e.handle = a.handle;
	ASSERT_EQ(0, mh_ioctl(fd, MEMHEAP_IOC_EXPORT, &e));
	prime.fd = e.fd;
	ret = ioctl(card, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime);
	err = ret ? errno : 0;
	if (!attachable) {
		/* the documented refusal, and nothing held afterwards */
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EOPNOTSUPP, err);
		TH_LOG("kernel-specific: %s (no-map carveout): vgem import refused with EOPNOTSUPP as documented: before Linux 5.14, arm64's pfn_valid() excludes no-map memory, so it has no struct page to share",
		       ri.name);
		if (!ret) {
			gclose.handle = prime.handle;
			ioctl(card, DRM_IOCTL_GEM_CLOSE, &gclose);
		}
		close(e.fd);
		mh_free(fd, a.handle);
		close(fd);
		expect_baseline(_metadata, &base);
		return;
	}
	ASSERT_EQ(0, ret) {
		TH_LOG("region %s: vgem import: %s", ri.name, strerror(err));
	}
	/* Only vgem holds it now. */
	ASSERT_EQ(0, close(e.fd));
	ASSERT_EQ(0, mh_free(fd, a.handle));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, mh_snapshot_now(&held));
	EXPECT_EQ(base.used[a.region_out] + size, held.used[a.region_out]);

	/*
	 * vgem refuses to map imported objects itself; asking it for the
	 * object's dma-buf gives back ours, kept alive by the import.
	 */
	back.handle = prime.handle;
	back.flags = DRM_CLOEXEC | DRM_RDWR;
	ASSERT_EQ(0, ioctl(card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &back));
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, back.fd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap of the dma-buf from vgem: %s", strerror(errno));
	EXPECT_EQ(size, mh_verify(p, size, 11 + region)) {
		TH_LOG("region %s: contents through vgem's dma-buf differ", ri.name);
	}
	munmap(p, size);
	close(back.fd);
	gclose.handle = prime.handle;
	ASSERT_EQ(0, ioctl(card, DRM_IOCTL_GEM_CLOSE, &gclose));
	expect_baseline(_metadata, &base);
}

/* Every region's buffers, imported by an importer (vgem). */
TEST(dmabuf_imported_by_vgem)
{
	uint32_t r, n;
	int fd, card, ret;

	card = open_vgem();
	if (card < 0) {
		ret = system("modprobe vgem >/dev/null 2>&1");
		card = ret == 0 ? open_vgem() : -1;
	}
	if (card < 0)
		SKIP(return, "vgem not available");
	fd = mh_open();
	ASSERT_LE(0, fd);
	n = mh_nr_regions(fd);
	close(fd);
	ASSERT_LT(0, n);
	for (r = 0; r < n; r++)
		vgem_import(_metadata, card, r);
	close(card);
}

MEMHEAP_TEST_MAIN
