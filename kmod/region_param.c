// SPDX-License-Identifier: GPL-2.0
/*
 * region_param.c - regions from the "regions" module parameter, for boards
 * without a device tree node:
 *
 *   regions=NAME:SIZE[@PHYS][:OPT]...[,NAME:SIZE...]
 *
 * SIZE takes an optional K, M or G suffix; PHYS is hex (0x...) or decimal.
 * Without @PHYS the driver obtains the memory itself.  OPT is a capability
 * (dma spiram internal 8bit 32bit default), an algorithm (firstfit buddy)
 * or a mapping mode (cached uncached wc); defaults are firstfit and cached.
 * Every error prints one line naming the entry and what is wrong.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "memheap.h"
#include "region_opts.h"

static int parse_u64(const char *s, u64 *out)
{
	return kstrtou64(s, 0, out) ? -EINVAL : 0;
}

/* SIZE: a number with an optional K/M/G suffix, no overflow. */
static int parse_size(char *s, u64 *out)
{
	size_t len = strlen(s);
	unsigned int shift = 0;
	u64 v;

	if (len > 1) {
		switch (s[len - 1]) {
		case 'K': case 'k':
			shift = 10;
			break;
		case 'M': case 'm':
			shift = 20;
			break;
		case 'G': case 'g':
			shift = 30;
			break;
		}
	}
	if (shift)
		s[len - 1] = '\0';
	if (parse_u64(s, &v))
		return -EINVAL;
	if (check_shl_overflow(v, shift, out))
		return -ERANGE;
	return 0;
}

static int parse_entry(char *entry, unsigned int n,
		       struct memheap_region_spec *spec)
{
	char *name, *size, *phys, *opt;
	u32 seen_algo = 0, seen_map = 0;

	name = strsep(&entry, ":");
	size = strsep(&entry, ":");
	if (!*name) {
		pr_err("memheap: regions: entry %u has no name\n", n);
		return -EINVAL;
	}
	if (!memheap_region_name_ok(name)) {
		pr_err("memheap: regions: entry %u: bad name '%s' (1-%d characters of [A-Za-z0-9_.-])\n",
		       n, name, MEMHEAP_NAME_LEN - 1);
		return -EINVAL;
	}
	strscpy(spec->name, name, sizeof(spec->name));
	if (!size || !*size) {
		pr_err("memheap: regions: %s: no size\n", name);
		return -EINVAL;
	}
	phys = strchr(size, '@');
	if (phys)
		*phys++ = '\0';
	if (parse_size(size, &spec->size)) {
		pr_err("memheap: regions: %s: bad size '%s'\n", name, size);
		return -EINVAL;
	}
	if (phys) {
		u64 p;

		if (parse_u64(phys, &p) || (phys_addr_t)p != p) {
			pr_err("memheap: regions: %s: bad address '%s'\n",
			       name, phys);
			return -EINVAL;
		}
		spec->phys = p;
		spec->origin = MEMHEAP_ORIGIN_PARAM;
	} else {
		spec->phys = 0;
		spec->origin = MEMHEAP_ORIGIN_SELF;
	}
	spec->caps = 0;
	spec->algo = MEMHEAP_ALGO_FIRSTFIT;
	spec->map_mode = MEMHEAP_MAP_CACHED;
	while ((opt = strsep(&entry, ":")) != NULL) {
		int err = memheap_region_apply_opt(spec, opt, &seen_algo,
						   &seen_map);

		if (err == -ENOENT) {
			pr_err("memheap: regions: %s: unknown option '%s'\n",
			       name, opt);
			return -EINVAL;
		}
		if (err) {
			pr_err("memheap: regions: %s: option '%s' contradicts an earlier one\n",
			       name, opt);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * memheap_parse_param_regions() - parse the "regions" parameter.
 * @param: the parameter string, NULL or empty for none.
 * @specs: array to append to.
 * @max:   capacity of @specs.
 * @count: in: entries already in @specs; out: entries after parsing.
 *
 * Only syntax and options are checked here; sizes, addresses and overlaps
 * are checked for every region together by memheap_validate_specs().
 *
 * Return: 0, -EINVAL after printing one line, -ENOMEM.
 */
int memheap_parse_param_regions(const char *param,
				struct memheap_region_spec *specs,
				unsigned int max, unsigned int *count)
{
	char *copy, *rest, *entry;
	unsigned int n = 0;
	int err = 0;

	if (!param || !*param)
		return 0;
	copy = kstrdup(param, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	rest = strim(copy);
	while ((entry = strsep(&rest, ",")) != NULL) {
		n++;
		if (*count >= max) {
			pr_err("memheap: regions: more than %u regions\n", max);
			err = -EINVAL;
			break;
		}
		err = parse_entry(entry, n, &specs[*count]);
		if (err)
			break;
		(*count)++;
	}
	kfree(copy);
	return err;
}
