// SPDX-License-Identifier: GPL-2.0
/*
 * smoke.c - a quick in-guest check of memheap.ko during development
 * (the real suite is in selftests/).  Run it on the default board with
 * `make kmod-smoke`; it prints one line per check and exits 1 if any
 * failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/memheap.h>

static int failures;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		printf("ok   ");					\
	} else {							\
		printf("FAIL ");					\
		failures++;						\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* caps 0 means DEFAULT even with a region named: ask for the region's own */
static int alloc(int fd, uint64_t size, uint32_t region, int map_mode,
		 struct memheap_alloc *a)
{
	struct memheap_region_info ri = { .index = region };

	if (ioctl(fd, MEMHEAP_IOC_REGION_QUERY, &ri))
		return -errno;
	memset(a, 0, sizeof(*a));
	a->size = size;
	a->caps = ri.caps;
	a->flags = MEMHEAP_ALLOC_REGION;
	a->region = region;
	if (map_mode >= 0) {
		a->flags |= MEMHEAP_ALLOC_MAP_SET;
		a->map_mode = (uint32_t)map_mode;
	}
	return xioctl(fd, MEMHEAP_IOC_ALLOC, a);
}

static int release(int fd, uint32_t handle)
{
	struct memheap_handle_arg h = { .handle = handle };

	return xioctl(fd, MEMHEAP_IOC_FREE, &h);
}

static void query(int fd, uint32_t index, struct memheap_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->index = index;
	if (xioctl(fd, MEMHEAP_IOC_REGION_QUERY, ri))
		memset(ri, 0, sizeof(*ri));
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void check_region(int fd, uint32_t index)
{
	static const char * const modes[] = { "cached", "uncached", "wc" };
	struct memheap_region_info before, during, after;
	struct memheap_buffer_info bi;
	struct memheap_alloc a;
	unsigned char *p;
	int mode, err;

	query(fd, index, &before);
	printf("region %u %s caps %#x algo %u map %u origin %u size %llu free %llu dev %#llx\n",
	       index, before.name, before.caps, before.algo, before.map_mode,
	       before.origin, (unsigned long long)before.size,
	       (unsigned long long)before.free,
	       (unsigned long long)before.dev_addr);
	for (mode = 0; mode < 3; mode++) {
		err = alloc(fd, 3 * 4096 + 1, index, mode, &a);
		CHECK(!err, "%s/%s: alloc 3 pages + 1 byte (%d)", before.name,
		      modes[mode], err);
		if (err)
			continue;
		CHECK(a.size_out >= 4 * 4096 && a.region_out == index,
		      "%s/%s: size_out %llu region %u", before.name,
		      modes[mode], (unsigned long long)a.size_out,
		      a.region_out);
		p = mmap(NULL, a.size_out, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, (off_t)a.mmap_offset);
		CHECK(p != MAP_FAILED, "%s/%s: mmap", before.name,
		      modes[mode]);
		if (p == MAP_FAILED) {
			release(fd, a.handle);
			continue;
		}
		CHECK(all_bytes(p, a.size_out, 0), "%s/%s: reads as zero",
		      before.name, modes[mode]);
		memset(p, 0xa5, a.size_out);
		CHECK(all_bytes(p, a.size_out, 0xa5),
		      "%s/%s: pattern reads back", before.name, modes[mode]);
		memset(&bi, 0, sizeof(bi));
		bi.handle = a.handle;
		err = xioctl(fd, MEMHEAP_IOC_BUFFER_QUERY, &bi);
		CHECK(!err && (bi.flags & MEMHEAP_BUFFER_MAPPED) &&
		      bi.map_mode == (uint32_t)mode && bi.size == a.size_out,
		      "%s/%s: buffer query (%d, flags %#x)", before.name,
		      modes[mode], err, bi.flags);
		CHECK(!release(fd, a.handle), "%s/%s: free while mapped",
		      before.name, modes[mode]);
		query(fd, index, &during);
		CHECK(during.used == before.used + a.size_out &&
		      all_bytes(p, a.size_out, 0xa5),
		      "%s/%s: freed-but-mapped stays used and valid",
		      before.name, modes[mode]);
		munmap(p, a.size_out);
		query(fd, index, &after);
		CHECK(after.used == before.used, "%s/%s: unmap returns it",
		      before.name, modes[mode]);
	}
}

static void check_bad_input(int fd)
{
	struct memheap_alloc a;
	unsigned char big[sizeof(struct memheap_alloc) + 8];
	struct memheap_handle_arg h = { 0 };

	memset(&a, 0, sizeof(a));
	CHECK(xioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -EINVAL, "size 0: EINVAL");
	a.size = 4096;
	a.align = 3;
	CHECK(xioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -EINVAL,
	      "align 3: EINVAL");
	a.align = 0;
	a.reserved[1] = 1;
	CHECK(xioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -EINVAL,
	      "reserved set: EINVAL");
	a.reserved[1] = 0;
	a.flags = 1U << 7;
	CHECK(xioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -EINVAL,
	      "unknown flag: EINVAL");
	a.flags = 0;
	a.caps = MEMHEAP_CAPS_ALL + 1;
	CHECK(xioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -EINVAL,
	      "unknown cap: EINVAL");
	a.caps = MEMHEAP_CAP_SPIRAM | MEMHEAP_CAP_INTERNAL;
	CHECK(xioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -ENODEV,
	      "caps no region has: ENODEV");
	a.caps = 0;
	a.size = 1ULL << 40;
	CHECK(xioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -ENOMEM,
	      "huge size: ENOMEM");
	a.size = 4096;
	CHECK(xioctl(fd, _IOWR(MEMHEAP_IOC_MAGIC, 0x02, uint64_t), &a) ==
	      -EINVAL, "short structure: EINVAL");
	memset(big, 0, sizeof(big));
	memcpy(big, &a, sizeof(a));
	big[sizeof(a) + 3] = 1;
	CHECK(xioctl(fd, _IOWR(MEMHEAP_IOC_MAGIC, 0x02, big), big) == -E2BIG,
	      "oversized with garbage tail: E2BIG");
	CHECK(xioctl(fd, _IOWR(MEMHEAP_IOC_MAGIC, 0x20, a), &a) == -ENOTTY,
	      "unknown command: ENOTTY");
	CHECK(xioctl(fd, MEMHEAP_IOC_NOP, NULL) == 0, "NOP: 0");
	h.handle = 0x12345;
	CHECK(xioctl(fd, MEMHEAP_IOC_FREE, &h) == -ENOENT,
	      "unknown handle: ENOENT");
}

static void check_mmap_rules(int fd)
{
	struct memheap_alloc a;
	unsigned char *p;
	pid_t pid;
	int status;

	if (alloc(fd, 4096, 3, -1, &a)) {
		CHECK(0, "mmap rules: alloc");
		return;
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, (off_t)a.mmap_offset);
	CHECK(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE: EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
		 (off_t)(a.mmap_offset + 4096));
	CHECK(p == MAP_FAILED && errno == EINVAL,
	      "offset past the buffer: EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
		 (off_t)(a.mmap_offset + (1ULL << 40)));
	CHECK(p == MAP_FAILED && errno == EINVAL, "foreign window: EINVAL");
	p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)a.mmap_offset);
	CHECK(p != MAP_FAILED, "map 2 pages of a 1-page buffer");
	if (p != MAP_FAILED) {
		CHECK(mremap(p, 2 * 4096, 4 * 4096, 0) == MAP_FAILED,
		      "mremap growth refused");
		pid = fork();
		if (!pid) {
			p[4096] = 1;
			_exit(0);
		}
		waitpid(pid, &status, 0);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
		      "touch past the end: SIGBUS");
		p[0] = 7;
		munmap(p, 2 * 4096);
	}
	release(fd, a.handle);
}

