// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * region_spec.c - the grammar of a region description and its word tables,
 * compiled into memheap.ko and libmemheap alike (see region_spec.h).
 * Freestanding: no libc, no allocation.
 */
#include "region_spec.h"

#define SPEC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Indexed by bit number: MEMHEAP_CAP_DMA is bit 0, and so on. */
static const char * const cap_words[] = {
	"dma", "spiram", "internal", "8bit", "32bit", "default",
};

static const char * const algo_words[] = {
	[MEMHEAP_ALGO_FIRSTFIT] = "firstfit",
	[MEMHEAP_ALGO_BUDDY] = "buddy",
};

static const char * const map_words[] = {
	[MEMHEAP_MAP_CACHED] = "cached",
	[MEMHEAP_MAP_UNCACHED] = "uncached",
	[MEMHEAP_MAP_WC] = "wc",
};

static const char * const err_text[] = {
	[MH_SPEC_OK] = "no error",
	[MH_SPEC_ENAME] = "bad name (1 to 31 characters of A-Z a-z 0-9 _ . -)",
	[MH_SPEC_ENOSIZE] = "no size (expected NAME:SIZE[:OPT]...)",
	[MH_SPEC_ESIZE] = "bad size",
	[MH_SPEC_ESMALL] = "size below 4 KiB",
	[MH_SPEC_ELARGE] = "size above 1 TiB",
	[MH_SPEC_EPHYS] = "bad address",
	[MH_SPEC_ENOPHYS] = "@PHYS (a carveout address) is for memheap.ko's regions= only",
	[MH_SPEC_EOPT] = "unknown option",
	[MH_SPEC_EALGO] = "more than one of firstfit, buddy",
	[MH_SPEC_EMAP] = "more than one of cached, uncached, wc",
	[MH_SPEC_EDMA_SPIRAM] = "dma and spiram exclude each other (DMA memory is internal)",
	[MH_SPEC_ESPIRAM_INTERNAL] = "spiram and internal exclude each other",
};

/* Short names of the codes, as the case table (spec/cases.txt) writes them. */
static const char * const err_names[] = {
	[MH_SPEC_OK] = "ok",
	[MH_SPEC_ENAME] = "name",
	[MH_SPEC_ENOSIZE] = "nosize",
	[MH_SPEC_ESIZE] = "size",
	[MH_SPEC_ESMALL] = "small",
	[MH_SPEC_ELARGE] = "large",
	[MH_SPEC_EPHYS] = "phys",
	[MH_SPEC_ENOPHYS] = "nophys",
	[MH_SPEC_EOPT] = "opt",
	[MH_SPEC_EALGO] = "algo",
	[MH_SPEC_EMAP] = "map",
	[MH_SPEC_EDMA_SPIRAM] = "dma-spiram",
	[MH_SPEC_ESPIRAM_INTERNAL] = "spiram-internal",
};

static size_t spec_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool word_is(const char *w, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!lit[i] || lit[i] != w[i])
			return false;
	return !lit[n];
}

static int word_index(const char * const *table, size_t count,
		      const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i] && word_is(w, n, table[i]))
			return (int)i;
	return -1;
}

/**
 * mh_spec_cap_from_word() - capability bit named by a word.
 * @w:   the word (not necessarily NUL-terminated).
 * @n:   its length.
 * @cap: out: one MEMHEAP_CAP_* bit.
 *
 * Return: 0, or -1 for an unknown word.
 */
int mh_spec_cap_from_word(const char *w, size_t n, unsigned int *cap)
{
	int i = word_index(cap_words, SPEC_ARRAY_SIZE(cap_words), w, n);

	if (i < 0)
		return -1;
	*cap = 1U << i;
	return 0;
}

/**
 * mh_spec_algo_from_word() - algorithm named by a word.
 * @w:    the word.
 * @n:    its length.
 * @algo: out: MEMHEAP_ALGO_*.
 *
 * Return: 0, or -1 for an unknown word.
 */
int mh_spec_algo_from_word(const char *w, size_t n, unsigned int *algo)
{
	int i = word_index(algo_words, SPEC_ARRAY_SIZE(algo_words), w, n);

	if (i < 0)
		return -1;
	*algo = (unsigned int)i;
	return 0;
}

/**
 * mh_spec_map_from_word() - mapping mode named by a word.
 * @w:        the word.
 * @n:        its length.
 * @map_mode: out: MEMHEAP_MAP_*.
 *
 * Return: 0, or -1 for an unknown word.
 */
int mh_spec_map_from_word(const char *w, size_t n, unsigned int *map_mode)
{
	int i = word_index(map_words, SPEC_ARRAY_SIZE(map_words), w, n);

	if (i < 0)
		return -1;
	*map_mode = (unsigned int)i;
	return 0;
}

/**
 * mh_spec_cap_word() - the word of one capability bit.
 * @bit: a single MEMHEAP_CAP_* bit.
 *
 * Return: its word, or NULL when @bit is not exactly one known capability.
 */
