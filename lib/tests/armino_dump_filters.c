// SPDX-License-Identifier: MIT
/*
 * armino_dump_filters.c - os_dump_memory_stats(start_tick,
 * ticks_since_malloc, task): each filter alone selects exactly the
 * allocations it should.  The dump is parsed into its columns (no number
 * is looked for in the text); every listed row is checked against the
 * filters asked for, and the age filter against the dump's own "now" and
 * the recorded ticks, so a slow machine cannot fail it.
 */
#define _GNU_SOURCE
#include <os/mem.h>

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "lt.h"
#include "rtos_capture.h"

/* The dump with these filters, parsed; its frame must be well formed. */
static void dump(struct dump *d, uint32_t start, uint32_t age, const char *task)
{
	struct capture c;

	capture_begin(&c, STDOUT_FILENO);
	os_dump_memory_stats(start, age, task);
	dump_parse(capture_end(&c), d);
	capture_free(&c);
	CHECK_EQ(d->header, 1);
	CHECK_EQ(d->footer, 1);
	CHECK(d->nrows >= 0);
	CHECK_EQU(d->listed, (size_t)(d->nrows > 0 ? d->nrows : 0));
	for (int i = 0; i < d->nrows; i++) {
		CHECK_EQU(d->rows[i].age, d->now - d->rows[i].tick);
		CHECK(d->rows[i].age >= age);
		CHECK(!start || d->rows[i].tick >= start);
		CHECK(!task || !*task || strcmp(d->rows[i].task, task) == 0);
	}
}

/* Rows at @site (exact "function:line"). */
static int at(const struct dump *d, const char *site)
{
	return dump_rows_at(d, site, NULL);
}

/* The tick recorded for the one row at @site, from an unfiltered dump. */
static uint32_t tick_of(const char *site)
{
	const struct dump_row *r = NULL;
	struct dump d;

	dump(&d, 0, 0, NULL);
	CHECK_EQ(dump_rows_at(&d, site, &r), 1);
	return r ? r->tick : 0;
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
	struct dump d;
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

	dump(&d, 0, 0, NULL);
	CHECK_EQ(d.nrows, 3);
	CHECK_EQ(at(&d, "first_fn:1"), 1);
	CHECK_EQ(at(&d, "second_fn:2"), 1);
	CHECK_EQ(at(&d, "worker_fn:7"), 1);
	CHECK_EQU(d.bytes, 88);
	CHECK_EQU(d.outstanding, 3);

	/* start_tick: allocations made at or after it */
	dump(&d, t_mid, 0, NULL);
	CHECK_EQ(d.nrows, 2);
	CHECK_EQ(at(&d, "first_fn:1"), 0);
	CHECK_EQ(at(&d, "second_fn:2"), 1);
	CHECK_EQ(at(&d, "worker_fn:7"), 1);

	/* task: by thread name; NULL and "" mean any */
	dump(&d, 0, 0, "dump-worker");
	CHECK_EQ(d.nrows, 1);
	CHECK_EQ(at(&d, "worker_fn:7"), 1);
	CHECK_EQU(d.bytes, 48);
	CHECK_EQU(d.outstanding, 3);
	dump(&d, 0, 0, "dump-main");
	CHECK_EQ(d.nrows, 2);
	CHECK_EQ(at(&d, "first_fn:1"), 1);
	CHECK_EQ(at(&d, "second_fn:2"), 1);
	CHECK_EQ(at(&d, "worker_fn:7"), 0);
	dump(&d, 0, 0, "nobody");
	CHECK_EQ(d.nrows, 0);
	CHECK_EQU(d.bytes, 0);
	CHECK_EQU(d.outstanding, 3);
	dump(&d, 0, 0, "");
	CHECK_EQ(d.nrows, 3);

	/*
	 * ticks_since_malloc: a row is listed exactly when now - tick >= the
	 * age asked, with "now" the one the dump prints and the ticks the
	 * ones an unfiltered dump shows; checked on every attempt.  A (older
	 * than the gap) must be listed; B (younger) is left out when the dump
	 * ran within the gap after B.  If the machine was slower than that,
	 * the attempt still checked the rule, and we retry with a wider gap
	 * until one attempt shows B left out.
	 */
	os_free(b);
	gap = 20;
	for (attempt = 0; attempt < 10 && !decided; attempt++, gap *= 2) {
		uint32_t t_a2, t_mid2, age, tick_a, tick_b, tick_w;

		os_free(a);
		a = os_malloc_debug("first_fn", 1, 16, 0);
		t_a2 = os_mem_get_tick();
		wait_ticks(t_a2, gap);
		t_mid2 = os_mem_get_tick();
		b = os_malloc_debug("second_fn", 2, 24, 0);
		age = t_mid2 - t_a2;
		dump(&d, 0, age, NULL);
		tick_a = tick_of("first_fn:1");
		tick_b = tick_of("second_fn:2");
		tick_w = tick_of("worker_fn:7");
		CHECK(tick_a <= t_a2 && tick_b >= t_mid2);
		CHECK_EQ(at(&d, "first_fn:1"), 1);
		CHECK_EQ(at(&d, "worker_fn:7"), 1);
		CHECK_EQ(at(&d, "first_fn:1"), d.now - tick_a >= age);
		CHECK_EQ(at(&d, "worker_fn:7"), d.now - tick_w >= age);
		CHECK_EQ(at(&d, "second_fn:2"), d.now - tick_b >= age);
		CHECK_EQ(d.nrows, 2 + at(&d, "second_fn:2"));
		decided = at(&d, "second_fn:2") == 0;
		os_free(b);
	}
	CHECK(decided);

	/* a huge age lists nothing */
	dump(&d, 0, 0xffffffffu, NULL);
	CHECK_EQ(d.nrows, 0);
	CHECK_EQU(d.outstanding, 2);

	os_free(a);
	os_free(w);
	dump(&d, 0, 0, NULL);
	CHECK_EQ(d.nrows, 0);
	CHECK_EQU(d.outstanding, 0);
	return lt_done();
}
