// SPDX-License-Identifier: GPL-2.0
/* memshow -p: buffers and bytes held per process (needs CAP_NET_ADMIN). */
#include <stdlib.h>
#include <string.h>

#include "memshow.h"

struct usage_ctx {
	const struct memshow_opts *o;
	int n;
};

static int print_one(struct nlattr **a, const struct nlmsghdr *nlh, void *ctx)
{
	struct usage_ctx *u = ctx;
	char b[32];

	(void)nlh;
	if (u->o->json) {
		printf("%s{\"pid\":%u,\"comm\":", u->n ? "," : "",
		       memshow_u32(a, MEMHEAP_A_PID));
		memshow_json_str(stdout, memshow_str(a, MEMHEAP_A_COMM));
		printf(",\"buffers\":%llu,\"bytes\":%llu}",
		       (unsigned long long)memshow_u64(a, MEMHEAP_A_BUFFERS),
		       (unsigned long long)memshow_u64(a, MEMHEAP_A_BYTES));
	} else {
		printf("%8u  %-16s  %8llu  %10s\n", memshow_u32(a, MEMHEAP_A_PID),
		       memshow_str(a, MEMHEAP_A_COMM),
		       (unsigned long long)memshow_u64(a, MEMHEAP_A_BUFFERS),
		       memshow_size_str(memshow_u64(a, MEMHEAP_A_BYTES),
					u->o->bytes, b, sizeof(b)));
	}
	u->n++;
	return 0;
}

int memshow_usage(struct memshow_session *s, const struct memshow_opts *o)
{
	struct usage_ctx u = { .o = o };
	int rc;

	/* Header first would leave a stray line on a permission error. */
	if (o->json)
		printf("{\"processes\":[");
	else
		printf("%8s  %-16s  %8s  %10s\n", "PID", "COMMAND", "BUFFERS", "BYTES");
	rc = memshow_request(s, MEMHEAP_CMD_USAGE_GET, true, NULL,
			     MEMHEAP_REGION_ANY, print_one, &u);
	if (o->json)
		printf("]}\n");
	else if (rc == MEMSHOW_EXIT_OK && !u.n)
		printf("(no process holds memheap buffers)\n");
	return rc;
}
