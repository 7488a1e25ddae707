/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * mh_platform.h - the only things the pool engines take from their host:
 * fixed-width types, a lock, an assertion, memset/memcpy/memmove.
 *
 * Three hosts, one explicit difference each:
 *   __KERNEL__             memheap.ko: a spinlock, WARN_ON_ONCE never
 *                          reachable from user input (asserts compile out)
 *   MH_PLATFORM_FREESTANDING  no lock (the caller serialises); used to prove
 *                          the core needs nothing but memset/memcpy/memmove
 *   otherwise              user space: a pthread mutex
 */
#ifndef MH_PLATFORM_H
#define MH_PLATFORM_H

#if defined(__KERNEL__)

#include <linux/types.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <linux/spinlock.h>

typedef spinlock_t mh_lock_t;
#define mh_lock_init(l)		spin_lock_init(l)
#define mh_lock_destroy(l)	do { } while (0)
#define mh_lock_acquire(l)	spin_lock(l)
#define mh_lock_release(l)	spin_unlock(l)
#define MH_ASSERT(x)		do { } while (0)

#else /* user space or freestanding */

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(MH_PLATFORM_FREESTANDING)

typedef struct { int unused; } mh_lock_t;
#define mh_lock_init(l)		((void)(l))
#define mh_lock_destroy(l)	((void)(l))
#define mh_lock_acquire(l)	((void)(l))
#define mh_lock_release(l)	((void)(l))
#define MH_ASSERT(x)		((void)0)
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);

#else

#include <string.h>
#include <assert.h>
#include <pthread.h>

typedef pthread_mutex_t mh_lock_t;
#define mh_lock_init(l)		pthread_mutex_init((l), NULL)
#define mh_lock_destroy(l)	pthread_mutex_destroy(l)
#define mh_lock_acquire(l)	pthread_mutex_lock(l)
#define mh_lock_release(l)	pthread_mutex_unlock(l)
#define MH_ASSERT(x)		assert(x)

#endif
#endif /* __KERNEL__ */

#define mh_memset(d, c, n)	memset((d), (c), (n))
#define mh_memcpy(d, s, n)	memcpy((d), (s), (n))
#define mh_memmove(d, s, n)	memmove((d), (s), (n))

#endif /* MH_PLATFORM_H */
