/* SPDX-License-Identifier: MIT */
/*
 * malloc.c - libmemheap-malloc.so: the C allocator over memheap regions
 * with the DEFAULT capability, for LD_PRELOAD, or linked in
 * (`pkg-config --libs libmemheap-malloc`): the library exports the whole
 * memheap API too, so one copy of the core serves malloc and heap_caps_*,
 * os_*, pvPort* ..., and free() takes any of their pointers (a block of a
 * OneOS user heap nested in another block included), as on ESP-IDF.
 *
 * Safe during initialisation: the core's first-use initialisation calls no
 * malloc (environment, open/read, mmap only), so the first malloc of the
 * process can initialise it.  A pointer memheap does not own (memory glibc
 * handed out before this library took over, if any) goes to glibc's own
 * __libc_free / __libc_realloc, exactly as if we were not there.
 *
 * MEMHEAP_PRELOAD_STATS=1 prints one line of counters on stderr at exit
 * (MEMHEAP_PRELOAD_STATS=<path>: appends it to that file), so a test can
 * see that the allocations were really served here.  The descriptor is
 * taken at start: many programs close stderr before exiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "rtos/rtos.h"

#define PRELOAD_API __attribute__((visibility("default")))
#define PRELOAD_CAPS MEMHEAP_CAP_DEFAULT

/* glibc's own entry points, for memory that is not ours */
void __libc_free(void *ptr);
void *__libc_realloc(void *ptr, size_t size);

/* each exported symbol needs a prototype under -Wmissing-prototypes */
void *memalign(size_t align, size_t size);
void *valloc(size_t size);
void *pvalloc(size_t size);
size_t malloc_usable_size(void *ptr);

static atomic_size_t foreign_frees, failures;

/* a request the regions could not serve */
static void failed(void)
{
	atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed);
	errno = ENOMEM;
}

static bool ours(const void *p)
{
	return mhl_owner_of(p, NULL) != MHL_OWNER_NONE;
}

static void *preload_alloc(size_t size, size_t align, unsigned int flags, const char *api)
{
	void *p = mhl_alloc(size, align, PRELOAD_CAPS, flags, api);

	if (!p)
		failed();
	return p;
}

PRELOAD_API void *malloc(size_t size)
{
	return preload_alloc(size, 0, 0, "malloc");
}

PRELOAD_API void *calloc(size_t n, size_t size)
{
	void *p = mhl_calloc(n, size, 0, PRELOAD_CAPS, 0, "calloc");

	if (!p)
		failed();
	return p;
}

PRELOAD_API void free(void *ptr)
{
	if (!ptr)
		return;
	if (ours(ptr)) {
		/* any family's block; nested OneOS heaps' too (os_free's way) */
		mhl_rtos_free(ptr, "free", NULL, 0);
	} else {
		atomic_fetch_add_explicit(&foreign_frees, 1, memory_order_relaxed);
		__libc_free(ptr);
	}
}

PRELOAD_API void *realloc(void *ptr, size_t size)
{
	void *p;

	if (ptr && !ours(ptr))
		return __libc_realloc(ptr, size);
	if (ptr && !size) {
		mhl_rtos_free(ptr, "realloc", NULL, 0);
		return NULL;
	}
	if (ptr && mhl_oheap_any_nested()) {
		struct mhl_oheap *nested = mhl_oheap_nested_owner(ptr);

		if (nested) {
			p = mhl_oheap_realloc(nested, ptr, size, "realloc");
			if (!p)
				failed();
			return p;
		}
	}
	p = mhl_realloc(ptr, size, PRELOAD_CAPS, 0, "realloc");
	if (!p)
		failed();
	return p;
}

static bool pow2(size_t a)
{
	return a && !(a & (a - 1));
}

PRELOAD_API int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (!pow2(align) || align % sizeof(void *))
		return EINVAL;
	p = mhl_alloc(size, align, PRELOAD_CAPS, 0, "posix_memalign");
	if (!p) {
		atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed);
		return ENOMEM;
	}
	*out = p;
	return 0;
}

PRELOAD_API void *aligned_alloc(size_t align, size_t size)
{
	if (!pow2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return preload_alloc(size, align, 0, "aligned_alloc");
}

PRELOAD_API void *memalign(size_t align, size_t size)
{
	if (!pow2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return preload_alloc(size, align, 0, "memalign");
}

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

PRELOAD_API void *valloc(size_t size)
{
	return preload_alloc(size, page_size(), 0, "valloc");
}

PRELOAD_API void *pvalloc(size_t size)
{
	size_t pg = page_size();

	if (size > SIZE_MAX - pg) {
		failed();
		return NULL;
	}
	size = size ? (size + pg - 1) & ~(pg - 1) : pg;
	return preload_alloc(size, pg, 0, "pvalloc");
}

PRELOAD_API size_t malloc_usable_size(void *ptr)
{
	return mhl_usable_size(ptr);
}

static int report_fd = -1;

__attribute__((constructor)) static void preload_start(void)
{
	const char *want = getenv("MEMHEAP_PRELOAD_STATS");

	if (!want || !*want || !strcmp(want, "0"))
		return;
	if (!strcmp(want, "1"))
		report_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10);
	else
		report_fd = open(want, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

__attribute__((destructor)) static void preload_report(void)
{
	struct mhl_stats st;
	char line[256];
	int n;

	if (report_fd < 0)
		return;
	mhl_caps_stats(PRELOAD_CAPS, &st);
	n = snprintf(line, sizeof(line),
		     "memheap-malloc: allocs=%zu frees=%zu failed=%zu live=%zu peak=%zu "
		     "foreign_frees=%zu\n", st.alloc_count, st.free_count,
		     atomic_load_explicit(&failures, memory_order_relaxed),
		     st.allocated_blocks, st.peak_allocated,
		     atomic_load_explicit(&foreign_frees, memory_order_relaxed));
	if (n > 0) {
		ssize_t w = write(report_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
		(void)w;
	}
}
