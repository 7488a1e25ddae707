/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* The ESP-IDF headers: every function, type and constant exists with ESP-IDF's
 * signature and value, the headers compile together with the RTOS ones. */
#include <esp_err.h>
#include <esp_heap_caps.h>
#include <esp_heap_caps_init.h>
#include <multi_heap.h>
#include <esp_heap_caps.h>	/* twice: guarded */
#include <os_memory.h>

#include "lt.h"

/* Assigning to typed pointers checks each signature at compile time. */
static void *(*const f_malloc)(size_t, uint32_t) = heap_caps_malloc;
static void (*const f_free)(void *) = heap_caps_free;
static void *(*const f_realloc)(void *, size_t, uint32_t) = heap_caps_realloc;
static void *(*const f_aligned)(size_t, size_t, uint32_t) = heap_caps_aligned_alloc;
static void (*const f_aligned_free)(void *) = heap_caps_aligned_free;
static void *(*const f_aligned_calloc)(size_t, size_t, size_t, uint32_t) = heap_caps_aligned_calloc;
static void *(*const f_calloc)(size_t, size_t, uint32_t) = heap_caps_calloc;
static size_t (*const f_sizes[])(uint32_t) = {
	heap_caps_get_total_size, heap_caps_get_free_size,
	heap_caps_get_minimum_free_size, heap_caps_get_largest_free_block,
};
static esp_err_t (*const f_mon[])(void) = {
	heap_caps_monitor_local_minimum_free_size_start,
	heap_caps_monitor_local_minimum_free_size_stop,
};
static void (*const f_info)(multi_heap_info_t *, uint32_t) = heap_caps_get_info;
static void (*const f_print)(uint32_t) = heap_caps_print_heap_info;
static bool (*const f_check_all)(bool) = heap_caps_check_integrity_all;
static bool (*const f_check)(uint32_t, bool) = heap_caps_check_integrity;
static bool (*const f_check_addr)(intptr_t, bool) = heap_caps_check_integrity_addr;
static void (*const f_extmem)(size_t) = heap_caps_malloc_extmem_enable;
static void *(*const f_mprefer)(size_t, size_t, ...) = heap_caps_malloc_prefer;
static void *(*const f_rprefer)(void *, size_t, size_t, ...) = heap_caps_realloc_prefer;
static void *(*const f_cprefer)(size_t, size_t, size_t, ...) = heap_caps_calloc_prefer;
static void (*const f_dump)(uint32_t) = heap_caps_dump;
static void (*const f_dump_all)(void) = heap_caps_dump_all;
static size_t (*const f_allocated)(void *) = heap_caps_get_allocated_size;
static void (*const f_walk)(uint32_t, heap_caps_walker_cb_t, void *) = heap_caps_walk;
static void (*const f_walk_all)(heap_caps_walker_cb_t, void *) = heap_caps_walk_all;
static esp_err_t (*const f_cb)(esp_alloc_failed_hook_t) = heap_caps_register_failed_alloc_callback;
static void *(*const f_mdef)(size_t) = heap_caps_malloc_default;
static void *(*const f_rdef)(void *, size_t) = heap_caps_realloc_default;
static void (*const f_init[])(void) = { heap_caps_init, heap_caps_enable_nonos_stack_heaps };
static esp_err_t (*const f_add)(intptr_t, intptr_t) = heap_caps_add_region;
static esp_err_t (*const f_addc)(const uint32_t[], intptr_t, intptr_t) = heap_caps_add_region_with_caps;

static void *(*const m_aligned)(multi_heap_handle_t, size_t, size_t) = multi_heap_aligned_alloc;
static void *(*const m_malloc)(multi_heap_handle_t, size_t) = multi_heap_malloc;
static void (*const m_frees[])(multi_heap_handle_t, void *) = { multi_heap_aligned_free, multi_heap_free };
static void *(*const m_realloc)(multi_heap_handle_t, void *, size_t) = multi_heap_realloc;
static size_t (*const m_allocated)(multi_heap_handle_t, void *) = multi_heap_get_allocated_size;
static multi_heap_handle_t (*const m_register)(void *, size_t) = multi_heap_register;
static void (*const m_lock)(multi_heap_handle_t, void *) = multi_heap_set_lock;
static void (*const m_dump)(multi_heap_handle_t) = multi_heap_dump;
static bool (*const m_check)(multi_heap_handle_t, bool) = multi_heap_check;
static size_t (*const m_sizes[])(multi_heap_handle_t) = {
	multi_heap_free_size, multi_heap_minimum_free_size, multi_heap_reset_minimum_free_bytes,
};
static void (*const m_info)(multi_heap_handle_t, multi_heap_info_t *) = multi_heap_get_info;
static void *(*const m_offs)(multi_heap_handle_t, size_t, size_t, size_t) = multi_heap_aligned_alloc_offs;
static void (*const m_restore)(multi_heap_handle_t, const size_t) = multi_heap_restore_minimum_free_bytes;
static void (*const m_walk)(multi_heap_handle_t, multi_heap_walker_cb_t, void *) = multi_heap_walk;

