// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink side of memshow: one libnl generic netlink socket bound to
 * the "memheap" family, requests with their replies fed to a view's
 * callback, errors reported with the kernel's extack message.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "memshow.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct memshow_session {
	struct nl_sock *sk;
	int family;
};

static struct nla_policy attr_policy[MEMHEAP_A_MAX + 1] = {
	[MEMHEAP_A_REGION_INDEX] = { .type = NLA_U32 },
	[MEMHEAP_A_REGION_NAME] = { .type = NLA_STRING },
	[MEMHEAP_A_REGION_CAPS] = { .type = NLA_U32 },
	[MEMHEAP_A_REGION_ALGO] = { .type = NLA_U32 },
	[MEMHEAP_A_REGION_MAP_MODE] = { .type = NLA_U32 },
	[MEMHEAP_A_REGION_ORIGIN] = { .type = NLA_U32 },
	[MEMHEAP_A_REGION_SIZE] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_USED] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_FREE] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_LARGEST_FREE] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_MIN_FREE] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_ALLOCS] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_FAILURES] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_LIVE] = { .type = NLA_U64 },
	[MEMHEAP_A_REGION_LOW_WATERMARK] = { .type = NLA_U64 },
	[MEMHEAP_A_PID] = { .type = NLA_U32 },
	[MEMHEAP_A_COMM] = { .type = NLA_STRING },
	[MEMHEAP_A_BUFFERS] = { .type = NLA_U64 },
	[MEMHEAP_A_BYTES] = { .type = NLA_U64 },
	[MEMHEAP_A_SIZE] = { .type = NLA_U64 },
	[MEMHEAP_A_CAPS] = { .type = NLA_U32 },
	[MEMHEAP_A_EXTENT] = { .type = NLA_NESTED },
};

int memshow_open(struct memshow_session **out)
{
	struct memshow_session *s;
	int one = 1;

	s = calloc(1, sizeof(*s));
	if (!s) {
		fprintf(stderr, "memshow: out of memory\n");
		return MEMSHOW_EXIT_ERROR;
	}
	s->sk = nl_socket_alloc();
	if (!s->sk || genl_connect(s->sk) < 0) {
		fprintf(stderr, "memshow: cannot open a generic netlink socket: %s\n",
			strerror(errno));
		memshow_close(s);
		return MEMSHOW_EXIT_ERROR;
	}
	/* Ask for the kernel's error strings; older kernels just ignore it. */
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	s->family = genl_ctrl_resolve(s->sk, MEMHEAP_GENL_NAME);
	if (s->family < 0) {
		fprintf(stderr,
			"memshow: the memheap module is not loaded (no \"%s\" generic netlink family); load it with 'modprobe memheap' or 'insmod memheap.ko'\n",
			MEMHEAP_GENL_NAME);
		memshow_close(s);
		return MEMSHOW_EXIT_NO_MODULE;
	}
	*out = s;
	return MEMSHOW_EXIT_OK;
}

void memshow_close(struct memshow_session *s)
{
	if (!s)
		return;
	nl_socket_free(s->sk);
	free(s);
}

struct request {
	memshow_msg_fn fn;
	void *ctx;
	int error;		/* negative errno from the kernel, 0 if none */
	bool done;
	bool view_failed;	/* the view's callback asked to stop */
	char extack[256];
};

