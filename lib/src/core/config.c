/* SPDX-License-Identifier: MIT */
/*
 * config.c - the layout language of the embedded backend.
 *
 * An entry is NAME:SIZE[:OPT]... exactly as memheap.ko's regions= module
 * parameter: SIZE is decimal or 0x-hex with an optional K, M or G suffix
 * (powers of 1024, "KiB" etc. also accepted); OPT is one of dma spiram
 * internal 8bit 32bit default (capabilities), firstfit buddy (algorithm),
 * cached uncached wc (mapping mode; recorded, no effect in anonymous
 * memory).  An entry without capability options gets 8bit 32bit default.
 *
 * Runs during malloc's initialisation: no heap memory, no stdio.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

static const struct {
	const char *word;
	uint32_t cap;
} mhl_cap_words[] = {
	{ "dma", MEMHEAP_CAP_DMA },
	{ "spiram", MEMHEAP_CAP_SPIRAM },
	{ "internal", MEMHEAP_CAP_INTERNAL },
	{ "8bit", MEMHEAP_CAP_8BIT },
	{ "32bit", MEMHEAP_CAP_32BIT },
	{ "default", MEMHEAP_CAP_DEFAULT },
};

const char *mhl_caps_str(uint32_t caps, char *buf, size_t len)
{
	size_t used = 0;

	if (!buf || !len)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(mhl_cap_words) / sizeof(mhl_cap_words[0]); i++) {
		if (!(caps & mhl_cap_words[i].cap))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "|" : "",
				 mhl_cap_words[i].word);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "none");
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

static bool mhl_word_is(const char *w, size_t n, const char *lit)
{
	return strlen(lit) == n && !strncmp(w, lit, n);
}

/* SIZE with optional suffix; false on any junk or overflow. */
static bool mhl_parse_size(const char *s, size_t n, size_t *out)
{
	size_t i = 0, base = 10, v = 0, mult = 1;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	size_t digits_start = i;
	for (; i < n; i++) {
		char c = s[i];
		size_t d;

		if (c >= '0' && c <= '9')
			d = (size_t)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (size_t)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (size_t)(c - 'A' + 10);
		else
			break;
		if (v > (SIZE_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (i == digits_start)
		return false;
	if (i < n) {
		const char *suf = s + i;
		size_t sn = n - i;

		switch (suf[0]) {
		case 'k': case 'K': mult = (size_t)1 << 10; break;
		case 'm': case 'M': mult = (size_t)1 << 20; break;
		case 'g': case 'G': mult = (size_t)1 << 30; break;
		default: return false;
		}
		if (!(sn == 1 || (sn == 3 && suf[1] == 'i' && suf[2] == 'B')))
			return false;
	}
	if (v > SIZE_MAX / mult)
		return false;
	*out = v * mult;
	return true;
}

static bool mhl_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

#define MHL_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return MHL_EINVAL; } while (0)

/* One entry [s, s + n), already trimmed and non-empty. */
static int mhl_parse_entry(const char *s, size_t n, const char *origin,
			   unsigned int num, struct mhl_layout *out,
			   char *err, size_t errlen)
{
	struct mhl_layout_entry e = { .algo = MH_ALGO_FIRSTFIT, .map_mode = MEMHEAP_MAP_CACHED };
	int shown = n > 64 ? 64 : (int)n;
	bool algo_set = false, map_set = false;
	size_t field = 0, pos = 0;

	while (pos <= n) {
		size_t end = pos;

		while (end < n && s[end] != ':')
			end++;
		const char *w = s + pos;
		size_t wn = end - pos;

		if (field == 0) {
			if (!wn)
				MHL_ERR("%s: entry %u '%.*s': empty region name", origin, num, shown, s);
			if (wn >= MEMHEAP_NAME_LEN)
				MHL_ERR("%s: entry %u '%.*s': name longer than %d characters",
					origin, num, shown, s, MEMHEAP_NAME_LEN - 1);
			for (size_t i = 0; i < wn; i++)
				if (!mhl_name_char(w[i]))
					MHL_ERR("%s: entry %u '%.*s': bad character '%c' in name",
						origin, num, shown, s, w[i]);
			memcpy(e.name, w, wn);
		} else if (field == 1) {
			if (!mhl_parse_size(w, wn, &e.size))
				MHL_ERR("%s: entry %u '%.*s': bad size '%.*s'",
					origin, num, shown, s, (int)wn, w);
			if (e.size < MHL_MIN_REGION)
				MHL_ERR("%s: entry %u '%.*s': size %zu below the minimum %u",
					origin, num, shown, s, e.size, MHL_MIN_REGION);
			if (e.size > ((size_t)1 << 40))
				MHL_ERR("%s: entry %u '%.*s': size above 1 TiB", origin, num, shown, s);
		} else {
			bool known = false;

			for (size_t i = 0; i < sizeof(mhl_cap_words) / sizeof(mhl_cap_words[0]); i++) {
				if (mhl_word_is(w, wn, mhl_cap_words[i].word)) {
					e.caps |= mhl_cap_words[i].cap;
					known = true;
				}
			}
			if (mhl_word_is(w, wn, "firstfit") || mhl_word_is(w, wn, "buddy")) {
				enum mh_algo a = w[0] == 'b' ? MH_ALGO_BUDDY : MH_ALGO_FIRSTFIT;

				if (algo_set && a != e.algo)
					MHL_ERR("%s: entry %u '%.*s': both firstfit and buddy",
						origin, num, shown, s);
				e.algo = a;
				algo_set = known = true;
			}
			if (mhl_word_is(w, wn, "cached") || mhl_word_is(w, wn, "uncached") ||
			    mhl_word_is(w, wn, "wc")) {
				unsigned int m = w[0] == 'c' ? MEMHEAP_MAP_CACHED :
						 w[0] == 'u' ? MEMHEAP_MAP_UNCACHED : MEMHEAP_MAP_WC;

				if (map_set && m != e.map_mode)
					MHL_ERR("%s: entry %u '%.*s': more than one of cached, uncached, wc",
						origin, num, shown, s);
				e.map_mode = m;
				map_set = known = true;
			}
			if (!known)
				MHL_ERR("%s: entry %u '%.*s': unknown option '%.*s'",
					origin, num, shown, s, (int)wn, w);
		}
		field++;
		pos = end + 1;
	}
	if (field < 2)
		MHL_ERR("%s: entry %u '%.*s': expected NAME:SIZE[:OPT]...", origin, num, shown, s);
	if ((e.caps & MEMHEAP_CAP_DMA) && (e.caps & MEMHEAP_CAP_SPIRAM))
		MHL_ERR("%s: entry %u '%.*s': dma and spiram exclude each other",
			origin, num, shown, s);
	if (!e.caps)
		e.caps = MEMHEAP_CAP_8BIT | MEMHEAP_CAP_32BIT | MEMHEAP_CAP_DEFAULT;
	for (unsigned int i = 0; i < out->n; i++)
		if (!strcmp(out->e[i].name, e.name))
			MHL_ERR("%s: entry %u '%.*s': region name '%s' used twice",
				origin, num, shown, s, e.name);
	if (out->n == MHL_MAX_LAYOUT)
		MHL_ERR("%s: entry %u '%.*s': more than %d regions", origin, num, shown, s,
			MHL_MAX_LAYOUT);
	out->e[out->n++] = e;
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
