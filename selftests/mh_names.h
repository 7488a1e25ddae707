/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The words used for capabilities, algorithms, mapping modes and origins
 * in the device-tree binding, the regions= parameter and the rig's
 * /etc/memheap/regions.expected, mapped to their uapi values.
 */
#ifndef MEMHEAP_MH_NAMES_H
#define MEMHEAP_MH_NAMES_H

#include <stdint.h>
#include <string.h>

#include <linux/memheap.h>

struct mh_word {
	const char *word;
	uint32_t value;
};

static const struct mh_word mh_cap_words[] = {
	{ "dma", MEMHEAP_CAP_DMA },
	{ "spiram", MEMHEAP_CAP_SPIRAM },
	{ "internal", MEMHEAP_CAP_INTERNAL },
	{ "8bit", MEMHEAP_CAP_8BIT },
	{ "32bit", MEMHEAP_CAP_32BIT },
	{ "default", MEMHEAP_CAP_DEFAULT },
};

static const struct mh_word mh_algo_words[] = {
	{ "firstfit", MEMHEAP_ALGO_FIRSTFIT },
	{ "buddy", MEMHEAP_ALGO_BUDDY },
};

static const struct mh_word mh_map_words[] = {
	{ "cached", MEMHEAP_MAP_CACHED },
	{ "uncached", MEMHEAP_MAP_UNCACHED },
	{ "wc", MEMHEAP_MAP_WC },
};

static const struct mh_word mh_origin_words[] = {
	{ "dt", MEMHEAP_ORIGIN_DT },
	{ "param", MEMHEAP_ORIGIN_PARAM },
	{ "self", MEMHEAP_ORIGIN_SELF },
};

#define MH_LOOKUP(table, w, out) mh_lookup(table, sizeof(table) / sizeof(table[0]), w, out)

/* 0 and *@out set when @w (length @len) is in @table, else -1. */
static inline int mh_lookup_n(const struct mh_word *table, size_t n,
			      const char *w, size_t len, uint32_t *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(table[i].word) == len && !strncmp(table[i].word, w, len)) {
			*out = table[i].value;
			return 0;
		}
	}
	return -1;
}

static inline int mh_lookup(const struct mh_word *table, size_t n,
			    const char *w, uint32_t *out)
{
	return mh_lookup_n(table, n, w, strlen(w), out);
}

/* "dma+internal+8bit" -> caps; -1 on an unknown word. */
static inline int mh_parse_caps(const char *s, char sep, uint32_t *caps)
{
	uint32_t v;

	*caps = 0;
	while (*s) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (mh_lookup_n(mh_cap_words, sizeof(mh_cap_words) / sizeof(mh_cap_words[0]),
				s, len, &v))
			return -1;
		*caps |= v;
		s += len;
		if (*s)
			s++;
	}
	return 0;
}

#endif /* MEMHEAP_MH_NAMES_H */
