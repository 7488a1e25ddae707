/* SPDX-License-Identifier: MIT */
/*
 * hooks.c - error reports and failed-allocation listeners.
 *
 * The engine reports misuse from inside its lock; the core stashes that
 * report in a thread-local slot and hands it to the error handler after
 * the engine call returned, so no handler ever runs under a heap lock.
 * The default handler writes one line to stderr with write(2) (no stdio,
 * no malloc: this code runs under the LD_PRELOAD malloc too).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"

static _Thread_local struct {
	bool set;
	struct mh_error_info info;
} mhl_pending;
static _Thread_local bool mhl_check_printing;

static void mhl_default_error(const struct mhl_error_report *rep, void *ctx);
pthread_mutex_t mhl_hook_lock = PTHREAD_MUTEX_INITIALIZER;
static mhl_error_fn mhl_error_handler = mhl_default_error;
static void *mhl_error_ctx;

#define MHL_MAX_LISTENERS 16
static struct {
	mhl_alloc_failed_fn fn;
	void *ctx;
} mhl_listeners[MHL_MAX_LISTENERS];
static atomic_uint mhl_nlisteners;

static void mhl_default_error(const struct mhl_error_report *rep, void *ctx)
{
	char line[384];
	int n;

	(void)ctx;
	n = snprintf(line, sizeof(line), "memheap: %s(%p): %s%s%s",
		     rep->api ? rep->api : "?", rep->ptr, mhl_strerror(rep->code),
		     rep->detail ? ": " : "", rep->detail ? rep->detail : "");
	if (rep->file && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " at %s:%d",
			      rep->file, rep->line);
	if (rep->alloc_file && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      " (allocated at %s:%d)", rep->alloc_file, rep->alloc_line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, (size_t)n);
	(void)w;
}

void mhl_hook_set_handler(mhl_error_fn fn, void *ctx, mhl_error_fn *old, void **old_ctx)
{
	pthread_mutex_lock(&mhl_hook_lock);
	if (old)
		*old = mhl_error_handler == mhl_default_error ? NULL : mhl_error_handler;
	if (old_ctx)
		*old_ctx = mhl_error_ctx;
	mhl_error_handler = fn ? fn : mhl_default_error;
	mhl_error_ctx = fn ? ctx : NULL;
	pthread_mutex_unlock(&mhl_hook_lock);
}

void mhl_engine_error(struct mh_heap *heap, const struct mh_error_info *info, void *ctx)
{
	(void)heap;
	(void)ctx;
	if (mhl_check_printing) {
		char line[256];
		int n = snprintf(line, sizeof(line),
				 "memheap: check: %s at %p in region %s: %s\n",
				 mh_strerror(info->code), info->where,
				 heap && mh_heap_name(heap) ? mh_heap_name(heap) : "?",
				 info->detail ? info->detail : "");

		if (n > 0) {
			ssize_t w = write(STDERR_FILENO, line,
					  (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
			(void)w;
		}
		return;
	}
	if (!mhl_pending.set) {
		mhl_pending.set = true;
		mhl_pending.info = *info;
		/* the strings are static in the engine; pointers are the caller's */
	}
}

void mhl_engine_config(struct mh_heap_config *cfg, const char *name)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = name;
	cfg->poison = mhl_poison_level;
	cfg->on_error = mhl_engine_error;
}

void mhl_check_print_mode(bool on)
{
	mhl_check_printing = on;
}

int mhl_pending_code(int fallback)
{
	return mhl_pending.set ? mhl_pending.info.code : fallback;
}

void mhl_pending_clear(void)
{
	mhl_pending.set = false;
}

void mhl_report(int code, const char *api, const void *ptr, const char *file, int line)
{
	struct mhl_error_report rep = {
		.code = code, .api = api, .ptr = ptr, .file = file, .line = line,
	};
	mhl_error_fn fn;
	void *ctx;

	if (mhl_pending.set) {
		rep.where = mhl_pending.info.where;
		rep.detail = mhl_pending.info.detail;
		mhl_pending.set = false;
	}
	if (ptr)
		mhl_track_site(ptr, &rep.alloc_file, &rep.alloc_line);
	pthread_mutex_lock(&mhl_hook_lock);
	fn = mhl_error_handler;
	ctx = mhl_error_ctx;
	pthread_mutex_unlock(&mhl_hook_lock);
	fn(&rep, ctx);
}

int mhl_hook_listen(mhl_alloc_failed_fn fn, void *ctx)
{
	int rc = 0;

	if (!fn)
		return MHL_EINVAL;
	pthread_mutex_lock(&mhl_hook_lock);
	unsigned int n = atomic_load_explicit(&mhl_nlisteners, memory_order_relaxed);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (mhl_listeners[i].fn == fn && mhl_listeners[i].ctx == ctx)
			break;
	if (i == n) {
		/* reuse a slot emptied by unlisten, else append */
		for (i = 0; i < n && mhl_listeners[i].fn; i++)
			;
		if (i == MHL_MAX_LISTENERS) {
			rc = MHL_ENOMEM;
		} else {
			mhl_listeners[i].fn = fn;
			mhl_listeners[i].ctx = ctx;
			if (i == n)
				atomic_store_explicit(&mhl_nlisteners, n + 1, memory_order_release);
		}
	}
	pthread_mutex_unlock(&mhl_hook_lock);
	return rc;
}

int mhl_hook_unlisten(mhl_alloc_failed_fn fn, void *ctx)
{
	int rc = MHL_EINVAL;

	pthread_mutex_lock(&mhl_hook_lock);
	unsigned int n = atomic_load_explicit(&mhl_nlisteners, memory_order_relaxed);

	for (unsigned int i = 0; i < n; i++) {
		if (mhl_listeners[i].fn && mhl_listeners[i].fn == fn &&
		    mhl_listeners[i].ctx == ctx) {
			mhl_listeners[i].fn = NULL;
			mhl_listeners[i].ctx = NULL;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&mhl_hook_lock);
	return rc;
}

void mhl_run_failed_listeners(size_t size, uint32_t caps, const char *api)
{
	struct {
		mhl_alloc_failed_fn fn;
		void *ctx;
	} copy[MHL_MAX_LISTENERS];
	unsigned int n;

	if (!atomic_load_explicit(&mhl_nlisteners, memory_order_acquire))
		return;
	/* copy under the lock, call without it: a listener may (un)listen */
	pthread_mutex_lock(&mhl_hook_lock);
	n = atomic_load_explicit(&mhl_nlisteners, memory_order_relaxed);
	for (unsigned int i = 0; i < n; i++) {
		copy[i].fn = mhl_listeners[i].fn;
		copy[i].ctx = mhl_listeners[i].ctx;
	}
	pthread_mutex_unlock(&mhl_hook_lock);
	for (unsigned int i = 0; i < n; i++)
		if (copy[i].fn)
			copy[i].fn(size, caps, api, copy[i].ctx);
}
