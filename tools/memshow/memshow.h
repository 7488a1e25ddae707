/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memshow: what memheap.ko's regions hold, over the "memheap" generic
 * netlink family (uapi/linux/memheap.h).  Internal interfaces between the
 * views (regions, usage, monitor, map) and the netlink session.
 */
#ifndef MEMSHOW_H
#define MEMSHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <netlink/attr.h>

#include <linux/memheap.h>

/* Exit codes, documented in memshow(8). */
enum memshow_exit {
	MEMSHOW_EXIT_OK = 0,
	MEMSHOW_EXIT_ERROR = 1,		/* kernel refused or failed a request */
	MEMSHOW_EXIT_USAGE = 2,		/* bad command line */
	MEMSHOW_EXIT_NO_MODULE = 3,	/* the memheap family does not exist */
	MEMSHOW_EXIT_PERM = 4,		/* the kernel said EPERM */
};

struct memshow_opts {
	bool bytes;	/* exact bytes instead of human units */
	bool json;
	int count;	/* monitor: stop after this many events (0 = never) */
	int timeout;	/* monitor: stop after this many seconds (0 = never) */
	int width;	/* map: characters per line of the picture */
};

/* One netlink session bound to the memheap family. */
struct memshow_session;

struct nlmsghdr;
/*
 * Called for each reply message; attrs is indexed by MEMHEAP_A_* (the last
 * one of each type); views that take repeated attributes walk @nlh.
 * Returning non-zero stops the request with MEMSHOW_EXIT_ERROR.
 */
typedef int (*memshow_msg_fn)(struct nlattr **attrs,
			      const struct nlmsghdr *nlh, void *ctx);

int memshow_open(struct memshow_session **out);
void memshow_close(struct memshow_session *s);
/*
 * Send @cmd (dump when @dump) with an optional region selector (index when
 * @region_name is NULL and @region_index != MEMHEAP_REGION_ANY) and call
 * @fn for every reply.  Returns MEMSHOW_EXIT_* after printing the error
 * (with the kernel's extack message) on failure.
 */
int memshow_request(struct memshow_session *s, uint8_t cmd, bool dump,
		    const char *region_name, uint32_t region_index,
		    memshow_msg_fn fn, void *ctx);
/*
 * Join the "events" group, print @ready (if not NULL) once joined, and call
 * @fn per event until it returns != 0, @count events arrived or @timeout
 * seconds passed.
 */
int memshow_listen(struct memshow_session *s, int count, int timeout,
		   const char *ready,
		   int (*fn)(uint8_t cmd, struct nlattr **attrs, void *ctx),
		   void *ctx);

/* Output helpers. */
const char *memshow_caps_str(uint32_t caps, char *buf, size_t len);
const char *memshow_algo_str(uint32_t algo);
const char *memshow_map_str(uint32_t map);
const char *memshow_origin_str(uint32_t origin);
/* Human units (KiB, MiB, GiB with one decimal) or exact bytes. */
const char *memshow_size_str(uint64_t v, bool bytes, char *buf, size_t len);
void memshow_json_str(FILE *f, const char *s);

uint64_t memshow_u64(struct nlattr **attrs, int type);
uint32_t memshow_u32(struct nlattr **attrs, int type);
const char *memshow_str(struct nlattr **attrs, int type);

int memshow_regions(struct memshow_session *s, const struct memshow_opts *o,
		    int argc, char **argv);
int memshow_usage(struct memshow_session *s, const struct memshow_opts *o);
int memshow_monitor(struct memshow_session *s, const struct memshow_opts *o);
int memshow_map(struct memshow_session *s, const struct memshow_opts *o,
		const char *region);

#endif /* MEMSHOW_H */
