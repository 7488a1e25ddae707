/* SPDX-License-Identifier: MIT */
/*
 * verdict.c - check bookkeeping and the one-line verdict of the demo.
 */
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static unsigned int checks, failures;
static char first_failure[160];

bool demo_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	checks++;
	if (ok)
		return true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	failures++;
	if (failures == 1)
		snprintf(first_failure, sizeof(first_failure), "%s", what);
	/* stdout, so the failure sits in the story where it happened */
	printf("  !! FAILED: %s (%s:%d)\n", what, file, line);
	fflush(stdout);
	return false;
}

unsigned int demo_check_count(void)
{
	return checks;
}

const char *demo_size(size_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%zu B", bytes);
		return buf;
	}
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (v == (double)(size_t)v)
		snprintf(buf, len, "%zu %s", (size_t)v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *demo_delta(size_t before, size_t after, char *buf, size_t len)
{
	if (after >= before)
		snprintf(buf, len, "+%zu B", after - before);
	else
		snprintf(buf, len, "-%zu B", before - after);
	return buf;
}

int demo_verdict(const char *summary)
{
	fflush(stderr);
	if (!failures) {
		printf("demo: PASS — %s\n", summary);
		fflush(stdout);
		return 0;
	}
	printf("demo: FAIL — %u of %u checks failed (first: %s)\n",
	       failures, checks, first_failure);
	fflush(stdout);
	return 1;
}
