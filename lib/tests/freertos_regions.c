// SPDX-License-Identifier: MIT
/*
 * freertos_regions.c - vPortDefineHeapRegions (heap_5): bad definitions
 * (NULL, empty, unordered, overlapping, NULL start, wrapping, overlapping
 * another heap's memory, too small) stop the program as heap_5's
 * configASSERT does: one line saying why, then SIGABRT, with no
 * allocation served from a half-defined heap before; a good one makes
 * pvPortMalloc use exactly its regions in order; a second definition
 * aborts the same way.  Each refused case runs in a child.
 */
#include <FreeRTOS.h>
#include <os/mem.h>

#include <signal.h>
#include <stdalign.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "lt.h"
#include "rtos_capture.h"

static alignas(8) uint8_t low[16 * 1024];
static alignas(8) uint8_t high[16 * 1024];

static bool in(const void *p, const uint8_t *r, size_t n)
{
	return (const uint8_t *)p >= r && (const uint8_t *)p < r + n;
}

/*
 * In a child: defining must print one diagnostic naming why, then abort
 * (configASSERT); the line after the call must never run.
 */
static void refused(const HeapRegion_t *r, const char *why, const char *needle)
{
	int pfd[2], status;
	char err[1024] = "";
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	REQUIRE(pipe(pfd) == 0);
	fflush(NULL);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		signal(SIGABRT, SIG_DFL);
		vPortDefineHeapRegions(r);
		_exit(0);	/* went on: the test fails */
	}
	close(pfd[1]);
	while ((n = read(pfd[0], err + used, sizeof(err) - 1 - used)) > 0)
		used += (size_t)n;
	err[used] = '\0';
	close(pfd[0]);
	REQUIRE(waitpid(pid, &status, 0) == pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		LT_FAIL_AT(__FILE__, __LINE__, "%s: the program went on (status %#x)", why, status);
	if (!strstr(err, "vPortDefineHeapRegions") || !strstr(err, needle) ||
	    !strstr(err, "configASSERT failed (heap_5 stops here): aborting"))
		LT_FAIL_AT(__FILE__, __LINE__, "%s: message '%s' lacks '%s' or the abort", why, err,
			   needle);
}

int main(void)
{
	uint8_t *lo = low, *hi = high;
	void *a, *b, *c, *sys;
	size_t free_def;

	if (lo > hi) {		/* the test needs them in ascending order */
		uint8_t *t = lo;

		lo = hi;
		hi = t;
	}
	{
		const HeapRegion_t empty[] = { { NULL, 0 } };
		const HeapRegion_t unordered[] = { { hi, 4096 }, { lo, 4096 }, { NULL, 0 } };
		const HeapRegion_t overlapping[] = { { lo, 4096 }, { lo + 2048, 4096 }, { NULL, 0 } };
		const HeapRegion_t null_start[] = { { NULL, 4096 }, { NULL, 0 } };
		const HeapRegion_t wrapping[] = { { lo, SIZE_MAX }, { NULL, 0 } };
		const HeapRegion_t tiny[] = { { lo, 4096 }, { hi, 4 }, { NULL, 0 } };

		refused(NULL, "NULL array", "NULL region array");
		refused(empty, "no region", "no region before");
		refused(unordered, "descending", "ascending address order");
		refused(overlapping, "overlapping", "ascending address order");
		refused(null_start, "NULL start", "NULL start");
		refused(wrapping, "wrapping", "wraps around");
		refused(tiny, "second region too small", "too small");

		sys = os_malloc(4096);
		REQUIRE(sys != NULL);
		{
			const HeapRegion_t foreign[] = { { lo, 4096 }, { (uint8_t *)sys - 4096, 8192 }, { NULL, 0 } };

			refused(foreign, "overlaps another heap", "overlaps memory another heap manages");
		}
		os_free(sys);
	}
	/* nothing refused above changed this process's heap */
	sys = pvPortMalloc(16);
	CHECK(sys && !in(sys, lo, sizeof(low)) && !in(sys, hi, sizeof(high)));
	vPortFree(sys);

	{
		/* both 16 KiB: a 12 KiB block fits one region, not two */
		const HeapRegion_t good[] = {
			{ lo, 16 * 1024 }, { hi, 16 * 1024 }, { NULL, 0 },
		};
		vPortDefineHeapRegions(good);
		free_def = xPortGetFreeHeapSize();
		CHECK(free_def > 32 * 1024 - 4096 && free_def <= 32 * 1024);
		a = pvPortMalloc(12 * 1024);
		CHECK(in(a, lo, 16 * 1024));
		b = pvPortMalloc(12 * 1024);	/* the first is too full now */
		CHECK(in(b, hi, 16 * 1024));
		c = pvPortMalloc(12 * 1024);
		CHECK(c == NULL);

		/* a second definition: heap_5 asserts, and so does this */
		refused(good, "second definition", "already defined");
		vPortFree(a);
		vPortFree(b);
		CHECK_EQU(xPortGetFreeHeapSize(), free_def);
	}
	return lt_done();
}
