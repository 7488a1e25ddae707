/* SPDX-License-Identifier: MIT */
/*
 * sys.c - the core's leaf utilities (layer 0: they call nothing of the
 * core): memory from the system, one-line messages, error texts, the
 * thread's last kernel errno, the tick clock and the poisoning level the
 * initialisation chose.  Everything here is safe inside malloc (the
 * LD_PRELOAD build): no malloc, no stdio.
 */
#define _GNU_SOURCE	/* strerrordesc_np */
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"

static struct timespec mhl_t0;
static _Thread_local int mhl_errno_last;
enum mh_poison mhl_poison_level;

void *mhl_sys_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void mhl_sys_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

void mhl_say(const char *msg)
{
	size_t n = strlen(msg);
	ssize_t w;

	w = write(STDERR_FILENO, "memheap: ", 9);
	w = write(STDERR_FILENO, msg, n);
	w = write(STDERR_FILENO, "\n", 1);
	(void)w;
}

const char *mhl_strerror(int err)
{
	switch (err) {
	case MHL_ESTATE: return "wrong state";
	case MHL_ENOTSUP: return "not supported here";
	case MHL_EIO: return "kernel call failed";
	case MHL_EPERM: return "not permitted";
	default: return mh_strerror(err);
	}
}

const char *mhl_errno_text(int e)
{
	/* untranslated: strerror may call malloc (gettext) once a locale is set */
	const char *t = strerrordesc_np(e);

	return t ? t : "unknown error";
}

void mhl_set_errno(int e)
{
	mhl_errno_last = e;
}

int mhl_last_errno(void)
{
	return mhl_errno_last;
}

void mhl_tick_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &mhl_t0);
}

uint32_t mhl_tick_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ms = (int64_t)(now.tv_sec - mhl_t0.tv_sec) * 1000 +
		     (now.tv_nsec - mhl_t0.tv_nsec) / 1000000;
	return (uint32_t)ms;
}
