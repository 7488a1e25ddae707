/* SPDX-License-Identifier: GPL-2.0 */
/*
 * region_opts.h - the words that describe a region, shared by the device
 * tree binding and the "regions" module parameter.
 */
#ifndef MEMHEAP_REGION_OPTS_H
#define MEMHEAP_REGION_OPTS_H

#include <linux/types.h>

struct memheap_region_spec;

bool memheap_region_name_ok(const char *name);
int memheap_cap_from_word(const char *word, u32 *cap);
int memheap_algo_from_word(const char *word, u32 *algo);
int memheap_map_from_word(const char *word, u32 *map_mode);
const char *memheap_algo_word(u32 algo);
const char *memheap_map_word(u32 map_mode);
int memheap_region_apply_opt(struct memheap_region_spec *spec,
			     const char *opt, u32 *seen_algo, u32 *seen_map);

#endif /* MEMHEAP_REGION_OPTS_H */
