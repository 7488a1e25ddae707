// SPDX-License-Identifier: MIT
/*
 * memops.c - Armino's os_memcpy/os_memset/os_memcmp/os_memmove and the
 * word-wise os_memcpy_word/os_memset_word.
 *
 * The byte functions are the C library's.  os_memcpy_word copies exactly n
 * bytes (a trailing partial word byte by byte) and so is memcpy itself:
 * glibc's memcpy already moves the widest words the CPU has, and a hand
 * loop of 32-bit words measured slower (bench/lib).  os_memset_word stores
 * the 32-bit value c into every word; a partial last word gets the leading
 * bytes of c's in-memory representation.
 */
#include <os/mem.h>

#include <string.h>

#define MHL_EXPORT __attribute__((visibility("default")))

MHL_EXPORT void *(os_memcpy)(void *out, const void *in, UINT32 n)
{
	return memcpy(out, in, n);
}

MHL_EXPORT void (os_memcpy_word)(uint32_t *out, const uint32_t *in, uint32_t n)
{
	if (n)
		memcpy(out, in, n);
}

MHL_EXPORT void *(os_memset)(void *b, int c, UINT32 len)
{
	return memset(b, c, len);
}

MHL_EXPORT void (os_memset_word)(uint32_t *b, int32_t c, uint32_t n)
{
	unsigned char *p = (unsigned char *)b;
	uint32_t word = (uint32_t)c;
	size_t words = n / 4, i;

	if (((uintptr_t)p & 3u) == 0) {
		uint32_t *w = b;

		/* aligned: a plain word loop, which the compiler vectorises */
		for (i = 0; i < words; i++)
			w[i] = word;
	} else {
		for (i = 0; i < words; i++)
			memcpy(p + 4 * i, &word, 4);
	}
	memcpy(p + 4 * words, &word, n % 4);
}

MHL_EXPORT INT32 (os_memcmp)(const void *s1, const void *s2, UINT32 n)
{
	return memcmp(s1, s2, n);
}

MHL_EXPORT void *(os_memmove)(void *out, const void *in, UINT32 n)
{
	return memmove(out, in, n);
}
