// SPDX-License-Identifier: GPL-2.0
/* memshow [REGION...]: one line per region with its counters. */
#include <stdlib.h>
#include <string.h>

#include "memshow.h"

struct region_row {
	uint32_t index, caps, algo, map, origin;
	char name[MEMHEAP_NAME_LEN];
	uint64_t size, used, free, largest, min_free, allocs, failures, live;
	uint64_t low_watermark;
};

struct region_rows {
	struct region_row *rows;
	size_t n, cap;
};

static int collect(struct nlattr **a, const struct nlmsghdr *nlh, void *ctx)
{
	struct region_rows *rr = ctx;
	struct region_row *r;

	(void)nlh;
	if (rr->n == rr->cap) {
		size_t cap = rr->cap ? rr->cap * 2 : 8;
		struct region_row *rows = realloc(rr->rows, cap * sizeof(*rows));

		if (!rows) {
			fprintf(stderr, "memshow: out of memory\n");
			return -1;
		}
		rr->rows = rows;
		rr->cap = cap;
	}
	r = &rr->rows[rr->n++];
	memset(r, 0, sizeof(*r));
	r->index = memshow_u32(a, MEMHEAP_A_REGION_INDEX);
	r->caps = memshow_u32(a, MEMHEAP_A_REGION_CAPS);
	r->algo = memshow_u32(a, MEMHEAP_A_REGION_ALGO);
	r->map = memshow_u32(a, MEMHEAP_A_REGION_MAP_MODE);
	r->origin = memshow_u32(a, MEMHEAP_A_REGION_ORIGIN);
	snprintf(r->name, sizeof(r->name), "%s", memshow_str(a, MEMHEAP_A_REGION_NAME));
	r->size = memshow_u64(a, MEMHEAP_A_REGION_SIZE);
	r->used = memshow_u64(a, MEMHEAP_A_REGION_USED);
	r->free = memshow_u64(a, MEMHEAP_A_REGION_FREE);
	r->largest = memshow_u64(a, MEMHEAP_A_REGION_LARGEST_FREE);
	r->min_free = memshow_u64(a, MEMHEAP_A_REGION_MIN_FREE);
	r->allocs = memshow_u64(a, MEMHEAP_A_REGION_ALLOCS);
	r->failures = memshow_u64(a, MEMHEAP_A_REGION_FAILURES);
	r->live = memshow_u64(a, MEMHEAP_A_REGION_LIVE);
	r->low_watermark = memshow_u64(a, MEMHEAP_A_REGION_LOW_WATERMARK);
	return 0;
}

static void print_json(const struct region_rows *rr)
{
	char caps[96];

	printf("{\"regions\":[");
	for (size_t i = 0; i < rr->n; i++) {
		const struct region_row *r = &rr->rows[i];

		printf("%s{\"index\":%u,\"name\":", i ? "," : "", r->index);
		memshow_json_str(stdout, r->name);
		printf(",\"caps\":");
		memshow_json_str(stdout, memshow_caps_str(r->caps, caps, sizeof(caps)));
		printf(",\"algorithm\":\"%s\",\"mapping\":\"%s\",\"origin\":\"%s\"",
		       memshow_algo_str(r->algo), memshow_map_str(r->map),
		       memshow_origin_str(r->origin));
		printf(",\"size\":%llu,\"used\":%llu,\"free\":%llu,\"largest_free\":%llu,\"min_free\":%llu,\"allocations\":%llu,\"failures\":%llu,\"live\":%llu,\"low_watermark\":%llu}",
		       (unsigned long long)r->size, (unsigned long long)r->used,
		       (unsigned long long)r->free, (unsigned long long)r->largest,
		       (unsigned long long)r->min_free, (unsigned long long)r->allocs,
		       (unsigned long long)r->failures, (unsigned long long)r->live,
		       (unsigned long long)r->low_watermark);
	}
	printf("]}\n");
}

static void print_table(const struct region_rows *rr, bool bytes)
{
	int wname = 4, wcaps = 4;
	char caps[96], b[6][32];

	for (size_t i = 0; i < rr->n; i++) {
		int l = (int)strlen(rr->rows[i].name);
		int c = (int)strlen(memshow_caps_str(rr->rows[i].caps, caps, sizeof(caps)));

		wname = l > wname ? l : wname;
		wcaps = c > wcaps ? c : wcaps;
	}
	printf("%-*s  %-*s  %-8s  %-8s  %10s  %10s  %10s  %10s  %10s  %8s  %8s\n",
	       wname, "NAME", wcaps, "CAPS", "ALGO", "MAPPING", "SIZE", "USED",
	       "FREE", "LARGEST", "MIN FREE", "ALLOCS", "FAILS");
	for (size_t i = 0; i < rr->n; i++) {
		const struct region_row *r = &rr->rows[i];

		printf("%-*s  %-*s  %-8s  %-8s  %10s  %10s  %10s  %10s  %10s  %8llu  %8llu\n",
		       wname, r->name, wcaps,
		       memshow_caps_str(r->caps, caps, sizeof(caps)),
		       memshow_algo_str(r->algo), memshow_map_str(r->map),
		       memshow_size_str(r->size, bytes, b[0], sizeof(b[0])),
		       memshow_size_str(r->used, bytes, b[1], sizeof(b[1])),
		       memshow_size_str(r->free, bytes, b[2], sizeof(b[2])),
		       memshow_size_str(r->largest, bytes, b[3], sizeof(b[3])),
		       memshow_size_str(r->min_free, bytes, b[4], sizeof(b[4])),
		       (unsigned long long)r->allocs,
		       (unsigned long long)r->failures);
	}
	if (!rr->n)
		printf("(no regions: the module has none configured)\n");
}

int memshow_regions(struct memshow_session *s, const struct memshow_opts *o,
		    int argc, char **argv)
{
	struct region_rows rr = { 0 };
	int rc = MEMSHOW_EXIT_OK;

	if (argc == 0)
		rc = memshow_request(s, MEMHEAP_CMD_REGION_GET, true, NULL,
				     MEMHEAP_REGION_ANY, collect, &rr);
	for (int i = 0; i < argc && rc == MEMSHOW_EXIT_OK; i++)
		rc = memshow_request(s, MEMHEAP_CMD_REGION_GET, false, argv[i],
				     MEMHEAP_REGION_ANY, collect, &rr);
	if (rc == MEMSHOW_EXIT_OK) {
		if (o->json)
			print_json(&rr);
		else
			print_table(&rr, o->bytes);
	}
	free(rr.rows);
	return rc;
}
