/* SPDX-License-Identifier: MIT */
/*
 * core_threads: concurrent allocation, frees of blocks allocated by other
 * threads, realloc, statistics, checks, walks, tracking toggles and region
 * additions, all at once; afterwards every region is intact and empty.
 * Built under TSan too (name ends in _threads).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "lt.h"

#define WORKERS 4
#define ROUNDS 20000
#define SLOTS 64

/* blocks handed from worker i to worker (i + 1) % WORKERS */
static _Atomic(unsigned char *) mailbox[WORKERS][SLOTS];
static atomic_int errors;
static atomic_bool stop_observer;

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const uint32_t caps_choice[] = {
	0, MEMHEAP_CAP_DMA, MEMHEAP_CAP_SPIRAM, MEMHEAP_CAP_DEFAULT, MEMHEAP_CAP_8BIT,
};

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint32_t seed = 0x9e3779b9u * (uint32_t)(id + 1);
	unsigned char *mine[SLOTS] = { NULL };

	for (int round = 0; round < ROUNDS; round++) {
		uint32_t r = rnd(&seed);
		int slot = (int)(r % SLOTS);
		size_t size = 1 + (rnd(&seed) % 700);

		switch (r >> 28) {
		case 0: case 1: case 2: case 3: case 4: {
			unsigned char *p = mhl_alloc(size, (r & 0x100) ? 64 : 0,
						     caps_choice[(r >> 9) % 5], 0, "t");
			if (p) {
				memset(p, (unsigned char)id, size);
				p[0] = (unsigned char)id;
			}
			if (mine[slot])
				mhl_free(mine[slot], "t");
			mine[slot] = p;
			break;
		}
		case 5: case 6: {
			/* pass a block to the next worker, free what it passed us */
			unsigned char *old = atomic_exchange(&mailbox[(id + 1) % WORKERS][slot], mine[slot]);
			mine[slot] = NULL;
			if (old && mhl_free(old, "t"))
				atomic_fetch_add(&errors, 1);
			old = atomic_exchange(&mailbox[id][slot], NULL);
			if (old && mhl_free(old, "t"))
				atomic_fetch_add(&errors, 1);
			break;
		}
		case 7: case 8: {
			if (!mine[slot])
				break;
			unsigned char first = mine[slot][0];
			unsigned char *q = mhl_realloc(mine[slot], size, 0, 0, "t");
			if (q) {
				if (q[0] != first)
					atomic_fetch_add(&errors, 1);
				mine[slot] = q;
			}
			break;
		}
		default:
			if (mine[slot] && mhl_usable_size(mine[slot]) == 0)
				atomic_fetch_add(&errors, 1);
			break;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		mhl_free(mine[i], "t");
	return NULL;
}

static bool walk_cb(const struct mhl_region_info *r, const struct mh_block_info *b, void *ctx)
{
	(void)r;
	(void)b;
	++*(size_t *)ctx;
	return true;
}

static void *observer(void *arg)
{
	size_t len = 64 * 1024, blocks = 0;
	unsigned char *mem = arg;
	int added = 0;

	while (!atomic_load(&stop_observer)) {
		struct mhl_stats st;

		mhl_caps_stats(0, &st);
		if (st.free > st.total)
			atomic_fetch_add(&errors, 1);
		if (mhl_check(0, false))
			atomic_fetch_add(&errors, 1);
		mhl_walk(MEMHEAP_CAP_DMA, walk_cb, &blocks);
		mhl_track_enable(!mhl_track_enabled());
		if (added < 4) {
			if (mhl_region_add(NULL, mem + (size_t)added * len, len,
					   MEMHEAP_CAP_8BIT, MH_ALGO_FIRSTFIT) < 0)
				atomic_fetch_add(&errors, 1);
			added++;
		}
		if (mhl_min_free_monitor_start() == 0)
			mhl_min_free_monitor_stop();
	}
	mhl_track_enable(false);
	return NULL;
}

int main(void)
{
	pthread_t t[WORKERS], obs;
	unsigned char *mem = mmap(NULL, 4 * 64 * 1024, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	setenv("MEMHEAP_BACKEND", "embedded", 1);
	setenv("MEMHEAP_REGIONS", "fast:128K:dma:internal:8bit:32bit:default,"
	       "ext:2M:spiram:8bit:32bit:default,bud:512K:spiram:8bit:buddy", 1);
	REQUIRE(mem != MAP_FAILED);
	REQUIRE(pthread_create(&obs, NULL, observer, mem) == 0);
	for (int i = 0; i < WORKERS; i++)
		REQUIRE(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
	/*
	 * fork while the workers hold region locks now and then: the child
	 * must find every lock free (a deadlock there is what alarm() ends)
	 */
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		int status;

		REQUIRE(pid >= 0);
		if (pid == 0) {
			alarm(30);
			for (int j = 0; j < 100; j++) {
				void *p = mhl_alloc(100, 0, 0, 0, "child");
				if (!p || mhl_free(p, "child"))
					_exit(1);
			}
			_exit(mhl_check(0, false) ? 2 : 0);
		}
		REQUIRE(waitpid(pid, &status, 0) == pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fprintf(stderr, "child: status %#x\n", (unsigned int)status);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	atomic_store(&stop_observer, true);
	pthread_join(obs, NULL);
	for (int i = 0; i < WORKERS; i++)
		for (int s = 0; s < SLOTS; s++)
			CHECK_EQ(mhl_free(atomic_load(&mailbox[i][s]), "t"), 0);

	CHECK_EQ(atomic_load(&errors), 0);
	CHECK_EQ(mhl_check(0, true), 0);
	for (unsigned int i = 0; i < mhl_region_count(); i++) {
		struct mhl_stats st;

		mhl_region_get(i, NULL, &st);
		CHECK_EQU(st.allocated_blocks, 0);
		CHECK_EQU(st.free, st.total);
		CHECK_EQU(st.error_count, 0);
	}
	return lt_done();
}
