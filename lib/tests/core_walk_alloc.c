/* SPDX-License-Identifier: MIT */
/*
 * core_walk_alloc: a walk callback may allocate and free, in the walked
 * region too, with tracking on, on both backends (on the kernel backend
 * the callback used to run under the region's lock: an allocation in it
 * waited for that lock for ever).  The walk visits the region as it was
 * when its blocks were copied: a block the callback frees is still seen,
 * one it allocates is not; the next walk sees the change.
 *
 * Then a thread forks while a walk callback runs, and the callback
 * allocates after the fork has begun (our atfork prepare handler, which
 * runs before the library's, tells it): the walk, the fork and the
 * child's allocations must all complete (the fork used to wait for the
 * region's lock held by the walk while the callback waited for the
 * tracking lock held by the fork).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "lt.h"

#define MAXR		16
#define MARK_SIZE	200
#define TMP_SIZE	64
#define LARGE		(100u * 1024u)	/* a kernel buffer of its own */

struct region_walk {
	unsigned char *mark;		/* freed by the first walk's callback */
	unsigned char *kept;		/* allocated by it, freed by the second */
	size_t visits, mark_seen, kept_seen;
	bool acted;
	bool large_ok;			/* room for LARGE blocks */
};

static struct region_walk rw[MAXR];

static bool fill_check(unsigned char *p, size_t n, unsigned char seed)
{
	memset(p, seed, n);
	for (size_t i = 0; i < n; i++)
		if (p[i] != seed)
			return false;
	return true;
}

/* The first walk: allocate, free and free a walked block on the first visit. */
static bool walk_alloc(const struct mhl_region_info *info, const struct mh_block_info *b,
		       void *ctx)
{
	unsigned int i = info->index;
	struct region_walk *w;

	(void)ctx;
	if (i >= MAXR)
		return false;
	w = &rw[i];
	w->visits++;
	if (b->used && b->ptr == w->mark)
		w->mark_seen++;
	if (b->used && w->kept && b->ptr == w->kept)
		w->kept_seen++;
	if (w->acted)
		return true;
	w->acted = true;
	/* kept first, while mark is live, so the two never share an address */
	w->kept = mhl_region_alloc(i, MARK_SIZE, 0, 0);
	CHECK(w->kept);
	if (w->kept)
		CHECK(fill_check(w->kept, MARK_SIZE, 0x5a));
	for (int n = 0; n < 4; n++) {
		unsigned char *t = mhl_region_alloc(i, TMP_SIZE, 0, 0);

		CHECK(t);
		if (!t)
			break;
		CHECK(fill_check(t, TMP_SIZE, (unsigned char)n));
		CHECK_EQ(mhl_free(t, "walk"), 0);
	}
	if (w->large_ok) {
		unsigned char *l = mhl_region_alloc(i, LARGE, 0, MHL_ALLOC_DEDICATED);

		CHECK(l);
		if (l) {
			CHECK(fill_check(l, LARGE, 0xa5));
			CHECK_EQ(mhl_free(l, "walk"), 0);
		}
	}
	CHECK_EQ(mhl_free(w->mark, "walk"), 0);
	return true;
}

/* The second walk: sees kept, not mark; frees kept and ends the region. */
static bool walk_free(const struct mhl_region_info *info, const struct mh_block_info *b,
		      void *ctx)
{
	struct region_walk *w = &rw[info->index];

	(void)ctx;
	w->visits++;
	if (b->used && b->ptr == w->mark)
		w->mark_seen++;
	if (b->used && b->ptr == w->kept)
		w->kept_seen++;
	if (w->kept_seen && w->kept) {
		CHECK_EQ(mhl_free(w->kept, "walk"), 0);
		w->kept = NULL;
		return false;
	}
	return true;
}

static unsigned int nregions;
static atomic_int fork_go, fork_started;
static int child_status = -1;

static void prepare(void)
{
	atomic_store(&fork_started, 1);
}

