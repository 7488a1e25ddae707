/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * esp_helpers.h - what the ESP-IDF API tests share: a recorder for the
 * failed-allocation callback, output capture, and the layout the test runs on.
 *
 * The tests run on whatever regions the library has: on the host the
 * embedded backend's default layout (sram 512 KiB dma internal 8bit 32bit
 * default, psram 8 MiB spiram 8bit 32bit default), in lib-test's second pass
 * a MEMHEAP_REGIONS copy of the QEMU board, in the guest the board's
 * memheap.ko regions.  So a test derives what it expects from the region
 * list (memheap_region_count / memheap_region_info) with the helpers below,
 * never from one layout; a part that needs a shape of layout that is absent
 * prints "part skipped: why" and the rest still runs.
 */
#ifndef ESP_HELPERS_H
#define ESP_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esp_heap_caps.h"
#include "esp_heap_caps_init.h"
#include "memheap.h"
#include "multi_heap.h"
#include "lt.h"

/* ---- failed-allocation callback recorder ---- */
struct esp_failure {
	int count;
	size_t size;
	uint32_t caps;
	char function[64];
};
static struct esp_failure esp_failed;

static void esp_failed_hook(size_t size, uint32_t caps, const char *function_name)
{
	esp_failed.count++;
	esp_failed.size = size;
	esp_failed.caps = caps;
	snprintf(esp_failed.function, sizeof(esp_failed.function), "%s",
		 function_name ? function_name : "(null)");
}

static inline void esp_failed_reset(void)
{
	memset(&esp_failed, 0, sizeof(esp_failed));
}

/* Run the library with the hook installed and the record cleared. */
static inline void esp_hook_install(void)
{
	REQUIRE(heap_caps_register_failed_alloc_callback(esp_failed_hook) == ESP_OK);
	esp_failed_reset();
}

/* ---- capture of stdout or stderr (fd 1 or 2) into a buffer ---- */
struct esp_capture {
	int fd, saved;
	FILE *tmp;
};

static inline void esp_capture_begin(struct esp_capture *c, int fd)
{
	fflush(fd == 1 ? stdout : stderr);
	c->fd = fd;
	c->tmp = tmpfile();
	REQUIRE(c->tmp);
	c->saved = dup(fd);
	REQUIRE(c->saved >= 0);
	REQUIRE(dup2(fileno(c->tmp), fd) == fd);
}

/* Restore the stream; return what was written (malloc'd, NUL-terminated). */
static inline char *esp_capture_end(struct esp_capture *c)
{
	long n;
	char *buf;

	fflush(c->fd == 1 ? stdout : stderr);
	REQUIRE(dup2(c->saved, c->fd) == c->fd);
	close(c->saved);
	n = ftell(c->tmp);
	REQUIRE(n >= 0);
	buf = malloc((size_t)n + 1);
	REQUIRE(buf);
	rewind(c->tmp);
	REQUIRE(fread(buf, 1, (size_t)n, c->tmp) == (size_t)n);
	buf[n] = '\0';
	fclose(c->tmp);
	return buf;
}

/* Number of occurrences of @needle in @hay. */
static inline int esp_count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* ---- where a pointer lives: the walker tells each region's range ---- */
struct esp_where {
	const void *ptr;
	intptr_t start, end;
	bool found;
};

static bool esp_where_cb(walker_heap_into_t heap, walker_block_info_t block, void *user)
{
	struct esp_where *w = user;

	(void)block;
	if ((intptr_t)w->ptr >= heap.start && (intptr_t)w->ptr < heap.end) {
		w->start = heap.start;
		w->end = heap.end;
		w->found = true;
	}
	return false;	/* one block per heap is enough to learn its range */
}

/* true if @p lies in a heap having all of @caps. */
static inline bool esp_in_caps(const void *p, uint32_t caps)
{
	struct esp_where w = { .ptr = p };

	heap_caps_walk(caps, esp_where_cb, &w);
	return w.found;
}

/* ---- the layout: which regions serve which MALLOC_CAP_* ---- */

/* Region count the tests handle: the library's limit with room for added ones. */
#define ESP_MAX_REGIONS 64

/* Region @i as the library reports it now (statistics included). */
static inline struct memheap_region esp_region(unsigned int i)
{
	struct memheap_region r;

	REQUIRE(memheap_region_info(i, &r) == 0);
	return r;
}

static inline unsigned int esp_region_count(void)
{
	unsigned int n = memheap_region_count();

	REQUIRE(n <= ESP_MAX_REGIONS);
	return n;
}

