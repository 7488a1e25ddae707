// SPDX-License-Identifier: MIT
/*
 * armino_debug.c - CONFIG_MEM_DEBUG mode: os_malloc/os_zalloc/os_free/
 * psram_malloc/psram_zalloc become the *_debug calls with the caller's
 * function and line; os_dump_memory_stats lists exactly the outstanding
 * ones; freeing removes them; a bad free is reported with its call site.
 */
#define CONFIG_MEM_DEBUG 1
#include <memheap.h>
#include <os/mem.h>

#include "core/core.h"
#include "lt.h"
#include "rtos_capture.h"

static int line_a, line_z, line_p;

static void *allocate_here(void)
{
	void *p = os_malloc(40); line_a = __LINE__;
	return p;
}

static void *zallocate_here(void)
{
	unsigned char *p = os_zalloc(24); line_z = __LINE__;
	return p;
}

static void *psram_here(void)
{
	void *p = psram_zalloc(4000); line_p = __LINE__;
	return p;
}

static const char *dump(struct capture *c)
{
	capture_begin(c, STDOUT_FILENO);
	os_dump_memory_stats(0, 0, NULL);
	return capture_end(c);
}

static void bad_free_here(void *p)
{
	os_free(p);
}

int main(void)
{
	char site_a[64], site_z[64], site_p[64];
	struct capture c;
	const char *out;
	unsigned char *a, *z, *p;
	struct mhl_stats spiram;
	size_t i;

	a = allocate_here();
	z = zallocate_here();
	REQUIRE(a && z);
	for (i = 0; i < 24; i++)
		CHECK(z[i] == 0);
	mhl_caps_stats(MEMHEAP_CAP_SPIRAM, &spiram);
	p = spiram.regions ? psram_here() : NULL;
	CHECK(p != NULL || spiram.regions == 0);
	snprintf(site_a, sizeof(site_a), "allocate_here:%d", line_a);
	snprintf(site_z, sizeof(site_z), "zallocate_here:%d", line_z);
	snprintf(site_p, sizeof(site_p), "psram_here:%d", line_p);

	out = dump(&c);
	CHECK_EQ(count_lines_with(out, site_a), 1);
	CHECK_EQ(count_lines_with(out, site_z), 1);
	CHECK_EQ(count_lines_with(out, site_p), p ? 1 : 0);
	CHECK_EQ(count_lines_with(out, " 40 "), 1);
	CHECK(strstr(out, p ? "3 listed (4064 bytes) of 3 outstanding" :
			      "2 listed (64 bytes) of 2 outstanding") != NULL);
	capture_free(&c);

	os_free(a);		/* the macro: os_free_debug */
	out = dump(&c);
	CHECK_EQ(count_lines_with(out, site_a), 0);
	CHECK_EQ(count_lines_with(out, site_z), 1);
	capture_free(&c);

	/* a double free is reported with the call site, nothing changes */
	capture_begin(&c, STDERR_FILENO);
	bad_free_here(a);
	out = capture_end(&c);
	CHECK(strstr(out, "bad_free_here") != NULL);
	capture_free(&c);
	CHECK_EQ(mhl_check(0, true), MHL_OK);

	psram_free(p);		/* os_free: the debug one */
	os_free(z);
	out = dump(&c);
	CHECK(strstr(out, "0 listed (0 bytes) of 0 outstanding") != NULL);
	/* on the embedded backend the dump says memshow cannot see these regions */
	CHECK((strstr(out, "embedded backend: the regions are simulated inside this process; "
			   "memshow (which asks memheap.ko) cannot see them") != NULL) ==
	      !strcmp(memheap_backend(), "embedded"));
	capture_free(&c);

	/* the debug calls themselves, with no macro in between */
	a = (os_malloc_debug)("caller_fn", 77, 10, 1);
	REQUIRE(a != NULL);
	for (i = 0; i < 10; i++)
		CHECK(a[i] == 0);
	out = dump(&c);
	CHECK_EQ(count_lines_with(out, "caller_fn:77"), 1);
	capture_free(&c);
	CHECK((os_free_debug)("caller_fn", 78, a) == NULL);
	out = dump(&c);
	CHECK_EQ(count_lines_with(out, "caller_fn:77"), 0);
	capture_free(&c);
	return lt_done();
}
