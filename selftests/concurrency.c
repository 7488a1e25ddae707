// SPDX-License-Identifier: GPL-2.0
/*
 * Threads race alloc, free, query, mmap, munmap, export and close on
 * shared open files for a bounded number of rounds; afterwards every
 * region is back at its baseline and the pools pass their integrity
 * check.  Errors a race can legitimately cause (a handle freed by another
 * thread, a file closed by another thread) are allowed; any other error
 * fails the test.  No timing is asserted: the time cap only bounds the
 * run under emulation.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "kselftest_harness.h"
#include "memheap_test.h"

#define WORKERS		4
#define SLOTS		64
#define ROUNDS		600
#define MAX_SECONDS	4
#define KEPT_MAPS	8

struct race {
	int fd;				/* shared by every worker */
	_Atomic int side_fd;		/* opened and closed by the closer */
	_Atomic uint32_t slot[SLOTS];	/* live handles on fd, 0 = empty */
	_Atomic int stop;
	_Atomic int unexpected;
	_Atomic int first_op, first_err;
	uint32_t nr_regions;
	struct timespec deadline;
};

static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* Record an error that no race explains. */
static void unexpected(struct race *r, int op, int err)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&r->first_op, &zero, op))
		r->first_err = err;
	r->unexpected++;
}

static bool allowed(int err, const int *ok, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (err == ok[i])
			return true;
	return false;
}

/* Evaluates @err once: it may be the call itself. */
#define CHECK_ERR(r, op, err, ...) do { \
	static const int ok_[] = { 0, __VA_ARGS__ }; \
	int err_ = (err); \
	if (!allowed(err_, ok_, ARRAY_SIZE(ok_))) \
		unexpected((r), (op), err_); \
} while (0)

struct kept {
	void *addr;
	size_t len;
};

static void touch(volatile uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i += (size_t)mh_page_size()) {
		p[i] = (uint8_t)seed;
		(void)p[i];
	}
}

static void op_alloc(struct race *r, unsigned int *seed)
{
	uint32_t region = rand_r(seed) % 3 ? rand_r(seed) % r->nr_regions : MEMHEAP_REGION_ANY;
	uint32_t zero = 0;
	struct memheap_alloc a;
	int ret;

	ret = mh_alloc(r->fd, (uint64_t)(1 + rand_r(seed) % 4) * mh_page_size(), 0, region,
		       MH_MAP_NONE, &a);
	CHECK_ERR(r, 1, ret, -ENOMEM);
	if (ret)
		return;
	if (!atomic_compare_exchange_strong(&r->slot[rand_r(seed) % SLOTS], &zero, a.handle))
		CHECK_ERR(r, 2, mh_free(r->fd, a.handle));
}

static void op_free(struct race *r, unsigned int *seed)
{
	uint32_t h = atomic_exchange(&r->slot[rand_r(seed) % SLOTS], 0);

	/* We took it out of the table: nobody else frees it. */
	if (h)
		CHECK_ERR(r, 3, mh_free(r->fd, h));
}

/* Map a handle another thread may free at any moment. */
static void op_map(struct race *r, unsigned int *seed, struct kept *kept)
{
	uint32_t h = r->slot[rand_r(seed) % SLOTS];
	struct memheap_buffer_info bi;
	struct kept *k;
	void *p;
	int ret;

	if (!h)
		return;
	ret = mh_buffer(r->fd, h, &bi);
	CHECK_ERR(r, 4, ret, -ENOENT);
	if (ret)
		return;
	p = mh_map(r->fd, bi.mmap_offset, bi.size);
	if (p == MAP_FAILED) {
		CHECK_ERR(r, 5, -errno, -EINVAL);
		return;
	}
	touch(p, bi.size, *seed);
	k = &kept[rand_r(seed) % KEPT_MAPS];
	if (k->addr)
		munmap(k->addr, k->len);
	k->addr = p;
	k->len = bi.size;
}

