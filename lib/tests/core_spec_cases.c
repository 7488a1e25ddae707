/* SPDX-License-Identifier: MIT */
/*
 * core_spec_cases: the shared table of region descriptions
 * (spec/cases.txt, built into this program) through the library's layout
 * parser, the one MEMHEAP_REGIONS uses: every "ok" line is accepted and
 * parsed into exactly the size, caps, algorithm and mapping the table
 * gives; every "bad" line is refused for the reason the table names, with
 * that reason in the message.  selftests/load.sh feeds the same table to
 * memheap.ko's regions= parameter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "region_spec.h"
#include "lt.h"

/* The table, byte for byte, NUL-terminated (path relative to the build's
 * working directory, the repository root).
 */
__asm__(".section .rodata\n"
	".balign 8\n"
	"spec_cases_txt:\n"
	".incbin \"spec/cases.txt\"\n"
	".byte 0\n"
	".previous\n");
extern const char spec_cases_txt[] __asm__("spec_cases_txt");

static unsigned int caps_of(const char *words)
{
	char buf[160];
	unsigned int caps = 0, v;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *save = NULL, *w = strtok_r(buf, "+", &save); w; w = strtok_r(NULL, "+", &save)) {
		if (mh_spec_cap_from_word(w, strlen(w), &v)) {
			fprintf(stderr, "table: unknown cap word '%s'\n", w);
			CHECK(!"table caps are words of the grammar");
			continue;
		}
		caps |= v;
	}
	return caps;
}

static int code_of(const char *name)
{
	for (int c = 0; c < MH_SPEC_NERR; c++)
		if (!strcmp(mh_spec_err_name(c), name))
			return c;
	fprintf(stderr, "table: unknown reason '%s'\n", name);
	CHECK(!"table reasons are mh_spec_err names");
	return -1;
}

static void run_ok(unsigned int line, const char *spec, const char *size,
		   const char *caps, const char *algo, const char *map)
{
	struct mhl_layout l;
	char err[512] = "";
	unsigned int a = 0, m = 0;
	int rc = mhl_layout_parse(spec, false, "table", &l, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "cases.txt:%u: '%s' refused: %s\n", line, spec, err);
		CHECK(!"an ok case is accepted");
		return;
	}
	CHECK(!mh_spec_algo_from_word(algo, strlen(algo), &a));
	CHECK(!mh_spec_map_from_word(map, strlen(map), &m));
	if (l.n != 1 || l.e[0].size != strtoull(size, NULL, 10) ||
	    l.e[0].caps != caps_of(caps) ||
	    (unsigned int)l.e[0].algo != a || l.e[0].map_mode != m) {
		char got[128];

		fprintf(stderr, "cases.txt:%u: '%s' parsed as %zu %s %d %u, table says %s %s %s %s\n",
			line, spec, l.e[0].size, mhl_caps_str(l.e[0].caps, got, sizeof(got)),
			(int)l.e[0].algo, l.e[0].map_mode, size, caps, algo, map);
		CHECK(!"an ok case parses as the table says");
	}
}

static void run_bad(unsigned int line, const char *spec, const char *reason)
{
	struct mhl_layout l;
	struct mh_spec_entry e;
	struct mh_spec_error se;
	char err[512] = "";
	int code = code_of(reason);
	int rc = mhl_layout_parse(spec, false, "table", &l, err, sizeof(err));

	if (rc != MHL_EINVAL) {
		fprintf(stderr, "cases.txt:%u: '%s' accepted (rc %d), table says refused (%s)\n",
			line, spec, rc, reason);
		CHECK(!"a bad case is refused");
		return;
	}
	if (code >= 0 && !strstr(err, mh_spec_strerror(code))) {
		fprintf(stderr, "cases.txt:%u: '%s': message '%s' does not say '%s'\n",
			line, spec, err, mh_spec_strerror(code));
		CHECK(!"the message gives the table's reason");
	}
	/* the parser underneath refuses for exactly that reason */
	CHECK_EQ(mh_spec_parse_entry(spec, strlen(spec), MH_SPEC_F_PHYS, &e, &se), code);
}

int main(void)
{
	const char *p = spec_cases_txt;
	unsigned int line = 0, oks = 0, bads = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char buf[512], f[6][160] = { "" };
		int got;

		line++;
		REQUIRE(n < sizeof(buf));
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (nl ? 1 : 0);
		if (!buf[0] || buf[0] == '#')
			continue;
		got = sscanf(buf, "%159s %159s %159s %159s %159s %159s",
			     f[0], f[1], f[2], f[3], f[4], f[5]);
		if (!strcmp(f[0], "ok") && got == 6) {
			run_ok(line, f[1], f[2], f[3], f[4], f[5]);
			oks++;
		} else if (!strcmp(f[0], "bad") && got == 3) {
			run_bad(line, f[1], f[2]);
			bads++;
		} else {
			fprintf(stderr, "cases.txt:%u: cannot read '%s'\n", line, buf);
			CHECK(!"every table line is ok/bad with its fields");
		}
	}
	/* the table is really there: both kinds, the limits among them */
	CHECK(oks >= 10);
	CHECK(bads >= 10);
	printf("core_spec_cases: %u accepted and %u refused cases\n", oks, bads);
	return lt_done();
}