/*
 * Whether region @r serves requests for @caps, by the rule of
 * docs/api-esp-idf.md: DMA SPIRAM INTERNAL 8BIT 32BIT DEFAULT are memheap
 * capabilities the region must all have; every other bit (EXEC, TCM, PIDs,
 * ...) no region has; DMA without SPIRAM never uses a SPIRAM region.
 * CACHE_ALIGNED only aligns.
 */
static inline bool esp_region_serves(const struct memheap_region *r, uint32_t caps)
{
	static const struct { uint32_t esp, mh; } map[] = {
		{ MALLOC_CAP_DMA, MEMHEAP_CAP_DMA },
		{ MALLOC_CAP_SPIRAM, MEMHEAP_CAP_SPIRAM },
		{ MALLOC_CAP_INTERNAL, MEMHEAP_CAP_INTERNAL },
		{ MALLOC_CAP_8BIT, MEMHEAP_CAP_8BIT },
		{ MALLOC_CAP_32BIT, MEMHEAP_CAP_32BIT },
		{ MALLOC_CAP_DEFAULT, MEMHEAP_CAP_DEFAULT },
	};
	uint32_t known = MALLOC_CAP_CACHE_ALIGNED, want = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		known |= map[i].esp;
		if (caps & map[i].esp)
			want |= map[i].mh;
	}
	if (caps & ~known)
		return false;
	if ((caps & MALLOC_CAP_DMA) && !(caps & MALLOC_CAP_SPIRAM) &&
	    (r->caps & MEMHEAP_CAP_SPIRAM))
		return false;
	return (r->caps & want) == want;
}

/* Bit i set: region i serves @caps. */
static inline uint64_t esp_regions_for(uint32_t caps)
{
	uint64_t set = 0;

	for (unsigned int i = 0; i < esp_region_count(); i++) {
		struct memheap_region r = esp_region(i);

		if (esp_region_serves(&r, caps))
			set |= (uint64_t)1 << i;
	}
	return set;
}

/* Whether region @i (-1: none) is in @set. */
static inline bool esp_set_has(uint64_t set, int i)
{
	return i >= 0 && i < ESP_MAX_REGIONS && ((set >> i) & 1);
}

static inline bool esp_layout_has(uint32_t caps)
{
	return esp_regions_for(caps) != 0;
}

/*
 * The statistics heap_caps_* should report for @caps, added up from the
 * regions serving it: sums, and the largest of the largest free blocks.
 * Returns the number of regions.
 */
static inline unsigned int esp_layout_sum(uint32_t caps, struct memheap_region *sum)
{
	unsigned int n = 0;

	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < esp_region_count(); i++) {
		struct memheap_region r = esp_region(i);

		if (!esp_region_serves(&r, caps))
			continue;
		n++;
		sum->total += r.total;
		sum->free += r.free;
		sum->allocated += r.allocated;
		sum->min_free += r.min_free;
		sum->allocated_blocks += r.allocated_blocks;
		sum->free_blocks += r.free_blocks;
		if (r.largest_free > sum->largest_free)
			sum->largest_free = r.largest_free;
	}
	return n;
}

/*
 * The region a request of @size bytes for @caps lands in, by the routing
 * rule (the first region in priority order that serves @caps and has a
 * free block of @size bytes), or -1 if none can take it.
 */
static inline int esp_expected_region(uint32_t caps, size_t size)
{
	for (unsigned int i = 0; i < esp_region_count(); i++) {
		struct memheap_region r = esp_region(i);

		if (esp_region_serves(&r, caps) && r.largest_free >= size)
			return (int)i;
	}
	return -1;
}

/* The region @p lies in, -1 if none. */
static inline int esp_region_of(const void *p)
{
	int i = memheap_region_of(p);

	return i < 0 ? -1 : i;
}

/* "name" of region @i for messages; "(none)" for -1. */
static inline const char *esp_region_name(int i)
{
	static char name[MEMHEAP_REGION_NAME_LEN];

	if (i < 0)
		return "(none)";
	snprintf(name, sizeof(name), "%s", esp_region((unsigned int)i).name);
	return name;
}

/*
 * Whether walks and dumps show every region.  The embedded backend's heaps
 * always hold at least one (free) block; on the kernel backend a region
 * shows only the blocks of this process's buffers, so one the process holds
 * nothing in may show nothing.
 */
static inline bool esp_walk_shows_every_region(void)
{
	return strcmp(memheap_backend(), "embedded") == 0;
}

/* Why a part of a test does not run on this layout (the rest does). */
#define ESP_PART_SKIPPED(...) do {					\
	printf("part skipped: ");					\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

#endif /* ESP_HELPERS_H */
