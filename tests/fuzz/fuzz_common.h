/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * fuzz_common.h - what the fuzz targets share: the libFuzzer entry point's
 * prototype and a reader that turns the input into numbers (0 once it runs
 * out, so every input is a valid program).
 */
#ifndef MH_FUZZ_COMMON_H
#define MH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fin {
	const uint8_t *p;
	size_t n, i;
};

static inline unsigned int fin_u8(struct fin *f)
{
	return f->i < f->n ? f->p[f->i++] : 0;
}

static inline unsigned int fin_u16(struct fin *f)
{
	unsigned int lo = fin_u8(f);

	return lo | fin_u8(f) << 8;
}

static inline uint32_t fin_u32(struct fin *f)
{
	uint32_t lo = fin_u16(f);

	return lo | (uint32_t)fin_u16(f) << 16;
}

static inline int fin_more(const struct fin *f)
{
	return f->i < f->n;
}

#endif /* MH_FUZZ_COMMON_H */
