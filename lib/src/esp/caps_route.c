/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * caps_route.c - MALLOC_CAP_* to memheap capabilities, and the choice of
 * region for a request.
 *
 * The core routes by "region caps include the request's caps".  ESP-IDF
 * adds one exclusion: MALLOC_CAP_DMA never returns external memory unless
 * MALLOC_CAP_SPIRAM is asked for too.  Only when some region is both DMA
 * and SPIRAM does this layer walk the regions itself; otherwise the core's
 * routing is already right.
 */
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "esp/esp_internal.h"

static const struct {
	uint32_t esp, core;
} cap_map[] = {
	{ MALLOC_CAP_DMA, MEMHEAP_CAP_DMA },
	{ MALLOC_CAP_SPIRAM, MEMHEAP_CAP_SPIRAM },
	{ MALLOC_CAP_INTERNAL, MEMHEAP_CAP_INTERNAL },
	{ MALLOC_CAP_8BIT, MEMHEAP_CAP_8BIT },
	{ MALLOC_CAP_32BIT, MEMHEAP_CAP_32BIT },
	{ MALLOC_CAP_DEFAULT, MEMHEAP_CAP_DEFAULT },
};

uint32_t mhl_esp_caps_to_core(uint32_t caps)
{
	uint32_t core = 0;
	size_t i;

	for (i = 0; i < sizeof(cap_map) / sizeof(cap_map[0]); i++)
		if (caps & cap_map[i].esp)
			core |= cap_map[i].core;
	return core;
}

uint32_t mhl_esp_caps_from_core(uint32_t core_caps)
{
	uint32_t caps = 0;
	size_t i;

	for (i = 0; i < sizeof(cap_map) / sizeof(cap_map[0]); i++)
		if (core_caps & cap_map[i].core)
			caps |= cap_map[i].esp;
	return caps;
}

size_t mhl_esp_cache_line(void)
{
	static atomic_size_t line;
	size_t l = atomic_load_explicit(&line, memory_order_relaxed);
	long v;

	if (l)
		return l;
	v = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
	/* Unknown or implausible: 64 bytes, the common line size. */
	l = (v >= 16 && v <= 4096 && !(v & (v - 1))) ? (size_t)v : 64;
	atomic_store_explicit(&line, l, memory_order_relaxed);
	return l;
}

/*
 * The extra bits of each region (MHL_ESP_CAPS_EXTRA), by region index;
 * written once, before the region can serve (regions are only appended),
 * so readers need no lock.  any_extra says whether any region has some.
 */
#define ESP_MAX_REGIONS 64	/* the core's region table (MHL_MAX_REGIONS) */
static _Atomic uint32_t region_extra[ESP_MAX_REGIONS];
static atomic_uint any_extra;

void mhl_esp_set_extra(unsigned int index, uint32_t extra)
{
	if (index >= ESP_MAX_REGIONS || !(extra & MHL_ESP_CAPS_EXTRA))
		return;
	atomic_store_explicit(&region_extra[index], extra & MHL_ESP_CAPS_EXTRA,
			      memory_order_release);
	atomic_fetch_or(&any_extra, extra & MHL_ESP_CAPS_EXTRA);
}

static uint32_t extra_of(unsigned int index)
{
	if (index >= ESP_MAX_REGIONS)
		return 0;
	return atomic_load_explicit(&region_extra[index], memory_order_acquire);
}

uint32_t mhl_esp_region_caps(const struct mhl_region_info *info)
{
	return mhl_esp_caps_from_core(info->caps) | extra_of(info->index);
}

void mhl_esp_req(uint32_t caps, struct mhl_esp_req *req)
{
	req->extra = caps & MHL_ESP_CAPS_EXTRA;
	/* no region was ever given these bits: nothing can match (cheap) */
	req->possible = !(caps & ~MHL_ESP_CAPS_KNOWN) &&
			(req->extra & ~atomic_load(&any_extra)) == 0;
	req->core_caps = mhl_esp_caps_to_core(caps);
	req->no_spiram = (caps & MALLOC_CAP_DMA) && !(caps & MALLOC_CAP_SPIRAM);
	req->align = (caps & MALLOC_CAP_CACHE_ALIGNED) ? mhl_esp_cache_line() : 0;
	req->round32 = caps & MALLOC_CAP_32BIT;
}

