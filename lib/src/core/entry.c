/* SPDX-License-Identifier: MIT */
/*
 * entry.c - the public entry points of the layers below initialisation
 * (registry, reports and listeners, tracking).  Each makes sure the
 * library is initialised (mhl_init: the backend's regions exist, the
 * environment is read), then calls its layer, which never calls back up.
 */
#include <string.h>

#include "core/internal.h"

int mhl_region_add(const char *name, void *base, size_t size, uint32_t caps,
		   enum mh_algo algo)
{
	mhl_init();
	return mhl_region_new(name, caps, algo, MHL_ORIGIN_ADDED, base, size,
			      &mhl_engine_region_ops, NULL);
}

unsigned int mhl_region_count(void)
{
	mhl_init();
	return atomic_load_explicit(&mhl_nregions, memory_order_acquire);
}

int mhl_region_find(const char *name)
{
	unsigned int n = mhl_region_count();

	if (!name)
		return -1;
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(mhl_regions[i].info.name, name))
			return (int)i;
	return -1;
}

enum mhl_owner_kind mhl_owner_of(const void *addr, struct mhl_owner *out)
{
	const struct mhl_range *r;
	struct mhl_owner o = { .kind = MHL_OWNER_NONE, .region = -1 };

	mhl_init();
	r = addr ? mhl_range_find((uintptr_t)addr) : NULL;
	if (r) {
		o.kind = r->region >= 0 ? MHL_OWNER_REGION : MHL_OWNER_STANDALONE;
		o.region = r->region;
		o.heap = r->heap;
		o.tag = r->tag;
		o.start = r->start;
		o.end = r->end;
	}
	if (out)
		*out = o;
	return o.kind;
}

int mhl_standalone_register(void *start, size_t size, struct mh_heap *heap, void *tag)
{
	mhl_init();
	return mhl_reg_standalone_add(start, size, heap, tag, NULL);
}

int mhl_standalone_register_retirable(void *start, size_t size, struct mh_heap *heap,
				      void *tag, const struct mhl_retire_ops *ops)
{
	mhl_init();
	if (!ops)
		return MHL_EINVAL;
	return mhl_reg_standalone_add(start, size, heap, tag, ops);
}

int mhl_standalone_unregister(struct mh_heap *heap)
{
	mhl_init();
	return mhl_reg_unregister(heap);
}

int mhl_range_reclaim(const void *start, size_t size, const char *api)
{
	mhl_init();
	return mhl_reg_reclaim(start, size, api);
}

bool mhl_range_overlaps(const void *start, size_t size)
{
	mhl_init();
	return mhl_reg_overlaps(start, size);
}

void mhl_set_error_handler(mhl_error_fn fn, void *ctx, mhl_error_fn *old, void **old_ctx)
{
	mhl_init();
	mhl_hook_set_handler(fn, ctx, old, old_ctx);
}

int mhl_alloc_failed_listen(mhl_alloc_failed_fn fn, void *ctx)
{
	mhl_init();
	return mhl_hook_listen(fn, ctx);
}

int mhl_alloc_failed_unlisten(mhl_alloc_failed_fn fn, void *ctx)
{
	mhl_init();
	return mhl_hook_unlisten(fn, ctx);
}

void mhl_alloc_failed(size_t size, uint32_t caps, const char *api)
{
	mhl_init();
	mhl_run_failed_listeners(size, caps, api);
}

void mhl_track_enable(bool on)
{
	mhl_init();
	atomic_store(&mhl_track_on, on);
}

bool mhl_track_enabled(void)
{
	mhl_init();
	return atomic_load(&mhl_track_on);
}

size_t mhl_track_foreach(mhl_track_fn fn, void *ctx)
{
	mhl_init();
	return mhl_track_visit(fn, ctx);
}
