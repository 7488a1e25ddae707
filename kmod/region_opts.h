/* SPDX-License-Identifier: GPL-2.0 */
/*
 * region_opts.h - the words that describe a region and the regions=
 * entry, over the grammar shared with libmemheap (spec/region_spec.h).
 */
#ifndef MEMHEAP_REGION_OPTS_H
#define MEMHEAP_REGION_OPTS_H

#include <linux/types.h>

struct memheap_region_spec;

bool memheap_region_name_ok(const char *name);
int memheap_cap_from_word(const char *word, u32 *cap);
int memheap_algo_from_word(const char *word, u32 *algo);
int memheap_map_from_word(const char *word, u32 *map_mode);
int memheap_check_caps(const struct memheap_region_spec *spec);
int memheap_parse_param_entry(const char *entry, unsigned int n,
			      struct memheap_region_spec *spec);

#endif /* MEMHEAP_REGION_OPTS_H */
