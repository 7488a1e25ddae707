/* SPDX-License-Identifier: MIT */
/*
 * fork.c - fork() safety: every core lock is taken before fork and
 * released after it in both processes, so a child of a threaded program
 * (the LD_PRELOAD malloc sees many) never starts with a lock held by a
 * thread it does not have.  Standalone heaps are their families' own.
 */
#include "core/internal.h"

/* The locks of kernel regions (@kernel) or of engine regions. */
static void mhl_regions_lock(bool kernel, bool lock)
{
	unsigned int n = atomic_load_explicit(&mhl_nregions, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];

		if (!r->k != !kernel)
			continue;
		if (r->k)
			mhl_kernel_lock(r, lock);
		else if (lock)
			pthread_mutex_lock(&r->lock);
		else
			pthread_mutex_unlock(&r->lock);
	}
}

static void mhl_fork_prepare(void)
{
	pthread_mutex_lock(&mhl_init_lock);
	pthread_mutex_lock(&mhl_monitor_lock);
	pthread_mutex_lock(&mhl_registry_lock);
	pthread_mutex_lock(&mhl_hook_lock);
	pthread_mutex_lock(&mhl_track_lock);
	mhl_regions_lock(true, true);
	mhl_tcache_fork_lock(true);
	mhl_regions_lock(false, true);
	pthread_mutex_lock(&mhl_kbuf_lock);
}

static void mhl_fork_done(void)
{
	pthread_mutex_unlock(&mhl_kbuf_lock);
	mhl_regions_lock(false, false);
	mhl_tcache_fork_lock(false);
	mhl_regions_lock(true, false);
	pthread_mutex_unlock(&mhl_track_lock);
	pthread_mutex_unlock(&mhl_hook_lock);
	pthread_mutex_unlock(&mhl_registry_lock);
	pthread_mutex_unlock(&mhl_monitor_lock);
	pthread_mutex_unlock(&mhl_init_lock);
}

static void mhl_fork_child(void)
{
	mhl_fork_done();
	/* before anything can touch (and so share) the parent's kernel buffers */
	mhl_kernel_fork_child();
	mhl_tcache_fork_child();
}

/* Referenced from init.c so static links pull this file (and its constructor) in. */
const int mhl_fork_safe = 1;

/* At load, not in mhl_init: pthread_atfork may call malloc. */
__attribute__((constructor)) static void mhl_fork_register(void)
{
	pthread_atfork(mhl_fork_prepare, mhl_fork_done, mhl_fork_child);
}
