/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the memheap kselftests: device access, ioctl wrappers
 * returning -errno, region snapshots (to prove that a test lost nothing)
 * and the main() that skips (exit 4) when the device is absent.
 *
 * Include after kselftest_harness.h.
 */
#ifndef MEMHEAP_TEST_H
#define MEMHEAP_TEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/memheap.h>

#define MH_MAX_REGIONS	64
#define MH_MAP_NONE	0xffffffffU	/* mh_alloc(): use the region's default mode */

static inline long mh_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Open the device; -errno on failure. */
static inline int mh_open(void)
{
	int fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* ioctl() that returns 0 or -errno. */
static inline int mh_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static inline int mh_info(int fd, struct memheap_info *info)
{
	memset(info, 0, sizeof(*info));
	return mh_ioctl(fd, MEMHEAP_IOC_INFO, info);
}

static inline int mh_region(int fd, uint32_t index, struct memheap_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->index = index;
	return mh_ioctl(fd, MEMHEAP_IOC_REGION_QUERY, ri);
}

static inline uint32_t mh_nr_regions(int fd)
{
	struct memheap_info info;

	return mh_info(fd, &info) ? 0 : info.nr_regions;
}

/*
 * Allocate @size bytes with @caps.  @region is an index or
 * MEMHEAP_REGION_ANY; @map_mode a MEMHEAP_MAP_* or MH_MAP_NONE.
 * Caps 0 means DEFAULT to the kernel, which a named region need not
 * have: with a region and caps 0 this asks for the region's own caps.
 */
static inline int mh_alloc(int fd, uint64_t size, uint32_t caps, uint32_t region,
			   uint32_t map_mode, struct memheap_alloc *a)
{
	if (region != MEMHEAP_REGION_ANY && !caps) {
		struct memheap_region_info ri = { .index = region };

		if (!ioctl(fd, MEMHEAP_IOC_REGION_QUERY, &ri))
			caps = ri.caps;
	}
	memset(a, 0, sizeof(*a));
	a->size = size;
	a->caps = caps;
	if (region != MEMHEAP_REGION_ANY) {
		a->flags |= MEMHEAP_ALLOC_REGION;
		a->region = region;
	}
	if (map_mode != MH_MAP_NONE) {
		a->flags |= MEMHEAP_ALLOC_MAP_SET;
		a->map_mode = map_mode;
	}
	return mh_ioctl(fd, MEMHEAP_IOC_ALLOC, a);
}

static inline int mh_free(int fd, uint32_t handle)
{
	struct memheap_handle_arg h = { .handle = handle };

	return mh_ioctl(fd, MEMHEAP_IOC_FREE, &h);
}

static inline int mh_buffer(int fd, uint32_t handle, struct memheap_buffer_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	bi->handle = handle;
	return mh_ioctl(fd, MEMHEAP_IOC_BUFFER_QUERY, bi);
}

/* Integrity check of every pool: errors found, or -errno. */
static inline int mh_check_errors(int fd)
{
	struct memheap_check c = { .region = MEMHEAP_REGION_ANY };
	int ret = mh_ioctl(fd, MEMHEAP_IOC_CHECK, &c);

	return ret ? ret : (int)c.errors;
}

/* Map @len bytes of the buffer at @offset; MAP_FAILED on error (errno set). */
static inline void *mh_map(int fd, uint64_t offset, size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
}

/* Index of the first region (index order) having all of @caps, or -1. */
static inline int mh_find_region(int fd, uint32_t caps)
{
	struct memheap_region_info ri;
	uint32_t i, n = mh_nr_regions(fd);

	for (i = 0; i < n; i++)
		if (!mh_region(fd, i, &ri) && (ri.caps & caps) == caps)
			return (int)i;
	return -1;
}

/* The counters a test must leave as it found them. */
struct mh_snapshot {
	uint32_t nr;
	uint64_t used[MH_MAX_REGIONS];
	uint64_t live[MH_MAX_REGIONS];
	uint64_t largest_free[MH_MAX_REGIONS];
};

static inline int mh_snapshot(int fd, struct mh_snapshot *s)
{
	struct memheap_region_info ri;
	uint32_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->nr = mh_nr_regions(fd);
	if (s->nr > MH_MAX_REGIONS)
		return -E2BIG;
	for (i = 0; i < s->nr; i++) {
		ret = mh_region(fd, i, &ri);
		if (ret)
			return ret;
		s->used[i] = ri.used;
		s->live[i] = ri.live;
		s->largest_free[i] = ri.largest_free;
	}
	return 0;
}

/*
 * 0 when @now equals @base region by region, else the index of the first
 * differing region + 1 (printed by the caller).
 */
static inline int mh_snapshot_diff(const struct mh_snapshot *base,
				   const struct mh_snapshot *now)
{
	uint32_t i;

	if (base->nr != now->nr)
		return (int)MH_MAX_REGIONS + 1;
	for (i = 0; i < base->nr; i++)
		if (base->used[i] != now->used[i] || base->live[i] != now->live[i] ||
		    base->largest_free[i] != now->largest_free[i])
			return (int)i + 1;
	return 0;
}

/* Snapshot through a fresh open file, so @fd-independent. */
static inline int mh_snapshot_now(struct mh_snapshot *s)
{
	int fd = mh_open(), ret;

	if (fd < 0)
		return fd;
	ret = mh_snapshot(fd, s);
	close(fd);
	return ret;
}

/* Byte pattern that differs per buffer and per offset. */
static inline uint8_t mh_pattern(uint32_t seed, size_t i)
{
	return (uint8_t)(seed * 131u + i * 7u + (i >> 12) + 1u);
}

static inline void mh_fill(volatile uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = mh_pattern(seed, i);
}

/* Offset of the first byte that does not match, or len when all do. */
static inline size_t mh_verify(const volatile uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != mh_pattern(seed, i))
			return i;
	return len;
}

/* Offset of the first non-zero byte, or len. */
static inline size_t mh_first_nonzero(const volatile uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return i;
	return len;
}

/* Read a whole small file (sysfs, proc) into @buf; -errno on failure. */
static inline int mh_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static inline int mh_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

#define MH_PARAM_DIR "/sys/module/memheap/parameters/"

/* Open descriptors of this process (to prove a call left none behind). */
static inline int mh_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/*
 * Every test program needs the device, root (the device is 0600 and some
 * checks need CAP_SYS_ADMIN) and at least one region; without them it
 * skips as a whole with exit code 4.
 */
static inline void mh_require_device(void)
{
	struct memheap_info info;
	int fd;

	if (geteuid() != 0) {
		ksft_print_header();
		ksft_exit_skip("not root\n");
	}
	fd = mh_open();
	if (fd < 0) {
		ksft_print_header();
		ksft_exit_skip("%s: %s (module not loaded?)\n",
			       MEMHEAP_DEVICE_PATH, strerror(-fd));
	}
	if (mh_info(fd, &info) || info.nr_regions == 0) {
		ksft_print_header();
		ksft_exit_skip("memheap has no regions\n");
	}
	close(fd);
}

#define MEMHEAP_TEST_MAIN \
	int main(int argc, char **argv) \
	{ \
		mh_require_device(); \
		return test_harness_run(argc, argv); \
	}

#endif /* MEMHEAP_TEST_H */
