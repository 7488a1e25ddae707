/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * caps_debug.c - integrity checks, dumps, walks and allocated size by
 * capability or address.
 */
#include <stdio.h>

#include "esp/esp_internal.h"

MHL_ESP_API bool heap_caps_check_integrity(uint32_t caps, bool print_errors)
{
	struct mhl_region_info ri;
	struct mhl_esp_req req;
	unsigned int n, i;
	bool ok = true;

	/* MALLOC_CAP_INVALID means every heap, standalone heaps included. */
	if (caps & MALLOC_CAP_INVALID)
		return mhl_check(0, print_errors) == MHL_OK;
	mhl_esp_req(caps, &req);
	n = req.possible ? mhl_region_count() : 0;
	for (i = 0; i < n; i++) {
		if (mhl_region_get(i, &ri, NULL) != MHL_OK || !mhl_esp_region_matches(&req, &ri))
			continue;
		if (mhl_check_addr((const void *)ri.start, print_errors) != MHL_OK)
			ok = false;
	}
	return ok;
}

MHL_ESP_API bool heap_caps_check_integrity_all(bool print_errors)
{
	return heap_caps_check_integrity(MALLOC_CAP_INVALID, print_errors);
}

MHL_ESP_API bool heap_caps_check_integrity_addr(intptr_t addr, bool print_errors)
{
	int rc = mhl_check_addr((const void *)addr, print_errors);

	if (rc == MHL_EFOREIGN && print_errors)
		fprintf(stderr, "heap_caps_check_integrity_addr: %p is in no heap\n",
			(void *)addr);
	return rc == MHL_OK;
}

MHL_ESP_API size_t heap_caps_get_allocated_size(void *ptr)
{
	struct multi_heap_info *h;
	size_t n;

	if (!ptr)
		return 0;
	h = mhl_esp_multi_heap_special(ptr);
	if (h)
		return multi_heap_get_allocated_size(h, ptr);
	n = mhl_usable_size(ptr);
	if (!n)
		fprintf(stderr, "heap_caps_get_allocated_size: %p is not a live heap block\n", ptr);
	return n;
}

struct walk_ctx {
	struct mhl_esp_req req;
	bool all;
	heap_caps_walker_cb_t fn;
	void *user;
	int dump_region;	/* dump: last region whose header was printed */
};

static bool walk_one(const struct mhl_region_info *r, const struct mh_block_info *b, void *ctx)
{
	struct walk_ctx *w = ctx;
	walker_heap_into_t hi = { (intptr_t)r->start, (intptr_t)r->end };
	walker_block_info_t bi = { b->ptr, b->size, b->used };

	if (!w->all && !mhl_esp_region_matches(&w->req, r))
		return false;	/* an excluded region: skip the rest of it */
	return w->fn(hi, bi, w->user);
}

static void walk(uint32_t caps, bool all, heap_caps_walker_cb_t fn, void *user,
		 const char *api)
{
	struct walk_ctx w = { .all = all, .fn = fn, .user = user };

	if (!fn) {
		fprintf(stderr, "%s: NULL walker function\n", api);
		return;
	}
	mhl_esp_req(caps, &w.req);
	if (!all && !w.req.possible)
		return;
	mhl_walk(all ? 0 : w.req.core_caps, walk_one, &w);
}

MHL_ESP_API void heap_caps_walk(uint32_t caps, heap_caps_walker_cb_t walker_func,
				void *user_data)
{
	walk(caps, caps & MALLOC_CAP_INVALID, walker_func, user_data, "heap_caps_walk");
}

MHL_ESP_API void heap_caps_walk_all(heap_caps_walker_cb_t walker_func, void *user_data)
{
	walk(MALLOC_CAP_INVALID, true, walker_func, user_data, "heap_caps_walk_all");
}

static bool dump_one(const struct mhl_region_info *r, const struct mh_block_info *b, void *ctx)
{
	struct walk_ctx *w = ctx;

	if (!w->all && !mhl_esp_region_matches(&w->req, r))
		return false;
	if (w->dump_region != (int)r->index) {
		w->dump_region = (int)r->index;
		printf("Heap %s at %p-%p:\n", r->name, (void *)r->start, (void *)r->end);
	}
	printf("  Block %p data %p size %zu next %p %s\n", b->block, b->ptr, b->size,
	       (void *)((char *)b->block + b->block_size), b->used ? "used" : "free");
	return true;
}

static void dump(uint32_t caps, bool all)
{
	struct walk_ctx w = { .all = all, .dump_region = -1 };

	mhl_esp_req(caps, &w.req);
	if (all || w.req.possible)
		mhl_walk(all ? 0 : w.req.core_caps, dump_one, &w);
	fflush(stdout);
}

MHL_ESP_API void heap_caps_dump(uint32_t caps)
{
	dump(caps, caps & MALLOC_CAP_INVALID);
}

MHL_ESP_API void heap_caps_dump_all(void)
{
	dump(MALLOC_CAP_INVALID, true);
}
