/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * caps_init.c - heap_caps_init(), heap_caps_enable_nonos_stack_heaps() and
 * run-time regions: heap_caps_add_region() / _with_caps().
 *
 * Overlap rule (ESP-IDF's table): a new range may equal, lie inside, or
 * touch an existing region; one that straddles a region's start or end is
 * refused with ESP_FAIL.  memheap never lets two heaps manage the same
 * bytes, so a range inside an existing region is accepted (ESP_OK) and adds
 * nothing: that memory is already a heap.  A standalone heap (multi_heap,
 * OneOS user heap) the range overlaps in any way is retired first if all
 * its blocks are free (its memory is the program's again, as on ESP-IDF);
 * one with live blocks makes the call fail with ESP_FAIL and one line on
 * stderr: that memory is in use and is no heap_caps region.
 */
#include <stdio.h>

#include "esp/esp_internal.h"

MHL_ESP_API void heap_caps_init(void)
{
	(void)mhl_region_count();	/* initialises the library */
}

MHL_ESP_API void heap_caps_enable_nonos_stack_heaps(void)
{
	/* No start-up stack lives in a memheap region: nothing to enable. */
	(void)mhl_region_count();
}

static bool range_ok(intptr_t start, intptr_t end)
{
	return start != 0 && end != 0 && (uintptr_t)end > (uintptr_t)start;
}

/* Whether [start, end) may be added, per the overlap rule above. */
static esp_err_t overlap_rule(uintptr_t start, uintptr_t end, bool *inside)
{
	struct mhl_owner owner;

	*inside = false;
	if (!mhl_range_overlaps((const void *)start, end - start))
		return ESP_OK;
	if (mhl_owner_of((const void *)start, &owner) == MHL_OWNER_REGION &&
	    end <= owner.end) {
		*inside = true;
		return ESP_OK;
	}
	return ESP_FAIL;
}

/* Whether a first-fit region fits in [start, end) at all (scratch heap). */
static bool big_enough(uintptr_t start, uintptr_t end)
{
	struct mh_heap_config cfg = { .flags = MH_HEAP_F_NOLOCK, .poison = mhl_poison() };
	struct mh_heap scratch;
	int rc;

	if (mh_heap_init(&scratch, &cfg) != MH_OK)
		return false;
	rc = mh_heap_add_region(&scratch, (void *)start, end - start, NULL);
	mh_heap_destroy(&scratch);
	return rc == MH_OK;
}

MHL_ESP_API esp_err_t heap_caps_add_region_with_caps(const uint32_t caps[], intptr_t start,
						     intptr_t end)
{
	uint32_t all = 0, core;
	esp_err_t err;
	bool inside;
	int i, rc;

	if (!caps || !range_ok(start, end))
		return ESP_ERR_INVALID_ARG;
	for (i = 0; i < SOC_MEMORY_TYPE_NO_PRIOS; i++)
		all |= caps[i];
	core = mhl_esp_caps_to_core(all);
	/* A region nothing could ever allocate from: refuse it. */
	if (!core)
		return ESP_ERR_INVALID_ARG;
	/* earlier standalone heaps there whose blocks are all free give it up */
	if (mhl_range_reclaim((const void *)start, (uintptr_t)end - (uintptr_t)start,
			      "heap_caps_add_region"))
		return ESP_FAIL;
	err = overlap_rule((uintptr_t)start, (uintptr_t)end, &inside);
	if (err != ESP_OK || inside)
		return err;
	if (!big_enough((uintptr_t)start, (uintptr_t)end))
		return ESP_ERR_INVALID_SIZE;
	rc = mhl_region_add(NULL, (void *)start, (uintptr_t)end - (uintptr_t)start, core,
			    MH_ALGO_FIRSTFIT);
	if (rc >= 0) {
		/* bits with no memheap capability (RETENTION, TCM, EXEC ...)
		 * are this layer's: requests naming them route here */
		mhl_esp_set_extra((unsigned int)rc, all);
		return ESP_OK;
	}
	switch (rc) {
	case MHL_EOVERLAP:
		return ESP_FAIL;	/* another thread added an overlapping range */
	case MHL_EINVAL:
		return ESP_ERR_INVALID_ARG;
	default:
		return ESP_ERR_NO_MEM;
	}
}

MHL_ESP_API esp_err_t heap_caps_add_region(intptr_t start, intptr_t end)
{
	uint32_t caps[SOC_MEMORY_TYPE_NO_PRIOS] = { 0 };
	struct mhl_region_info ri;
	struct mhl_owner owner;

	if (!range_ok(start, end))
		return ESP_ERR_INVALID_ARG;
	/* The "known regions" of a memheap system are its regions. */
	if (mhl_owner_of((const void *)start, &owner) != MHL_OWNER_REGION ||
	    mhl_region_get((unsigned int)owner.region, &ri, NULL) != MHL_OK)
		return ESP_ERR_NOT_FOUND;
	caps[0] = mhl_esp_region_caps(&ri);
	return heap_caps_add_region_with_caps(caps, start, end);
}