size_t mhl_esp_round(const struct mhl_esp_req *req, size_t size)
{
	if (!req->round32)
		return size;
	if (size > SIZE_MAX - 3)
		return SIZE_MAX;
	return (size + 3) & ~(size_t)3;
}

bool mhl_esp_region_matches(const struct mhl_esp_req *req,
			    const struct mhl_region_info *info)
{
	if (!req->possible || (info->caps & req->core_caps) != req->core_caps ||
	    (extra_of(info->index) & req->extra) != req->extra)
		return false;
	return !(req->no_spiram && (info->caps & MEMHEAP_CAP_SPIRAM));
}

/*
 * Whether any region is DMA and SPIRAM at once.  Regions are only ever
 * appended and never change, so the answer is cached with the count it was
 * computed for.
 */
bool mhl_esp_dma_spiram_exists(void)
{
	static atomic_uint seen_count;
	static atomic_bool seen_any;
	unsigned int n = mhl_region_count(), i;
	struct mhl_region_info info;
	bool any;

	if (atomic_load_explicit(&seen_count, memory_order_acquire) == n)
		return atomic_load_explicit(&seen_any, memory_order_relaxed);
	any = false;
	for (i = 0; i < n && !any; i++)
		if (mhl_region_get(i, &info, NULL) == MHL_OK &&
		    (info.caps & (MEMHEAP_CAP_DMA | MEMHEAP_CAP_SPIRAM)) ==
		    (MEMHEAP_CAP_DMA | MEMHEAP_CAP_SPIRAM))
			any = true;
	atomic_store_explicit(&seen_any, any, memory_order_relaxed);
	atomic_store_explicit(&seen_count, n, memory_order_release);
	return any;
}

void *mhl_esp_alloc(const struct mhl_esp_req *req, size_t size, size_t align,
		    bool zero, const char *api)
{
	unsigned int flags = MHL_ALLOC_NO_HOOK | (zero ? MHL_ALLOC_ZERO : 0);
	struct mhl_region_info info;
	unsigned int n, i;
	void *p;

	if (!req->possible || size == 0 || size == SIZE_MAX)
		return NULL;
	if (req->align > align)
		align = req->align;
	/* the core routes by memheap caps; extra bits and the DMA exclusion
	 * need this layer's walk */
	if (!req->extra && (!req->no_spiram || !mhl_esp_dma_spiram_exists()))
		return mhl_alloc(size, align, req->core_caps, flags, api);
	n = mhl_region_count();
	for (i = 0; i < n; i++) {
		if (mhl_region_get(i, &info, NULL) != MHL_OK ||
		    !mhl_esp_region_matches(req, &info))
			continue;
		p = mhl_region_alloc(i, size, align, zero ? MHL_ALLOC_ZERO : 0);
		if (p)
			return p;
	}
	return NULL;
}

void mhl_esp_stats(uint32_t caps, struct mhl_stats *out)
{
	struct mhl_region_info info;
	struct mhl_stats st;
	struct mhl_esp_req req;
	unsigned int n, i;

	memset(out, 0, sizeof(*out));
	mhl_esp_req(caps, &req);
	if (!req.possible)
		return;
	n = mhl_region_count();
	for (i = 0; i < n; i++) {
		if (mhl_region_get(i, &info, &st) != MHL_OK ||
		    !mhl_esp_region_matches(&req, &info))
			continue;
		mhl_stats_accumulate(out, &st);
	}
	/* What heap_caps_malloc(s, caps) can get: 32BIT rounds s up to 4. */
	if (req.round32)
		out->largest_free &= ~(size_t)3;
}
