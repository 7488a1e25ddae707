/* SPDX-License-Identifier: MIT */
/*
 * lt.h - the tiny assertion kit of the libmemheap tests.
 *
 * A test is one program.  It exits 0 when every check passed, 4 when it
 * skipped (what it needs is absent), anything else on failure.  Every
 * failed check prints "file:line: what failed" on stderr and the test goes
 * on, so one run shows every failure; REQUIRE stops at once (use it when
 * going on would crash).
 *
 *   CHECK(expr)             expr must be true
 *   CHECK_EQ(a, b)          integers (as long long), both values printed
 *   CHECK_EQU(a, b)         unsigned integers (as unsigned long long)
 *   CHECK_PTR(a, b)         pointers equal
 *   CHECK_STR(a, b)         strings equal (NULL-safe)
 *   REQUIRE(expr)           CHECK, and end the test as failed if false
 *   LT_SKIP("why %d", ...)  print the reason, exit 4
 *   return lt_done();       at the end of main: prints the summary
 */
#ifndef LT_H
#define LT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LT_EXIT_SKIP 4

static int lt_failed;
static int lt_checked;

#define LT_FAIL_AT(file, line, ...) do {				\
	fprintf(stderr, "%s:%d: ", (file), (line));			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	lt_failed++;							\
} while (0)

#define CHECK(expr) do {						\
	lt_checked++;							\
	if (!(expr))							\
		LT_FAIL_AT(__FILE__, __LINE__, "CHECK failed: %s", #expr); \
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long lt_a_ = (long long)(a), lt_b_ = (long long)(b);	\
	lt_checked++;							\
	if (lt_a_ != lt_b_)						\
		LT_FAIL_AT(__FILE__, __LINE__, "CHECK_EQ failed: %s == %s (%lld != %lld)", \
			   #a, #b, lt_a_, lt_b_);			\
} while (0)

#define CHECK_EQU(a, b) do {						\
	unsigned long long lt_a_ = (unsigned long long)(a);		\
	unsigned long long lt_b_ = (unsigned long long)(b);		\
	lt_checked++;							\
	if (lt_a_ != lt_b_)						\
		LT_FAIL_AT(__FILE__, __LINE__, "CHECK_EQU failed: %s == %s (%llu != %llu)", \
			   #a, #b, lt_a_, lt_b_);			\
} while (0)

#define CHECK_PTR(a, b) do {						\
	const void *lt_a_ = (const void *)(a), *lt_b_ = (const void *)(b); \
	lt_checked++;							\
	if (lt_a_ != lt_b_)						\
		LT_FAIL_AT(__FILE__, __LINE__, "CHECK_PTR failed: %s == %s (%p != %p)", \
			   #a, #b, lt_a_, lt_b_);			\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *lt_a_ = (a), *lt_b_ = (b);				\
	lt_checked++;							\
	if (!lt_a_ || !lt_b_ ? lt_a_ != lt_b_ : strcmp(lt_a_, lt_b_) != 0) \
		LT_FAIL_AT(__FILE__, __LINE__, "CHECK_STR failed: %s == %s (\"%s\" != \"%s\")", \
			   #a, #b, lt_a_ ? lt_a_ : "(null)", lt_b_ ? lt_b_ : "(null)"); \
} while (0)

#define REQUIRE(expr) do {						\
	lt_checked++;							\
	if (!(expr)) {							\
		LT_FAIL_AT(__FILE__, __LINE__, "REQUIRE failed: %s", #expr); \
		exit(1);						\
	}								\
} while (0)

#define LT_SKIP(...) do {						\
	printf("SKIP: ");						\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	fflush(stdout);							\
	exit(LT_EXIT_SKIP);						\
} while (0)

/* End of main: one summary line; 0 if everything passed, 1 otherwise. */
static inline int lt_done(void)
{
	if (lt_failed) {
		printf("FAIL: %d of %d checks failed\n", lt_failed, lt_checked);
		return 1;
	}
	printf("PASS: %d checks\n", lt_checked);
	return 0;
}

#endif /* LT_H */
