// SPDX-License-Identifier: GPL-2.0
/*
 * kmod_bench: cost of memheap.ko's buffer calls as ratios to a null ioctl
 * (MEMHEAP_IOC_NOP) on the same device, measured side by side in one run
 * (under emulation only ratios mean anything).
 *
 * For each region named on the command line (default: the largest
 * region of each algorithm) and each number of live buffers held in it
 * (0, 10, 1000, 10000 — as many as fit), two operations on one page:
 *   alloc+free                    MEMHEAP_IOC_ALLOC + MEMHEAP_IOC_FREE
 *   alloc+mmap+touch+munmap+free  the whole life of a mapped buffer
 * Each repetition times the operation and, right after, a pair of null
 * ioctls; a row reports medians and p99 of both and the ratio of the
 * medians.  Lines starting with "csv," carry the same data.
 *
 * Usage: kmod_bench [-r REPS] [REGION_NAME...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/memheap.h>

#define DEFAULT_REPS	3000
#define WARMUP		100
#define MAX_REGIONS	8

static const unsigned int live_counts[] = { 0, 10, 1000, 10000 };

struct stats {
	double median, p99;
};

static int dev_fd;
static long page;
/* Caps to ask for in each region: 0 would mean DEFAULT, which a region may lack. */
static uint32_t region_caps[256];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct stats summarize(uint64_t *v, size_t n)
{
	struct stats s;

	qsort(v, n, sizeof(*v), cmp_u64);
	s.median = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
	s.p99 = (double)v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
	return s;
}

static void die(const char *what)
{
	fprintf(stderr, "kmod_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int alloc_page(uint32_t region, struct memheap_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->size = (uint64_t)page;
	a->flags = MEMHEAP_ALLOC_REGION;
	a->region = region;
	a->caps = region < 256 ? region_caps[region] : 0;
	return ioctl(dev_fd, MEMHEAP_IOC_ALLOC, a);
}

static void free_handle(uint32_t handle)
{
	struct memheap_handle_arg h = { .handle = handle };

	if (ioctl(dev_fd, MEMHEAP_IOC_FREE, &h))
		die("FREE");
}

static void nop_pair(void)
{
	if (ioctl(dev_fd, MEMHEAP_IOC_NOP, NULL) || ioctl(dev_fd, MEMHEAP_IOC_NOP, NULL))
		die("NOP");
}

static void op_alloc_free(uint32_t region)
{
	struct memheap_alloc a;

	if (alloc_page(region, &a))
		die("ALLOC");
	free_handle(a.handle);
}

static void op_full_cycle(uint32_t region)
{
	struct memheap_alloc a;
	volatile uint8_t *p;

	if (alloc_page(region, &a))
		die("ALLOC");
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, dev_fd,
		 (off_t)a.mmap_offset);
	if (p == MAP_FAILED)
		die("mmap");
	p[0] = 1;
	munmap((void *)p, (size_t)page);
	free_handle(a.handle);
}

struct row {
	const char *op;
	struct stats op_s, nop_s;
};

/* @reps times: the operation, then a null-ioctl pair. */
static struct row measure(const char *name, void (*op)(uint32_t), uint32_t region,
			  unsigned int reps, uint64_t *t_op, uint64_t *t_nop)
{
	struct row r = { .op = name };
	unsigned int i;
	uint64_t t0, t1, t2;

	for (i = 0; i < WARMUP; i++) {
		op(region);
		nop_pair();
	}
	for (i = 0; i < reps; i++) {
		t0 = now_ns();
		op(region);
		t1 = now_ns();
		nop_pair();
		t2 = now_ns();
		t_op[i] = t1 - t0;
		t_nop[i] = t2 - t1;
	}
	r.op_s = summarize(t_op, reps);
	r.nop_s = summarize(t_nop, reps);
	return r;
}

static void print_row(const struct memheap_region_info *ri, unsigned int live,
		      const struct row *r)
{
	static const char *const algo[] = { "firstfit", "buddy" };
	const char *a = ri->algo < 2 ? algo[ri->algo] : "?";

	printf("%-10s %-8s %6u  %-30s %9.0f %9.0f %9.0f %9.0f %7.2f\n", ri->name, a, live,
	       r->op, r->op_s.median, r->op_s.p99, r->nop_s.median, r->nop_s.p99,
	       r->op_s.median / r->nop_s.median);
	printf("csv,%s,%s,%u,%s,%.0f,%.0f,%.0f,%.0f,%.3f\n", ri->name, a, live, r->op,
	       r->op_s.median, r->op_s.p99, r->nop_s.median, r->nop_s.p99,
	       r->op_s.median / r->nop_s.median);
}

