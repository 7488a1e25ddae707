/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * esp_helpers.h - what the ESP-IDF API tests share: a recorder for the
 * failed-allocation callback, output capture, and the default layout.
 *
 * The tests run on the embedded backend with the default layout unless a
 * test sets MEMHEAP_REGIONS / MEMHEAP_POISON before its first library call:
 *   sram   512 KiB  dma internal 8bit 32bit default
 *   psram    8 MiB  spiram 8bit 32bit default
 */
#ifndef ESP_HELPERS_H
#define ESP_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esp_heap_caps.h"
#include "esp_heap_caps_init.h"
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

#endif /* ESP_HELPERS_H */
