// SPDX-License-Identifier: GPL-2.0
/*
 * fault_ops: the workload of check-debug's fault-injection pass.
 *
 *   fault_ops ops ITERATIONS THREADS   alloc/map/export/lifetime/netlink
 *                                      loops, THREADS at once
 *   fault_ops audit                    no buffer left anywhere, every
 *                                      region's CHECK clean
 *
 * Run with failslab / fail_page_alloc armed for this process (make-it-fail)
 * and for stacks inside memheap.ko: any call may fail, but only with a
 * clean error.  "ops" counts every call's outcome; an outcome that is not
 * success or a resource error (ENOMEM, ENOBUFS, ENOSPC, EAGAIN) is printed
 * and fails the run, and so does memory that does not read back what was
 * written, or a zero-filled buffer that is not zero.  Whatever succeeded is
 * undone; "audit" (run afterwards without injection) then finds nothing
 * held: the driver leaks nothing even when half its calls failed.
 *
 * Exit: 0 clean, 1 an unclean outcome, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/memheap.h>

#include "../mh_genl.h"

static atomic_long calls, fails, unclean;
static atomic_long by_errno[160];
static long page;

static int clean_errno(int e)
{
	return e == ENOMEM || e == ENOBUFS || e == ENOSPC || e == EAGAIN;
}

/* Account one call: 0 on success, -errno otherwise (printed if unclean). */
static int note(const char *what, int ret, int err)
{
	atomic_fetch_add(&calls, 1);
	if (ret >= 0)
		return 0;
	atomic_fetch_add(&fails, 1);
	if (err > 0 && err < 160)
		atomic_fetch_add(&by_errno[err], 1);
	if (!clean_errno(err)) {
		atomic_fetch_add(&unclean, 1);
		fprintf(stderr, "fault_ops: %s: unclean error %d (%s)\n", what, err, strerror(err));
	}
	return -err;
}

static void bad(const char *what)
{
	atomic_fetch_add(&unclean, 1);
	fprintf(stderr, "fault_ops: %s\n", what);
}

static int netlink_round(void)
{
	struct mh_genl g;
	struct mh_genl_req r;
	char ext[128];
	int ret;

	ret = mh_genl_open(&g);
	if (note("netlink open", ret, -ret))
		return 0;
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, true);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	note("netlink region dump", ret, -ret);
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
	mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, 0);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	note("netlink region get", ret, -ret);
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_USAGE_GET, true);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	note("netlink usage dump", ret, -ret);
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_EXTENT_GET, true);
	mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, 1);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	note("netlink extent dump", ret, -ret);
	mh_genl_close(&g);
	return 0;
}

/* Check a mapping reads as zero, write a pattern, read it back. */
static void touch(volatile unsigned char *p, size_t len, unsigned char v)
{
	size_t i;

	for (i = 0; i < len; i += (size_t)page / 4)
		if (p[i] != 0 && p[i] != v)
			bad("mapped memory holds another buffer's bytes");
	for (i = 0; i < len; i += (size_t)page / 4)
		p[i] = v;
	for (i = 0; i < len; i += (size_t)page / 4)
		if (p[i] != v)
			bad("mapped memory does not read back");
}

static void one_buffer(int fd, uint32_t nr_regions, unsigned int n)
{
	struct memheap_alloc a = { .size = (uint64_t)page * (1 + n % 5) };
	struct memheap_handle_arg h = { 0 };
	struct memheap_export x = { .flags = O_RDWR | O_CLOEXEC };
	struct memheap_buffer_info bi = { 0 };
	void *map = MAP_FAILED, *dmap = MAP_FAILED;
	int ret, exported = 0;

	if (nr_regions) {
		/* a named region is asked for with its own caps (caps 0 would
		 * mean DEFAULT, which not every region has: ENODEV)
		 */
		struct memheap_region_info ri = { .index = n % nr_regions };

		ret = ioctl(fd, MEMHEAP_IOC_REGION_QUERY, &ri);
		if (note("region query", ret, errno))
			return;
		a.flags = MEMHEAP_ALLOC_REGION;
		a.region = ri.index;
		a.caps = ri.caps;
	}
	ret = ioctl(fd, MEMHEAP_IOC_ALLOC, &a);
	if (note("alloc", ret, errno))
		return;
	bi.handle = a.handle;
	ret = ioctl(fd, MEMHEAP_IOC_BUFFER_QUERY, &bi);
	note("buffer query", ret, errno);
	map = mmap(NULL, a.size_out, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)a.mmap_offset);
	if (!note("mmap", map == MAP_FAILED ? -1 : 0, errno))
		touch(map, a.size_out, (unsigned char)(n | 1));
	x.handle = a.handle;
	ret = ioctl(fd, MEMHEAP_IOC_EXPORT, &x);
	if (!note("export", ret, errno)) {
		exported = 1;
		dmap = mmap(NULL, a.size_out, PROT_READ | PROT_WRITE, MAP_SHARED, x.fd, 0);
		if (!note("dma-buf mmap", dmap == MAP_FAILED ? -1 : 0, errno))
			touch(dmap, a.size_out, (unsigned char)(n | 1));
	}
	/* lifetime: free the handle while the mapping and the dma-buf live */
	h.handle = a.handle;
	ret = ioctl(fd, MEMHEAP_IOC_FREE, &h);
	if (ret)
		bad("free of a live handle failed");
	if (map != MAP_FAILED)
		munmap(map, a.size_out);
	if (dmap != MAP_FAILED)
		munmap(dmap, a.size_out);
	if (exported)
		close(x.fd);
}

