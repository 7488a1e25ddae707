// SPDX-License-Identifier: MIT
/*
 * armino_alloc.c - os_malloc, os_zalloc, os_realloc, os_free: results,
 * zeroing, data kept by realloc, failed realloc keeping the original, NULL
 * handling, and internal (SRAM) placement.
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

static bool have_internal_region(void)
{
	for (unsigned int i = 0; i < mhl_region_count(); i++) {
		struct mhl_region_info info;

		if (mhl_region_get(i, &info, NULL) == MHL_OK &&
		    (info.caps & MEMHEAP_CAP_INTERNAL) &&
		    (info.caps & MEMHEAP_CAP_DEFAULT))
			return true;
	}
	return false;
}

int main(void)
{
	unsigned char *a, *b, *z, *big;
	size_t i;

	a = os_malloc(100);
	REQUIRE(a != NULL);
	CHECK(((uintptr_t)a & 7) == 0);
	CHECK(caps_of(a) & MEMHEAP_CAP_DEFAULT);
	if (have_internal_region())
		CHECK(caps_of(a) & MEMHEAP_CAP_INTERNAL);
	CHECK(!(caps_of(a) & MEMHEAP_CAP_SPIRAM));
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
	CHECK(caps_of(a) & MEMHEAP_CAP_DEFAULT);
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
