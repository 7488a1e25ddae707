/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * region_spec.h - the one grammar of a region description, shared by
 * memheap.ko (the "regions" parameter and the device tree's words) and
 * libmemheap (MEMHEAP_REGIONS, MEMHEAP_CONFIG):
 *
 *   NAME:SIZE[@PHYS][:OPT]...
 *
 * NAME  1 to MEMHEAP_NAME_LEN - 1 characters of [A-Za-z0-9_.-].
 * SIZE  decimal or 0x-hex, optional suffix K, M, G or T (also KiB, MiB,
 *       GiB, TiB; powers of 1024), from MH_SPEC_MIN_SIZE to MH_SPEC_MAX_SIZE.
 * PHYS  a carveout's physical address (decimal or 0x-hex); only where the
 *       caller allows it (MH_SPEC_F_PHYS: the module).
 * OPT   a capability (dma spiram internal 8bit 32bit default), an algorithm
 *       (firstfit buddy) or a mapping mode (cached uncached wc).
 *
 * Rules (docs/man/memheap.7, "Region descriptions"): an entry without a
 * capability word gets 8bit 32bit default; the defaults are firstfit and
 * cached; a word may repeat, but two different algorithms or two different
 * mapping modes are refused; dma and spiram exclude each other (DMA-capable
 * memory is internal, as ESP-IDF's MALLOC_CAP_DMA "excludes any external
 * PSRAM"), and so do spiram and internal.
 *
 * Freestanding like engine/: no libc, no allocation, no formatting; the
 * caller prints the message (mh_spec_strerror() and the offending text).
 */
#ifndef MH_REGION_SPEC_H
#define MH_REGION_SPEC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#endif

#include <linux/memheap.h>

#define MH_SPEC_MIN_SIZE	4096ULL
#define MH_SPEC_MAX_SIZE	0x10000000000ULL	/* 1 TiB */
#define MH_SPEC_DEFAULT_CAPS	(MEMHEAP_CAP_8BIT | MEMHEAP_CAP_32BIT | \
				 MEMHEAP_CAP_DEFAULT)

/* What a size may look like: part of every size error message. */
#define MH_SPEC_SIZE_HELP \
	"SIZE is decimal or 0x-hex with an optional suffix K, M, G or T (or KiB, MiB, GiB, TiB), from 4 KiB to 1 TiB"
#define MH_SPEC_OPT_HELP \
	"options: dma spiram internal 8bit 32bit default firstfit buddy cached uncached wc"

#define MH_SPEC_F_PHYS	0x1u	/* NAME:SIZE@PHYS is allowed */

enum mh_spec_err {
	MH_SPEC_OK = 0,
	MH_SPEC_ENAME,		/* empty, too long or a bad character */
	MH_SPEC_ENOSIZE,	/* no SIZE field */
	MH_SPEC_ESIZE,		/* SIZE is not a number with a known suffix */
	MH_SPEC_ESMALL,		/* below MH_SPEC_MIN_SIZE */
	MH_SPEC_ELARGE,		/* above MH_SPEC_MAX_SIZE */
	MH_SPEC_EPHYS,		/* PHYS is not a number */
	MH_SPEC_ENOPHYS,	/* @PHYS where the caller takes none */
	MH_SPEC_EOPT,		/* unknown option word */
	MH_SPEC_EALGO,		/* two different algorithms */
	MH_SPEC_EMAP,		/* two different mapping modes */
	MH_SPEC_EDMA_SPIRAM,	/* dma with spiram */
	MH_SPEC_ESPIRAM_INTERNAL, /* spiram with internal */
	MH_SPEC_NERR
};

struct mh_spec_entry {
	char name[MEMHEAP_NAME_LEN];
	unsigned long long size;
	unsigned long long phys;
	bool has_phys;
	unsigned int caps;	/* MEMHEAP_CAP_* */
	unsigned int algo;	/* MEMHEAP_ALGO_* */
	unsigned int map_mode;	/* MEMHEAP_MAP_* */
};

/* Where an error is: the offending field of the entry (may be empty). */
struct mh_spec_error {
	int code;		/* enum mh_spec_err */
	size_t off;		/* offset of the field in the entry */
	size_t len;		/* its length */
};

int mh_spec_parse_entry(const char *s, size_t n, unsigned int flags,
			struct mh_spec_entry *e, struct mh_spec_error *err);
int mh_spec_parse_size(const char *s, size_t n, unsigned long long *out);
int mh_spec_check_caps(unsigned int caps);
bool mh_spec_name_ok(const char *s, size_t n);
const char *mh_spec_strerror(int code);
const char *mh_spec_err_name(int code);
bool mh_spec_size_error(int code);

int mh_spec_cap_from_word(const char *w, size_t n, unsigned int *cap);
int mh_spec_algo_from_word(const char *w, size_t n, unsigned int *algo);
int mh_spec_map_from_word(const char *w, size_t n, unsigned int *map_mode);
const char *mh_spec_cap_word(unsigned int bit);
const char *mh_spec_algo_word(unsigned int algo);
const char *mh_spec_map_word(unsigned int map_mode);
size_t mh_spec_caps_str(unsigned int caps, char sep, char *buf, size_t len);

#endif /* MH_REGION_SPEC_H */