struct worker {
	unsigned int iterations;
	unsigned int id;
};

static void *work(void *arg)
{
	const struct worker *w = arg;
	unsigned int i;

	for (i = 0; i < w->iterations; i++) {
		struct memheap_info info = { 0 };
		int fd = open("/dev/memheap", O_RDWR | O_CLOEXEC);

		if (note("open", fd, errno))
			continue;
		if (!note("info", ioctl(fd, MEMHEAP_IOC_INFO, &info), errno)) {
			one_buffer(fd, info.nr_regions, i + w->id);
			/* a buffer left to the file's release */
			if (i % 3 == 0) {
				struct memheap_alloc a = { .size = (uint64_t)page };

				note("alloc (left to close)", ioctl(fd, MEMHEAP_IOC_ALLOC, &a), errno);
			}
		}
		close(fd);
		if (i % 4 == w->id % 4)
			netlink_round();
	}
	return NULL;
}

static int ops(unsigned int iterations, unsigned int threads)
{
	pthread_t tid[16];
	struct worker w[16];
	unsigned int t;
	int e;

	if (threads < 1 || threads > 16)
		return 2;
	for (t = 0; t < threads; t++) {
		w[t] = (struct worker){ .iterations = iterations, .id = t };
		while ((e = pthread_create(&tid[t], NULL, work, &w[t])) == EAGAIN)
			;	/* thread creation itself may meet an injected fault */
		if (e) {
			fprintf(stderr, "fault_ops: pthread_create: %s\n", strerror(e));
			return 1;
		}
	}
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	printf("fault_ops: %ld calls, %ld failed, %ld unclean;", atomic_load(&calls),
	       atomic_load(&fails), atomic_load(&unclean));
	for (e = 1; e < 160; e++)
		if (atomic_load(&by_errno[e]))
			printf(" %s %ld", strerror(e), atomic_load(&by_errno[e]));
	printf("\n");
	return atomic_load(&unclean) ? 1 : 0;
}

static int audit(void)
{
	struct memheap_info info = { 0 };
	struct memheap_check c = { .region = MEMHEAP_REGION_ANY };
	uint32_t i;
	int fd, rc = 0;

	fd = open("/dev/memheap", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, MEMHEAP_IOC_INFO, &info)) {
		perror("fault_ops audit: /dev/memheap");
		return 1;
	}
	for (i = 0; i < info.nr_regions; i++) {
		struct memheap_region_info r = { .index = i };

		if (ioctl(fd, MEMHEAP_IOC_REGION_QUERY, &r)) {
			perror("fault_ops audit: REGION_QUERY");
			rc = 1;
			continue;
		}
		printf("fault_ops audit: region %s used %llu live %llu allocs %llu failures %llu\n",
		       r.name, (unsigned long long)r.used, (unsigned long long)r.live,
		       (unsigned long long)r.allocs, (unsigned long long)r.failures);
		if (r.used || r.live) {
			printf("fault_ops audit: region %s still holds %llu bytes in %llu buffers\n",
			       r.name, (unsigned long long)r.used, (unsigned long long)r.live);
			rc = 1;
		}
	}
	if (ioctl(fd, MEMHEAP_IOC_CHECK, &c)) {
		perror("fault_ops audit: CHECK");
		rc = 1;
	} else if (c.errors) {
		printf("fault_ops audit: CHECK found %u errors (first region %u)\n",
		       c.errors, c.bad_region);
		rc = 1;
	} else {
		printf("fault_ops audit: CHECK clean on %u regions\n", info.nr_regions);
	}
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "ops"))
		return ops((unsigned int)strtoul(argv[2], NULL, 0),
			   (unsigned int)strtoul(argv[3], NULL, 0));
	if (argc == 2 && !strcmp(argv[1], "audit"))
		return audit();
	fprintf(stderr, "usage: fault_ops ops ITERATIONS THREADS | fault_ops audit\n");
	return 2;
}
