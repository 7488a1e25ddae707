// SPDX-License-Identifier: MIT
/*
 * armino_alloc.c - os_malloc, os_zalloc, os_realloc, os_free: results,
 * zeroing, data kept by realloc, failed realloc keeping the original, NULL
 * handling, and placement in the system heap (internal SRAM where a region
 * is DEFAULT and INTERNAL, else the DEFAULT regions; worked out from the
 * region list).
 */
#include <os/mem.h>

#include "core/core.h"
#include "lt.h"

/* Capabilities of the region holding @p (0 if none). */
static uint32_t caps_of(const void *p)
{
	struct mhl_owner o;
	struct mhl_region_info info;

	if (mhl_owner_of(p, &o) != MHL_OWNER_REGION ||
	    mhl_region_get((unsigned int)o.region, &info, NULL) != MHL_OK)
		return 0;
	return info.caps;
}

/*
 * The capabilities of the system heap by the rule of docs/api-armino.md:
 * DEFAULT and INTERNAL when some region has both (the default layout's
 * sram), else DEFAULT (the QEMU board's psram).
 */
static uint32_t system_heap_caps(void)
{
	const uint32_t both = MEMHEAP_CAP_DEFAULT | MEMHEAP_CAP_INTERNAL;

	for (unsigned int i = 0; i < mhl_region_count(); i++) {
		struct mhl_region_info info;

		if (mhl_region_get(i, &info, NULL) == MHL_OK &&
		    (info.caps & both) == both)
			return both;
	}
	return MEMHEAP_CAP_DEFAULT;
}

/* Index of the first region having all of @caps, -1 if none. */
static int first_region(uint32_t caps)
{
	for (unsigned int i = 0; i < mhl_region_count(); i++) {
		struct mhl_region_info info;

		if (mhl_region_get(i, &info, NULL) == MHL_OK &&
		    (info.caps & caps) == caps)
			return (int)i;
	}
	return -1;
}

/* Index of the region holding @p, -1 if none. */
static int region_of(const void *p)
{
	struct mhl_owner o;

	if (mhl_owner_of(p, &o) != MHL_OWNER_REGION)
		return -1;
	return (int)o.region;
}

/* @p lies in the system heap: its first region while that has room. */
static void check_system_heap(const void *p, uint32_t sys)
{
	CHECK((caps_of(p) & sys) == sys);
	CHECK_EQ(region_of(p), first_region(sys));
	/* Internal memory there is: os_malloc is SRAM, never PSRAM. */
	if (sys & MEMHEAP_CAP_INTERNAL)
		CHECK(!(caps_of(p) & MEMHEAP_CAP_SPIRAM));
}

int main(void)
{
	const uint32_t sys = system_heap_caps();
	unsigned char *a, *b, *z, *big;
	size_t i;

	if (!(sys & MEMHEAP_CAP_INTERNAL))
		printf("part skipped: no region is DEFAULT and INTERNAL: os_malloc is checked to use the DEFAULT regions, not SRAM placement\n");
	REQUIRE(first_region(sys) >= 0);
	a = os_malloc(100);
	REQUIRE(a != NULL);
	CHECK(((uintptr_t)a & 7) == 0);
	check_system_heap(a, sys);
	memset(a, 0x5a, 100);

	/* os_zalloc: zeroed even where a freed block left data */
	os_free(a);
	z = os_zalloc(100);
	REQUIRE(z != NULL);
	for (i = 0; i < 100; i++)
		if (z[i] != 0)
			break;
	CHECK_EQU(i, 100);

	/* os_realloc keeps the data, grows and shrinks */
	for (i = 0; i < 100; i++)
		z[i] = (unsigned char)i;
	b = os_realloc(z, 4000);
	REQUIRE(b != NULL);
	for (i = 0; i < 100; i++)
		if (b[i] != (unsigned char)i)
			break;
	CHECK_EQU(i, 100);
	b = os_realloc(b, 10);
	REQUIRE(b != NULL);
	for (i = 0; i < 10; i++)
		if (b[i] != (unsigned char)i)
			break;
	CHECK_EQU(i, 10);

	/* a failed realloc returns NULL and leaves the block as it was */
	big = os_realloc(b, (size_t)1 << 40);
	CHECK(big == NULL);
	for (i = 0; i < 10; i++)
		if (b[i] != (unsigned char)i)
			break;
	CHECK_EQU(i, 10);
	CHECK(mhl_usable_size(b) >= 10);

	/* os_realloc(NULL, n) allocates; os_realloc(p, 0) frees */
	a = os_realloc(NULL, 64);
	REQUIRE(a != NULL);
	check_system_heap(a, sys);
	CHECK(os_realloc(a, 0) == NULL);
	CHECK_EQU(mhl_usable_size(a), 0);

	/* failures: NULL, no state change */
	CHECK(os_malloc((size_t)1 << 40) == NULL);
	CHECK(os_zalloc(SIZE_MAX) == NULL);

	os_free(NULL);		/* documented as safe */
	os_free(b);
	CHECK_EQ(mhl_check(0, true), MHL_OK);
	return lt_done();
}
