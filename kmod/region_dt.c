// SPDX-License-Identifier: GPL-2.0
/*
 * region_dt.c - regions from the device tree (binding:
 * docs/devicetree/memheap.yaml).  Each available child of the
 * "memheap,memheap" node names one reserved-memory carveout through
 * memory-region and describes it with memheap,name, memheap,caps,
 * memheap,algorithm and memheap,mapping.
 */
#include <linux/errno.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "memheap.h"
#include "region_opts.h"

static int parse_child(struct device_node *child,
		       struct memheap_region_spec *spec)
{
	struct device_node *mem_np;
	struct reserved_mem *rmem;
	const char *s;
	struct property *prop;
	int err;

	if (of_property_read_string(child, "memheap,name", &s)) {
		pr_err("memheap: %pOF: no memheap,name\n", child);
		return -EINVAL;
	}
	if (!memheap_region_name_ok(s)) {
		pr_err("memheap: %pOF: bad memheap,name '%s' (1-%d characters of [A-Za-z0-9_.-])\n",
		       child, s, MEMHEAP_NAME_LEN - 1);
		return -EINVAL;
	}
	strscpy(spec->name, s, sizeof(spec->name));

	mem_np = of_parse_phandle(child, "memory-region", 0);
	if (!mem_np) {
		pr_err("memheap: %s: no memory-region\n", spec->name);
		return -EINVAL;
	}
	rmem = of_reserved_mem_lookup(mem_np);
	of_node_put(mem_np);
	if (!rmem) {
		pr_err("memheap: %s: memory-region is not a reserved-memory carveout\n",
		       spec->name);
		return -EINVAL;
	}
	spec->phys = rmem->base;
	spec->size = rmem->size;
	spec->origin = MEMHEAP_ORIGIN_DT;

	spec->caps = 0;
	of_property_for_each_string(child, "memheap,caps", prop, s) {
		u32 cap;

		if (memheap_cap_from_word(s, &cap)) {
			pr_err("memheap: %s: unknown capability '%s'\n",
			       spec->name, s);
			return -EINVAL;
		}
		spec->caps |= cap;
	}

	spec->algo = MEMHEAP_ALGO_FIRSTFIT;
	err = of_property_read_string(child, "memheap,algorithm", &s);
	if (!err && memheap_algo_from_word(s, &spec->algo)) {
		pr_err("memheap: %s: unknown algorithm '%s'\n", spec->name, s);
		return -EINVAL;
	}
	spec->map_mode = MEMHEAP_MAP_CACHED;
	err = of_property_read_string(child, "memheap,mapping", &s);
	if (!err && memheap_map_from_word(s, &spec->map_mode)) {
		pr_err("memheap: %s: unknown mapping '%s'\n", spec->name, s);
		return -EINVAL;
	}
	return 0;
}

/**
 * memheap_parse_dt_regions() - read the regions of a memheap node.
 * @np:    the "memheap,memheap" node.
 * @specs: array to append to.
 * @max:   capacity of @specs.
 * @count: in: entries already in @specs; out: entries after parsing.
 *
 * Return: 0, or -EINVAL after printing one line.
 */
int memheap_parse_dt_regions(struct device_node *np,
			     struct memheap_region_spec *specs,
			     unsigned int max, unsigned int *count)
{
	struct device_node *child;
	int err;

	for_each_available_child_of_node(np, child) {
		if (*count >= max) {
			pr_err("memheap: %pOF: more than %u regions\n", np, max);
			of_node_put(child);
			return -EINVAL;
		}
		err = parse_child(child, &specs[*count]);
		if (err) {
			of_node_put(child);
			return err;
		}
		(*count)++;
	}
	return 0;
}
