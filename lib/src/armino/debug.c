// SPDX-License-Identifier: MIT
/*
 * debug.c - Armino's memory debugging: the *_debug allocation calls that
 * record call sites, os_dump_memory_stats(), os_show_memory_config_info(),
 * and os_printf().
 */
#include <os/mem.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rtos/rtos.h"

#define MHL_EXPORT __attribute__((visibility("default")))

MHL_EXPORT void *(os_malloc_debug)(const char *func_name, int line,
				   size_t size, int need_zero)
{
	return mhl_rtos_alloc(size, 0, need_zero ? MHL_ALLOC_ZERO : 0,
			      need_zero ? "os_zalloc" : "os_malloc",
			      func_name ? func_name : "?", line);
}

MHL_EXPORT void *(os_free_debug)(const char *func_name, int line, void *pv)
{
	mhl_rtos_free(pv, "os_free", func_name ? func_name : "?", line);
	return NULL;
}

MHL_EXPORT void *(psram_malloc_debug)(const char *func_name, int line,
				      size_t size, int need_zero)
{
	return mhl_alloc_at(size, 0, MEMHEAP_CAP_SPIRAM,
			    need_zero ? MHL_ALLOC_ZERO : 0,
			    need_zero ? "psram_zalloc" : "psram_malloc",
			    func_name ? func_name : "?", line);
}

MHL_EXPORT uint32_t (os_mem_get_tick)(void)
{
	return mhl_tick();
}

struct dump_filter {
	uint32_t now;
	uint32_t start_tick;		/* 0: any */
	uint32_t min_age;		/* 0: any */
	const char *task;		/* NULL: any */
	size_t outstanding, listed, bytes;
};

static bool dump_one(const struct mhl_track_record *rec, void *ctx)
{
	struct dump_filter *f = ctx;
	uint32_t age = f->now - rec->tick;	/* ticks wrap at 2^32 */

	f->outstanding++;
	if (f->start_tick && rec->tick < f->start_tick)
		return true;
	if (age < f->min_age)
		return true;
	if (f->task && strcmp(f->task, rec->thread) != 0)
		return true;
	f->listed++;
	f->bytes += rec->size;
	if (rec->file)
		printf("  %-18p %10zu %10u %10u  %-15s %s:%d\n", rec->ptr,
		       rec->size, rec->tick, age, rec->thread, rec->file,
		       rec->line);
	else
		printf("  %-18p %10zu %10u %10u  %-15s -\n", rec->ptr,
		       rec->size, rec->tick, age, rec->thread);
	return true;
}

/*
 * Outstanding tracked allocations made at or after @start_tick (0: any),
 * at least @ticks_since_malloc ticks old (0: any age), by the thread named
 * @task (NULL or "": any).  A tick is a millisecond (os_mem_get_tick()).
 */
MHL_EXPORT void (os_dump_memory_stats)(uint32_t start_tick,
				       uint32_t ticks_since_malloc,
				       const char *task)
{
	struct dump_filter f = {
		.now = mhl_tick(),
		.start_tick = start_tick,
		.min_age = ticks_since_malloc,
		.task = task && *task ? task : NULL,
	};

	fflush(stdout);
	printf("os_dump_memory_stats: now %u, start_tick %u, age >= %u, task %s%s\n",
	       f.now, start_tick, ticks_since_malloc, f.task ? f.task : "*",
	       mhl_track_enabled() ? "" : " (tracking off: debug calls only)");
	printf("  %-18s %10s %10s %10s  %-15s %s\n", "addr", "size", "tick",
	       "age", "task", "site");
	mhl_track_foreach(dump_one, &f);
	printf("os_dump_memory_stats: %zu listed (%zu bytes) of %zu outstanding\n",
	       f.listed, f.bytes, f.outstanding);
	{
		struct mhl_config_info ci;

		mhl_config(&ci);
		if (ci.backend == MHL_BACKEND_EMBEDDED)
			printf("os_dump_memory_stats: embedded backend: the regions are simulated "
			       "inside this process; memshow (which asks memheap.ko) cannot see them\n");
	}
	fflush(stdout);
}

MHL_EXPORT void (os_show_memory_config_info)(void)
{
	fflush(stdout);
	mhl_print_config(stdout);
	fflush(stdout);
}

MHL_EXPORT void (os_printf)(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
