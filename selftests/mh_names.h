/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The words used for capabilities, algorithms and mapping modes come from
 * the one region grammar (spec/region_spec.h, linked into every selftest
 * program); origins are the rig's own words (/etc/memheap/regions.expected).
 *
 *   MH_LOOKUP(mh_cap_words | mh_algo_words | mh_map_words | mh_origin_words,
 *             word, &value)    0 and the uapi value, or -1
 */
#ifndef MEMHEAP_MH_NAMES_H
#define MEMHEAP_MH_NAMES_H

#include <stdint.h>
#include <string.h>

#include <linux/memheap.h>

#include "region_spec.h"

static inline int mh_cap_words_lookup(const char *w, uint32_t *out)
{
	unsigned int v;

	if (mh_spec_cap_from_word(w, strlen(w), &v))
		return -1;
	*out = v;
	return 0;
}

static inline int mh_algo_words_lookup(const char *w, uint32_t *out)
{
	unsigned int v;

	if (mh_spec_algo_from_word(w, strlen(w), &v))
		return -1;
	*out = v;
	return 0;
}

static inline int mh_map_words_lookup(const char *w, uint32_t *out)
{
	unsigned int v;

	if (mh_spec_map_from_word(w, strlen(w), &v))
		return -1;
	*out = v;
	return 0;
}

static const char *const mh_origin_names[] = {
	[MEMHEAP_ORIGIN_DT] = "dt",
	[MEMHEAP_ORIGIN_PARAM] = "param",
	[MEMHEAP_ORIGIN_SELF] = "self",
};

static inline int mh_origin_words_lookup(const char *w, uint32_t *out)
{
	uint32_t i;

	for (i = 0; i < sizeof(mh_origin_names) / sizeof(mh_origin_names[0]); i++) {
		if (mh_origin_names[i] && !strcmp(mh_origin_names[i], w)) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static inline const char *mh_origin_word(uint32_t origin)
{
	return origin < sizeof(mh_origin_names) / sizeof(mh_origin_names[0]) &&
	       mh_origin_names[origin] ? mh_origin_names[origin] : "?";
}

#define MH_LOOKUP(table, w, out) table##_lookup((w), (out))

/* "dma+internal+8bit" -> caps; -1 on an unknown word. */
static inline int mh_parse_caps(const char *s, char sep, uint32_t *caps)
{
	unsigned int v;

	*caps = 0;
	while (*s) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (mh_spec_cap_from_word(s, len, &v))
			return -1;
		*caps |= v;
		s += len;
		if (*s)
			s++;
	}
	return 0;
}

#endif /* MEMHEAP_MH_NAMES_H */
