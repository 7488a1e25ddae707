// SPDX-License-Identifier: MIT
/*
 * armino_memops.c - os_memcpy, os_memset, os_memcmp, os_memmove and the
 * word-wise os_memcpy_word / os_memset_word: exact byte counts (partial
 * words included), unaligned buffers, overlap for os_memmove.
 */
#include <os/mem.h>

#include "lt.h"

static unsigned char src[4096 + 8], dst[4096 + 8];

int main(void)
{
	union { uint32_t w[8]; unsigned char b[32]; } u;
	size_t i, n;
	int32_t pattern = 0x11223344;
	unsigned char pat[4];

	memcpy(pat, &pattern, 4);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 1);

	CHECK_PTR(os_memcpy(dst, src, 100), dst);
	CHECK(memcmp(dst, src, 100) == 0);
	CHECK_PTR(os_memset(dst, 0xee, 50), dst);
	CHECK(dst[0] == 0xee && dst[49] == 0xee && dst[50] == src[50]);
	CHECK_EQ(os_memcmp(src, src, 100), 0);
	dst[10] = 0;
	CHECK(os_memcmp(dst + 10, src + 10, 1) < 0);
	CHECK(os_memcmp(src + 10, dst + 10, 1) > 0);
	CHECK_EQ(os_memcmp(src, dst, 0), 0);

	/* os_memmove with overlap, both directions */
	memcpy(dst, src, 200);
	CHECK_PTR(os_memmove(dst + 10, dst, 50), dst + 10);
	CHECK(memcmp(dst + 10, src, 50) == 0);
	memcpy(dst, src, 200);
	os_memmove(dst, dst + 10, 50);
	CHECK(memcmp(dst, src + 10, 50) == 0);

	/* os_memcpy_word copies exactly n bytes, for every n and offset */
	for (n = 0; n <= 67; n++) {
		for (size_t off = 0; off < 4; off++) {
			memset(dst, 0, sizeof(dst));
			os_memcpy_word((uint32_t *)(void *)(dst + off),
				       (const uint32_t *)(const void *)(src + off), (uint32_t)n);
			CHECK(memcmp(dst + off, src + off, n) == 0);
			CHECK(dst[off + n] == 0);
			for (i = 0; i < off; i++)
				CHECK(dst[i] == 0);
		}
	}
	os_memcpy_word((uint32_t *)(void *)dst, (const uint32_t *)(const void *)src, 4096);
	CHECK(memcmp(dst, src, 4096) == 0);

	/* os_memset_word stores the 32-bit value into each word */
	memset(u.b, 0, sizeof(u.b));
	os_memset_word(u.w, pattern, 16);
	for (i = 0; i < 4; i++)
		CHECK_EQU(u.w[i], (uint32_t)pattern);
	CHECK_EQU(u.w[4], 0);

	/* partial last word: the leading bytes of the pattern, no more */
	for (n = 0; n <= 13; n++) {
		memset(dst, 0, 32);
		os_memset_word((uint32_t *)(void *)(dst + 1), pattern, (uint32_t)n);
		CHECK(dst[0] == 0);
		for (i = 0; i < n; i++)
			CHECK(dst[1 + i] == pat[i % 4]);
		CHECK(dst[1 + n] == 0);
	}
	os_memset_word(u.w, -1, 32);
	for (i = 0; i < 8; i++)
		CHECK_EQU(u.w[i], 0xffffffffu);
	return lt_done();
}
