// SPDX-License-Identifier: MIT
/*
 * armino_psram.c - psram_malloc/psram_zalloc land in SPIRAM regions,
 * psram_free (macro and symbol) and os_free free them, bk_psram_realloc
 * keeps data and always returns PSRAM memory.
 */
#include <os/mem.h>

#include "core/core.h"
#include "lt.h"

static uint32_t caps_of(const void *p)
{
	struct mhl_owner o;
	struct mhl_region_info info;

	if (mhl_owner_of(p, &o) != MHL_OWNER_REGION ||
	    mhl_region_get((unsigned int)o.region, &info, NULL) != MHL_OK)
		return 0;
	return info.caps;
}

/* The psram_free symbol, not the header's macro. */
static void call_psram_free_symbol(void *p)
{
	(psram_free)(p);
}

int main(void)
{
	struct mhl_stats before, after;
	unsigned char *p, *q, *s;
	size_t i;

	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &before);
	if (before.regions == 0) {
		CHECK(psram_malloc(16) == NULL);
		LT_SKIP("no SPIRAM region in this configuration");
	}

	p = psram_malloc(100 * 1024);
	REQUIRE(p != NULL);
	CHECK(caps_of(p) & MEMHEAP_CAP_SPIRAM);
	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &after);
	CHECK(after.free + 100 * 1024 <= before.free);
	memset(p, 0xa5, 100 * 1024);
	psram_free(p);		/* the macro: os_free */
	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &after);
	CHECK_EQU(after.free, before.free);

	q = psram_zalloc(4096);
	REQUIRE(q != NULL);
	CHECK(caps_of(q) & MEMHEAP_CAP_SPIRAM);
	for (i = 0; i < 4096; i++)
		if (q[i])
			break;
	CHECK_EQU(i, 4096);
	call_psram_free_symbol(q);
	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &after);
	CHECK_EQU(after.free, before.free);

	/* bk_psram_realloc: a PSRAM block grows and keeps its bytes */
	p = psram_malloc(64);
	REQUIRE(p != NULL);
	for (i = 0; i < 64; i++)
		p[i] = (unsigned char)(i * 3);
	q = bk_psram_realloc(p, 256 * 1024);
	REQUIRE(q != NULL);
	CHECK(caps_of(q) & MEMHEAP_CAP_SPIRAM);
	for (i = 0; i < 64; i++)
		if (q[i] != (unsigned char)(i * 3))
			break;
	CHECK_EQU(i, 64);

	/* failed: original unchanged and still owned */
	CHECK(bk_psram_realloc(q, (size_t)1 << 40) == NULL);
	for (i = 0; i < 64; i++)
		if (q[i] != (unsigned char)(i * 3))
			break;
	CHECK_EQU(i, 64);
	os_free(q);

	/* an SRAM block given to bk_psram_realloc moves to PSRAM */
	s = os_malloc(32);
	REQUIRE(s != NULL);
	memcpy(s, "internal memory block, 32 bytes", 32);
	q = bk_psram_realloc(s, 48);
	REQUIRE(q != NULL);
	CHECK(caps_of(q) & MEMHEAP_CAP_SPIRAM);
	CHECK(memcmp(q, "internal memory block, 32 bytes", 32) == 0);
	os_free(q);

	/* bk_psram_realloc(NULL, n) allocates in PSRAM */
	q = bk_psram_realloc(NULL, 10);
	REQUIRE(q != NULL);
	CHECK(caps_of(q) & MEMHEAP_CAP_SPIRAM);
	os_free(q);

	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &after);
	CHECK_EQU(after.free, before.free);
	CHECK_EQ(mhl_check(0, true), MHL_OK);
	return lt_done();
}
