/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * caps_info.c - heap statistics by capability: sizes, low watermarks and
 * their local monitor, heap_caps_get_info() and heap_caps_print_heap_info().
 */
#include <stdio.h>
#include <string.h>

#include "esp/esp_internal.h"

MHL_ESP_API size_t heap_caps_get_total_size(uint32_t caps)
{
	struct mhl_stats st;

	mhl_esp_stats(caps, &st);
	return st.total;
}

MHL_ESP_API size_t heap_caps_get_free_size(uint32_t caps)
{
	struct mhl_stats st;

	mhl_esp_stats(caps, &st);
	return st.free;
}

MHL_ESP_API size_t heap_caps_get_minimum_free_size(uint32_t caps)
{
	struct mhl_stats st;

	mhl_esp_stats(caps, &st);
	return st.min_free;
}

MHL_ESP_API size_t heap_caps_get_largest_free_block(uint32_t caps)
{
	struct mhl_stats st;

	mhl_esp_stats(caps, &st);
	return st.largest_free;
}

MHL_ESP_API esp_err_t heap_caps_monitor_local_minimum_free_size_start(void)
{
	return mhl_min_free_monitor_start() == MHL_OK ? ESP_OK : ESP_FAIL;
}

MHL_ESP_API esp_err_t heap_caps_monitor_local_minimum_free_size_stop(void)
{
	return mhl_min_free_monitor_stop() == MHL_OK ? ESP_OK : ESP_FAIL;
}

MHL_ESP_API void heap_caps_get_info(multi_heap_info_t *info, uint32_t caps)
{
	struct mhl_stats st;

	if (!info)
		return;
	mhl_esp_stats(caps, &st);
	memset(info, 0, sizeof(*info));
	info->total_free_bytes = st.free;
	info->total_allocated_bytes = st.allocated;
	info->largest_free_block = st.largest_free;
	info->minimum_free_bytes = st.min_free;
	info->allocated_blocks = st.allocated_blocks;
	info->free_blocks = st.free_blocks;
	info->total_blocks = st.total_blocks;
}

MHL_ESP_API void heap_caps_print_heap_info(uint32_t caps)
{
	struct mhl_region_info ri;
	struct mhl_stats st, sum;
	struct mhl_esp_req req;
	unsigned int n, i;

	mhl_esp_req(caps, &req);
	printf("Heap summary for capabilities 0x%08X:\n", (unsigned int)caps);
	n = req.possible ? mhl_region_count() : 0;
	for (i = 0; i < n; i++) {
		if (mhl_region_get(i, &ri, &st) != MHL_OK || !mhl_esp_region_matches(&req, &ri))
			continue;
		printf("  At %p len %zu free %zu allocated %zu min_free %zu (%s)\n",
		       (void *)ri.start, st.total, st.free, st.allocated, st.min_free, ri.name);
		printf("    largest_free_block %zu alloc_blocks %zu free_blocks %zu total_blocks %zu\n",
		       st.largest_free, st.allocated_blocks, st.free_blocks, st.total_blocks);
	}
	mhl_esp_stats(caps, &sum);
	printf("  Totals:\n");
	printf("    free %zu allocated %zu min_free %zu largest_free_block %zu\n",
	       sum.free, sum.allocated, sum.min_free, sum.largest_free);
	fflush(stdout);
}
