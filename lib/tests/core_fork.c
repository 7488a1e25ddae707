/* SPDX-License-Identifier: MIT */
/*
 * core_fork: the child of fork() gets a private copy of its heap.  The
 * parent holds small blocks (several arenas of the largest region on the
 * kernel backend), dedicated blocks in every region, and a thread with a
 * full thread cache.  The child reads what it inherited, checks its
 * statistics start as the parent's, frees half, overwrites the rest,
 * allocates and writes new blocks, and passes an integrity check.  The
 * parent then finds its blocks unchanged and its heap intact and, on the
 * kernel backend, the kernel's region counters as it alone left them (the
 * child freed none of its buffers, and its own went back when it exited).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/memheap.h>
#include "core/core.h"
#include "lt.h"

#define MAXR		16
#define NSMALL		600	/* in the largest region: several 256 KiB arenas */
#define SMALL		1000
#define PER_REGION	8	/* small blocks in every region */
#define LARGE		(100u * 1024u)	/* a kernel buffer of its own */

struct blk {
	unsigned char *p;
	size_t size;
	unsigned char seed;
};

static struct blk blks[NSMALL + MAXR * (PER_REGION + 1)];
static size_t nblks;
static pthread_barrier_t cached, forked;

static void fill(struct blk *b, unsigned char seed)
{
	b->seed = seed;
	for (size_t i = 0; i < b->size; i++)
		b->p[i] = (unsigned char)(seed + i * 7);
}

static bool intact(const struct blk *b)
{
	for (size_t i = 0; i < b->size; i++)
		if (b->p[i] != (unsigned char)(b->seed + i * 7))
			return false;
	return true;
}

static void take(unsigned int region, size_t size, unsigned int flags)
{
	struct blk *b = &blks[nblks];

	b->p = mhl_region_alloc(region, size, 0, flags);
	REQUIRE(b->p);
	b->size = size;
	fill(b, (unsigned char)nblks);
	nblks++;
}

/* Fills its thread cache, then stays alive across the fork. */
static void *cacher(void *arg)
{
	void *p[32];

	(void)arg;
	for (int i = 0; i < 32; i++)
		p[i] = mhl_alloc(48, 0, 0, 0, "cacher");
	for (int i = 0; i < 32; i++)
		mhl_free(p[i], "cacher");
	pthread_barrier_wait(&cached);
	pthread_barrier_wait(&forked);
	return NULL;
}

/* The child's part; returns the exit status (0: every check held). */
static int child(unsigned int n, const struct mhl_stats *before)
{
	struct blk mine[64];
	int bad = 0;
	uint64_t dev;

	alarm(60);
	for (size_t i = 0; i < nblks; i++)
		if (!intact(&blks[i]))
			bad |= 1;
	/* right after fork, the child sees the region as the parent saw it */
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_stats st;

		mhl_region_get(i, NULL, &st);
		if (st.free != before[i].free || st.total != before[i].total ||
		    st.allocated_blocks != before[i].allocated_blocks)
			bad |= 2;
	}
	/* inherited memory is ordinary memory in the child */
	if (mhl_dev_addr(blks[nblks - 1].p, &dev) != MHL_ENOTSUP ||
	    mhl_export_dmabuf(blks[nblks - 1].p, 0) != MHL_ENOTSUP ||
	    mhl_sync(blks[nblks - 1].p, 16, true) != MHL_OK)
		bad |= 4;
	for (size_t i = 0; i < nblks; i++) {
		if (i % 2 == 0) {
			if (mhl_free(blks[i].p, "child"))
				bad |= 8;
		} else {
			fill(&blks[i], 0xa5);	/* the parent must not see this */
		}
	}
	for (unsigned int i = 0; i < 64; i++) {
		mine[i].size = i % 16 == 15 ? LARGE : SMALL * 2;
		mine[i].p = mhl_region_alloc(i % n, mine[i].size, 0, 0);
		if (!mine[i].p) {
			bad |= 16;
			continue;
		}
		fill(&mine[i], (unsigned char)(0x30 + i));
	}
	for (unsigned int i = 0; i < 64; i++)
		if (mine[i].p && !intact(&mine[i]))
			bad |= 32;
	for (size_t i = 1; i < nblks; i += 2)
		if (!intact(&blks[i]))
			bad |= 32;
	if (mhl_check(0, true))
		bad |= 64;
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_stats st;

		mhl_region_get(i, NULL, &st);
		if (st.free > st.total || st.largest_free > st.free ||
		    st.min_free > st.free || st.allocated != st.total - st.free)
			bad |= 128;
	}
	for (unsigned int i = 0; i < 64; i += 2)	/* the rest goes at exit */
		if (mine[i].p && mhl_free(mine[i].p, "child"))
			bad |= 8;
	return bad;
}

