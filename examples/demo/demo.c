/* SPDX-License-Identifier: MIT */
/*
 * demo.c - a ported firmware's memory code running on memheap: one
 * program using the ESP-IDF, Armino, OneOS and FreeRTOS heap APIs side by
 * side, on whichever backend serves it (memheap.ko's regions through
 * /dev/memheap, or the embedded backend's simulated ones).
 *
 * It tells what it does in a few lines per family, checks every claim
 * (memory lands in the region it should, statistics move by what was
 * allocated and come back when it is freed), and ends with one verdict
 * line; the exit status is 0 when every check held, 1 otherwise (2 for a
 * bad command line).  --while-live COMMAND runs a shell command at the
 * point where the demo holds its DMA and PSRAM buffers (make run uses it
 * to show memshow -p and a region map then).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <FreeRTOS.h>
#include <esp_heap_caps.h>
#include <memheap.h>
#include <os/mem.h>
#include <os_memory.h>

#include "verdict.h"

#define MAX_REGIONS	16

/* What must come back once everything is freed. */
struct snapshot {
	size_t dma_free, spiram_free, internal_free, rtos_free;
	unsigned int regions;
	size_t region_blocks[MAX_REGIONS];
};

static bool kernel_backend;

static void take_snapshot(struct snapshot *s)
{
	struct memheap_region r;

	memset(s, 0, sizeof(*s));
	s->dma_free = heap_caps_get_free_size(MALLOC_CAP_DMA);
	s->spiram_free = heap_caps_get_free_size(MALLOC_CAP_SPIRAM);
	s->internal_free = heap_caps_get_free_size(MALLOC_CAP_INTERNAL);
	s->rtos_free = xPortGetFreeHeapSize();
	s->regions = memheap_region_count();
	for (unsigned int i = 0; i < s->regions && i < MAX_REGIONS; i++)
		if (memheap_region_info(i, &r) == 0)
			s->region_blocks[i] = r.allocated_blocks;
}

/* Region holding @p, or NULL (and r->name "none") when no region does. */
static const struct memheap_region *region_of(const void *p, struct memheap_region *r)
{
	int i = memheap_region_of(p);

	if (i < 0 || memheap_region_info((unsigned int)i, r) != 0) {
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "none");
		return NULL;
	}
	return r;
}

static const char *algo_name(uint32_t algo)
{
	return algo == MEMHEAP_ALGO_BUDDY ? "buddy" : "firstfit";
}