static void *forker(void *arg)
{
	pid_t pid;

	(void)arg;
	while (!atomic_load(&fork_go))
		sched_yield();
	pid = fork();
	if (pid == 0) {
		int bad = 0, rc;

		for (unsigned int i = 0; i < nregions; i++) {
			unsigned char *p = mhl_region_alloc(i, TMP_SIZE, 0, 0);

			if (!p) {
				fprintf(stderr, "child: region %u: allocation failed\n", i);
				bad = 1;
				continue;
			}
			if (!fill_check(p, TMP_SIZE, 0x3c)) {
				fprintf(stderr, "child: region %u: %p reads back wrong\n", i, (void *)p);
				bad = 1;
			}
			rc = mhl_free(p, "child");
			if (rc) {
				fprintf(stderr, "child: region %u: free %p: %d\n", i, (void *)p, rc);
				bad = 1;
			}
		}
		rc = mhl_check(0, true);
		if (rc) {
			fprintf(stderr, "child: mhl_check: %d\n", rc);
			bad = 1;
		}
		_exit(bad ? 10 : 0);	/* what failed is on stderr */
	}
	if (pid > 0) {
		pid_t w;

		do
			w = waitpid(pid, &child_status, 0);
		while (w < 0 && errno == EINTR);
		if (w != pid)
			child_status = -1;
	}
	return NULL;
}

static bool walk_during_fork(const struct mhl_region_info *info,
			     const struct mh_block_info *b, void *ctx)
{
	bool *done = ctx;
	unsigned char *p;

	(void)b;
	if (*done)
		return true;
	*done = true;
	atomic_store(&fork_go, 1);
	while (!atomic_load(&fork_started))
		sched_yield();
	/* the fork now holds, or is taking, every core lock */
	p = mhl_region_alloc(info->index, TMP_SIZE, 0, 0);
	CHECK(p);
	if (p) {
		CHECK(fill_check(p, TMP_SIZE, 0x77));
		CHECK_EQ(mhl_free(p, "walk"), 0);
	}
	return true;
}

int main(void)
{
	size_t blocks_before[MAXR];
	pthread_t t;
	bool done = false;

	nregions = mhl_region_count();
	REQUIRE(nregions > 0 && nregions <= MAXR);
	mhl_track_enable(true);
	for (unsigned int i = 0; i < nregions; i++) {
		struct mhl_region_info info;
		struct mhl_stats st;

		REQUIRE(mhl_region_get(i, &info, &st) == 0);
		blocks_before[i] = st.allocated_blocks;
		rw[i].large_ok = info.end - info.start >= 4 * LARGE;
		rw[i].mark = mhl_region_alloc(i, MARK_SIZE, 0, 0);
		REQUIRE(rw[i].mark);
		memset(rw[i].mark, 0x11, MARK_SIZE);
	}

	CHECK_EQ(mhl_walk(0, walk_alloc, NULL), 0);
	for (unsigned int i = 0; i < nregions; i++) {
		CHECK(rw[i].acted);
		CHECK(rw[i].kept);
		CHECK_EQU(rw[i].mark_seen, 1);	/* freed in the callback, seen as copied */
		CHECK_EQU(rw[i].kept_seen, 0);	/* allocated after the copy */
		rw[i].mark_seen = rw[i].kept_seen = 0;
		rw[i].visits = 0;
	}

	CHECK_EQ(mhl_walk(0, walk_free, NULL), 0);
	for (unsigned int i = 0; i < nregions; i++) {
		struct mhl_stats st;

		CHECK_EQU(rw[i].mark_seen, 0);
		CHECK_EQU(rw[i].kept_seen, 1);
		CHECK(!rw[i].kept);
		REQUIRE(mhl_region_get(i, NULL, &st) == 0);
		CHECK_EQU(st.allocated_blocks, blocks_before[i]);
	}
	CHECK_EQ(mhl_check(0, true), 0);

	/*
	 * A fork from another thread while a walk callback runs.  A live
	 * block in the first region gives the walk something to visit (a
	 * kernel region whose buffers all went back has no block).
	 */
	rw[0].mark = mhl_region_alloc(0, MARK_SIZE, 0, 0);
	REQUIRE(rw[0].mark);
	REQUIRE(pthread_atfork(prepare, NULL, NULL) == 0);
	REQUIRE(pthread_create(&t, NULL, forker, NULL) == 0);
	CHECK_EQ(mhl_walk(0, walk_during_fork, &done), 0);
	CHECK(done);
	atomic_store(&fork_go, 1);	/* if no callback ran: fork anyway, do not hang */
	REQUIRE(pthread_join(t, NULL) == 0);
	CHECK_EQ(mhl_free(rw[0].mark, "test"), 0);
	if (child_status == -1)
		LT_FAIL_AT(__FILE__, __LINE__, "fork or waitpid failed");
	else if (WIFSIGNALED(child_status))
		LT_FAIL_AT(__FILE__, __LINE__, "child killed by signal %d", WTERMSIG(child_status));
	else
		CHECK_EQ(WEXITSTATUS(child_status), 0);
	CHECK_EQ(mhl_check(0, true), 0);

	return lt_done();
}
