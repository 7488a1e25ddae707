/* SPDX-License-Identifier: MIT */
/*
 * memheap.c - the memheap_* extensions (lib/include/memheap.h) over the core.
 */
#include <errno.h>
#include <string.h>

#include "memheap.h"
#include "core/core.h"

#define MEMHEAP_API MHL_API

_Static_assert(MEMHEAP_REGION_NAME_LEN == MEMHEAP_NAME_LEN, "name length matches the uapi");

/* Core error code -> negative errno. */
static int memheap_errno(int rc)
{
	switch (rc) {
	case MHL_OK: return 0;
	case MHL_EINVAL: return -EINVAL;
	case MHL_ENOMEM: return -ENOMEM;
	case MHL_EFOREIGN: return -ENOENT;
	case MHL_ENOTSUP: return -EOPNOTSUPP;
	case MHL_EPERM: return -EPERM;
	case MHL_EIO: return mhl_last_errno() ? -mhl_last_errno() : -EIO;
	case MHL_EOVERLAP: return -EEXIST;
	case MHL_ESTATE: return -EALREADY;
	default: return rc < 0 && rc >= MHL_EPOISON ? -EIO : -EINVAL;
	}
}

MEMHEAP_API unsigned int memheap_region_count(void)
{
	return mhl_region_count();
}

MEMHEAP_API int memheap_region_info(unsigned int index, struct memheap_region *out)
{
	struct mhl_region_info ri;
	struct mhl_stats st;

	if (!out || mhl_region_get(index, &ri, &st))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->index = ri.index;
	memcpy(out->name, ri.name, sizeof(out->name));
	out->caps = ri.caps;
	out->algo = ri.algo == MH_ALGO_BUDDY ? MEMHEAP_ALGO_BUDDY : MEMHEAP_ALGO_FIRSTFIT;
	out->added = ri.origin == MHL_ORIGIN_ADDED;
	out->start = ri.start;
	out->end = ri.end;
	out->dev_addr = ri.dev_addr;
	out->total = st.total;
	out->free = st.free;
	out->allocated = st.allocated;
	out->largest_free = st.largest_free;
	out->min_free = st.min_free;
	out->peak_allocated = st.peak_allocated;
	out->allocated_blocks = st.allocated_blocks;
	out->free_blocks = st.free_blocks;
	out->alloc_count = st.alloc_count;
	out->free_count = st.free_count;
	out->failed_count = st.failed_count;
	return 0;
}

MEMHEAP_API int memheap_region_find(const char *name)
{
	int i = mhl_region_find(name);

	return i < 0 ? -ENOENT : i;
}

MEMHEAP_API int memheap_region_of(const void *ptr)
{
	struct mhl_owner o;

	if (mhl_owner_of(ptr, &o) != MHL_OWNER_REGION)
		return -ENOENT;
	return o.region;
}

MEMHEAP_API void *memheap_alloc(size_t size, size_t align, uint32_t caps, unsigned int flags)
{
	unsigned int f = 0;

	if (flags & ~(MEMHEAP_F_ZERO | MEMHEAP_F_DEDICATED))
		return NULL;
	if (flags & MEMHEAP_F_ZERO)
		f |= MHL_ALLOC_ZERO;
	if (flags & MEMHEAP_F_DEDICATED)
		f |= MHL_ALLOC_DEDICATED;
	return mhl_alloc(size, align, caps, f, "memheap_alloc");
}

MEMHEAP_API void memheap_free(void *ptr)
{
	mhl_free(ptr, "memheap_free");
}

MEMHEAP_API size_t memheap_usable_size(const void *ptr)
{
	return mhl_usable_size(ptr);
}

MEMHEAP_API int memheap_dev_addr(const void *ptr, uint64_t *dev_addr)
{
	if (!dev_addr)
		return -EINVAL;
	return memheap_errno(mhl_dev_addr(ptr, dev_addr));
}

MEMHEAP_API int memheap_sync_for_device(const void *ptr, size_t len)
{
	return memheap_errno(mhl_sync(ptr, len, true));
}

MEMHEAP_API int memheap_sync_for_cpu(const void *ptr, size_t len)
{
	return memheap_errno(mhl_sync(ptr, len, false));
}

MEMHEAP_API int memheap_export_dmabuf(const void *ptr, int flags)
{
	int rc = mhl_export_dmabuf(ptr, flags);

	return rc >= 0 ? rc : memheap_errno(rc);
}

MEMHEAP_API const char *memheap_backend(void)
{
	struct mhl_config_info ci;

	mhl_config(&ci);
	return ci.backend_name;
}

MEMHEAP_API void memheap_print_config(FILE *out)
{
	mhl_print_config(out ? out : stdout);
}

MEMHEAP_API int memheap_check(int verbose)
{
	return mhl_check(0, verbose != 0) ? -EIO : 0;
}