static void op_export(struct race *r, unsigned int *seed)
{
	struct memheap_export e = { .flags = O_CLOEXEC | O_RDWR };
	void *p;
	int ret;

	e.handle = r->slot[rand_r(seed) % SLOTS];
	if (!e.handle)
		return;
	ret = mh_ioctl(r->fd, MEMHEAP_IOC_EXPORT, &e);
	CHECK_ERR(r, 6, ret, -ENOENT);
	if (ret)
		return;
	p = mmap(NULL, mh_page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, e.fd, 0);
	close(e.fd);
	if (p == MAP_FAILED) {
		unexpected(r, 7, -errno);
		return;
	}
	touch(p, mh_page_size(), *seed);
	munmap(p, mh_page_size());
}

/* Use the file the closer may be closing right now. */
static void op_side(struct race *r, unsigned int *seed)
{
	int fd = r->side_fd, ret;
	struct memheap_alloc a;
	void *p;

	if (fd < 0)
		return;
	ret = mh_alloc(fd, mh_page_size(), 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a);
	/* Closed (EBADF), or the number already reused by another file. */
	CHECK_ERR(r, 8, ret, -EBADF, -ENOTTY, -ENOMEM);
	if (ret)
		return;
	p = mh_map(fd, a.mmap_offset, a.size_out);
	if (p != MAP_FAILED) {
		touch(p, a.size_out, *seed);
		munmap(p, a.size_out);
	}
	if (rand_r(seed) % 2)
		CHECK_ERR(r, 9, mh_free(fd, a.handle), -EBADF, -ENOENT, -ENOTTY);
}

static void *worker(void *arg)
{
	struct race *r = arg;
	struct kept kept[KEPT_MAPS] = { { 0 } };
	unsigned int seed = (unsigned int)(uintptr_t)&kept;
	int i;

	for (i = 0; i < ROUNDS && !r->stop && !past(&r->deadline); i++) {
		switch (rand_r(&seed) % 8) {
		case 0: case 1: case 2:
			op_alloc(r, &seed);
			break;
		case 3: case 4:
			op_free(r, &seed);
			break;
		case 5:
			op_map(r, &seed, kept);
			break;
		case 6:
			op_export(r, &seed);
			break;
		default:
			op_side(r, &seed);
			break;
		}
	}
	for (i = 0; i < KEPT_MAPS; i++)
		if (kept[i].addr)
			munmap(kept[i].addr, kept[i].len);
	return NULL;
}

/* Opens a file, fills it with mapped buffers, closes it under the workers. */
static void *closer(void *arg)
{
	struct race *r = arg;
	struct kept maps[4];
	struct memheap_alloc a;
	int i, j, fd;

	for (i = 0; i < ROUNDS / 4 && !r->stop && !past(&r->deadline); i++) {
		fd = mh_open();
		if (fd < 0) {
			unexpected(r, 10, fd);
			break;
		}
		r->side_fd = fd;
		for (j = 0; j < 4; j++) {
			maps[j].addr = NULL;
			if (mh_alloc(fd, 8192, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a))
				continue;
			maps[j].addr = mh_map(fd, a.mmap_offset, a.size_out);
			maps[j].len = a.size_out;
			if (maps[j].addr == MAP_FAILED)
				maps[j].addr = NULL;
		}
		r->side_fd = -1;
		close(fd);
		/* The mappings outlive the file. */
		for (j = 0; j < 4; j++) {
			if (!maps[j].addr)
				continue;
			touch(maps[j].addr, maps[j].len, (unsigned int)j);
			munmap(maps[j].addr, maps[j].len);
		}
	}
	return NULL;
}

