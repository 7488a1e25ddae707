/* SPDX-License-Identifier: MIT */
/*
 * core_cache_threads: the per-thread caches under threads.  The lifetime
 * minimum free tells a sequence (one thread's block freed before the other
 * allocates) from an overlap (both held at once) although every step is a
 * cache hit; blocks freed by another thread than the allocating one; caches
 * of exited threads; and churning threads with a statistics reader and a
 * region small enough that requests fail, ending exactly where they began.
 * Run under TSan by lib-test, and in the QEMU guest by selftests-qemu.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "lt.h"

#define CAP_FF (MEMHEAP_CAP_INTERNAL | MEMHEAP_CAP_DMA)
#define FF 0u
#define NPASS 100

enum cmd { NONE, ALLOC, FREE, ALLOC_MANY, FREE_MANY, QUIT };

struct worker {
	pthread_t th;
	pthread_mutex_t m;
	pthread_cond_t cv;
	enum cmd cmd;
	size_t size;
	void *held;
	void **many;		/* NPASS blocks handed between workers */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->m);
	for (;;) {
		while (w->cmd == NONE)
			pthread_cond_wait(&w->cv, &w->m);
		if (w->cmd == QUIT)
			break;
		switch (w->cmd) {
		case ALLOC:
			w->held = mhl_alloc(w->size, 0, CAP_FF, 0, "t");
			break;
		case FREE:
			if (mhl_free(w->held, "t"))
				w->held = NULL;
			break;
		case ALLOC_MANY:
			for (int i = 0; i < NPASS; i++)
				w->many[i] = mhl_alloc(w->size, 0, CAP_FF, 0, "t");
			break;
		case FREE_MANY:
			for (int i = 0; i < NPASS; i++)
				if (mhl_free(w->many[i], "t"))
					w->many[i] = NULL;
			break;
		default:
			break;
		}
		w->cmd = NONE;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->m);
	return NULL;
}

static void order(struct worker *w, enum cmd c)
{
	pthread_mutex_lock(&w->m);
	w->cmd = c;
	pthread_cond_broadcast(&w->cv);
	while (c != QUIT && w->cmd != NONE)
		pthread_cond_wait(&w->cv, &w->m);
	pthread_mutex_unlock(&w->m);
}

static void start(struct worker *w, size_t size, void **many)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->m, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->size = size;
	w->many = many;
	REQUIRE(pthread_create(&w->th, NULL, worker_main, w) == 0);
}

static void stop(struct worker *w)
{
	order(w, QUIT);
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->m);
	pthread_cond_destroy(&w->cv);
}

static struct mhl_stats stats(void)
{
	struct mhl_stats st;

	REQUIRE(mhl_region_get(FF, NULL, &st) == 0);
	return st;
}

static void test_sequence_and_overlap(void)
{
	static void *many[NPASS];
	struct worker a, b;
	struct mhl_stats base, st;
	const size_t ca = 64 + 8, cb = 200 + 8;	/* first-fit charges */

	start(&a, 64, many);
	start(&b, 200, many);
	/* warm: each worker's block now waits in its cache, so what follows are hits */
	order(&a, ALLOC);
	order(&a, FREE);
	order(&b, ALLOC);
	order(&b, FREE);

	mhl_reset_min_free(CAP_FF);
	base = stats();
	order(&a, ALLOC);
	order(&a, FREE);
	order(&b, ALLOC);
	order(&b, FREE);
	st = stats();
	CHECK_EQU(st.free, base.free);
	CHECK_EQU(st.min_free, base.free - cb);		/* never both at once */
	CHECK_EQU(st.peak_allocated, base.allocated + cb);

	order(&a, ALLOC);
	order(&a, FREE);
	order(&b, ALLOC);
	order(&b, FREE);
	mhl_reset_min_free(CAP_FF);
	base = stats();
	order(&a, ALLOC);
	order(&b, ALLOC);
	order(&b, FREE);
	order(&a, FREE);
	st = stats();
	CHECK_EQU(st.free, base.free);
	CHECK_EQU(st.min_free, base.free - ca - cb);	/* both held at once */
	CHECK_EQU(st.peak_allocated, base.allocated + ca + cb);

	/* A allocates, B frees: counted once each, everything back */
	base = stats();
	order(&a, ALLOC_MANY);
	for (int i = 0; i < NPASS; i++)
		REQUIRE(many[i]);
	order(&b, FREE_MANY);
	for (int i = 0; i < NPASS; i++)
		CHECK(many[i] != NULL);		/* every free succeeded */
	order(&a, ALLOC_MANY);			/* A's cache is empty, B's full: engine */
	order(&a, FREE_MANY);
	st = stats();
	CHECK_EQU(st.free, base.free);
	CHECK_EQU(st.allocated_blocks, base.allocated_blocks);
	CHECK_EQU(st.alloc_count, base.alloc_count + 2 * NPASS);
	CHECK_EQU(st.free_count, base.free_count + 2 * NPASS);
	CHECK_EQU(st.error_count, base.error_count);

	/* the workers exit with blocks cached: nothing is lost */
	order(&a, ALLOC_MANY);
	order(&a, FREE_MANY);
	order(&b, ALLOC);
	order(&b, FREE);
	stop(&a);
	stop(&b);
	st = stats();
	CHECK_EQU(st.free, base.free);
	CHECK_EQU(st.allocated_blocks, base.allocated_blocks);
	CHECK_EQU(st.largest_free, base.largest_free);
	CHECK_EQU(st.alloc_count, base.alloc_count + 3 * NPASS + 1);
	CHECK_EQU(st.free_count, base.free_count + 3 * NPASS + 1);
}

