// SPDX-License-Identifier: GPL-2.0
/*
 * region_opts.c - the module's side of the one region grammar
 * (spec/region_spec.c, shared with libmemheap): the words the device tree
 * binding uses, and one regions= entry parsed into a region spec with the
 * grammar's message printed as one line.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "memheap.h"
#include "region_opts.h"
#include "region_spec.h"

/**
 * memheap_region_name_ok() - is @name usable as a stable region name?
 * @name: candidate.
 *
 * Return: true for 1 to MEMHEAP_NAME_LEN - 1 characters of [A-Za-z0-9_.-].
 */
bool memheap_region_name_ok(const char *name)
{
	return mh_spec_name_ok(name, strnlen(name, MEMHEAP_NAME_LEN));
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
	unsigned int v;

	if (mh_spec_cap_from_word(word, strlen(word), &v))
		return -ENOENT;
	*cap = v;
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
	unsigned int v;

	if (mh_spec_algo_from_word(word, strlen(word), &v))
		return -ENOENT;
	*algo = v;
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
	unsigned int v;

	if (mh_spec_map_from_word(word, strlen(word), &v))
		return -ENOENT;
	*map_mode = v;
	return 0;
}

/**
 * memheap_check_caps() - the grammar's conflict rules on a region's caps.
 * @spec: the region (from the device tree or the parameter).
 *
 * Return: 0, or -EINVAL after printing one line.
 */
int memheap_check_caps(const struct memheap_region_spec *spec)
{
	int rc = mh_spec_check_caps(spec->caps);

	if (!rc)
		return 0;
	pr_err("memheap: %s: %s\n", spec->name, mh_spec_strerror(rc));
	return -EINVAL;
}

/**
 * memheap_parse_param_entry() - one regions= entry, NAME:SIZE[@PHYS][:OPT]...
 * @entry: the entry text.
 * @n:     its number in the list, from 1, for the message.
 * @spec:  out: the region; with @PHYS a carveout, else self-backed.
 *
 * Return: 0, or -EINVAL after printing one line that names the entry, the
 * reason and, for a size or option, what is accepted.
 */
int memheap_parse_param_entry(const char *entry, unsigned int n,
			      struct memheap_region_spec *spec)
{
	struct mh_spec_entry e;
	struct mh_spec_error err;
	const char *help = "";
	int rc;

	rc = mh_spec_parse_entry(entry, strlen(entry), MH_SPEC_F_PHYS, &e, &err);
	if (rc) {
		if (mh_spec_size_error(rc))
			help = " (" MH_SPEC_SIZE_HELP ")";
		else if (rc == MH_SPEC_EOPT)
			help = " (" MH_SPEC_OPT_HELP ")";
		pr_err("memheap: regions: entry %u '%s': %s%s%.*s%s%s\n", n, entry,
		       mh_spec_strerror(rc), err.len ? " '" : "",
		       (int)err.len, entry + err.off, err.len ? "'" : "", help);
		return -EINVAL;
	}
	if (e.has_phys && (phys_addr_t)e.phys != e.phys) {
		pr_err("memheap: regions: entry %u '%s': address beyond this kernel's physical addresses\n",
		       n, entry);
		return -EINVAL;
	}
	strscpy(spec->name, e.name, sizeof(spec->name));
	spec->size = e.size;
	spec->phys = e.has_phys ? (phys_addr_t)e.phys : 0;
	spec->origin = e.has_phys ? MEMHEAP_ORIGIN_PARAM : MEMHEAP_ORIGIN_SELF;
	spec->caps = e.caps;
	spec->algo = e.algo;
	spec->map_mode = e.map_mode;
	return 0;
}