const char *mh_spec_cap_word(unsigned int bit)
{
	size_t i;

	for (i = 0; i < SPEC_ARRAY_SIZE(cap_words); i++)
		if (bit == 1U << i)
			return cap_words[i];
	return NULL;
}

/**
 * mh_spec_algo_word() - the word of an algorithm.
 * @algo: MEMHEAP_ALGO_*.
 *
 * Return: its word, or "?".
 */
const char *mh_spec_algo_word(unsigned int algo)
{
	return algo < SPEC_ARRAY_SIZE(algo_words) ? algo_words[algo] : "?";
}

/**
 * mh_spec_map_word() - the word of a mapping mode.
 * @map_mode: MEMHEAP_MAP_*.
 *
 * Return: its word, or "?".
 */
const char *mh_spec_map_word(unsigned int map_mode)
{
	return map_mode < SPEC_ARRAY_SIZE(map_words) ? map_words[map_mode] : "?";
}

/**
 * mh_spec_caps_str() - capability words of @caps, in bit order.
 * @caps: MEMHEAP_CAP_* bits.
 * @sep:  separator between words.
 * @buf:  output, always NUL-terminated when @len > 0.
 * @len:  size of @buf.
 *
 * "none" for no capability; unknown bits are left out.  A word that does
 * not fit is left out whole.
 *
 * Return: the length written.
 */
size_t mh_spec_caps_str(unsigned int caps, char sep, char *buf, size_t len)
{
	size_t used = 0, i, k, wn;
	const char *w;

	if (!len)
		return 0;
	buf[0] = '\0';
	for (i = 0; i <= SPEC_ARRAY_SIZE(cap_words); i++) {
		if (i == SPEC_ARRAY_SIZE(cap_words)) {
			if (used)
				break;
			w = "none";
		} else if (caps & (1U << i)) {
			w = cap_words[i];
		} else {
			continue;
		}
		wn = spec_strlen(w);
		if (used + (used ? 1 : 0) + wn >= len)
			break;
		if (used)
			buf[used++] = sep;
		for (k = 0; k < wn; k++)
			buf[used++] = w[k];
		buf[used] = '\0';
	}
	return used;
}

/**
 * mh_spec_name_ok() - is this a usable region name?
 * @s: the name (not necessarily NUL-terminated).
 * @n: its length.
 *
 * Return: true for 1 to MEMHEAP_NAME_LEN - 1 characters of [A-Za-z0-9_.-].
 */
bool mh_spec_name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= MEMHEAP_NAME_LEN)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* Decimal or 0x-hex digits, the whole of [s, s + n); false on overflow. */
static bool parse_number(const char *s, size_t n, unsigned long long *out)
{
	unsigned long long v = 0, base = 10, d;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned long long)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned long long)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned long long)(c - 'A' + 10);
		else
			return false;
		if (v > (~0ULL - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static unsigned int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K':
		return 10;
	case 'm': case 'M':
		return 20;
	case 'g': case 'G':
		return 30;
	case 't': case 'T':
		return 40;
	}
	return 0;
}

/**
 * mh_spec_parse_size() - parse SIZE and check its range.
 * @s:   the text (not necessarily NUL-terminated).
 * @n:   its length.
 * @out: out: bytes.
 *
 * Return: MH_SPEC_OK, MH_SPEC_ESIZE, MH_SPEC_ESMALL or MH_SPEC_ELARGE.
 */
int mh_spec_parse_size(const char *s, size_t n, unsigned long long *out)
{
	unsigned int shift = 0;
	unsigned long long v;
	size_t digits = n;

	if (n > 3 && s[n - 2] == 'i' && s[n - 1] == 'B' &&
	    suffix_shift(s[n - 3])) {
		shift = suffix_shift(s[n - 3]);
		digits = n - 3;
	} else if (n > 1 && suffix_shift(s[n - 1])) {
		/* no suffix letter is a hex digit: "0x10M" is unambiguous */
		shift = suffix_shift(s[n - 1]);
		digits = n - 1;
	}
	if (!parse_number(s, digits, &v))
		return MH_SPEC_ESIZE;
	if (v > (MH_SPEC_MAX_SIZE >> shift))
		return MH_SPEC_ELARGE;
	v <<= shift;
	if (v < MH_SPEC_MIN_SIZE)
		return MH_SPEC_ESMALL;
	*out = v;
	return MH_SPEC_OK;
}

/**
 * mh_spec_check_caps() - the conflict rules between capabilities.
 * @caps: MEMHEAP_CAP_* bits of one region.
 *
 * Return: MH_SPEC_OK, MH_SPEC_EDMA_SPIRAM or MH_SPEC_ESPIRAM_INTERNAL.
 */
int mh_spec_check_caps(unsigned int caps)
{
	if ((caps & MEMHEAP_CAP_DMA) && (caps & MEMHEAP_CAP_SPIRAM))
		return MH_SPEC_EDMA_SPIRAM;
	if ((caps & MEMHEAP_CAP_SPIRAM) && (caps & MEMHEAP_CAP_INTERNAL))
		return MH_SPEC_ESPIRAM_INTERNAL;
	return MH_SPEC_OK;
}

