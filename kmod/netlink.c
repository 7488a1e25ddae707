// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the "memheap" generic netlink family: region counters,
 * per-process usage, extent maps, and the events multicast group.
 * Commands and attributes are documented in uapi/linux/memheap.h.
 */
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "memheap.h"

static struct genl_family memheap_genl_family;
static bool memheap_genl_registered;

enum memheap_genl_mcgrp {
	MEMHEAP_MCGRP_EVENTS,
};

static const struct genl_multicast_group memheap_genl_mcgrps[] = {
	[MEMHEAP_MCGRP_EVENTS] = { .name = MEMHEAP_GENL_MCGRP_EVENTS },
};

/* Requests may name a region and nothing else. */
static const struct nla_policy memheap_region_policy[MEMHEAP_A_REGION_NAME + 1] = {
	[MEMHEAP_A_REGION_INDEX] = { .type = NLA_U32 },
	[MEMHEAP_A_REGION_NAME] = { .type = NLA_NUL_STRING,
				    .len = MEMHEAP_NAME_LEN - 1 },
};

/* The region named by the request's index and/or name, else an errno. */
static int region_from_attrs(struct nlattr **attrs,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *idx_attr = attrs[MEMHEAP_A_REGION_INDEX];
	struct nlattr *name_attr = attrs[MEMHEAP_A_REGION_NAME];
	int index = -1;

	if (!idx_attr && !name_attr) {
		NL_SET_ERR_MSG_MOD(extack, "region index or name required");
		return -EINVAL;
	}
	if (name_attr) {
		index = memheap_region_by_name(nla_data(name_attr));
		if (index < 0) {
			NL_SET_ERR_MSG_ATTR(extack, name_attr, "unknown region");
			return -ENOENT;
		}
	}
	if (idx_attr) {
		u32 i = nla_get_u32(idx_attr);

		if (!memheap_region_get(i)) {
			NL_SET_ERR_MSG_ATTR(extack, idx_attr, "unknown region");
			return -ENOENT;
		}
		if (index >= 0 && index != i) {
			NL_SET_ERR_MSG_MOD(extack,
					   "region index and name disagree");
			return -EINVAL;
		}
		index = i;
	}
	return index;
}

