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

/* The dump, parsed: every row must parse, header and summary once each. */
static void dump(struct dump *d)
{
	struct capture c;

	capture_begin(&c, STDOUT_FILENO);
	os_dump_memory_stats(0, 0, NULL);
	dump_parse(capture_end(&c), d);
	capture_free(&c);
	CHECK_EQ(d->header, 1);
	CHECK_EQ(d->footer, 1);
	CHECK(d->nrows >= 0);
	CHECK_EQU(d->listed, (size_t)(d->nrows > 0 ? d->nrows : 0));
	/* no filter: every outstanding one is listed, with age = now - tick */
	CHECK_EQU(d->listed, d->outstanding);
	for (int i = 0; i < d->nrows; i++)
		CHECK_EQU(d->rows[i].age, d->now - d->rows[i].tick);
}

/* Exactly one row at @site, for @ptr and @size. */
static void check_row(const struct dump *d, const char *site, const void *ptr,
		      size_t size)
{
	const struct dump_row *r = NULL;

	CHECK_EQ(dump_rows_at(d, site, &r), 1);
	if (!r)
		return;
	CHECK_PTR(r->ptr, ptr);
	CHECK_EQU(r->size, size);
}

static void bad_free_here(void *p)
{
	os_free(p);
}

int main(void)
{
	char site_a[64], site_z[64], site_p[64];
	struct dump d;
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

	dump(&d);
	CHECK_EQ(d.nrows, p ? 3 : 2);
	check_row(&d, site_a, a, 40);
	check_row(&d, site_z, z, 24);
	if (p)
		check_row(&d, site_p, p, 4000);
	else
		CHECK_EQ(dump_rows_at(&d, site_p, NULL), 0);
	CHECK_EQU(d.bytes, p ? 4064u : 64u);

	os_free(a);		/* the macro: os_free_debug */
	dump(&d);
	CHECK_EQ(d.nrows, p ? 2 : 1);
	CHECK_EQ(dump_rows_at(&d, site_a, NULL), 0);
	check_row(&d, site_z, z, 24);

	/* a double free is reported with the call site, nothing changes */
	capture_begin(&c, STDERR_FILENO);
	bad_free_here(a);
	out = capture_end(&c);
	CHECK(strstr(out, "bad_free_here") != NULL);
	capture_free(&c);
	CHECK_EQ(mhl_check(0, true), MHL_OK);
	dump(&d);
	CHECK_EQ(d.nrows, p ? 2 : 1);
	check_row(&d, site_z, z, 24);

	psram_free(p);		/* os_free: the debug one */
	os_free(z);
	dump(&d);
	CHECK_EQ(d.nrows, 0);
	CHECK_EQU(d.outstanding, 0);
	CHECK_EQU(d.bytes, 0);
	/* on the embedded backend the dump says memshow cannot see these regions */
	capture_begin(&c, STDOUT_FILENO);
	os_dump_memory_stats(0, 0, NULL);
	out = capture_end(&c);
	CHECK((strstr(out, "embedded backend: the regions are simulated inside this process; "
			   "memshow (which asks memheap.ko) cannot see them") != NULL) ==
	      !strcmp(memheap_backend(), "embedded"));
	capture_free(&c);

	/* the debug calls themselves, with no macro in between */
	a = (os_malloc_debug)("caller_fn", 77, 10, 1);
	REQUIRE(a != NULL);
	for (i = 0; i < 10; i++)
		CHECK(a[i] == 0);
	dump(&d);
	CHECK_EQ(d.nrows, 1);
	check_row(&d, "caller_fn:77", a, 10);
	CHECK((os_free_debug)("caller_fn", 78, a) == NULL);
	dump(&d);
	CHECK_EQ(d.nrows, 0);
	return lt_done();
}
