/* SPDX-License-Identifier: MIT */
/*
 * core_memheap: the memheap_* extensions on whichever backend serves the
 * process.  On the kernel backend (the QEMU guest) it also checks that DMA
 * allocations come from the DMA region (region index, device address
 * inside the region's device range) and that buffers reach the kernel
 * (MEMHEAP_IOC_INFO file counters move as large buffers come and go).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/memheap.h>
#include "memheap.h"
#include "lt.h"

static void test_regions(void)
{
	unsigned int n = memheap_region_count();
	struct memheap_region r;

	REQUIRE(n > 0);
	for (unsigned int i = 0; i < n; i++) {
		REQUIRE(memheap_region_info(i, &r) == 0);
		CHECK_EQU(r.index, i);
		CHECK(r.name[0] != '\0');
		CHECK(r.caps != 0 && (r.caps & ~MEMHEAP_CAPS_ALL) == 0);
		CHECK(r.free <= r.total);
		CHECK(r.largest_free <= r.free);
		CHECK(r.min_free <= r.total);
		CHECK_EQ(memheap_region_find(r.name), (int)i);
	}
	CHECK_EQ(memheap_region_info(n, &r), -EINVAL);
	CHECK_EQ(memheap_region_info(0, NULL), -EINVAL);
	CHECK_EQ(memheap_region_find("no-such-region"), -ENOENT);
	CHECK_EQ(memheap_region_of(&r), -ENOENT);
}

static int first_with(uint32_t caps)
{
	struct memheap_region r;

	for (unsigned int i = 0; i < memheap_region_count(); i++)
		if (memheap_region_info(i, &r) == 0 && (r.caps & caps) == caps)
			return (int)i;
	return -1;
}

static void test_alloc(void)
{
	int dma = first_with(MEMHEAP_CAP_DMA);
	unsigned char *p;

	CHECK(memheap_alloc(16, 0, 0, 0x80) == NULL);	/* unknown flag */
	CHECK(memheap_alloc(16, 24, 0, 0) == NULL);	/* alignment */
	p = memheap_alloc(1000, 256, 0, MEMHEAP_F_ZERO);
	REQUIRE(p);
	CHECK(((uintptr_t)p & 255) == 0);
	for (int i = 0; i < 1000; i++)
		CHECK_EQ(p[i], 0);
	CHECK(memheap_usable_size(p) >= 1000);
	CHECK(memheap_region_of(p) >= 0);
	CHECK_EQ(memheap_sync_for_device(p, 1000), 0);
	CHECK_EQ(memheap_sync_for_cpu(p, 0), 0);
	memheap_free(p);
	CHECK_EQU(memheap_usable_size(p) == 0 || strcmp(memheap_backend(), "kernel") == 0, 1);

	if (dma >= 0) {
		p = memheap_alloc(64, 0, MEMHEAP_CAP_DMA, 0);
		REQUIRE(p);
		CHECK_EQ(memheap_region_of(p), dma);
		memheap_free(p);
	}
	memheap_free(NULL);
}

static void test_embedded_extensions(void)
{
	void *p = memheap_alloc(4096, 0, MEMHEAP_CAP_DMA, MEMHEAP_F_DEDICATED);
	uint64_t dev = 1;

	REQUIRE(p);
	CHECK_EQ(memheap_dev_addr(p, &dev), -EOPNOTSUPP);
	CHECK_EQU(dev, 1);
	CHECK_EQ(memheap_export_dmabuf(p, O_CLOEXEC), -EOPNOTSUPP);
	CHECK_EQ(memheap_dev_addr(&dev, &dev), -ENOENT);
	CHECK_EQ(memheap_dev_addr(p, NULL), -EINVAL);
	memheap_free(p);
}

/* The re-executed child: takes buffers and exits without freeing them. */
static int hold_and_exit(void)
{
	for (int i = 0; i < 4; i++)
		if (!memheap_alloc(5 * 4096, 0, 0, MEMHEAP_F_DEDICATED))
			return 2;
	if (!memheap_alloc(100, 0, 0, 0))
		return 3;
	return 0;
}

/* A process's buffers go back to the kernel when it exits. */
static void test_exit_returns_buffers(void)
{
	struct memheap_region before, after;
	int dflt = first_with(0);
	char cmd[64];

	REQUIRE(dflt >= 0);
	REQUIRE(memheap_region_info((unsigned int)dflt, &before) == 0);
	snprintf(cmd, sizeof(cmd), "/proc/%d/exe hold", (int)getpid());
	CHECK_EQ(system(cmd), 0);
	REQUIRE(memheap_region_info((unsigned int)dflt, &after) == 0);
	CHECK_EQU(after.free, before.free);
}

static void test_kernel_extensions(void)
{
	int dma = first_with(MEMHEAP_CAP_DMA);
	struct memheap_region r, before, after;

	test_exit_returns_buffers();
	if (dma < 0) {
		printf("no DMA region: device-address checks skipped\n");
		return;
	}
	REQUIRE(memheap_region_info((unsigned int)dma, &before) == 0);
	/* a dedicated DMA buffer: its own kernel buffer, device address in range */
	unsigned char *p = memheap_alloc(3 * 4096, 0, MEMHEAP_CAP_DMA, MEMHEAP_F_DEDICATED);
	REQUIRE(p);
	CHECK_EQ(memheap_region_of(p), dma);
	REQUIRE(memheap_region_info((unsigned int)dma, &r) == 0);
	CHECK(r.free + 3 * 4096 <= before.free);
	uint64_t dev = 0;
	int rc = memheap_dev_addr(p + 100, &dev);
	if (geteuid() == 0) {
		CHECK_EQ(rc, 0);
		CHECK(r.dev_addr != 0);
		CHECK(dev >= r.dev_addr + 100 && dev < r.dev_addr + r.total);
	} else {
		CHECK_EQ(rc, -EPERM);
	}
	memset(p, 0x5a, 3 * 4096);
	CHECK_EQ(memheap_sync_for_device(p, 3 * 4096), 0);
	CHECK_EQ(memheap_sync_for_cpu(p + 4096, 4096), 0);
	CHECK_EQ(memheap_sync_for_cpu(p, 1u << 30), -EINVAL);
	int fd = memheap_export_dmabuf(p, O_CLOEXEC | O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(memheap_export_dmabuf(p, 0x40000000), -EINVAL);
	if (fd >= 0)
		close(fd);
	memheap_free(p);
	REQUIRE(memheap_region_info((unsigned int)dma, &after) == 0);
	CHECK_EQU(after.free, before.free);

	/* a small DMA block: a slice of an arena, dev address still right */
	p = memheap_alloc(100, 0, MEMHEAP_CAP_DMA, 0);
	REQUIRE(p);
	CHECK_EQ(memheap_region_of(p), dma);
	CHECK_EQ(memheap_export_dmabuf(p, O_CLOEXEC), -EOPNOTSUPP);
	if (geteuid() == 0) {
		CHECK_EQ(memheap_dev_addr(p, &dev), 0);
		CHECK(dev >= r.dev_addr && dev < r.dev_addr + r.total);
	}
	memheap_free(p);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return hold_and_exit();
	const char *backend = memheap_backend();

	printf("backend: %s\n", backend);
	memheap_print_config(stdout);
	test_regions();
	test_alloc();
	if (!strcmp(backend, "kernel"))
		test_kernel_extensions();
	else
		test_embedded_extensions();
	CHECK_EQ(memheap_check(1), 0);
	return lt_done();
}