int main(void)
{
	const void *all[] = {
		(const void *)f_malloc, (const void *)f_free, (const void *)f_realloc,
		(const void *)f_aligned, (const void *)f_aligned_free, (const void *)f_aligned_calloc,
		(const void *)f_calloc, (const void *)f_sizes[3], (const void *)f_mon[1],
		(const void *)f_info, (const void *)f_print, (const void *)f_check_all,
		(const void *)f_check, (const void *)f_check_addr, (const void *)f_extmem,
		(const void *)f_mprefer, (const void *)f_rprefer, (const void *)f_cprefer,
		(const void *)f_dump, (const void *)f_dump_all, (const void *)f_allocated,
		(const void *)f_walk, (const void *)f_walk_all, (const void *)f_cb,
		(const void *)f_mdef, (const void *)f_rdef, (const void *)f_init[1],
		(const void *)f_add, (const void *)f_addc, (const void *)m_aligned,
		(const void *)m_malloc, (const void *)m_frees[1], (const void *)m_realloc,
		(const void *)m_allocated, (const void *)m_register, (const void *)m_lock,
		(const void *)m_dump, (const void *)m_check, (const void *)m_sizes[2],
		(const void *)m_info, (const void *)m_offs, (const void *)m_restore,
		(const void *)m_walk,
	};
	walker_heap_into_t hi = { 0, 0 };
	walker_block_info_t bi = { NULL, 0, false };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		CHECK(all[i] != NULL);
	(void)hi;
	(void)bi;
	(void)f_sizes;
	(void)f_mon;
	(void)f_init;
	(void)m_frees;
	(void)m_sizes;

	/* ESP-IDF's values, so code comparing or printing them is unchanged. */
	CHECK_EQU(MALLOC_CAP_EXEC, 1u << 0);
	CHECK_EQU(MALLOC_CAP_32BIT, 1u << 1);
	CHECK_EQU(MALLOC_CAP_8BIT, 1u << 2);
	CHECK_EQU(MALLOC_CAP_DMA, 1u << 3);
	CHECK_EQU(MALLOC_CAP_PID2, 1u << 4);
	CHECK_EQU(MALLOC_CAP_PID7, 1u << 9);
	CHECK_EQU(MALLOC_CAP_SPIRAM, 1u << 10);
	CHECK_EQU(MALLOC_CAP_INTERNAL, 1u << 11);
	CHECK_EQU(MALLOC_CAP_DEFAULT, 1u << 12);
	CHECK_EQU(MALLOC_CAP_IRAM_8BIT, 1u << 13);
	CHECK_EQU(MALLOC_CAP_RETENTION, 1u << 14);
	CHECK_EQU(MALLOC_CAP_RTCRAM, 1u << 15);
	CHECK_EQU(MALLOC_CAP_TCM, 1u << 16);
	CHECK_EQU(MALLOC_CAP_DMA_DESC_AHB, 1u << 17);
	CHECK_EQU(MALLOC_CAP_DMA_DESC_AXI, 1u << 18);
	CHECK_EQU(MALLOC_CAP_CACHE_ALIGNED, 1u << 19);
	CHECK_EQU(MALLOC_CAP_INVALID, 1u << 31);
	CHECK_EQ(ESP_OK, 0);
	CHECK_EQ(ESP_FAIL, -1);
	CHECK_EQ(ESP_ERR_NO_MEM, 0x101);
	CHECK_EQ(ESP_ERR_INVALID_ARG, 0x102);
	CHECK_EQ(ESP_ERR_INVALID_STATE, 0x103);
	CHECK_EQ(ESP_ERR_INVALID_SIZE, 0x104);
	CHECK_EQ(ESP_ERR_NOT_FOUND, 0x105);
	CHECK_EQ(ESP_ERR_NOT_SUPPORTED, 0x106);
	CHECK_EQ(SOC_MEMORY_TYPE_NO_PRIOS, 3);
	CHECK_EQU(sizeof(multi_heap_info_t), 7 * sizeof(size_t));

	CHECK_STR(esp_err_to_name(ESP_ERR_INVALID_SIZE), "ESP_ERR_INVALID_SIZE");
	CHECK_STR(esp_err_to_name(ESP_FAIL), "ESP_FAIL");
	CHECK_STR(esp_err_to_name(0x7777), "UNKNOWN ERROR");
	{
		char buf[32];

		CHECK_STR(esp_err_to_name_r(ESP_ERR_NOT_FOUND, buf, sizeof(buf)), "ESP_ERR_NOT_FOUND");
		CHECK_STR(esp_err_to_name_r(0x7777, buf, sizeof(buf)), "Unknown error 30583");
		CHECK_STR(esp_err_to_name_r(ESP_ERR_NOT_FOUND, buf, 4), "ESP");
	}
	return lt_done();
}
