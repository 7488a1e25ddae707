/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * multi_heap_get_info() as ESP-IDF defines it: total_allocated_bytes counts
 * the data bytes of the live blocks (32 after allocating 32; the sum of
 * multi_heap_get_allocated_size() in general), no block headers;
 * total_free_bytes drops by more than the size asked for (headers are paid
 * from free memory); a fresh heap's minimum equals its free bytes; freeing
 * everything restores the free bytes and keeps the minimum.  In every
 * poisoning mode (each run re-executes itself with MEMHEAP_POISON set).
 */
#include <stdint.h>
#include <sys/wait.h>

#include "esp_helpers.h"

static void run(void)
{
	_Alignas(16) static unsigned char mem[4 * 1024];
	static const size_t sizes[] = { 32, 8, 64, 128, 1, 13, 100, 33 };
	multi_heap_info_t before, after, freed, now;
	multi_heap_handle_t h = multi_heap_register(mem, sizeof(mem));
	void *p[sizeof(sizes) / sizeof(*sizes)];
	size_t sum = 0, i;
	void *x;

	REQUIRE(h);
	multi_heap_get_info(h, &before);
	CHECK_EQU(before.allocated_blocks, 0);
	CHECK_EQU(before.total_allocated_bytes, 0);
	CHECK_EQU(before.total_free_bytes, before.minimum_free_bytes);

	x = multi_heap_malloc(h, 32);
	REQUIRE(x);
	multi_heap_get_info(h, &after);
	CHECK_EQU(after.allocated_blocks, 1);
	CHECK_EQU(after.total_allocated_bytes, 32);
	CHECK(after.minimum_free_bytes < before.minimum_free_bytes);
	CHECK(after.minimum_free_bytes > 0);
	CHECK(before.total_free_bytes - after.total_free_bytes > 32);	/* + header */

	multi_heap_free(h, x);
	multi_heap_get_info(h, &freed);
	CHECK_EQU(freed.allocated_blocks, 0);
	CHECK_EQU(freed.total_allocated_bytes, 0);
	CHECK_EQU(freed.total_free_bytes, before.total_free_bytes);
	CHECK_EQU(freed.minimum_free_bytes, after.minimum_free_bytes);

	/* many blocks: the sum of what each is said to hold; sizes that are a
	 * multiple of 8 count exactly what was asked for */
	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		p[i] = multi_heap_malloc(h, sizes[i]);
		REQUIRE(p[i]);
		CHECK(multi_heap_get_allocated_size(h, p[i]) >= sizes[i]);
		CHECK(multi_heap_get_allocated_size(h, p[i]) < sizes[i] + 8);
		sum += multi_heap_get_allocated_size(h, p[i]);
		multi_heap_get_info(h, &now);
		CHECK_EQU(now.total_allocated_bytes, sum);
		CHECK_EQU(now.allocated_blocks, i + 1);
	}
	multi_heap_get_info(h, &now);
	CHECK_EQU(now.total_allocated_bytes, sum);
	CHECK(now.total_allocated_bytes + now.total_free_bytes < before.total_free_bytes);
	/* 32 + 8 + 64 + 128 asked for: exactly that, in the first four */
	multi_heap_free(h, p[4]);
	multi_heap_free(h, p[5]);
	multi_heap_free(h, p[6]);
	multi_heap_free(h, p[7]);
	multi_heap_get_info(h, &now);
	CHECK_EQU(now.total_allocated_bytes, 32 + 8 + 64 + 128);
	/* realloc in place and moved: still the data bytes */
	p[0] = multi_heap_realloc(h, p[0], 16);
	REQUIRE(p[0]);
	p[1] = multi_heap_realloc(h, p[1], 256);
	REQUIRE(p[1]);
	multi_heap_get_info(h, &now);
	CHECK_EQU(now.total_allocated_bytes, 16 + 256 + 64 + 128);
	/* aligned blocks count their data bytes too */
	x = multi_heap_aligned_alloc(h, 40, 256);
	REQUIRE(x);
	multi_heap_get_info(h, &now);
	CHECK_EQU(now.total_allocated_bytes, 16 + 256 + 64 + 128 + 40);
	multi_heap_aligned_free(h, x);
	for (i = 0; i < 4; i++)
		multi_heap_free(h, p[i]);
	multi_heap_get_info(h, &now);
	CHECK_EQU(now.total_allocated_bytes, 0);
	CHECK_EQU(now.total_free_bytes, before.total_free_bytes);
	CHECK(multi_heap_check(h, true));
}

int main(int argc, char **argv)
{
	const char *modes[] = { "light", "comprehensive" };

	(void)argc;
	run();
	if (!getenv("MEMHEAP_POISON")) {
		/* the same checks in each poisoning mode, in a child process */
		for (size_t i = 0; i < 2; i++) {
			int status = -1;
			pid_t pid;

			fflush(NULL);
			pid = fork();
			REQUIRE(pid >= 0);
			if (pid == 0) {
				setenv("MEMHEAP_POISON", modes[i], 1);
				execv("/proc/self/exe", argv);
				_exit(127);
			}
			REQUIRE(waitpid(pid, &status, 0) == pid);
			CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		}
	}
	return lt_done();
}