static int kernel_query(int fd, unsigned int index, struct memheap_region_info *q)
{
	memset(q, 0, sizeof(*q));
	q->index = index;
	return ioctl(fd, MEMHEAP_IOC_REGION_QUERY, q);
}

int main(void)
{
	struct mhl_config_info ci;
	struct mhl_stats before[MAXR], after;
	struct memheap_region_info kq[MAXR], kq_after;
	unsigned int n, big = 0;
	pthread_t t;
	int kfd = -1, status;
	pid_t pid;

	mhl_config(&ci);
	n = mhl_region_count();
	REQUIRE(n > 0 && n <= MAXR);
	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region_info ri, best;

		mhl_region_get(i, &ri, NULL);
		mhl_region_get(big, &best, NULL);
		if (ri.end - ri.start > best.end - best.start)
			big = i;
	}
	for (unsigned int i = 0; i < NSMALL; i++)
		take(big, SMALL, 0);
	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int j = 0; j < PER_REGION; j++)
			take(i, 24 + j * 100, 0);
		take(i, LARGE, MHL_ALLOC_DEDICATED);
	}
	REQUIRE(pthread_barrier_init(&cached, NULL, 2) == 0);
	REQUIRE(pthread_barrier_init(&forked, NULL, 2) == 0);
	REQUIRE(pthread_create(&t, NULL, cacher, NULL) == 0);
	pthread_barrier_wait(&cached);

	/* the parent's view, then the kernel's counters, with nothing in between */
	for (unsigned int i = 0; i < n; i++)
		mhl_region_get(i, NULL, &before[i]);
	if (ci.backend == MHL_BACKEND_KERNEL) {
		kfd = open("/dev/memheap", O_RDWR | O_CLOEXEC);
		REQUIRE(kfd >= 0);
		for (unsigned int i = 0; i < n; i++)
			REQUIRE(kernel_query(kfd, i, &kq[i]) == 0);
	}
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(child(n, before));
	REQUIRE(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "child: status %#x\n", (unsigned int)status);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	if (kfd >= 0) {
		for (unsigned int i = 0; i < n; i++) {
			REQUIRE(kernel_query(kfd, i, &kq_after) == 0);
			CHECK_EQU(kq_after.free, kq[i].free);
			CHECK_EQU(kq_after.used, kq[i].used);
			CHECK_EQU(kq_after.live, kq[i].live);
		}
	}
	for (size_t i = 0; i < nblks; i++)
		if (!intact(&blks[i])) {
			fprintf(stderr, "block %zu (%zu bytes) changed\n", i, blks[i].size);
			CHECK(!"parent's block changed by the child");
		}
	CHECK_EQ(mhl_check(0, true), 0);
	for (unsigned int i = 0; i < n; i++) {
		mhl_region_get(i, NULL, &after);
		CHECK_EQU(after.free, before[i].free);
		CHECK_EQU(after.allocated_blocks, before[i].allocated_blocks);
	}
	pthread_barrier_wait(&forked);
	pthread_join(t, NULL);
	for (size_t i = 0; i < nblks; i++)
		CHECK_EQ(mhl_free(blks[i].p, "t"), 0);
	CHECK_EQ(mhl_check(0, true), 0);
	if (kfd >= 0)
		close(kfd);
	return lt_done();
}