static int put_region(struct sk_buff *skb, struct memheap_region *r)
{
	struct memheap_pool_stats st;

	memheap_pool_stats(&r->pool, &st);
	if (nla_put_u32(skb, MEMHEAP_A_REGION_INDEX, r->index) ||
	    nla_put_string(skb, MEMHEAP_A_REGION_NAME, r->spec.name) ||
	    nla_put_u32(skb, MEMHEAP_A_REGION_CAPS, r->spec.caps) ||
	    nla_put_u32(skb, MEMHEAP_A_REGION_ALGO, r->spec.algo) ||
	    nla_put_u32(skb, MEMHEAP_A_REGION_MAP_MODE, r->spec.map_mode) ||
	    nla_put_u32(skb, MEMHEAP_A_REGION_ORIGIN, r->spec.origin) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_SIZE, st.size,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_USED, st.used,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_FREE, st.free,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_LARGEST_FREE,
			      st.largest_free, MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_MIN_FREE, st.min_free,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_ALLOCS, st.allocs,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_FAILURES, st.failures,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_LIVE, st.live,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_LOW_WATERMARK,
			      r->low_watermark, MEMHEAP_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int fill_region(struct sk_buff *skb, struct memheap_region *r,
		       u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &memheap_genl_family, flags,
				MEMHEAP_CMD_REGION_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (put_region(skb, r)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int memheap_region_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int index, err;

	index = region_from_attrs(info->attrs, info->extack);
	if (index < 0)
		return index;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = fill_region(msg, memheap_region_get(index), info->snd_portid,
			  info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int memheap_region_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	unsigned long i;

	for (i = cb->args[0]; i < memheap_dev.nr_regions; i++) {
		if (fill_region(skb, memheap_region_get(i),
				NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				NLM_F_MULTI))
			break;
	}
	cb->args[0] = i;
	return skb->len;
}

/* ---- per-process usage ------------------------------------------------ */

struct usage_entry {
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	u64 buffers;
	u64 bytes;
};

struct usage_snapshot {
	unsigned int count;
	unsigned int cap;
	unsigned int next;
	struct usage_entry *e;
};

static int usage_add(struct memheap_buffer *buf, void *ctx)
{
	struct usage_snapshot *s = ctx;
	unsigned int i;

	for (i = 0; i < s->count; i++)
		if (s->e[i].tgid == buf->tgid)
			break;
	if (i == s->count) {
		if (s->count == s->cap) {
			unsigned int cap = s->cap ? 2 * s->cap : 16;
			struct usage_entry *e;

			e = krealloc_array(s->e, cap, sizeof(*e), GFP_KERNEL);
			if (!e)
				return -ENOMEM;
			s->e = e;
			s->cap = cap;
		}
		s->e[i].tgid = buf->tgid;
		memcpy(s->e[i].comm, buf->comm, sizeof(s->e[i].comm));
		s->e[i].buffers = 0;
		s->e[i].bytes = 0;
		s->count++;
	}
	s->e[i].buffers++;
	s->e[i].bytes += buf->size;
	return 0;
}

/* One consistent snapshot, taken when the dump starts. */
static int memheap_usage_start(struct netlink_callback *cb)
{
	struct usage_snapshot *s;
	struct memheap_file *f;
	int err = 0;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_lock(&memheap_dev.files_lock);
	list_for_each_entry(f, &memheap_dev.files, node) {
		mutex_lock(&f->lock);
		err = memheap_handles_walk(&f->handles, usage_add, s);
		mutex_unlock(&f->lock);
		if (err)
			break;
	}
	mutex_unlock(&memheap_dev.files_lock);
	if (err) {
		kfree(s->e);
		kfree(s);
		return err;
	}
	cb->args[0] = (unsigned long)s;
	return 0;
}

static int memheap_usage_done(struct netlink_callback *cb)
{
	struct usage_snapshot *s = (struct usage_snapshot *)cb->args[0];

	if (s) {
		kfree(s->e);
		kfree(s);
	}
	return 0;
}

static int memheap_usage_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct usage_snapshot *s = (struct usage_snapshot *)cb->args[0];

	for (; s->next < s->count; s->next++) {
		struct usage_entry *e = &s->e[s->next];
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &memheap_genl_family,
				  NLM_F_MULTI, MEMHEAP_CMD_USAGE_GET);
		if (!hdr)
			break;
		if (nla_put_u32(skb, MEMHEAP_A_PID, e->tgid) ||
		    nla_put_string(skb, MEMHEAP_A_COMM, e->comm) ||
		    nla_put_u64_64bit(skb, MEMHEAP_A_BUFFERS, e->buffers,
				      MEMHEAP_A_PAD) ||
		    nla_put_u64_64bit(skb, MEMHEAP_A_BYTES, e->bytes,
				      MEMHEAP_A_PAD)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

/* ---- extents ------------------------------------------------------------ */

/*
 * cb->args: [0] region index, [1] next offset, [2] finished, [3] started.
 * The region is resolved in the first dump call, not in .start: only dump
 * calls have an extack (it travels in NLMSG_DONE).
 */
static int extent_dump_begin(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	int index = region_from_attrs(memheap_dumpit_attrs(info), cb->extack);

	if (index < 0)
		return index;
	cb->args[0] = index;
	cb->args[1] = 0;
	cb->args[2] = 0;
	cb->args[3] = 1;
	return 0;
}

struct extent_put_ctx {
	struct sk_buff *skb;
	u64 stopped_at;
	bool full;
	unsigned int count;
};

static bool put_extent(const struct memheap_extent *ext, void *ctx)
{
	struct extent_put_ctx *pc = ctx;
	struct nlattr *nest;

	nest = nla_nest_start(pc->skb, MEMHEAP_A_EXTENT);
	if (!nest)
		goto full;
	if (nla_put_u64_64bit(pc->skb, MEMHEAP_A_EXTENT_OFFSET, ext->offset,
			      MEMHEAP_A_EXTENT_PAD) ||
	    nla_put_u64_64bit(pc->skb, MEMHEAP_A_EXTENT_LENGTH, ext->length,
			      MEMHEAP_A_EXTENT_PAD) ||
	    nla_put_u8(pc->skb, MEMHEAP_A_EXTENT_USED, ext->used)) {
		nla_nest_cancel(pc->skb, nest);
		goto full;
	}
	nla_nest_end(pc->skb, nest);
	pc->count++;
	return true;
full:
	pc->full = true;
	pc->stopped_at = ext->offset;
	return false;
}

static int memheap_extent_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct extent_put_ctx pc = { .skb = skb };
	struct memheap_region *r;
	void *hdr;
	int err;

	if (!cb->args[3]) {
		err = extent_dump_begin(cb);
		if (err)
			return err;
	}
	r = memheap_region_get(cb->args[0]);
	if (cb->args[2] || !r)
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &memheap_genl_family, NLM_F_MULTI,
			  MEMHEAP_CMD_EXTENT_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MEMHEAP_A_REGION_INDEX, r->index)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	memheap_pool_walk(&r->pool, cb->args[1], put_extent, &pc);
	if (pc.full && !pc.count) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	if (pc.full)
		cb->args[1] = pc.stopped_at;
	else
		cb->args[2] = 1;
	return skb->len;
}

static const struct genl_ops memheap_genl_ops[] = {
	{
		.cmd = MEMHEAP_CMD_REGION_GET,
		.doit = memheap_region_doit,
		.dumpit = memheap_region_dumpit,
		.policy = memheap_region_policy,
		.maxattr = MEMHEAP_A_REGION_NAME,
	},
	{
		.cmd = MEMHEAP_CMD_USAGE_GET,
		.start = memheap_usage_start,
		.dumpit = memheap_usage_dumpit,
		.done = memheap_usage_done,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEMHEAP_CMD_EXTENT_GET,
		.dumpit = memheap_extent_dumpit,
		.policy = memheap_region_policy,
		.maxattr = MEMHEAP_A_REGION_NAME,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family memheap_genl_family = {
	.name = MEMHEAP_GENL_NAME,
	.version = MEMHEAP_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = memheap_genl_ops,
	.n_ops = ARRAY_SIZE(memheap_genl_ops),
	.mcgrps = memheap_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(memheap_genl_mcgrps),
};

/* ---- events ------------------------------------------------------------- */

static struct sk_buff *event_new(u8 cmd, void **hdr)
{
	struct sk_buff *skb;

	if (!memheap_genl_registered ||
	    !genl_has_listeners(&memheap_genl_family, &init_net,
				MEMHEAP_MCGRP_EVENTS))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &memheap_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&memheap_genl_family, skb, 0, MEMHEAP_MCGRP_EVENTS,
			  GFP_KERNEL);
}

/**
 * memheap_event_alloc_failed() - multicast MEMHEAP_CMD_EVENT_ALLOC_FAILED,
 * once per failed request.
 * @req: the request that failed, as the caller made it.
 *
 * Any user may join the events group, so no event names a process (no
 * pid, no command name): who holds what is USAGE_GET, which is admin-only.
 */
void memheap_event_alloc_failed(const struct memheap_alloc *req)
{
	struct sk_buff *skb;
	void *hdr;

	skb = event_new(MEMHEAP_CMD_EVENT_ALLOC_FAILED, &hdr);
	if (!skb)
		return;
	if (nla_put_u64_64bit(skb, MEMHEAP_A_SIZE, req->size, MEMHEAP_A_PAD) ||
	    nla_put_u32(skb, MEMHEAP_A_CAPS, req->caps) ||
	    ((req->flags & MEMHEAP_ALLOC_REGION) &&
	     nla_put_u32(skb, MEMHEAP_A_REGION_INDEX, req->region))) {
		nlmsg_free(skb);
		return;
	}
	event_send(skb, hdr);
}

/**
 * memheap_event_low_watermark() - multicast MEMHEAP_CMD_EVENT_LOW_WATERMARK.
 * @r:    the region whose free bytes fell below its watermark.
 * @free: free bytes now.
 */
void memheap_event_low_watermark(struct memheap_region *r, u64 free)
{
	struct sk_buff *skb;
	void *hdr;

	skb = event_new(MEMHEAP_CMD_EVENT_LOW_WATERMARK, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, MEMHEAP_A_REGION_INDEX, r->index) ||
	    nla_put_string(skb, MEMHEAP_A_REGION_NAME, r->spec.name) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_FREE, free,
			      MEMHEAP_A_PAD) ||
	    nla_put_u64_64bit(skb, MEMHEAP_A_REGION_LOW_WATERMARK,
			      r->low_watermark, MEMHEAP_A_PAD)) {
		nlmsg_free(skb);
		return;
	}
	event_send(skb, hdr);
}

/**
 * memheap_netlink_init() - register the family.
 *
 * Return: 0 or a negative errno.
 */
int memheap_netlink_init(void)
{
	int err = genl_register_family(&memheap_genl_family);

	if (!err)
		memheap_genl_registered = true;
	return err;
}

/**
 * memheap_netlink_exit() - unregister the family.
 */
void memheap_netlink_exit(void)
{
	memheap_genl_registered = false;
	genl_unregister_family(&memheap_genl_family);
}