/**
 * mh_spec_strerror() - what an error code means, one short phrase.
 * @code: enum mh_spec_err.
 *
 * Return: static text.
 */
const char *mh_spec_strerror(int code)
{
	if (code < 0 || code >= MH_SPEC_NERR)
		return "unknown error";
	return err_text[code];
}

/**
 * mh_spec_err_name() - short name of an error code (spec/cases.txt).
 * @code: enum mh_spec_err.
 *
 * Return: static text, "?" for an unknown code.
 */
const char *mh_spec_err_name(int code)
{
	if (code < 0 || code >= MH_SPEC_NERR)
		return "?";
	return err_names[code];
}

/**
 * mh_spec_size_error() - should the message add MH_SPEC_SIZE_HELP?
 * @code: enum mh_spec_err.
 *
 * Return: true for the errors about SIZE.
 */
bool mh_spec_size_error(int code)
{
	return code == MH_SPEC_ESIZE || code == MH_SPEC_ESMALL ||
	       code == MH_SPEC_ELARGE || code == MH_SPEC_ENOSIZE;
}

static int fail(struct mh_spec_error *err, int code, size_t off, size_t len)
{
	err->code = code;
	err->off = off;
	err->len = len;
	return code;
}

static int apply_opt(struct mh_spec_entry *e, const char *w, size_t n,
		     unsigned int *seen_algo, unsigned int *seen_map,
		     bool *caps_given)
{
	unsigned int v;

	if (!mh_spec_cap_from_word(w, n, &v)) {
		e->caps |= v;
		*caps_given = true;
		return MH_SPEC_OK;
	}
	if (!mh_spec_algo_from_word(w, n, &v)) {
		if (*seen_algo & ~(1U << v))
			return MH_SPEC_EALGO;
		*seen_algo |= 1U << v;
		e->algo = v;
		return MH_SPEC_OK;
	}
	if (!mh_spec_map_from_word(w, n, &v)) {
		if (*seen_map & ~(1U << v))
			return MH_SPEC_EMAP;
		*seen_map |= 1U << v;
		e->map_mode = v;
		return MH_SPEC_OK;
	}
	return MH_SPEC_EOPT;
}

/**
 * mh_spec_parse_entry() - parse one NAME:SIZE[@PHYS][:OPT]... entry.
 * @s:     the entry, already trimmed (not necessarily NUL-terminated).
 * @n:     its length.
 * @flags: MH_SPEC_F_*.
 * @e:     out: the region; untouched fields get the defaults.
 * @err:   out: the error and the field it is about.
 *
 * Return: MH_SPEC_OK or an enum mh_spec_err code (also in @err->code).
 */
int mh_spec_parse_entry(const char *s, size_t n, unsigned int flags,
			struct mh_spec_entry *e, struct mh_spec_error *err)
{
	unsigned int seen_algo = 0, seen_map = 0;
	size_t pos = 0, end, at, i, field = 0;
	bool caps_given = false;
	int rc;

	for (i = 0; i < sizeof(e->name); i++)
		e->name[i] = '\0';
	e->size = 0;
	e->phys = 0;
	e->has_phys = false;
	e->caps = 0;
	e->algo = MEMHEAP_ALGO_FIRSTFIT;
	e->map_mode = MEMHEAP_MAP_CACHED;
	err->code = MH_SPEC_OK;
	err->off = 0;
	err->len = 0;

	while (pos <= n) {
		end = pos;
		while (end < n && s[end] != ':')
			end++;
		if (field == 0) {
			if (!mh_spec_name_ok(s, end))
				return fail(err, MH_SPEC_ENAME, 0, end);
			for (i = 0; i < end; i++)
				e->name[i] = s[i];
		} else if (field == 1) {
			at = pos;
			while (at < end && s[at] != '@')
				at++;
			if (at == pos)
				return fail(err, MH_SPEC_ENOSIZE, pos, 0);
			rc = mh_spec_parse_size(s + pos, at - pos, &e->size);
			if (rc)
				return fail(err, rc, pos, at - pos);
			if (at < end) {
				if (!(flags & MH_SPEC_F_PHYS))
					return fail(err, MH_SPEC_ENOPHYS, at, end - at);
				if (!parse_number(s + at + 1, end - at - 1, &e->phys))
					return fail(err, MH_SPEC_EPHYS, at + 1,
						    end - at - 1);
				e->has_phys = true;
			}
		} else {
			rc = apply_opt(e, s + pos, end - pos, &seen_algo,
				       &seen_map, &caps_given);
			if (rc)
				return fail(err, rc, pos, end - pos);
		}
		field++;
		pos = end + 1;
	}
	if (field < 2)
		return fail(err, MH_SPEC_ENOSIZE, n, 0);
	rc = mh_spec_check_caps(e->caps);
	if (rc)
		return fail(err, rc, 0, 0);
	if (!caps_given)
		e->caps = MH_SPEC_DEFAULT_CAPS;
	return MH_SPEC_OK;
}