TEST(race_alloc_free_map_close)
{
	pthread_t workers[WORKERS], closing;
	struct mh_snapshot base, now;
	struct race *r;
	int i, diff;

	r = calloc(1, sizeof(*r));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, mh_snapshot_now(&base));
	r->fd = mh_open();
	ASSERT_LE(0, r->fd);
	r->side_fd = -1;
	r->nr_regions = mh_nr_regions(r->fd);
	clock_gettime(CLOCK_MONOTONIC, &r->deadline);
	r->deadline.tv_sec += MAX_SECONDS;

	for (i = 0; i < WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&workers[i], NULL, worker, r));
	ASSERT_EQ(0, pthread_create(&closing, NULL, closer, r));
	for (i = 0; i < WORKERS; i++)
		pthread_join(workers[i], NULL);
	r->stop = 1;
	pthread_join(closing, NULL);

	EXPECT_EQ(0, atomic_load(&r->unexpected)) {
		TH_LOG("%d unexpected errors; first: op %d error %d", (int)r->unexpected,
		       (int)r->first_op, (int)r->first_err);
	}
	/* Half the table freed by hand, the rest by close(). */
	for (i = 0; i < SLOTS; i += 2)
		if (r->slot[i])
			EXPECT_EQ(0, mh_free(r->fd, r->slot[i]));
	EXPECT_EQ(0, mh_check_errors(r->fd));
	close(r->fd);
	ASSERT_EQ(0, mh_snapshot_now(&now));
	diff = mh_snapshot_diff(&base, &now);
	EXPECT_EQ(0, diff) {
		if (diff > 0 && diff <= (int)MH_MAX_REGIONS)
			TH_LOG("region %d: used %llu (was %llu), live %llu (was %llu)",
			       diff - 1, (unsigned long long)now.used[diff - 1],
			       (unsigned long long)base.used[diff - 1],
			       (unsigned long long)now.live[diff - 1],
			       (unsigned long long)base.live[diff - 1]);
	}
	r->fd = mh_open();
	ASSERT_LE(0, r->fd);
	EXPECT_EQ(0, mh_check_errors(r->fd));
	close(r->fd);
	free(r);
}

#define PER_THREAD 16

struct filler {
	int fd;
	int id;
	int failed;
	struct memheap_alloc a[PER_THREAD];
};

/* Allocate from region 0 and stamp each buffer with our id. */
static void *fill(void *arg)
{
	struct filler *f = arg;
	uint8_t *p;
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		if (mh_alloc(f->fd, mh_page_size(), 0, 0, MH_MAP_NONE, &f->a[i])) {
			f->failed = 1;
			return NULL;
		}
		p = mh_map(f->fd, f->a[i].mmap_offset, mh_page_size());
		if (p == MAP_FAILED) {
			f->failed = 2;
			return NULL;
		}
		memset(p, f->id * PER_THREAD + i + 1, mh_page_size());
		munmap(p, mh_page_size());
	}
	return NULL;
}

/* Threads allocating at once on one file and region get disjoint memory. */
TEST(parallel_allocations_are_disjoint)
{
	struct filler f[WORKERS];
	pthread_t th[WORKERS];
	struct mh_snapshot base, now;
	uint8_t *p;
	int fd = mh_open(), t, i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_snapshot(fd, &base));
	for (t = 0; t < WORKERS; t++) {
		memset(&f[t], 0, sizeof(f[t]));
		f[t].fd = fd;
		f[t].id = t;
		ASSERT_EQ(0, pthread_create(&th[t], NULL, fill, &f[t]));
	}
	for (t = 0; t < WORKERS; t++)
		pthread_join(th[t], NULL);
	for (t = 0; t < WORKERS; t++) {
		ASSERT_EQ(0, f[t].failed);
		for (i = 0; i < PER_THREAD; i++) {
			p = mh_map(fd, f[t].a[i].mmap_offset, mh_page_size());
			ASSERT_NE(MAP_FAILED, p);
			EXPECT_EQ(0, memcmp(p, p + 1, mh_page_size() - 1));
			EXPECT_EQ(t * PER_THREAD + i + 1, p[0]);
			munmap(p, mh_page_size());
			EXPECT_EQ(0, mh_free(fd, f[t].a[i].handle));
		}
	}
	close(fd);
	ASSERT_EQ(0, mh_snapshot_now(&now));
	EXPECT_EQ(0, mh_snapshot_diff(&base, &now));
}

MEMHEAP_TEST_MAIN
