/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink client over raw AF_NETLINK sockets (the guest
 * has no libnl): family and multicast group lookup through nlctrl,
 * requests with attributes, do/dump replies parsed into attribute tables,
 * errors with their extack message, and multicast events.
 */
#ifndef MEMHEAP_MH_GENL_H
#define MEMHEAP_MH_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#define MH_GENL_MAX_ATTR	63
#define MH_GENL_MSG_BYTES	4096

struct mh_genl {
	int fd;
	uint16_t family;	/* resolved id of MEMHEAP_GENL_NAME */
	uint32_t events_group;	/* id of the "events" multicast group, 0 if none */
	uint32_t seq;
};

/* One parsed reply or event: command and top-level attributes. */
struct mh_genl_reply {
	uint8_t cmd;
	const struct nlattr *tb[MH_GENL_MAX_ATTR + 1];	/* last of each type */
	const void *attrs;				/* every attribute, in order */
	size_t attrs_len;
};

/* A request being built. */
struct mh_genl_req {
	union {
		struct nlmsghdr nlh;
		char buf[MH_GENL_MSG_BYTES];
	};
};

/*
 * Open a socket and resolve the memheap family.  0, -ENOENT when the
 * family is not registered, or another -errno.
 */
int mh_genl_open(struct mh_genl *g);
void mh_genl_close(struct mh_genl *g);

/* Join the events group.  0 or -errno. */
int mh_genl_subscribe(struct mh_genl *g);

void mh_genl_req_init(struct mh_genl_req *r, uint16_t family, uint8_t cmd, bool dump);
void mh_genl_put(struct mh_genl_req *r, uint16_t type, const void *data, size_t len);
void mh_genl_put_u32(struct mh_genl_req *r, uint16_t type, uint32_t v);
void mh_genl_put_str(struct mh_genl_req *r, uint16_t type, const char *s);

typedef int (*mh_genl_cb)(const struct mh_genl_reply *reply, void *arg);

/*
 * Send @r and pass every reply to @cb (which may return non-zero to
 * count a failure it already reported).  Returns the kernel's error
 * (0 or -errno); when there is an extack message it is copied to @ext.
 */
int mh_genl_transact(struct mh_genl *g, struct mh_genl_req *r, mh_genl_cb cb, void *arg,
		     char *ext, size_t ext_len);

/*
 * Wait up to @timeout_ms for the next multicast message and parse it
 * into @reply (attributes point into @buf).  1 when one arrived, 0 on
 * timeout, -errno on error.
 */
int mh_genl_next_event(struct mh_genl *g, int timeout_ms, void *buf, size_t len,
		       struct mh_genl_reply *reply);

/* Parse a stream of attributes into @tb (indices up to @max). */
int mh_genl_parse(const void *data, size_t len, const struct nlattr **tb, int max);

uint32_t mh_nla_u32(const struct nlattr *a);
uint64_t mh_nla_u64(const struct nlattr *a);
uint8_t mh_nla_u8(const struct nlattr *a);
const char *mh_nla_str(const struct nlattr *a);
size_t mh_nla_len(const struct nlattr *a);

#endif /* MEMHEAP_MH_GENL_H */
