/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * os/mem.h - the Armino memory API over memheap (libmemheap).
 *
 * os_malloc() and friends allocate from internal memory (the regions with
 * the DEFAULT capability that are not external RAM, e.g. "sram"); the
 * psram_*() functions allocate from external RAM (the regions with the
 * SPIRAM capability).  Any pointer from any libmemheap family may be given
 * to os_free().  Every function is thread-safe.
 *
 * Call-site recording: define CONFIG_MEM_DEBUG or CONFIG_MALLOC_STATIS to a
 * non-zero value (or as an empty macro) before including this header, and
 * os_malloc(), os_zalloc(), os_free(), psram_malloc() and psram_zalloc()
 * become the *_debug() calls with the caller's function name and line;
 * os_dump_memory_stats() then lists the outstanding allocations.
 *
 * docs/api-armino.md has the details and the decisions where the Armino
 * documentation is silent.
 */
#ifndef OS_MEM_H
#define OS_MEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Armino's fixed-width type names (common/bk_typedef.h on the platform). */
typedef uint8_t UINT8;
typedef uint16_t UINT16;
typedef uint32_t UINT32;
typedef int32_t INT32;

/*
 * The names are parenthesised so that the debug macros below, and the same
 * names declared by OneOS's os_memory.h, never rewrite a declaration.
 */
void *(os_malloc)(size_t size);
void *(os_zalloc)(size_t size);
void *(os_realloc)(void *ptr, size_t size);
void (os_free)(void *ptr);

void *(psram_malloc)(size_t size);
void *(psram_zalloc)(size_t size);
void (psram_free)(void *ptr);
void *(bk_psram_realloc)(void *ptr, size_t size);

void *(os_memcpy)(void *out, const void *in, UINT32 n);
void (os_memcpy_word)(uint32_t *out, const uint32_t *in, uint32_t n);
void *(os_memset)(void *b, int c, UINT32 len);
void (os_memset_word)(uint32_t *b, int32_t c, uint32_t n);
INT32 (os_memcmp)(const void *s1, const void *s2, UINT32 n);
void *(os_memmove)(void *out, const void *in, UINT32 n);

void *(os_malloc_debug)(const char *func_name, int line, size_t size,
			int need_zero);
void *(os_free_debug)(const char *func_name, int line, void *pv);
void *(psram_malloc_debug)(const char *func_name, int line, size_t size,
			   int need_zero);

void (os_dump_memory_stats)(uint32_t start_tick, uint32_t ticks_since_malloc,
			    const char *task);
void (os_show_memory_config_info)(void);

/*
 * Armino's console print, to standard output.  Declared here because the
 * Armino examples use it with only os/mem.h included.  Like the platform's,
 * it has no format attribute: Armino code passes size_t to "%d".
 */
void (os_printf)(const char *fmt, ...);

/* Milliseconds since the library started: the tick of the debug records. */
uint32_t (os_mem_get_tick)(void);

/*
 * Non-zero or empty CONFIG_MEM_DEBUG / CONFIG_MALLOC_STATIS turn the debug
 * mapping on ((-X - 1) is -1 only for X == 0, and 1 for an empty X).
 */
#if (defined(CONFIG_MEM_DEBUG) && (-CONFIG_MEM_DEBUG - 1) != -1) || \
	(defined(CONFIG_MALLOC_STATIS) && (-CONFIG_MALLOC_STATIS - 1) != -1)
#define os_malloc(size)		os_malloc_debug(__func__, __LINE__, size, 0)
#define os_zalloc(size)		os_malloc_debug(__func__, __LINE__, size, 1)
#define os_free(p)		os_free_debug(__func__, __LINE__, p)
#define psram_malloc(size)	psram_malloc_debug(__func__, __LINE__, size, 0)
#define psram_zalloc(size)	psram_malloc_debug(__func__, __LINE__, size, 1)
#endif

/* As on Armino: PSRAM blocks are freed by os_free (debug or not). */
#define psram_free os_free

#ifdef __cplusplus
}
#endif

#endif /* OS_MEM_H */
