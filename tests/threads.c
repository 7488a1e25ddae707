/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * threads: several threads allocate, fill, verify and free on one locked
 * heap of three regions (both algorithms) while another thread reads stats,
 * walks and runs mh_check; at the end mh_check is clean, nothing is
 * allocated and the counters add up.  Built and run under TSan too.
 *
 *   threads [--iters N]   (per thread, default 20000)
 */
#include "helpers.h"

#include <pthread.h>
#include <stdatomic.h>

#define NTHREADS 4

static struct th T;
static size_t iters = 20000;
static atomic_int stop;
static atomic_size_t total_allocs, total_fails;

static bool count_cb(const struct mh_block_info *info, void *ctx)
{
	(void)info;
	++*(size_t *)ctx;
	return true;
}

static void *worker(void *arg)
{
	struct rng r = { (uint64_t)(uintptr_t)arg * 7777 + 1 };
	void *v[64] = { 0 };
	size_t sz[64] = { 0 };
	uint64_t seed[64] = { 0 };
	size_t allocs = 0, fails = 0;

	for (size_t i = 0; i < iters; i++) {
		size_t k = rng_below(&r, 64);

		if (v[k]) {
			if (pat_check(v[k], sz[k], seed[k]) != SIZE_MAX)
				FAILF("thread %zu: block %p changed under us", (size_t)(uintptr_t)arg, v[k]);
			if (rng_below(&r, 4) == 0) {
				size_t ns = rng_range(&r, 1, 3000);
				void *y = mh_realloc(&T.heap, v[k], ns);

				if (y) {
					size_t keep = ns < sz[k] ? ns : sz[k];

					if (pat_check(y, keep, seed[k]) != SIZE_MAX)
						FAILF("realloc lost content");
					v[k] = y;
					sz[k] = ns;
					seed[k] = rng_next(&r);
					pat_fill(y, ns, seed[k]);
				} else {
					fails++;
				}
				continue;
			}
			if (mh_free(&T.heap, v[k]) != MH_OK)
				FAILF("mh_free failed");
			v[k] = NULL;
		} else {
			sz[k] = rng_range(&r, 1, rng_below(&r, 8) ? 256 : 4096);
			v[k] = rng_below(&r, 8) ? mh_alloc(&T.heap, sz[k])
				: mh_aligned_alloc(&T.heap, (size_t)1 << rng_below(&r, 9), sz[k]);
			if (!v[k]) {
				fails++;
				continue;
			}
			allocs++;
			seed[k] = rng_next(&r);
			pat_fill(v[k], sz[k], seed[k]);
		}
	}
	for (int k = 0; k < 64; k++)
		if (v[k] && mh_free(&T.heap, v[k]) != MH_OK)
			FAILF("final mh_free failed");
	atomic_fetch_add(&total_allocs, allocs);
	atomic_fetch_add(&total_fails, fails);
	return NULL;
}

static void *observer(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		struct mh_stats s;
		size_t n = 0;
		int rc;

		mh_get_stats(&T.heap, &s);
		if (s.free_bytes + s.allocated_bytes != s.total_bytes)
			FAILF("torn stats: free %zu + allocated %zu != total %zu", s.free_bytes,
			      s.allocated_bytes, s.total_bytes);
		rc = mh_check(&T.heap);
		if (rc != MH_OK)
			FAILF("mh_check during the run = %d (%s)", rc, mh_strerror(rc));
		mh_walk(&T.heap, count_cb, &n);
		if (!n)
			FAILF("empty walk");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[NTHREADS], obs;
	struct mh_stats s;

	if (argc == 3 && !strcmp(argv[1], "--iters"))
		iters = (size_t)strtoull(argv[2], NULL, 0);
	FOR_EACH_POISON(p) {
		t_ctx("poison=%s", poison_name(p));
		th_init(&T, p);
		th_add(&T, 96 * 1024, MH_ALGO_FIRSTFIT);
		th_add(&T, 128 * 1024, MH_ALGO_BUDDY);
		th_add(&T, 256 * 1024, MH_ALGO_FIRSTFIT);
		atomic_store(&stop, 0);
		atomic_store(&total_allocs, 0);
		atomic_store(&total_fails, 0);
		CHECK(pthread_create(&obs, NULL, observer, NULL) == 0);
		for (uintptr_t i = 0; i < NTHREADS; i++)
			CHECK(pthread_create(&tid[i], NULL, worker, (void *)(i + 1)) == 0);
		for (int i = 0; i < NTHREADS; i++)
			CHECK(pthread_join(tid[i], NULL) == 0);
		atomic_store(&stop, 1);
		CHECK(pthread_join(obs, NULL) == 0);

		CHECK_HEAP_OK(&T);
		CHECK_REC_NONE(&T.rec);
		mh_get_stats(&T.heap, &s);
		CHECK_EQ(s.allocated_blocks, 0);
		CHECK_EQ(s.allocated_bytes, 0);
		CHECK(s.alloc_count >= atomic_load(&total_allocs));
		CHECK_EQ(s.failed_count, atomic_load(&total_fails));
		CHECK_EQ(s.error_count, 0);
		th_fini(&T);
	}
	arena_free_all();
	return 0;
}