static const char *caps_words(uint32_t caps, char *buf, size_t len)
{
	static const char *const words[] = {
		"dma", "spiram", "internal", "8bit", "32bit", "default",
	};
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		int n;

		if (!(caps & (1U << i)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", words[i]);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

static void show_regions(void)
{
	char size[DEMO_SIZE_LEN], caps[64];
	struct memheap_region r;

	for (unsigned int i = 0; i < memheap_region_count(); i++) {
		if (memheap_region_info(i, &r) != 0)
			continue;
		printf("  #%u %-8s %9s  %-8s  %s\n", r.index, r.name,
		       demo_size(r.total, size, sizeof(size)), algo_name(r.algo),
		       caps_words(r.caps, caps, sizeof(caps)));
	}
}

/* True when every byte of [p, p + n) is @v. */
static bool all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * The kernel backend serves small blocks from arenas, 256 KiB kernel
 * buffers it maps on a region's first small allocation; an arena's own
 * bookkeeping counts as allocated while it is mapped, and an empty arena
 * goes back to the kernel (at the latest when statistics are read).  One
 * small block held in each kind of memory the demo uses, for the whole
 * run, keeps those arenas mapped, so every cost the demo measures after it
 * is the blocks' own.  On the embedded backend they cost their footprint.
 */
static struct snapshot pre_anchor;
static void *anchor_dma, *anchor_psram, *anchor_sys;

static void hold_anchors(void)
{
	char d1[DEMO_SIZE_LEN], d2[DEMO_SIZE_LEN], d3[DEMO_SIZE_LEN];
	struct snapshot after;

	take_snapshot(&pre_anchor);
	anchor_dma = heap_caps_malloc(8, MALLOC_CAP_DMA);
	anchor_psram = psram_malloc(8);
	anchor_sys = pvPortMalloc(8);
	take_snapshot(&after);
	CHECK(anchor_dma && anchor_psram && anchor_sys, "one small block in DMA, PSRAM and system memory");
	printf("[start]    one small block held in DMA, PSRAM and system memory for the whole run: free DMA %s, SPIRAM %s, system %s\n",
	       demo_delta(pre_anchor.dma_free, after.dma_free, d1, sizeof(d1)),
	       demo_delta(pre_anchor.spiram_free, after.spiram_free, d2, sizeof(d2)),
	       demo_delta(pre_anchor.rtos_free, after.rtos_free, d3, sizeof(d3)));
	if (kernel_backend)
		printf("           (each maps a 256 KiB arena; the arena's bookkeeping counts as allocated while it is mapped)\n");
	CHECK(after.dma_free < pre_anchor.dma_free && after.spiram_free < pre_anchor.spiram_free,
	      "holding a block takes free memory");
}

/* After the end: the anchors go, and every free size is as before them. */
static void drop_anchors(void)
{
	struct snapshot s;

	heap_caps_free(anchor_dma);
	psram_free(anchor_psram);
	vPortFree(anchor_sys);
	take_snapshot(&s);
	CHECK(s.dma_free == pre_anchor.dma_free && s.spiram_free == pre_anchor.spiram_free &&
	      s.rtos_free == pre_anchor.rtos_free && s.internal_free == pre_anchor.internal_free,
	      "with the three small blocks freed, every free size is as before them");
	for (unsigned int i = 0; i < pre_anchor.regions && i < MAX_REGIONS; i++)
		CHECK(s.region_blocks[i] == pre_anchor.region_blocks[i],
		      "region #%u: no block left behind (%zu -> %zu)", i,
		      pre_anchor.region_blocks[i], s.region_blocks[i]);
}

/* ---- ESP-IDF: a DMA buffer --------------------------------------------- */

#define DMA_LEN 4096

static unsigned char *esp_dma_buffer(void)
{
	char d[DEMO_SIZE_LEN];
	struct memheap_region r;
	size_t free0 = heap_caps_get_free_size(MALLOC_CAP_DMA);
	unsigned char *buf = heap_caps_malloc(DMA_LEN, MALLOC_CAP_DMA);
	size_t got, free1;
	uint64_t dev = 0;
	int rc;

	printf("[ESP-IDF]  heap_caps_malloc(%d, MALLOC_CAP_DMA)", DMA_LEN);
	if (!CHECK(buf != NULL, "heap_caps_malloc(%d, MALLOC_CAP_DMA) returned a buffer", DMA_LEN)) {
		printf("\n");
		return NULL;
	}
	region_of(buf, &r);
	got = heap_caps_get_allocated_size(buf);
	free1 = heap_caps_get_free_size(MALLOC_CAP_DMA);
	printf(" -> region '%s', %zu usable bytes; DMA free %s\n", r.name, got,
	       demo_delta(free0, free1, d, sizeof(d)));
	CHECK(r.caps & MEMHEAP_CAP_DMA, "the DMA buffer is in a DMA region (got '%s')", r.name);
	CHECK(got >= DMA_LEN, "heap_caps_get_allocated_size %zu >= %d", got, DMA_LEN);
	CHECK(free1 + got <= free0, "DMA free size fell by at least the allocated size");

	memset(buf, 0x5a, DMA_LEN);
	rc = memheap_sync_for_device(buf, DMA_LEN);
	CHECK(rc == 0, "memheap_sync_for_device = %d", rc);
	rc = memheap_sync_for_cpu(buf, DMA_LEN);
	CHECK(rc == 0, "memheap_sync_for_cpu = %d", rc);

	rc = memheap_dev_addr(buf, &dev);
	if (!kernel_backend) {
		printf("           no device on the embedded backend: memheap_dev_addr says %s; cache sync is a no-op\n",
		       rc == -EOPNOTSUPP ? "EOPNOTSUPP" : "?");
		CHECK(rc == -EOPNOTSUPP, "memheap_dev_addr on the embedded backend = %d (want -EOPNOTSUPP)", rc);
	} else if (geteuid() != 0) {
		printf("           device address withheld (needs CAP_SYS_ADMIN); cache sync for device and cpu: ok\n");
		CHECK(rc == -EPERM, "memheap_dev_addr without privilege = %d (want -EPERM)", rc);
	} else {
		printf("           device address 0x%llx, inside '%s' (bus 0x%llx..0x%llx); cache sync for device and cpu: ok\n",
		       (unsigned long long)dev, r.name, (unsigned long long)r.dev_addr,
		       (unsigned long long)(r.dev_addr + r.total - 1));
		CHECK(rc == 0, "memheap_dev_addr = %d", rc);
		CHECK(r.dev_addr != 0 && dev >= r.dev_addr && dev + DMA_LEN <= r.dev_addr + r.total,
		      "the device address lies in the region's bus range");
	}
	CHECK(all_bytes(buf, DMA_LEN, 0x5a), "the DMA buffer keeps its contents across the syncs");
	return buf;
}

/* ---- Armino: a PSRAM buffer -------------------------------------------- */

#define PSRAM_LEN (256 * 1024)

static unsigned char *armino_psram_buffer(void)
{
	char d[DEMO_SIZE_LEN], s[DEMO_SIZE_LEN];
	struct memheap_region r;
	size_t ext0 = heap_caps_get_free_size(MALLOC_CAP_SPIRAM);
	size_t int0 = heap_caps_get_free_size(MALLOC_CAP_INTERNAL);
	unsigned char *buf = psram_malloc(PSRAM_LEN);
	size_t got, ext1, int1;

	printf("[Armino]   psram_malloc(%s)", demo_size(PSRAM_LEN, s, sizeof(s)));
	if (!CHECK(buf != NULL, "psram_malloc(%d) returned a buffer", PSRAM_LEN)) {
		printf("\n");
		return NULL;
	}
	region_of(buf, &r);
	got = heap_caps_get_allocated_size(buf);
	ext1 = heap_caps_get_free_size(MALLOC_CAP_SPIRAM);
	int1 = heap_caps_get_free_size(MALLOC_CAP_INTERNAL);
	printf(" -> region '%s', %zu usable bytes; SPIRAM free %s, internal free %s\n",
	       r.name, got, demo_delta(ext0, ext1, d, sizeof(d)),
	       demo_delta(int0, int1, s, sizeof(s)));
	CHECK(r.caps & MEMHEAP_CAP_SPIRAM, "the PSRAM buffer is in a SPIRAM region (got '%s')", r.name);
	CHECK(got >= PSRAM_LEN, "heap_caps_get_allocated_size %zu >= %d", got, PSRAM_LEN);
	CHECK(ext1 + got <= ext0, "SPIRAM free size fell by at least the allocated size");
	CHECK(int1 == int0, "internal memory untouched by a PSRAM allocation");

	os_memset(buf, 0xa5, PSRAM_LEN);
	CHECK(all_bytes(buf, PSRAM_LEN, 0xa5), "os_memset filled the whole PSRAM buffer");
	printf("           os_memset over all of it, read back: ok\n");
	return buf;
}

/* ---- OneOS: a user heap over two ranges -------------------------------- */

#define UHEAP_A_LEN (16 * 1024)
#define UHEAP_B_LEN (32 * 1024)

static _Alignas(64) unsigned char uheap_a[UHEAP_A_LEN];
static _Alignas(64) unsigned char uheap_b[UHEAP_B_LEN];

static bool inside(const void *p, const unsigned char *start, size_t len)
{
	uintptr_t a = (uintptr_t)p, s = (uintptr_t)start;

	return a >= s && a < s + len;
}

static void oneos_user_heap(void)
{
	static os_memheap_t heap;
	os_meminfo_t info0, info1, info2;
	void *small, *mid, *big;
	os_err_t err;

	err = os_memheap_init(&heap, "uheap");
	CHECK(err == OS_EOK, "os_memheap_init = %d", (int)err);
	err = os_memheap_add(&heap, uheap_a, sizeof(uheap_a), OS_MEM_ALG_FIRSTFIT);
	CHECK(err == OS_EOK, "os_memheap_add(first-fit range) = %d", (int)err);
	err = os_memheap_add(&heap, uheap_b, sizeof(uheap_b), OS_MEM_ALG_BUDDY);
	CHECK(err == OS_EOK, "os_memheap_add(buddy range) = %d", (int)err);
	os_memheap_info(&heap, &info0);
	printf("[OneOS]    user heap 'uheap': 16 KiB first-fit + 32 KiB buddy, %zu bytes for blocks\n",
	       (size_t)info0.mem_total);
	CHECK(info0.mem_total > 0 && info0.mem_total <= UHEAP_A_LEN + UHEAP_B_LEN,
	      "os_memheap_info total %zu within the two ranges", (size_t)info0.mem_total);

	small = os_memheap_alloc(&heap, 100);
	mid = os_memheap_alloc(&heap, 12000);
	/* no longer fits beside the first two: the search moves on */
	big = os_memheap_alloc(&heap, 8192);
	os_memheap_info(&heap, &info1);
	printf("           alloc 100, 12000, 8192 -> %s, %s, %s range; used %zu -> %zu\n",
	       inside(small, uheap_a, UHEAP_A_LEN) ? "first-fit" : "?",
	       inside(mid, uheap_a, UHEAP_A_LEN) ? "first-fit" : "?",
	       inside(big, uheap_b, UHEAP_B_LEN) ? "buddy" : "?",
	       (size_t)info0.mem_used, (size_t)info1.mem_used);
	CHECK(small && inside(small, uheap_a, UHEAP_A_LEN), "100 bytes from the first range");
	CHECK(mid && inside(mid, uheap_a, UHEAP_A_LEN), "12000 bytes from the first range");
	CHECK(big && inside(big, uheap_b, UHEAP_B_LEN), "8192 bytes from the second (buddy) range");
	CHECK(info1.mem_used >= info0.mem_used + 100 + 12000 + 8192,
	      "used grew by at least the bytes asked for (%zu -> %zu)",
	      (size_t)info0.mem_used, (size_t)info1.mem_used);
	CHECK(memheap_region_of(small) < 0, "a user-heap block is not in a memheap region");

	err = os_memheap_check(&heap);
	CHECK(err == OS_EOK, "os_memheap_check = %d", (int)err);
	os_memheap_free(&heap, small);
	os_memheap_free(&heap, mid);
	/* any family's free takes any family's block */
	os_free(big);
	os_memheap_info(&heap, &info2);
	printf("           freed (the last one with os_free): used %zu, max used %zu\n",
	       (size_t)info2.mem_used, (size_t)info2.mem_maxused);
	CHECK(info2.mem_used == info0.mem_used, "used back to %zu (is %zu)",
	      (size_t)info0.mem_used, (size_t)info2.mem_used);
	CHECK(info2.mem_maxused >= info1.mem_used, "max used %zu >= peak %zu",
	      (size_t)info2.mem_maxused, (size_t)info1.mem_used);
}

/* ---- FreeRTOS: the system heap ----------------------------------------- */

static size_t footprint(size_t n)
{
	/* first-fit: the request rounded up to 8 bytes plus an 8-byte header */
	return ((n + 7) & ~(size_t)7) + 8;
}

static void freertos_heap(void)
{
	char d[DEMO_SIZE_LEN];
	struct memheap_region r;
	HeapStats_t st0, st1, st2;
	size_t free0, free1, free2, free3;
	void *tiny, *a, *b;

	vPortGetHeapStats(&st0);
	free0 = xPortGetFreeHeapSize();
	tiny = pvPortMalloc(24);
	free1 = xPortGetFreeHeapSize();
	a = pvPortMalloc(1000);
	b = pvPortMalloc(3000);
	free2 = xPortGetFreeHeapSize();
	vPortGetHeapStats(&st1);
	region_of(a, &r);
	printf("[FreeRTOS] pvPortMalloc(24), (1000), (3000) -> region '%s'; free heap %s\n",
	       r.name, demo_delta(free0, free2, d, sizeof(d)));
	CHECK(tiny && a && b, "pvPortMalloc returned three blocks");
	/* small blocks are first-fit everywhere but in an embedded buddy region */
	if (kernel_backend || r.algo == MEMHEAP_ALGO_FIRSTFIT) {
		CHECK(free0 - free1 == footprint(24), "24 bytes cost exactly %zu (cost %zu)",
		      footprint(24), free0 - free1);
		CHECK(free1 - free2 == footprint(1000) + footprint(3000),
		      "1000 + 3000 bytes cost exactly %zu (cost %zu)",
		      footprint(1000) + footprint(3000), free1 - free2);
	} else {
		CHECK(free0 - free2 >= 24 + 1000 + 3000,
		      "the three blocks cost at least the bytes asked for (cost %zu)", free0 - free2);
	}
	CHECK(st1.xAvailableHeapSpaceInBytes == free2, "vPortGetHeapStats agrees with xPortGetFreeHeapSize");
	CHECK(st1.xNumberOfSuccessfulAllocations == st0.xNumberOfSuccessfulAllocations + 3,
	      "successful allocations +3 (%zu -> %zu)", st0.xNumberOfSuccessfulAllocations,
	      st1.xNumberOfSuccessfulAllocations);
	CHECK(st1.xMinimumEverFreeBytesRemaining <= free2, "minimum ever free <= free now");
	CHECK(r.caps & MEMHEAP_CAP_DEFAULT, "the system heap is default memory");
	printf("           stats: %zu free in %zu free blocks, largest %zu, allocations %zu, frees %zu\n",
	       st1.xAvailableHeapSpaceInBytes, st1.xNumberOfFreeBlocks,
	       st1.xSizeOfLargestFreeBlockInBytes, st1.xNumberOfSuccessfulAllocations,
	       st1.xNumberOfSuccessfulFrees);

	vPortFree(b);
	vPortFree(a);
	vPortFree(tiny);
	free3 = xPortGetFreeHeapSize();
	vPortGetHeapStats(&st2);
	printf("           vPortFree all three: free heap %s from the start, frees +%zu\n",
	       demo_delta(free0, free3, d, sizeof(d)),
	       st2.xNumberOfSuccessfulFrees - st0.xNumberOfSuccessfulFrees);
	CHECK(free3 == free0, "free heap back to %zu (is %zu)", free0, free3);
	CHECK(st2.xNumberOfSuccessfulFrees == st0.xNumberOfSuccessfulFrees + 3,
	      "successful frees +3");
}

/* ---- the platforms' own reports ---------------------------------------- */

static void reports(void)
{
	printf("[ESP-IDF]  heap_caps_print_heap_info(MALLOC_CAP_DMA), then (MALLOC_CAP_SPIRAM), both buffers live:\n");
	fflush(stdout);
	heap_caps_print_heap_info(MALLOC_CAP_DMA);
	heap_caps_print_heap_info(MALLOC_CAP_SPIRAM);
	fflush(stdout);
	printf("[Armino]   os_show_memory_config_info():\n");
	fflush(stdout);
	os_show_memory_config_info();
}

/* ---- the end: everything back ------------------------------------------ */

static bool compare(const char *what, size_t before, size_t after)
{
	return CHECK(after == before, "%s back to %zu (is %zu)", what, before, after);
}

static void everything_back(const struct snapshot *s0)
{
	struct snapshot s1;
	bool intact, back = true;
	int rc;

	take_snapshot(&s1);
	back &= compare("DMA free size", s0->dma_free, s1.dma_free);
	back &= compare("SPIRAM free size", s0->spiram_free, s1.spiram_free);
	back &= compare("internal free size", s0->internal_free, s1.internal_free);
	back &= compare("FreeRTOS free heap", s0->rtos_free, s1.rtos_free);
	back &= CHECK(s1.regions == s0->regions, "region count unchanged");
	for (unsigned int i = 0; i < s0->regions && i < MAX_REGIONS; i++)
		back &= CHECK(s1.region_blocks[i] == s0->region_blocks[i],
			      "region #%u: %zu blocks, as at the start (is %zu)", i,
			      s0->region_blocks[i], s1.region_blocks[i]);
	intact = heap_caps_check_integrity_all(true);
	rc = memheap_check(1);
	CHECK(intact, "heap_caps_check_integrity_all");
	CHECK(rc == 0, "memheap_check = %d", rc);
	printf("[end]      everything freed: DMA, SPIRAM, internal and FreeRTOS free sizes and block counts %s; integrity %s\n",
	       back ? "as at the start" : "NOT as at the start", intact && rc == 0 ? "ok" : "DAMAGED");
}

/* Run the user's shell command while the DMA and PSRAM buffers are live. */
static void while_live(const char *cmd)
{
	int status;

	printf("[live]     $ %s\n", cmd);
	fflush(stdout);
	status = system(cmd);
	CHECK(status == 0, "'%s' exited with status %d", cmd,
	      status < 0 ? status : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--while-live COMMAND]\n"
		"  --while-live COMMAND  run COMMAND (sh -c) while the demo's DMA and PSRAM\n"
		"                        buffers are allocated, e.g. \"memshow -p\"\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	char summary[160], total[DEMO_SIZE_LEN];
	const char *live_cmd = NULL;
	struct snapshot start;
	unsigned char *dma, *ext;
	size_t bytes = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--while-live") && i + 1 < argc && argv[i + 1][0])
			live_cmd = argv[++i];
		else
			return usage(argv[0]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	kernel_backend = strcmp(memheap_backend(), "kernel") == 0;
	for (unsigned int i = 0; i < memheap_region_count(); i++) {
		struct memheap_region r;

		if (memheap_region_info(i, &r) == 0)
			bytes += r.total;
	}
	printf("memheap demo on the %s backend%s: %u regions, %s\n", memheap_backend(),
	       kernel_backend ? " (memheap.ko through /dev/memheap)" : " (simulated regions in this process)",
	       memheap_region_count(), demo_size(bytes, total, sizeof(total)));
	show_regions();
	if (!CHECK(memheap_region_count() > 0, "the backend has regions"))
		return demo_verdict("no regions");
	hold_anchors();
	take_snapshot(&start);

	dma = esp_dma_buffer();
	ext = armino_psram_buffer();
	oneos_user_heap();
	freertos_heap();
	reports();
	if (live_cmd)
		while_live(live_cmd);
	heap_caps_free(dma);
	psram_free(ext);
	everything_back(&start);
	drop_anchors();

	snprintf(summary, sizeof(summary),
		 "ESP-IDF, Armino, OneOS and FreeRTOS on the %s backend (%u regions), %u checks held",
		 memheap_backend(), memheap_region_count(), demo_check_count());
	return demo_verdict(summary);
}
