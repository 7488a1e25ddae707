// SPDX-License-Identifier: MIT
/*
 * freertos_regions.c - vPortDefineHeapRegions (heap_5): bad definitions
 * (NULL, empty, unordered, overlapping, NULL start, wrapping, overlapping
 * another heap's memory, too small) are diagnosed and change nothing; a
 * good one makes pvPortMalloc use exactly its regions in order; a second
 * definition is refused.
 */
#include <FreeRTOS.h>
#include <os/mem.h>

#include <stdalign.h>
#include <stdbool.h>

#include "lt.h"
#include "rtos_capture.h"

static alignas(8) uint8_t low[16 * 1024];
static alignas(8) uint8_t high[16 * 1024];

static bool in(const void *p, const uint8_t *r, size_t n)
{
	return (const uint8_t *)p >= r && (const uint8_t *)p < r + n;
}

/* Defining must fail with a diagnostic and leave the default heap. */
static void refused(const HeapRegion_t *r, const char *why)
{
	struct capture c;
	const char *err;
	void *p;

	capture_begin(&c, STDERR_FILENO);
	vPortDefineHeapRegions(r);
	err = capture_end(&c);
	if (!strstr(err, "vPortDefineHeapRegions"))
		LT_FAIL_AT(__FILE__, __LINE__, "%s: no diagnostic", why);
	capture_free(&c);
	p = pvPortMalloc(16);
	if (!p || in(p, low, sizeof(low)) || in(p, high, sizeof(high)))
		LT_FAIL_AT(__FILE__, __LINE__, "%s: heap changed", why);
	vPortFree(p);
}

int main(void)
{
	uint8_t *lo = low, *hi = high;
	void *a, *b, *c, *sys;
	size_t free_def;

	if (lo > hi) {		/* the test needs them in ascending order */
		uint8_t *t = lo;

		lo = hi;
		hi = t;
	}
	{
		const HeapRegion_t empty[] = { { NULL, 0 } };
		const HeapRegion_t unordered[] = { { hi, 4096 }, { lo, 4096 }, { NULL, 0 } };
		const HeapRegion_t overlapping[] = { { lo, 4096 }, { lo + 2048, 4096 }, { NULL, 0 } };
		const HeapRegion_t null_start[] = { { NULL, 4096 }, { NULL, 0 } };
		const HeapRegion_t wrapping[] = { { lo, SIZE_MAX }, { NULL, 0 } };
		const HeapRegion_t tiny[] = { { lo, 4096 }, { hi, 4 }, { NULL, 0 } };

		refused(NULL, "NULL array");
		refused(empty, "no region");
		refused(unordered, "descending");
		refused(overlapping, "overlapping");
		refused(null_start, "NULL start");
		refused(wrapping, "wrapping");
		refused(tiny, "second region too small (first must be rolled back)");

		sys = os_malloc(4096);
		REQUIRE(sys != NULL);
		{
			const HeapRegion_t foreign[] = { { lo, 4096 }, { (uint8_t *)sys - 4096, 8192 }, { NULL, 0 } };

			refused(foreign, "overlaps another heap");
		}
		os_free(sys);
	}

	{
		/* both 16 KiB: a 12 KiB block fits one region, not two */
		const HeapRegion_t good[] = {
			{ lo, 16 * 1024 }, { hi, 16 * 1024 }, { NULL, 0 },
		};
		struct capture cap;
		const char *err;

		vPortDefineHeapRegions(good);
		free_def = xPortGetFreeHeapSize();
		CHECK(free_def > 32 * 1024 - 4096 && free_def <= 32 * 1024);
		a = pvPortMalloc(12 * 1024);
		CHECK(in(a, lo, 16 * 1024));
		b = pvPortMalloc(12 * 1024);	/* the first is too full now */
		CHECK(in(b, hi, 16 * 1024));
		c = pvPortMalloc(12 * 1024);
		CHECK(c == NULL);

		capture_begin(&cap, STDERR_FILENO);
		vPortDefineHeapRegions(good);
		err = capture_end(&cap);
		CHECK(strstr(err, "already defined") != NULL);
		capture_free(&cap);
		vPortFree(a);
		vPortFree(b);
		CHECK_EQU(xPortGetFreeHeapSize(), free_def);
	}
	return lt_done();
}