static int find_region(const char *name, struct memheap_region_info *ri, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		memset(ri, 0, sizeof(*ri));
		ri->index = i;
		if (!ioctl(dev_fd, MEMHEAP_IOC_REGION_QUERY, ri) && !strcmp(ri->name, name))
			return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct memheap_region_info regions[MAX_REGIONS], ri;
	struct memheap_info info = { 0 };
	unsigned int reps = DEFAULT_REPS, l, live, held;
	uint32_t nregions = 0, i, *handles;
	uint64_t *t_op, *t_nop;
	struct memheap_alloc a;
	struct row r;
	int opt;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt != 'r' || (reps = (unsigned int)strtoul(optarg, NULL, 0)) < 100) {
			fprintf(stderr, "usage: kmod_bench [-r REPS>=100] [REGION...]\n");
			return 2;
		}
	}
	page = sysconf(_SC_PAGESIZE);
	dev_fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		die(MEMHEAP_DEVICE_PATH);
	if (ioctl(dev_fd, MEMHEAP_IOC_INFO, &info))
		die("INFO");

	for (; optind < argc && nregions < MAX_REGIONS; optind++) {
		if (find_region(argv[optind], &regions[nregions], info.nr_regions)) {
			fprintf(stderr, "kmod_bench: no region %s\n", argv[optind]);
			return 1;
		}
		nregions++;
	}
	if (!nregions) {
		/* The largest region of each algorithm. */
		for (i = 0; i < info.nr_regions; i++) {
			uint32_t j;

			memset(&ri, 0, sizeof(ri));
			ri.index = i;
			if (ioctl(dev_fd, MEMHEAP_IOC_REGION_QUERY, &ri))
				die("REGION_QUERY");
			for (j = 0; j < nregions && regions[j].algo != ri.algo; j++)
				;
			if (j == nregions && nregions < MAX_REGIONS)
				regions[nregions++] = ri;
			else if (j < nregions && ri.size > regions[j].size)
				regions[j] = ri;
		}
	}
	for (i = 0; i < nregions; i++)
		if (regions[i].index < 256)
			region_caps[regions[i].index] = regions[i].caps;
	handles = calloc(live_counts[sizeof(live_counts) / sizeof(live_counts[0]) - 1],
			 sizeof(*handles));
	t_op = calloc(reps, sizeof(*t_op));
	t_nop = calloc(reps, sizeof(*t_nop));
	if (!handles || !t_op || !t_nop)
		die("calloc");

	printf("memheap kernel path, %u repetitions per row, page %ld, times in ns\n",
	       reps, page);
	printf("ratio = median of the operation / median of a null-ioctl pair measured "
	       "alongside\n\n");
	printf("%-10s %-8s %6s  %-30s %9s %9s %9s %9s %7s\n", "region", "algo", "live",
	       "operation", "median", "p99", "nop2-med", "nop2-p99", "ratio");
	printf("csv,region,algo,live,operation,median_ns,p99_ns,nop_pair_median_ns,"
	       "nop_pair_p99_ns,ratio\n");
	for (i = 0; i < nregions; i++) {
		held = 0;
		for (l = 0; l < sizeof(live_counts) / sizeof(live_counts[0]); l++) {
			live = live_counts[l];
			/* Grow the set of live buffers to @live, one page each. */
			while (held < live && !alloc_page(regions[i].index, &a))
				handles[held++] = a.handle;
			if (held < live) {
				printf("# %s: only %u live one-page buffers fit (wanted %u)\n",
				       regions[i].name, held, live);
				break;
			}
			r = measure("alloc+free", op_alloc_free, regions[i].index, reps,
				    t_op, t_nop);
			print_row(&regions[i], live, &r);
			r = measure("alloc+mmap+touch+munmap+free", op_full_cycle,
				    regions[i].index, reps, t_op, t_nop);
			print_row(&regions[i], live, &r);
		}
		while (held)
			free_handle(handles[--held]);
	}
	free(handles);
	free(t_op);
	free(t_nop);
	close(dev_fd);
	return 0;
}
