// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink client for the memheap selftests (see mh_genl.h).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/memheap.h>

#include "mh_genl.h"

#define RECV_BYTES	65536

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static void *nla_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

size_t mh_nla_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

uint32_t mh_nla_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	memcpy(&v, nla_data(a), mh_nla_len(a) < sizeof(v) ? mh_nla_len(a) : sizeof(v));
	return v;
}

uint64_t mh_nla_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	memcpy(&v, nla_data(a), mh_nla_len(a) < sizeof(v) ? mh_nla_len(a) : sizeof(v));
	return v;
}

uint8_t mh_nla_u8(const struct nlattr *a)
{
	return mh_nla_len(a) ? *(uint8_t *)nla_data(a) : 0;
}

const char *mh_nla_str(const struct nlattr *a)
{
	return nla_data(a);
}

int mh_genl_parse(const void *data, size_t len, const struct nlattr **tb, int max)
{
	const char *p = data;
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (len >= NLA_HDRLEN) {
		a = (const struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EBADMSG;
		if ((a->nla_type & NLA_TYPE_MASK) <= max)
			tb[a->nla_type & NLA_TYPE_MASK] = a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

void mh_genl_req_init(struct mh_genl_req *r, uint16_t family, uint8_t cmd, bool dump)
{
	struct genlmsghdr *gh;

	memset(r->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	r->nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->nlh.nlmsg_type = family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	gh = (struct genlmsghdr *)(r->buf + NLMSG_HDRLEN);
	gh->cmd = cmd;
	gh->version = MEMHEAP_GENL_VERSION;
}

void mh_genl_put(struct mh_genl_req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(r->buf + NLMSG_ALIGN(r->nlh.nlmsg_len));

	if (NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(r->buf))
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	r->nlh.nlmsg_len = NLMSG_ALIGN(r->nlh.nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len);
}

void mh_genl_put_u32(struct mh_genl_req *r, uint16_t type, uint32_t v)
{
	mh_genl_put(r, type, &v, sizeof(v));
}

void mh_genl_put_str(struct mh_genl_req *r, uint16_t type, const char *s)
{
	mh_genl_put(r, type, s, strlen(s) + 1);
}

/*
 * The extack message of an NLMSG_ERROR (TLVs after struct nlmsgerr and,
 * unless capped, the echoed request) or of an NLMSG_DONE ending a dump
 * (TLVs after the int error), if any.
 */
static void extack_msg(const struct nlmsghdr *nlh, char *ext, size_t ext_len)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*err);

	if (!ext || !ext_len || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_DONE)
		off = sizeof(int);
	else if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return;
	if (mh_genl_parse((const char *)err + off, nlh->nlmsg_len - NLMSG_HDRLEN - off,
			  tb, NLMSGERR_ATTR_MAX))
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		strncpy(ext, mh_nla_str(tb[NLMSGERR_ATTR_MSG]), ext_len - 1);
		ext[ext_len - 1] = '\0';
	}
}

static int parse_genl(const struct nlmsghdr *nlh, struct mh_genl_reply *reply)
{
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EBADMSG;
	reply->cmd = gh->cmd;
	reply->attrs = (const char *)gh + GENL_HDRLEN;
	reply->attrs_len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return mh_genl_parse((const char *)gh + GENL_HDRLEN,
			     nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
			     reply->tb, MH_GENL_MAX_ATTR);
}

int mh_genl_transact(struct mh_genl *g, struct mh_genl_req *r, mh_genl_cb cb, void *arg,
		     char *ext, size_t ext_len)
{
	/* one per thread: fault_ops transacts from several at once, and a
	 * shared buffer let one thread's reply overwrite another's, which
	 * then waited in recv() for ever
	 */
	static _Thread_local char buf[RECV_BYTES];
	struct mh_genl_reply reply;
	struct nlmsghdr *nlh;
	ssize_t n;
	unsigned int len;
	int cb_failed = 0;

	if (ext && ext_len)
		ext[0] = '\0';
	r->nlh.nlmsg_seq = ++g->seq;
	if (send(g->fd, r->buf, r->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(g->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		len = (unsigned int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != g->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(nlh);

				extack_msg(nlh, ext, ext_len);
				return err->error ? err->error : (cb_failed ? -EPROTO : 0);
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = *(int *)NLMSG_DATA(nlh);

				extack_msg(nlh, ext, ext_len);
				/* A dump ends here; no ack follows. */
				return err ? err : (cb_failed ? -EPROTO : 0);
			}
			if (parse_genl(nlh, &reply))
				return -EBADMSG;
			if (cb && cb(&reply, arg))
				cb_failed = 1;
		}
	}
}

int mh_genl_next_event(struct mh_genl *g, int timeout_ms, void *buf, size_t len,
		       struct mh_genl_reply *reply)
{
	struct pollfd pfd = { .fd = g->fd, .events = POLLIN };
	struct nlmsghdr *nlh = buf;
	ssize_t n;

	for (;;) {
		n = poll(&pfd, 1, timeout_ms);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		n = recv(g->fd, buf, len, 0);
		if (n < 0)
			return -errno;
		if (!NLMSG_OK(nlh, (unsigned int)n) || nlh->nlmsg_type != g->family)
			continue;
		return parse_genl(nlh, reply) ? -EBADMSG : 1;
	}
}

struct family_lookup {
	uint16_t id;
	uint32_t group;
};

static int family_cb(const struct mh_genl_reply *reply, void *arg)
{
	const struct nlattr *grp[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const struct nlattr *groups, *a;
	struct family_lookup *f = arg;
	size_t left;

	if (reply->tb[CTRL_ATTR_FAMILY_ID])
		f->id = (uint16_t)mh_nla_u32(reply->tb[CTRL_ATTR_FAMILY_ID]);
	groups = reply->tb[CTRL_ATTR_MCAST_GROUPS];
	if (!groups)
		return 0;
	a = (const struct nlattr *)((const char *)groups + NLA_HDRLEN);
	left = mh_nla_len(groups);
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
		if (!mh_genl_parse((const char *)a + NLA_HDRLEN, mh_nla_len(a), grp,
				   CTRL_ATTR_MCAST_GRP_MAX) &&
		    grp[CTRL_ATTR_MCAST_GRP_NAME] && grp[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mh_nla_str(grp[CTRL_ATTR_MCAST_GRP_NAME]),
			    MEMHEAP_GENL_MCGRP_EVENTS))
			f->group = mh_nla_u32(grp[CTRL_ATTR_MCAST_GRP_ID]);
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		left -= (size_t)NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return 0;
}

int mh_genl_open(struct mh_genl *g)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct family_lookup f = { 0 };
	struct mh_genl_req r;
	int one = 1, ret;

	memset(g, 0, sizeof(*g));
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd < 0)
		return -errno;
	if (bind(g->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(g->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(g->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		ret = -errno;
		close(g->fd);
		return ret;
	}
	mh_genl_req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, false);
	((struct genlmsghdr *)(r.buf + NLMSG_HDRLEN))->version = 1;
	mh_genl_put_str(&r, CTRL_ATTR_FAMILY_NAME, MEMHEAP_GENL_NAME);
	ret = mh_genl_transact(g, &r, family_cb, &f, NULL, 0);
	if (!ret && !f.id)
		ret = -ENOENT;
	if (ret) {
		close(g->fd);
		return ret;
	}
	g->family = f.id;
	g->events_group = f.group;
	return 0;
}

void mh_genl_close(struct mh_genl *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

int mh_genl_subscribe(struct mh_genl *g)
{
	int grp = (int)g->events_group;

	if (!grp)
		return -ENOENT;
	return setsockopt(g->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) ?
	       -errno : 0;
}
