/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * os_types.h - the OneOS basic types used by the memory API (libmemheap).
 *
 * OneOS code spells sizes, flags and errors with these names.  On Linux the
 * integer types take their natural widths; os_size_t is size_t, so OneOS and
 * Armino declarations of os_malloc() and friends are the same functions.
 */
#ifndef OS_TYPES_H
#define OS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int8_t os_int8_t;
typedef int16_t os_int16_t;
typedef int32_t os_int32_t;
typedef int64_t os_int64_t;
typedef uint8_t os_uint8_t;
typedef uint16_t os_uint16_t;
typedef uint32_t os_uint32_t;
typedef uint64_t os_uint64_t;

typedef long os_base_t;
typedef unsigned long os_ubase_t;
typedef size_t os_size_t;
typedef long os_ssize_t;
typedef os_int32_t os_err_t;
typedef os_uint32_t os_tick_t;
typedef int os_bool_t;

#ifndef OS_TRUE
#define OS_TRUE		1
#endif
#ifndef OS_FALSE
#define OS_FALSE	0
#endif
#ifndef OS_NULL
#define OS_NULL		((void *)0)
#endif

/* Doubly linked list node, as OneOS embeds it in kernel objects. */
typedef struct os_list_node {
	struct os_list_node *next;
	struct os_list_node *prev;
} os_list_node_t;

#endif /* OS_TYPES_H */
