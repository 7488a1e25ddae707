/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - the demo's bookkeeping: every claim the demo makes is a
 * check; failed ones are printed where they happen, and the last line is
 * one verdict for the whole run.
 */
#ifndef DEMO_VERDICT_H
#define DEMO_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Record a claim.  A false one prints "  !! FAILED: <what>" at once (with
 * the source line) and makes the verdict FAIL.  Returns @ok.
 */
bool demo_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define CHECK(ok, ...) demo_check((ok), __FILE__, __LINE__, __VA_ARGS__)

/* "2 MiB", "8.5 MiB", "1000 B": whole units when exact, else one decimal. */
const char *demo_size(size_t bytes, char *buf, size_t len);
#define DEMO_SIZE_LEN 24

/* Signed byte difference "+4104 B" / "-4104 B" / "+0 B". */
const char *demo_delta(size_t before, size_t after, char *buf, size_t len);

/*
 * Print "demo: PASS — <summary>" or "demo: FAIL — <n> of <m> checks
 * failed (first: ...)" and return the exit status (0 or 1).
 */
int demo_verdict(const char *summary);

/* Number of checks made so far. */
unsigned int demo_check_count(void);

#endif /* DEMO_VERDICT_H */
