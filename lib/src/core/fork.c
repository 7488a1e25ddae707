/* SPDX-License-Identifier: MIT */
/*
 * fork.c - fork() safety: every core lock is taken before fork and
 * released after it in both processes, so a child of a threaded program
 * (the LD_PRELOAD malloc sees many) never starts with a lock held by a
 * thread it does not have.  Standalone heaps are their families' own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/internal.h"

/*
 * The locks of the layers above this file: defined here, with the order
 * every lock is taken in, so those layers use fork.c and never the other
 * way round.  init.c takes mhl_init_lock, which also makes every static
 * link that initialises the library pull this file (and its constructor) in.
 */
/* Held for the whole initialisation, and around fork (a child never starts mid-init). */
pthread_mutex_t mhl_init_lock = PTHREAD_MUTEX_INITIALIZER;
/* statistics floors and the local-minimum monitor (stats.c) */
pthread_mutex_t mhl_monitor_lock = PTHREAD_MUTEX_INITIALIZER;

/* The locks of engine heaps (@engine: taken inside the caches) or of the other regions. */
static void mhl_regions_lock(bool engine, bool lock)
{
	unsigned int n = atomic_load_explicit(&mhl_nregions, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++) {
		struct mhl_region *r = &mhl_regions[i];

		if (r->ops->engine_heap == engine)
			r->ops->lock(r, lock);
	}
}

/*
 * The kernel backend's buffers are MAP_SHARED: the child makes its private
 * copies after fork() returned, while the parent goes on.  Until the child
 * says its copies are made (one byte on this pipe, or end of file if it
 * died), the parent keeps every core lock, so none of its threads changes
 * a buffer's heap (block headers live in the buffers) during the copy: a
 * copy taken while the parent allocated in the same arena would be torn.
 * Only one fork at a time gets here (the init lock is held), so one pipe
 * is enough.
 */
static int mhl_fork_pipe[2] = { -1, -1 };

static void mhl_fork_pipe_close(int end)
{
	if (mhl_fork_pipe[end] >= 0)
		close(mhl_fork_pipe[end]);
	mhl_fork_pipe[end] = -1;
}

static void mhl_fork_prepare(void)
{
	pthread_mutex_lock(&mhl_init_lock);
	pthread_mutex_lock(&mhl_monitor_lock);
	pthread_mutex_lock(&mhl_registry_lock);
	pthread_mutex_lock(&mhl_hook_lock);
	pthread_mutex_lock(&mhl_track_lock);
	mhl_regions_lock(false, true);
	mhl_tcache_fork_lock(true);
	mhl_regions_lock(true, true);
	pthread_mutex_lock(&mhl_kbuf_lock);
	/* without a pipe the parent does not wait (and the copy may tear) */
	if (mhl_kernel_in_use() && pipe2(mhl_fork_pipe, O_CLOEXEC) != 0)
		mhl_fork_pipe[0] = mhl_fork_pipe[1] = -1;
}

static void mhl_fork_done(void)
{
	pthread_mutex_unlock(&mhl_kbuf_lock);
	mhl_regions_lock(true, false);
	mhl_tcache_fork_lock(false);
	mhl_regions_lock(false, false);
	pthread_mutex_unlock(&mhl_track_lock);
	pthread_mutex_unlock(&mhl_hook_lock);
	pthread_mutex_unlock(&mhl_registry_lock);
	pthread_mutex_unlock(&mhl_monitor_lock);
	pthread_mutex_unlock(&mhl_init_lock);
}

/* Also after a failed fork(): then the read sees end of file at once. */
static void mhl_fork_parent(void)
{
	int saved = errno;

	if (mhl_fork_pipe[0] >= 0) {
		char c;
		ssize_t n;

		mhl_fork_pipe_close(1);
		do
			n = read(mhl_fork_pipe[0], &c, 1);
		while (n < 0 && errno == EINTR);
		mhl_fork_pipe_close(0);
	}
	mhl_fork_done();
	errno = saved;
}

static void mhl_fork_child(void)
{
	int saved = errno;

	mhl_fork_done();
	/* before anything can touch (and so share) the parent's kernel buffers */
	mhl_kernel_fork_child();
	mhl_fork_pipe_close(0);
	if (mhl_fork_pipe[1] >= 0) {
		ssize_t n;

		do
			n = write(mhl_fork_pipe[1], "", 1);
		while (n < 0 && errno == EINTR);
		mhl_fork_pipe_close(1);
	}
	mhl_tcache_fork_child();
	errno = saved;
}

/* At load, not in mhl_init: pthread_atfork may call malloc. */
__attribute__((constructor)) static void mhl_fork_register(void)
{
	pthread_atfork(mhl_fork_prepare, mhl_fork_parent, mhl_fork_child);
}
