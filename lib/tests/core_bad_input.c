/* SPDX-License-Identifier: MIT */
/*
 * core_bad_input: every core entry point given bad arguments returns a
 * clear error and leaves every statistic as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/core.h"
#include "lt.h"

static bool never(const struct mhl_region_info *r, const struct mh_block_info *b, void *ctx)
{
	(void)r;
	(void)b;
	(void)ctx;
	return false;
}

static int reports;

static void count(const struct mhl_error_report *rep, void *ctx)
{
	(void)rep;
	(void)ctx;
	reports++;
}

int main(void)
{
	struct mhl_stats before, after;
	struct mhl_region_info ri;
	static struct mh_heap heap;
	char name[64];
	unsigned char *mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	setenv("MEMHEAP_BACKEND", "embedded", 1);
	unsetenv("MEMHEAP_REGIONS");
	unsetenv("MEMHEAP_CONFIG");
	REQUIRE(mem != MAP_FAILED);
	REQUIRE(mh_heap_init(&heap, NULL) == 0);
	mhl_set_error_handler(count, NULL, NULL, NULL);
	mhl_caps_stats(0, &before);

	/* regions */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_EQ(mhl_region_add(name, mem, 8192, MEMHEAP_CAP_8BIT, MH_ALGO_FIRSTFIT), MHL_EINVAL);
	CHECK_EQ(mhl_region_add("x", mem, 8192, 1u << 9, MH_ALGO_FIRSTFIT), MHL_EINVAL);
	CHECK_EQ(mhl_region_add("x", mem, 8192, MEMHEAP_CAP_8BIT, (enum mh_algo)7), MHL_EINVAL);
	CHECK_EQ(mhl_region_add("x", mem, 0, MEMHEAP_CAP_8BIT, MH_ALGO_FIRSTFIT), MHL_EINVAL);
	CHECK_EQ(mhl_region_add("x", (void *)(UINTPTR_MAX - 100), 8192, MEMHEAP_CAP_8BIT,
				MH_ALGO_FIRSTFIT), MHL_EINVAL);
	CHECK_EQU(mhl_region_count(), 2);
	CHECK_EQ(mhl_region_get(2, &ri, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_region_get(UINT32_MAX, NULL, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_region_find(NULL), -1);
	CHECK_EQ(mhl_region_find(""), -1);

	/* standalone ranges */
	CHECK_EQ(mhl_standalone_register(NULL, 4096, &heap, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_standalone_register(mem, 0, &heap, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_standalone_register(mem, 4096, NULL, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_standalone_register((void *)(UINTPTR_MAX - 10), 4096, &heap, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_standalone_unregister(NULL), MHL_EINVAL);
	CHECK_EQ(mhl_standalone_unregister(&heap), MHL_EFOREIGN);
	CHECK(!mhl_range_overlaps(mem, 0));
	CHECK(mhl_range_overlaps(mem, SIZE_MAX));	/* wraps: refused as overlapping */

	/* allocation */
	CHECK(mhl_alloc(16, 48, 0, 0, "t") == NULL);
	CHECK(mhl_alloc(SIZE_MAX, 0, 0, 0, "t") == NULL);
	CHECK(mhl_alloc(SIZE_MAX - 7, 4096, 0, 0, "t") == NULL);
	CHECK(mhl_region_alloc(99, 16, 0, 0) == NULL);
	CHECK(mhl_region_alloc(0, 16, 12, 0) == NULL);
	CHECK(mhl_calloc(SIZE_MAX, 2, 0, 0, 0, "t") == NULL);
	CHECK(mhl_realloc(mem, 10, 0, 0, "t") == NULL);
	CHECK_EQ(mhl_free(mem, "t"), MHL_EFOREIGN);
	CHECK_EQ(mhl_free_at(mem + 1, "t", "file.c", 3), MHL_EFOREIGN);
	CHECK_EQ(reports, 3);
	CHECK_EQU(mhl_usable_size(mem), 0);
	CHECK_EQ(mhl_owner_of(NULL, NULL), MHL_OWNER_NONE);

	/* checks, walks, listeners, monitor */
	CHECK_EQ(mhl_check_addr(mem, false), MHL_EFOREIGN);
	CHECK_EQ(mhl_walk(0, NULL, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_walk(0, never, NULL), 0);
	CHECK_EQ(mhl_alloc_failed_listen(NULL, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_min_free_monitor_stop(), MHL_ESTATE);

	/* extensions on the embedded backend */
	uint64_t dev = 7;
	void *p = mhl_alloc(32, 0, MEMHEAP_CAP_DMA, 0, "t");
	CHECK_EQ(mhl_dev_addr(p, &dev), MHL_ENOTSUP);
	CHECK_EQ(mhl_dev_addr(p, NULL), MHL_EINVAL);
	CHECK_EQ(mhl_dev_addr(mem, &dev), MHL_EFOREIGN);
	CHECK_EQU(dev, 7);
	CHECK_EQ(mhl_sync(p, 32, true), 0);
	CHECK_EQ(mhl_sync(mem, 32, true), MHL_EFOREIGN);
	CHECK_EQ(mhl_export_dmabuf(p, 0), MHL_ENOTSUP);
	CHECK_EQ(mhl_free(p, "t"), 0);

	mhl_caps_stats(0, &after);
	CHECK_EQU(after.free, before.free);
	CHECK_EQU(after.allocated_blocks, before.allocated_blocks);
	CHECK_EQU(after.largest_free, before.largest_free);
	CHECK_EQU(after.error_count, before.error_count);
	CHECK_EQ(mhl_check(0, true), 0);
	CHECK(strcmp(mhl_strerror(MHL_ESTATE), "wrong state") == 0);
	CHECK(strcmp(mhl_strerror(MHL_EOVERLAP), mh_strerror(MH_EOVERLAP)) == 0);
	return lt_done();
}
