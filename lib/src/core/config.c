/* SPDX-License-Identifier: MIT */
/*
 * config.c - the layout language of the embedded backend: a list of
 * region descriptions in the one grammar memheap.ko's regions= parameter
 * also takes (spec/region_spec.h: NAME:SIZE[:OPT]..., sizes with K, M, G
 * or T up to 1 TiB, the same words and conflict rules; @PHYS is the
 * module's only).  This file splits the list (commas, or lines with '#'
 * comments) and words the messages; spec/ parses each entry.  Mapping
 * modes are recorded, with no effect in anonymous memory.
 *
 * Runs during malloc's initialisation: no heap memory, no stdio streams.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "region_spec.h"

const char *mhl_caps_str(uint32_t caps, char *buf, size_t len)
{
	if (!buf || !len)
		return "";
	mh_spec_caps_str(caps, '|', buf, len);
	return buf;
}

int mhl_poison_parse(const char *s)
{
	if (!strcmp(s, "none"))
		return MH_POISON_NONE;
	if (!strcmp(s, "light"))
		return MH_POISON_LIGHT;
	if (!strcmp(s, "comprehensive"))
		return MH_POISON_COMPREHENSIVE;
	return -1;
}

#define MHL_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return MHL_EINVAL; } while (0)

/* One entry [s, s + n), already trimmed and non-empty. */
static int mhl_parse_entry(const char *s, size_t n, const char *origin,
			   unsigned int num, struct mhl_layout *out,
			   char *err, size_t errlen)
{
	struct mh_spec_entry se;
	struct mh_spec_error se_err;
	int shown = n > 64 ? 64 : (int)n;

	if (mh_spec_parse_entry(s, n, 0, &se, &se_err)) {
		int wn = se_err.len > 64 ? 64 : (int)se_err.len;

		MHL_ERR("%s: entry %u '%.*s': %s%s%.*s%s%s", origin, num, shown, s,
			mh_spec_strerror(se_err.code), wn ? " '" : "", wn, s + se_err.off,
			wn ? "'" : "",
			mh_spec_size_error(se_err.code) ? " (" MH_SPEC_SIZE_HELP ")" :
			se_err.code == MH_SPEC_EOPT ? " (" MH_SPEC_OPT_HELP ")" : "");
	}
	if (se.size > SIZE_MAX)
		MHL_ERR("%s: entry %u '%.*s': size does not fit this machine's address space",
			origin, num, shown, s);
	for (unsigned int i = 0; i < out->n; i++)
		if (!strcmp(out->e[i].name, se.name))
			MHL_ERR("%s: entry %u '%.*s': region name '%s' used twice",
				origin, num, shown, s, se.name);
	if (out->n == MHL_MAX_LAYOUT)
		MHL_ERR("%s: entry %u '%.*s': more than %d regions", origin, num, shown, s,
			MHL_MAX_LAYOUT);

	struct mhl_layout_entry *e = &out->e[out->n++];

	memcpy(e->name, se.name, sizeof(e->name));
	e->size = (size_t)se.size;
	e->caps = se.caps;
	e->algo = se.algo == MEMHEAP_ALGO_BUDDY ? MH_ALGO_BUDDY : MH_ALGO_FIRSTFIT;
	e->map_mode = se.map_mode;
	return 0;
}

static bool mhl_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int mhl_layout_parse(const char *text, bool per_line, const char *origin,
		     struct mhl_layout *out, char *err, size_t errlen)
{
	char sep = per_line ? '\n' : ',';
	unsigned int num = 0;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	if (!text)
		MHL_ERR("%s: no text", origin);
	for (;;) {
		const char *end = strchr(p, sep);
		const char *stop = end ? end : p + strlen(p);
		const char *b = p, *e = stop;

		if (per_line) {
			const char *hash = memchr(b, '#', (size_t)(e - b));

			if (hash)
				e = hash;
		}
		while (b < e && mhl_space(*b))
			b++;
		while (e > b && mhl_space(e[-1]))
			e--;
		num++;
		if (b < e) {
			int rc = mhl_parse_entry(b, (size_t)(e - b), origin, num, out, err, errlen);

			if (rc)
				return rc;
		} else if (!per_line) {
			MHL_ERR("%s: entry %u is empty", origin, num);
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (!out->n)
		MHL_ERR("%s: no region defined", origin);
	return 0;
}