static void check_firstfit_and_check(int fd)
{
	struct memheap_alloc x, y, z, w;
	struct memheap_check c;

	if (alloc(fd, 4096, 0, -1, &x) || alloc(fd, 8192, 0, -1, &y) ||
	    alloc(fd, 4096, 0, -1, &z)) {
		CHECK(0, "first-fit: allocs");
		return;
	}
	release(fd, y.handle);
	CHECK(!alloc(fd, 8192, 0, -1, &w) && w.dev_addr == y.dev_addr &&
	      w.dev_addr, "first-fit reuses the lowest hole (%#llx)",
	      (unsigned long long)w.dev_addr);
	memset(&c, 0, sizeof(c));
	c.region = MEMHEAP_REGION_ANY;
	CHECK(!xioctl(fd, MEMHEAP_IOC_CHECK, &c) && c.errors == 0 &&
	      c.bad_region == MEMHEAP_REGION_ANY, "integrity check: %u errors",
	      c.errors);
	release(fd, x.handle);
	release(fd, z.handle);
	release(fd, w.handle);
}

static void check_export(int fd)
{
	struct memheap_export e;
	struct memheap_alloc a;
	unsigned char *p, *q;

	if (alloc(fd, 4096, 1, -1, &a)) {
		CHECK(0, "export: alloc");
		return;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)a.mmap_offset);
	if (p == MAP_FAILED) {
		CHECK(0, "export: mmap");
		return;
	}
	memset(p, 0x3c, 4096);
	munmap(p, 4096);
	memset(&e, 0, sizeof(e));
	e.handle = a.handle;
	e.flags = O_RDWR | O_CLOEXEC;
	CHECK(!xioctl(fd, MEMHEAP_IOC_EXPORT, &e) && e.fd >= 0,
	      "export as dma-buf (fd %d)", e.fd);
	release(fd, a.handle);
	q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, e.fd, 0);
	CHECK(q != MAP_FAILED && all_bytes(q, 4096, 0x3c),
	      "dma-buf outlives FREE and maps the data");
	if (q != MAP_FAILED)
		munmap(q, 4096);
	close(e.fd);
}

static void check_file_limit(int fd)
{
	struct memheap_alloc a;
	FILE *f = fopen("/sys/module/memheap/parameters/file_limit", "w");

	if (!f) {
		CHECK(0, "file_limit writable");
		return;
	}
	fprintf(f, "8192\n");
	fclose(f);
	CHECK(alloc(fd, 3 * 4096, 0, -1, &a) == -ENOMEM,
	      "over file_limit: ENOMEM");
	f = fopen("/sys/module/memheap/parameters/file_limit", "w");
	if (f) {
		fprintf(f, "0\n");
		fclose(f);
	}
}

int main(void)
{
	struct memheap_info info;
	uint32_t i;
	int fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror(MEMHEAP_DEVICE_PATH);
		return 1;
	}
	memset(&info, 0, sizeof(info));
	CHECK(!xioctl(fd, MEMHEAP_IOC_INFO, &info) &&
	      info.abi_version == MEMHEAP_ABI_VERSION && info.page_size == 4096,
	      "info: abi %u, %u regions, page %llu", info.abi_version,
	      info.nr_regions, (unsigned long long)info.page_size);
	for (i = 0; i < info.nr_regions; i++)
		check_region(fd, i);
	check_bad_input(fd);
	check_mmap_rules(fd);
	if (info.nr_regions >= 4) {
		check_firstfit_and_check(fd);
		check_export(fd);
		check_file_limit(fd);
	}
	close(fd);
	printf("%s: %d failure(s)\n", failures ? "FAILED" : "passed", failures);
	return failures ? 1 : 0;
}
