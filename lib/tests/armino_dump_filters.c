// SPDX-License-Identifier: MIT
/*
 * armino_dump_filters.c - os_dump_memory_stats(start_tick,
 * ticks_since_malloc, task): each filter alone selects exactly the
 * allocations it should.  Timing never decides the verdict: when the
 * machine was too slow for an age check to be decisive, the check is
 * repeated with a wider gap.
 */
#define _GNU_SOURCE
#include <os/mem.h>

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "lt.h"
#include "rtos_capture.h"

static const char *dump(struct capture *c, uint32_t start, uint32_t age,
			const char *task)
{
	capture_begin(c, STDOUT_FILENO);
	os_dump_memory_stats(start, age, task);
	return capture_end(c);
}

static void wait_ticks(uint32_t from, uint32_t n)
{
	struct timespec ts = { 0, 1000000 };

	while ((uint32_t)(os_mem_get_tick() - from) < n)
		nanosleep(&ts, NULL);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "dump-worker");
	return os_malloc_debug("worker_fn", 7, 48, 0);
}

int main(void)
{
	struct capture c;
	const char *out;
	void *a, *b, *w;
	pthread_t th;
	uint32_t t_a, t_mid, gap;
	int attempt;
	bool decided = false;

	pthread_setname_np(pthread_self(), "dump-main");
	a = os_malloc_debug("first_fn", 1, 16, 0);
	t_a = os_mem_get_tick();
	wait_ticks(t_a, 3);
	t_mid = os_mem_get_tick();
	b = os_malloc_debug("second_fn", 2, 24, 0);
	REQUIRE(pthread_create(&th, NULL, worker, NULL) == 0);
	REQUIRE(pthread_join(th, &w) == 0);
	REQUIRE(a && b && w);

	out = dump(&c, 0, 0, NULL);
	CHECK_EQ(count_lines_with(out, "first_fn:1"), 1);
	CHECK_EQ(count_lines_with(out, "second_fn:2"), 1);
	CHECK_EQ(count_lines_with(out, "worker_fn:7"), 1);
	CHECK(strstr(out, "3 listed (88 bytes) of 3 outstanding") != NULL);
	capture_free(&c);

	/* start_tick: allocations made at or after it */
	out = dump(&c, t_mid, 0, NULL);
	CHECK_EQ(count_lines_with(out, "first_fn:1"), 0);
	CHECK_EQ(count_lines_with(out, "second_fn:2"), 1);
	CHECK_EQ(count_lines_with(out, "worker_fn:7"), 1);
	capture_free(&c);

	/* task: by thread name; NULL and "" mean any */
	out = dump(&c, 0, 0, "dump-worker");
	CHECK_EQ(count_lines_with(out, "worker_fn:7"), 1);
	CHECK(strstr(out, "1 listed (48 bytes) of 3 outstanding") != NULL);
	capture_free(&c);
	out = dump(&c, 0, 0, "dump-main");
	CHECK_EQ(count_lines_with(out, "first_fn:1"), 1);
	CHECK_EQ(count_lines_with(out, "worker_fn:7"), 0);
	capture_free(&c);
	out = dump(&c, 0, 0, "nobody");
	CHECK(strstr(out, "0 listed (0 bytes) of 3 outstanding") != NULL);
	capture_free(&c);
	out = dump(&c, 0, 0, "");
	CHECK(strstr(out, "3 listed") != NULL);
	capture_free(&c);

	/*
	 * ticks_since_malloc: A (older than the gap) is listed, B (younger)
	 * is not, provided the dump ran within the gap after B; otherwise
	 * the result is undecided and we retry with a wider gap.
	 */
	os_free(b);
	gap = 20;
	for (attempt = 0; attempt < 6 && !decided; attempt++, gap *= 2) {
		uint32_t t_a2, t_mid2, age, after;

		os_free(a);
		a = os_malloc_debug("first_fn", 1, 16, 0);
		t_a2 = os_mem_get_tick();
		wait_ticks(t_a2, gap);
		t_mid2 = os_mem_get_tick();
		b = os_malloc_debug("second_fn", 2, 24, 0);
		age = t_mid2 - t_a2;
		out = dump(&c, 0, age, NULL);
		after = os_mem_get_tick();
		CHECK_EQ(count_lines_with(out, "first_fn:1"), 1);
		CHECK_EQ(count_lines_with(out, "worker_fn:7"), 1);
		if (after - t_mid2 < age) {
			CHECK_EQ(count_lines_with(out, "second_fn:2"), 0);
			decided = true;
		}
		capture_free(&c);
		os_free(b);
	}
	CHECK(decided);

	/* a huge age lists nothing */
	out = dump(&c, 0, 0xffffffffu, NULL);
	CHECK(strstr(out, "0 listed") != NULL);
	capture_free(&c);

	os_free(a);
	os_free(w);
	out = dump(&c, 0, 0, NULL);
	CHECK(strstr(out, "0 listed (0 bytes) of 0 outstanding") != NULL);
	capture_free(&c);
	return lt_done();
}
