// SPDX-License-Identifier: GPL-2.0
/*
 * memshow map REGION: the region's used and free extents, drawn as rows of
 * cells so fragmentation shows at a glance (needs CAP_NET_ADMIN).
 */
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "memshow.h"

struct extent {
	uint64_t offset, length;
	bool used;
};

struct map_ctx {
	struct extent *ext;
	size_t n, cap;
	uint64_t size;
	uint32_t algo;
	char name[MEMHEAP_NAME_LEN];
};

static struct nla_policy extent_policy[MEMHEAP_A_EXTENT_MAX + 1] = {
	[MEMHEAP_A_EXTENT_OFFSET] = { .type = NLA_U64 },
	[MEMHEAP_A_EXTENT_LENGTH] = { .type = NLA_U64 },
	[MEMHEAP_A_EXTENT_USED] = { .type = NLA_U8 },
};

static int region_info(struct nlattr **a, const struct nlmsghdr *nlh, void *ctx)
{
	struct map_ctx *m = ctx;

	(void)nlh;
	m->size = memshow_u64(a, MEMHEAP_A_REGION_SIZE);
	m->algo = memshow_u32(a, MEMHEAP_A_REGION_ALGO);
	snprintf(m->name, sizeof(m->name), "%s", memshow_str(a, MEMHEAP_A_REGION_NAME));
	return 0;
}

static int add_extents(struct nlattr **a, const struct nlmsghdr *nlh, void *ctx)
{
	struct map_ctx *m = ctx;
	struct nlattr *attr;
	int rem;

	(void)a;
	nla_for_each_attr(attr, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		struct nlattr *tb[MEMHEAP_A_EXTENT_MAX + 1];

		if (nla_type(attr) != MEMHEAP_A_EXTENT)
			continue;
		if (nla_parse_nested(tb, MEMHEAP_A_EXTENT_MAX, attr, extent_policy) < 0 ||
		    !tb[MEMHEAP_A_EXTENT_OFFSET] || !tb[MEMHEAP_A_EXTENT_LENGTH]) {
			fprintf(stderr, "memshow: malformed extent from the kernel\n");
			return -1;
		}
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			struct extent *e = realloc(m->ext, cap * sizeof(*e));

			if (!e) {
				fprintf(stderr, "memshow: out of memory\n");
				return -1;
			}
			m->ext = e;
			m->cap = cap;
		}
		m->ext[m->n].offset = nla_get_u64(tb[MEMHEAP_A_EXTENT_OFFSET]);
		m->ext[m->n].length = nla_get_u64(tb[MEMHEAP_A_EXTENT_LENGTH]);
		m->ext[m->n].used = tb[MEMHEAP_A_EXTENT_USED] &&
				    nla_get_u8(tb[MEMHEAP_A_EXTENT_USED]);
		m->n++;
	}
	return 0;
}

/* Bytes of [lo, hi) covered by used extents (extents are address-ordered). */
static uint64_t used_in(const struct map_ctx *m, uint64_t lo, uint64_t hi)
{
	uint64_t used = 0;

	for (size_t i = 0; i < m->n; i++) {
		uint64_t s = m->ext[i].offset, e = s + m->ext[i].length;

		if (e <= lo || !m->ext[i].used)
			continue;
		if (s >= hi)
			break;
		used += (e < hi ? e : hi) - (s > lo ? s : lo);
	}
	return used;
}

static void draw(const struct map_ctx *m, const struct memshow_opts *o)
{
	uint64_t cell = 4096, free_b = 0, used_b = 0, largest = 0;
	size_t nfree = 0, nused = 0;
	char b[4][32];
	int width = o->width > 0 ? o->width : 64;

	for (size_t i = 0; i < m->n; i++) {
		if (m->ext[i].used) {
			nused++;
			used_b += m->ext[i].length;
		} else {
			nfree++;
			free_b += m->ext[i].length;
			if (m->ext[i].length > largest)
				largest = m->ext[i].length;
		}
	}
	/* At most 16 rows: cells are a power of two of at least a page. */
	while (m->size / cell > (uint64_t)width * 16)
		cell *= 2;

	printf("%s: %s %s, %zu used extents (%s), %zu free extents (%s), largest free %s",
	       m->name, memshow_size_str(m->size, o->bytes, b[0], sizeof(b[0])),
	       memshow_algo_str(m->algo), nused,
	       memshow_size_str(used_b, o->bytes, b[1], sizeof(b[1])), nfree,
	       memshow_size_str(free_b, o->bytes, b[2], sizeof(b[2])),
	       memshow_size_str(largest, o->bytes, b[3], sizeof(b[3])));
	if (free_b)
		printf(", fragmentation %.1f%%", 100.0 * (double)(free_b - largest) / (double)free_b);
	printf("\n");
	for (uint64_t row = 0; row < m->size; row += cell * (uint64_t)width) {
		printf("%#10llx |", (unsigned long long)row);
		for (int c = 0; c < width && row + c * cell < m->size; c++) {
			uint64_t lo = row + c * cell;
			uint64_t hi = lo + cell < m->size ? lo + cell : m->size;
			uint64_t u = used_in(m, lo, hi);

			putchar(u == 0 ? '.' : u == hi - lo ? '#' : ':');
		}
		printf("|\n");
	}
	printf("legend: # used  . free  : partly used   (one cell = %s)\n",
	       memshow_size_str(cell, o->bytes, b[0], sizeof(b[0])));
}

static void print_json(const struct map_ctx *m)
{
	printf("{\"region\":");
	memshow_json_str(stdout, m->name);
	printf(",\"size\":%llu,\"algorithm\":\"%s\",\"extents\":[",
	       (unsigned long long)m->size, memshow_algo_str(m->algo));
	for (size_t i = 0; i < m->n; i++)
		printf("%s{\"offset\":%llu,\"length\":%llu,\"used\":%s}", i ? "," : "",
		       (unsigned long long)m->ext[i].offset,
		       (unsigned long long)m->ext[i].length,
		       m->ext[i].used ? "true" : "false");
	printf("]}\n");
}

int memshow_map(struct memshow_session *s, const struct memshow_opts *o,
		const char *region)
{
	struct map_ctx m = { 0 };
	int rc;

	rc = memshow_request(s, MEMHEAP_CMD_REGION_GET, false, region,
			     MEMHEAP_REGION_ANY, region_info, &m);
	if (rc == MEMSHOW_EXIT_OK)
		rc = memshow_request(s, MEMHEAP_CMD_EXTENT_GET, true, region,
				     MEMHEAP_REGION_ANY, add_extents, &m);
	if (rc == MEMSHOW_EXIT_OK) {
		if (o->json)
			print_json(&m);
		else
			draw(&m, o);
	}
	free(m.ext);
	return rc;
}
