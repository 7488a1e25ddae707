/* SPDX-License-Identifier: MIT */
/*
 * preload_api: the malloc family's documented behaviour.  Uses only the C
 * library's interface, so it passes under glibc alone and is run again by
 * preload_programs.sh under LD_PRELOAD=libmemheap-malloc.so, where memory
 * glibc handed out (__libc_malloc) must still free and realloc sanely.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lt.h"

void *__libc_malloc(size_t size);

/* volatile: the compiler must not see the impossible sizes coming */
static volatile size_t huge = SIZE_MAX / 2;
/*
 * Called through volatile pointers: compilers treat malloc as a builtin
 * that may be elided and that leaves errno alone, which is not what is
 * being tested here.
 */
static void *(*volatile malloc_fn)(size_t) = malloc;
static void *(*volatile calloc_fn)(size_t, size_t) = calloc;

static void test_basic(void)
{
	unsigned char *p = malloc(100), *q;

	REQUIRE(p);
	CHECK(((uintptr_t)p & 15) == 0 || ((uintptr_t)p & 7) == 0);
	CHECK(malloc_usable_size(p) >= 100);
	memset(p, 0x11, 100);
	q = realloc(p, 5000);
	REQUIRE(q);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(q[i], 0x11);
	q = realloc(q, 10);
	REQUIRE(q);
	CHECK_EQ(q[9], 0x11);
	free(q);
	free(NULL);

	p = calloc(1000, 3);
	REQUIRE(p);
	for (int i = 0; i < 3000; i++)
		CHECK_EQ(p[i], 0);
	free(p);
	void *volatile none;
	errno = 0;
	none = calloc_fn(huge, 3);
	CHECK(none == NULL);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	none = malloc_fn(huge * 2 - 4096);
	CHECK(none == NULL);
	CHECK_EQ(errno, ENOMEM);
	p = malloc(0);
	CHECK(p != NULL);
	free(p);
	p = realloc(NULL, 64);
	CHECK(p != NULL);
	free(p);
}

static void test_aligned(void)
{
	void *p = NULL;
	long pg = sysconf(_SC_PAGESIZE);

	CHECK_EQ(posix_memalign(&p, 3, 10), EINVAL);
	CHECK_EQ(posix_memalign(&p, 4, 10), EINVAL);	/* below sizeof(void *) */
	CHECK_EQ(posix_memalign(&p, 4096, 10), 0);
	CHECK(((uintptr_t)p & 4095) == 0);
	free(p);
	CHECK_EQ(posix_memalign(&p, 64, huge * 2 - 4096), ENOMEM);
	p = aligned_alloc(256, 512);
	REQUIRE(p);
	CHECK(((uintptr_t)p & 255) == 0);
	free(p);
	p = memalign(1024, 100);
	REQUIRE(p);
	CHECK(((uintptr_t)p & 1023) == 0);
	free(p);
	p = valloc(10);
	REQUIRE(p);
	CHECK(((uintptr_t)p % (uintptr_t)pg) == 0);
	free(p);
	p = pvalloc(10);
	REQUIRE(p);
	CHECK(((uintptr_t)p % (uintptr_t)pg) == 0);
	CHECK(malloc_usable_size(p) >= (size_t)pg);
	free(p);
}

static void test_foreign(void)
{
	/* glibc's own memory reaches free/realloc of whoever is malloc now */
	char *g = __libc_malloc(50);

	REQUIRE(g);
	strcpy(g, "from glibc");
	g = realloc(g, 100);
	REQUIRE(g);
	CHECK_STR(g, "from glibc");
	free(g);
	free(__libc_malloc(10));
}

static void test_churn(void)
{
	void *slots[512] = { NULL };
	uint32_t s = 12345;

	for (int i = 0; i < 200000; i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		int k = (int)(s % 512);
		free(slots[k]);
		slots[k] = malloc(1 + (s >> 20) % 2000);
		CHECK(slots[k] != NULL);
	}
	for (int k = 0; k < 512; k++)
		free(slots[k]);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZER_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_MALLOC 1
#endif

int main(void)
{
#ifdef SANITIZER_MALLOC
	LT_SKIP("the sanitizer replaces malloc itself");
#endif
	test_basic();
	test_aligned();
	test_foreign();
	test_churn();
	return lt_done();
}
