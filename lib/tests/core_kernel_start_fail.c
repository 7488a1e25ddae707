/* SPDX-License-Identifier: MIT */
/*
 * core_kernel_start_fail: a kernel-backend start that fails part-way (the
 * last region's address-space window cannot be reserved: RLIMIT_AS leaves
 * room for the others only) leaves nothing behind: no region registered,
 * every allocation fails, one message names the region, and the windows,
 * maps and state taken for the regions before it are given back (the
 * process's address space is back near where it started).
 * Kernel backend only (the QEMU guest); skipped without /dev/memheap.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/memheap.h>
#include <memheap.h>
#include <os/mem.h>

#include "lt.h"

#define WINDOW_FACTOR 4		/* lib/src/core/kernel.c: MHL_WINDOW_FACTOR */

static size_t vm_size(void)
{
	char line[256];
	size_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb << 10;
}

/* what the library will reserve per region, from the device itself */
static int windows(size_t *sum_but_last, size_t *last)
{
	struct memheap_info info = { 0 };
	int fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, MEMHEAP_IOC_INFO, &info) || info.nr_regions < 2)
		return -1;
	*sum_but_last = 0;
	for (uint32_t i = 0; i < info.nr_regions; i++) {
		struct memheap_region_info q = { .index = i };
		size_t page = info.page_size, w;

		if (ioctl(fd, MEMHEAP_IOC_REGION_QUERY, &q))
			return -1;
		w = (q.size + page - 1) / page * page * WINDOW_FACTOR;
		if (w < 64 * page)
			w = 64 * page;
		if (i + 1 < info.nr_regions)
			*sum_but_last += w + w / page * 5;
		else
			*last = w;
	}
	close(fd);
	return 0;
}

int main(void)
{
	size_t before, last = 0;

	int pfd[2], status;
	char err[2048] = "";
	ssize_t n;
	pid_t pid;

	if (access(MEMHEAP_DEVICE_PATH, R_OK | W_OK) != 0)
		LT_SKIP("no %s: kernel backend only", MEMHEAP_DEVICE_PATH);
	REQUIRE(pipe(pfd) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		size_t others;
		struct rlimit rl;

		dup2(pfd[1], 2);
		close(pfd[0]);
		setenv("MEMHEAP_BACKEND", "kernel", 1);
		if (windows(&others, &last) || last < (4u << 20))
			_exit(4);	/* a board this test cannot shape: skip */
		before = vm_size();
		/* room for every window but the last, and half of that one */
		rl.rlim_cur = rl.rlim_max = before + others + last / 2;
		if (setrlimit(RLIMIT_AS, &rl))
			_exit(10);
		if (memheap_region_count() != 0)
			_exit(11);	/* earlier regions left registered */
		if (os_malloc(16) || memheap_alloc(4096, 0, 0, 0))
			_exit(12);
		/* given back: within half a window of where it started */
		if (vm_size() > before + last / 2)
			_exit(13);
		_exit(0);
	}
	close(pfd[1]);
	for (size_t used = 0; (n = read(pfd[0], err + used, sizeof(err) - 1 - used)) > 0;)
		used += (size_t)n;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	REQUIRE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 4)
		LT_SKIP("fewer than 2 regions or a small last region");
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK(strstr(err, "cannot reserve") != NULL);
	CHECK(strstr(err, "every allocation fails") != NULL);
	fprintf(stderr, "child said: %s", err);
	return lt_done();
}