/* The TLVs that follow an error or done payload, per NLM_F_ACK_TLVS. */
static void read_extack(struct request *r, const struct nlmsghdr *nlh,
			size_t payload_off)
{
	const struct nlattr *a;
	int len, rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)NLMSG_ALIGN(payload_off);
	if (len <= 0)
		return;
	/* netlink keeps attributes 4-byte aligned: NLMSG_ALIGN above */
	a = (const void *)((const char *)nlmsg_data(nlh) +
			   NLMSG_ALIGN(payload_off));
	nla_for_each_attr(a, a, len, rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0) {
			snprintf(r->extack, sizeof(r->extack), "%.*s",
				 nla_len(a), (const char *)nla_data(a));
			break;
		}
	}
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	/* the error payload sits right after its (aligned) message header */
	const struct nlmsghdr *nlh = (const void *)((char *)err - NLMSG_HDRLEN);
	struct request *r = arg;
	size_t off = sizeof(*err);

	(void)who;
	r->error = err->error;
	r->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	read_extack(r, nlh, off);
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* A dump ends with NLMSG_DONE whose payload is an int: 0 or -errno. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct request *r = arg;
	int code;

	r->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		memcpy(&code, nlmsg_data(nlh), sizeof(code));
		if (code < 0) {
			r->error = code;
			read_extack(r, nlh, sizeof(int));
		}
	}
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[MEMHEAP_A_MAX + 1];
	struct request *r = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, MEMHEAP_A_MAX,
			  attr_policy) < 0) {
		fprintf(stderr, "memshow: malformed reply from the kernel\n");
		r->view_failed = true;
		r->done = true;
		return NL_STOP;
	}
	if (r->fn(attrs, nlmsg_hdr(msg), r->ctx)) {
		r->view_failed = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int report_error(const struct request *r, uint8_t cmd)
{
	static const char *const names[] = {
		[MEMHEAP_CMD_REGION_GET] = "region query",
		[MEMHEAP_CMD_USAGE_GET] = "usage query",
		[MEMHEAP_CMD_EXTENT_GET] = "map query",
	};
	const char *what = cmd < sizeof(names) / sizeof(names[0]) && names[cmd] ?
			   names[cmd] : "request";

	if (r->extack[0])
		fprintf(stderr, "memshow: %s failed: %s (%s)\n", what,
			r->extack, strerror(-r->error));
	else
		fprintf(stderr, "memshow: %s failed: %s\n", what,
			strerror(-r->error));
	if (r->error == -EPERM) {
		fprintf(stderr, "memshow: this view needs CAP_NET_ADMIN (run as root)\n");
		return MEMSHOW_EXIT_PERM;
	}
	return MEMSHOW_EXIT_ERROR;
}

int memshow_request(struct memshow_session *s, uint8_t cmd, bool dump,
		    const char *region_name, uint32_t region_index,
		    memshow_msg_fn fn, void *ctx)
{
	struct request r = { .fn = fn, .ctx = ctx };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int rc = MEMSHOW_EXIT_ERROR;

	msg = nlmsg_alloc();
	cb = nl_cb_clone(nl_socket_get_cb(s->sk));
	if (!msg || !cb)
		goto out;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, s->family, 0,
			 NLM_F_ACK | (dump ? NLM_F_DUMP : 0), cmd,
			 MEMHEAP_GENL_VERSION))
		goto out;
	if (region_name && nla_put_string(msg, MEMHEAP_A_REGION_NAME,
					  region_name) < 0)
		goto out;
	if (!region_name && region_index != MEMHEAP_REGION_ANY &&
	    nla_put_u32(msg, MEMHEAP_A_REGION_INDEX, region_index) < 0)
		goto out;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &r);
	if (nl_send_auto(s->sk, msg) < 0) {
		fprintf(stderr, "memshow: cannot send to the kernel\n");
		goto out;
	}
	while (!r.done && !r.view_failed) {
		int err = nl_recvmsgs(s->sk, cb);

		if (err < 0 && !r.done && !r.view_failed) {
			fprintf(stderr, "memshow: receive failed: %s\n",
				nl_geterror(err));
			goto out;
		}
	}
	if (r.view_failed)
		goto out;
	rc = r.error ? report_error(&r, cmd) : MEMSHOW_EXIT_OK;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return rc;
}

struct listener {
	int (*fn)(uint8_t cmd, struct nlattr **attrs, void *ctx);
	void *ctx;
	int seen;
	bool stop;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[MEMHEAP_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct listener *l = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, MEMHEAP_A_MAX,
			  attr_policy) < 0)
		return NL_SKIP;
	l->seen++;
	if (l->fn(gh->cmd, attrs, l->ctx))
		l->stop = true;
	return NL_OK;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int memshow_listen(struct memshow_session *s, int count, int timeout,
		   const char *ready,
		   int (*fn)(uint8_t cmd, struct nlattr **attrs, void *ctx),
		   void *ctx)
{
	struct listener l = { .fn = fn, .ctx = ctx };
	long deadline = timeout > 0 ? now_ms() + timeout * 1000L : 0;
	int grp;

	grp = genl_ctrl_resolve_grp(s->sk, MEMHEAP_GENL_NAME,
				    MEMHEAP_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "memshow: the memheap family has no \"%s\" group\n",
			MEMHEAP_GENL_MCGRP_EVENTS);
		return MEMSHOW_EXIT_ERROR;
	}
	nl_socket_disable_seq_check(s->sk);
	nl_socket_modify_cb(s->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &l);
	if (nl_socket_add_membership(s->sk, grp) < 0) {
		fprintf(stderr, "memshow: cannot join the events group\n");
		return MEMSHOW_EXIT_ERROR;
	}
	/* Only now are events heard: a script may wait for this line. */
	if (ready)
		printf("%s\n", ready);
	if (fflush(stdout) == EOF)
		return MEMSHOW_EXIT_ERROR;
	while (!l.stop && (count <= 0 || l.seen < count)) {
		struct pollfd p = { .fd = nl_socket_get_fd(s->sk), .events = POLLIN };
		int wait = -1;

		if (deadline) {
			long left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = (int)left;
		}
		if (poll(&p, 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "memshow: poll: %s\n", strerror(errno));
			return MEMSHOW_EXIT_ERROR;
		}
		if (p.revents & POLLIN) {
			int err = nl_recvmsgs_default(s->sk);

			if (err < 0 && err != -NLE_AGAIN) {
				fprintf(stderr, "memshow: receive failed: %s\n",
					nl_geterror(err));
				return MEMSHOW_EXIT_ERROR;
			}
		}
	}
	return MEMSHOW_EXIT_OK;
}
