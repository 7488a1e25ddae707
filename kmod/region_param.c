// SPDX-License-Identifier: GPL-2.0
/*
 * region_param.c - regions from the "regions" module parameter, for boards
 * without a device tree node:
 *
 *   regions=NAME:SIZE[@PHYS][:OPT]...[,NAME:SIZE...]
 *
 * in the grammar libmemheap's MEMHEAP_REGIONS also takes (spec/region_spec.h:
 * SIZE with K, M, G or T up to 1 TiB, the capability, algorithm and mapping
 * words, the conflict rules); PHYS is hex (0x...) or decimal.  Without @PHYS
 * the driver obtains the memory itself.  Every error prints one line
 * naming the entry and what is wrong.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "memheap.h"
#include "region_opts.h"

/**
 * memheap_parse_param_regions() - parse the "regions" parameter.
 * @param: the parameter string, NULL or empty for none.
 * @specs: array to append to.
 * @max:   capacity of @specs.
 * @count: in: entries already in @specs; out: entries after parsing.
 *
 * The grammar (names, size range, words, conflicts) is checked here;
 * alignment, addresses and overlaps for every region together by
 * memheap_validate_specs().
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
		err = memheap_parse_param_entry(entry, n, &specs[*count]);
		if (err)
			break;
		(*count)++;
	}
	kfree(copy);
	return err;
}
