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

/* a macro, not a typedef: the kernel type is the lock type */
#define mh_lock_t		spinlock_t
#define mh_lock_init(l)		spin_lock_init(l)
#define mh_lock_destroy(l)	do { } while (0)
#define mh_lock_acquire(l)	spin_lock(l)
#define mh_lock_release(l)	spin_unlock(l)
/* for sparse: a heap without locking still balances its lock context */
#define MH_ACQUIRES(l)		__acquires(l)
#define MH_RELEASES(l)		__releases(l)
#define mh_lock_assume_acquired(l)	__acquire(l)
#define mh_lock_assume_released(l)	__release(l)
#define MH_ASSERT(x)		do { } while (0)

#else /* user space or freestanding */

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(MH_PLATFORM_FREESTANDING)

struct mh_no_lock {
	int unused;
};

#define mh_lock_t		struct mh_no_lock
#define mh_lock_init(l)		((void)(l))
#define mh_lock_destroy(l)	((void)(l))
#define mh_lock_acquire(l)	((void)(l))
#define mh_lock_release(l)	((void)(l))
#define MH_ASSERT(x)		((void)0)
#define MH_ACQUIRES(l)
#define MH_RELEASES(l)
#define mh_lock_assume_acquired(l)	((void)(l))
#define mh_lock_assume_released(l)	((void)(l))
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);

#else

#include <string.h>
#include <assert.h>
#include <pthread.h>

#define mh_lock_t		pthread_mutex_t
#define mh_lock_init(l)		pthread_mutex_init((l), NULL)
#define mh_lock_destroy(l)	pthread_mutex_destroy(l)
#define mh_lock_acquire(l)	pthread_mutex_lock(l)
#define mh_lock_release(l)	pthread_mutex_unlock(l)
#define MH_ASSERT(x)		assert(x)
#define MH_ACQUIRES(l)
#define MH_RELEASES(l)
#define mh_lock_assume_acquired(l)	((void)(l))
#define mh_lock_assume_released(l)	((void)(l))

#endif
#endif /* __KERNEL__ */

#define mh_memset(d, c, n)	memset((d), (c), (n))
#define mh_memcpy(d, s, n)	memcpy((d), (s), (n))
#define mh_memmove(d, s, n)	memmove((d), (s), (n))

#endif /* MH_PLATFORM_H */