#define CHURNERS 3
#define SLOTS 96
#define OPS 20000

static atomic_int churning;
static atomic_int bad_stats;

static void *churn(void *arg)
{
	unsigned int s = (unsigned int)(uintptr_t)arg;
	void *slot[SLOTS] = { NULL };

	for (int i = 0; i < OPS; i++) {
		unsigned int k;

		s = s * 1103515245u + 12345u;
		k = (s >> 8) % SLOTS;
		if (slot[k]) {
			if (mhl_free(slot[k], "t"))
				atomic_fetch_add(&bad_stats, 1000);
			slot[k] = NULL;
		} else {
			/* may fail: the region is smaller than what all churners want */
			slot[k] = mhl_region_alloc(FF, 16 + (s >> 20) % 600, 0, 0);
			if (slot[k])
				memset(slot[k], (int)k, 16);
		}
	}
	for (int k = 0; k < SLOTS; k++)
		mhl_free(slot[k], "t");
	atomic_fetch_sub(&churning, 1);
	return NULL;
}

static void *reader(void *arg)
{
	(void)arg;
	while (atomic_load(&churning)) {
		struct mhl_stats st = stats();

		if (st.free + st.allocated != st.total || st.largest_free > st.free ||
		    st.min_free > st.free || st.peak_allocated < st.allocated)
			atomic_fetch_add(&bad_stats, 1);
		if (mhl_check(CAP_FF, true))
			atomic_fetch_add(&bad_stats, 1);
	}
	return NULL;
}

static void test_churn_ends_where_it_began(void)
{
	pthread_t th[CHURNERS + 1];
	struct mhl_stats base = stats(), st;

	atomic_store(&churning, CHURNERS);
	for (int i = 0; i < CHURNERS; i++)
		REQUIRE(pthread_create(&th[i], NULL, churn, (void *)(uintptr_t)(i + 7)) == 0);
	REQUIRE(pthread_create(&th[CHURNERS], NULL, reader, NULL) == 0);
	for (int i = 0; i <= CHURNERS; i++)
		pthread_join(th[i], NULL);
	st = stats();
	CHECK_EQ(atomic_load(&bad_stats), 0);
	CHECK_EQU(st.free, base.free);
	CHECK_EQU(st.largest_free, base.largest_free);
	CHECK_EQU(st.allocated_blocks, base.allocated_blocks);
	CHECK_EQU(st.free_blocks, base.free_blocks);
	CHECK_EQU(st.alloc_count - base.alloc_count, st.free_count - base.free_count);
	CHECK(st.failed_count > base.failed_count);	/* the region did run out */
	CHECK_EQU(st.error_count, base.error_count);
	CHECK(st.min_free < base.free);
	CHECK_EQ(mhl_check(0, true), 0);
}

static void run_all(void)
{
	setenv("MEMHEAP_REGIONS", "ff:8K:dma:internal:8bit:32bit:default", 1);
	setenv("MEMHEAP_BACKEND", "embedded", 1);
	unsetenv("MEMHEAP_POISON");
	unsetenv("MEMHEAP_TRACK");
	test_sequence_and_overlap();
	test_churn_ends_where_it_began();
}

int main(void)
{
	run_all();
	return lt_done();
}
