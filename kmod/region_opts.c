// SPDX-License-Identifier: GPL-2.0
/*
 * region_opts.c - the vocabulary of region descriptions: names,
 * capabilities, algorithms and mapping modes, as the device tree binding
 * and the "regions" parameter spell them.
 */
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "memheap.h"
#include "region_opts.h"

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

/**
 * memheap_region_name_ok() - is @name usable as a stable region name?
 * @name: candidate.
 *
 * Return: true for 1 to MEMHEAP_NAME_LEN - 1 characters of [A-Za-z0-9_.-].
 */
bool memheap_region_name_ok(const char *name)
{
	size_t i, len = strnlen(name, MEMHEAP_NAME_LEN);

	if (!len || len >= MEMHEAP_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/**
 * memheap_cap_from_word() - capability bit named by @word.
 * @word: "dma", "spiram", "internal", "8bit", "32bit" or "default".
 * @cap:  out: the MEMHEAP_CAP_* bit.
 *
 * Return: 0, or -ENOENT for an unknown word.
 */
int memheap_cap_from_word(const char *word, u32 *cap)
{
	int i = match_string(cap_words, ARRAY_SIZE(cap_words), word);

	if (i < 0)
		return -ENOENT;
	*cap = BIT(i);
	return 0;
}

/**
 * memheap_algo_from_word() - algorithm named by @word.
 * @word: "firstfit" or "buddy".
 * @algo: out: MEMHEAP_ALGO_*.
 *
 * Return: 0, or -ENOENT for an unknown word.
 */
int memheap_algo_from_word(const char *word, u32 *algo)
{
	int i = match_string(algo_words, ARRAY_SIZE(algo_words), word);

	if (i < 0)
		return -ENOENT;
	*algo = i;
	return 0;
}

/**
 * memheap_map_from_word() - mapping mode named by @word.
 * @word:     "cached", "uncached" or "wc".
 * @map_mode: out: MEMHEAP_MAP_*.
 *
 * Return: 0, or -ENOENT for an unknown word.
 */
int memheap_map_from_word(const char *word, u32 *map_mode)
{
	int i = match_string(map_words, ARRAY_SIZE(map_words), word);

	if (i < 0)
		return -ENOENT;
	*map_mode = i;
	return 0;
}

/**
 * memheap_algo_word() - name of an algorithm.
 * @algo: MEMHEAP_ALGO_*.
 *
 * Return: its word, or "?".
 */
const char *memheap_algo_word(u32 algo)
{
	return algo < ARRAY_SIZE(algo_words) ? algo_words[algo] : "?";
}

/**
 * memheap_map_word() - name of a mapping mode.
 * @map_mode: MEMHEAP_MAP_*.
 *
 * Return: its word, or "?".
 */
const char *memheap_map_word(u32 map_mode)
{
	return map_mode < ARRAY_SIZE(map_words) ? map_words[map_mode] : "?";
}

/**
 * memheap_region_apply_opt() - apply one parameter option to @spec.
 * @spec:      region being described.
 * @opt:       a capability, algorithm or mapping word.
 * @seen_algo: bit mask of algorithms given so far for this region.
 * @seen_map:  bit mask of mapping modes given so far for this region.
 *
 * Return: 0, -ENOENT for an unknown word, -EINVAL when it contradicts an
 * algorithm or mapping mode given before.
 */
int memheap_region_apply_opt(struct memheap_region_spec *spec,
			     const char *opt, u32 *seen_algo, u32 *seen_map)
{
	u32 v;

	if (!memheap_cap_from_word(opt, &v)) {
		spec->caps |= v;
		return 0;
	}
	if (!memheap_algo_from_word(opt, &v)) {
		if (*seen_algo & ~BIT(v))
			return -EINVAL;
		*seen_algo |= BIT(v);
		spec->algo = v;
		return 0;
	}
	if (!memheap_map_from_word(opt, &v)) {
		if (*seen_map & ~BIT(v))
			return -EINVAL;
		*seen_map |= BIT(v);
		spec->map_mode = v;
		return 0;
	}
	return -ENOENT;
}
