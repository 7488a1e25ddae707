/* SPDX-License-Identifier: MIT */
/*
 * core_config_limits: a layout means what it says.
 *  - Regions above the engine's 16 GiB arena are served whole, up to the
 *    grammar's 1 TiB (no silent cut): 64 GiB gives five 12 GiB blocks, and
 *    the region's total is its size less a little bookkeeping.
 *  - A valid layout with no 'default' region: os_malloc, malloc-like
 *    requests and pvPortMalloc fail, and the library says why exactly once
 *    per process, however many requests fail.
 * Each case in a fresh child on the embedded backend (initialisation
 * happens once per process).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <FreeRTOS.h>
#include <os/mem.h>
#include <memheap.h>

#include "lt.h"

#define GIB ((size_t)1 << 30)

static int run(const char *regions, int (*fn)(void), char *err, size_t errlen)
{
	int pfd[2], status;
	size_t used = 0;
	pid_t pid;

	REQUIRE(pipe(pfd) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		unsetenv("MEMHEAP_CONFIG");
		unsetenv("MEMHEAP_POISON");
		setenv("MEMHEAP_BACKEND", "embedded", 1);
		setenv("MEMHEAP_REGIONS", regions, 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		_exit(fn());
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], err + used, errlen - 1 - used);

		if (n <= 0)
			break;
		used += (size_t)n;
	}
	err[used] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* big:64G:spiram, then huge:1T:internal */
static int child_big(void)
{
	struct memheap_region big, huge;
	void *p[6];
	int i;

	if (memheap_region_count() != 2 || memheap_region_info(0, &big) ||
	    memheap_region_info(1, &huge))
		return 10;
	if (big.end - big.start != 64 * GIB || huge.end - huge.start != 1024 * GIB)
		return 11;
	/* all of it, less bookkeeping (well under 1 MiB per 16 GiB) */
	if (big.total < 64 * GIB - 4 * ((size_t)1 << 20) || big.total > 64 * GIB)
		return 12;
	if (huge.total < 1024 * GIB - 64 * ((size_t)1 << 20) || huge.total > 1024 * GIB)
		return 13;
	if (big.free != big.total || big.largest_free > big.free || !big.free_blocks)
		return 14;
	/* five blocks of 12 GiB: 60 GiB of a 64 GiB region in use */
	for (i = 0; i < 5; i++) {
		p[i] = memheap_alloc(12 * GIB, 0, MEMHEAP_CAP_SPIRAM, 0);
		if (!p[i] || memheap_region_of(p[i]) != 0)
			return 20 + i;
	}
	if (memheap_region_info(0, &big) || big.allocated < 60 * GIB)
		return 26;
	for (i = 0; i < 5; i++)
		memheap_free(p[i]);
	/* and from the 1 TiB one, far past its first 16 GiB */
	for (i = 0; i < 6; i++) {
		p[i] = memheap_alloc(15 * GIB, 0, MEMHEAP_CAP_INTERNAL, 0);
		if (!p[i] || memheap_region_of(p[i]) != 1)
			return 30 + i;
	}
	for (i = 0; i < 6; i++)
		memheap_free(p[i]);
	return 0;
}

/* a:64K:dma:internal only: nothing serves a request without caps */
static int child_no_default(void)
{
	void *q;

	for (int i = 0; i < 3; i++) {
		if (os_malloc(16))
			return 10;
		if (pvPortMalloc(32))
			return 11;
		if (memheap_alloc(8, 0, MEMHEAP_CAP_DEFAULT, 0))
			return 12;
	}
	/* requests by capability still work */
	q = memheap_alloc(64, 0, MEMHEAP_CAP_DMA, 0);
	if (!q)
		return 13;
	memheap_free(q);
	return 0;
}

/* a default region exists: no note, even when a capability is missing */
static int child_has_default(void)
{
	void *p = os_malloc(16);

	if (!p || memheap_alloc(8, 0, MEMHEAP_CAP_SPIRAM | MEMHEAP_CAP_DEFAULT, 0))
		return 10;
	os_free(p);
	return 0;
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

int main(void)
{
	char err[8192];
	static const char note[] = "memheap: no region has the 'default' capability";

	CHECK_EQ(run("big:64G:spiram,huge:1T:internal", child_big, err, sizeof(err)), 0);
	CHECK_STR(err, "");

	CHECK_EQ(run("a:64K:dma:internal", child_no_default, err, sizeof(err)), 0);
	CHECK_EQU(count(err, note), 1);
	CHECK(strstr(err, "os_malloc, malloc, pvPortMalloc"));
	CHECK(strstr(err, "'default' option"));
	/* one line, nothing else */
	CHECK_EQU(count(err, "\n"), 1);

	CHECK_EQ(run("a:64K:dma:internal,b:64K:default", child_has_default, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	return lt_done();
}
