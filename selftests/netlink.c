// SPDX-License-Identifier: GPL-2.0
/*
 * The "memheap" generic netlink family: region dumps agree with the ioctl
 * view, per-process usage, extents, the events group (allocation failed,
 * low watermark), admin-only data refused to unprivileged callers, and
 * extack messages on errors.  Events go to any listener, so they name no
 * process; a failed request sends exactly one, with what was asked.
 */
#include <grp.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memheap_test.h"
#include "mh_genl.h"

#define NOBODY		65534
#define EVENT_WAIT_MS	2000
#define EXT_LEN		256

static int genl_open_or_fail(struct __test_metadata *_metadata, struct mh_genl *g)
{
	int ret = mh_genl_open(g);

	EXPECT_EQ(0, ret) TH_LOG("memheap family: %s", strerror(-ret));
	return ret;
}

TEST(family_and_events_group)
{
	struct mh_genl g;

	ASSERT_EQ(0, genl_open_or_fail(_metadata, &g));
	EXPECT_NE(0, g.family);
	EXPECT_NE(0, g.events_group);
	EXPECT_EQ(0, mh_genl_subscribe(&g));
	mh_genl_close(&g);
}

struct region_view {
	int count;
	int fd;
	struct __test_metadata *md;
	uint64_t watermark[MH_MAX_REGIONS];
};

static int check_region_reply(const struct mh_genl_reply *rep, void *arg)
{
	static const int u64_attrs[] = {
		MEMHEAP_A_REGION_SIZE, MEMHEAP_A_REGION_USED, MEMHEAP_A_REGION_FREE,
		MEMHEAP_A_REGION_LARGEST_FREE, MEMHEAP_A_REGION_MIN_FREE,
		MEMHEAP_A_REGION_ALLOCS, MEMHEAP_A_REGION_FAILURES, MEMHEAP_A_REGION_LIVE,
		MEMHEAP_A_REGION_LOW_WATERMARK,
	};
	struct region_view *v = arg;
	struct __test_metadata *_metadata = v->md;
	struct memheap_region_info ri;
	const struct nlattr *const *tb = rep->tb;
	uint32_t index;
	size_t i;

	EXPECT_EQ(MEMHEAP_CMD_REGION_GET, rep->cmd);
	if (!tb[MEMHEAP_A_REGION_INDEX]) {
		TH_LOG("region message without an index");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(u64_attrs); i++) {
		if (!tb[u64_attrs[i]] || mh_nla_len(tb[u64_attrs[i]]) != 8) {
			TH_LOG("attribute %d missing or not a u64", u64_attrs[i]);
			return 1;
		}
	}
	if (!tb[MEMHEAP_A_REGION_NAME] || !tb[MEMHEAP_A_REGION_CAPS] ||
	    !tb[MEMHEAP_A_REGION_ALGO] || !tb[MEMHEAP_A_REGION_MAP_MODE] ||
	    !tb[MEMHEAP_A_REGION_ORIGIN]) {
		TH_LOG("region message lacks name/caps/algo/map/origin");
		return 1;
	}
	index = mh_nla_u32(tb[MEMHEAP_A_REGION_INDEX]);
	if (mh_region(v->fd, index, &ri)) {
		TH_LOG("netlink names region %u, the ioctl does not know it", index);
		return 1;
	}
	v->count++;
	EXPECT_STREQ(ri.name, mh_nla_str(tb[MEMHEAP_A_REGION_NAME]));
	EXPECT_EQ(ri.caps, mh_nla_u32(tb[MEMHEAP_A_REGION_CAPS]));
	EXPECT_EQ(ri.algo, mh_nla_u32(tb[MEMHEAP_A_REGION_ALGO]));
	EXPECT_EQ(ri.map_mode, mh_nla_u32(tb[MEMHEAP_A_REGION_MAP_MODE]));
	EXPECT_EQ(ri.origin, mh_nla_u32(tb[MEMHEAP_A_REGION_ORIGIN]));
	EXPECT_EQ(ri.size, mh_nla_u64(tb[MEMHEAP_A_REGION_SIZE]));
	EXPECT_EQ(ri.used, mh_nla_u64(tb[MEMHEAP_A_REGION_USED]));
	EXPECT_EQ(ri.free, mh_nla_u64(tb[MEMHEAP_A_REGION_FREE]));
	EXPECT_EQ(ri.largest_free, mh_nla_u64(tb[MEMHEAP_A_REGION_LARGEST_FREE]));
	EXPECT_EQ(ri.min_free, mh_nla_u64(tb[MEMHEAP_A_REGION_MIN_FREE]));
	EXPECT_EQ(ri.allocs, mh_nla_u64(tb[MEMHEAP_A_REGION_ALLOCS]));
	EXPECT_EQ(ri.failures, mh_nla_u64(tb[MEMHEAP_A_REGION_FAILURES]));
	EXPECT_EQ(ri.live, mh_nla_u64(tb[MEMHEAP_A_REGION_LIVE]));
	if (index < MH_MAX_REGIONS)
		v->watermark[index] = mh_nla_u64(tb[MEMHEAP_A_REGION_LOW_WATERMARK]);
	return 0;
}

static uint32_t watermark_pct(void)
{
	char buf[32];

	if (mh_read_file(MH_PARAM_DIR "low_watermark_pct", buf, sizeof(buf)) < 0)
		return 10;
	return (uint32_t)strtoul(buf, NULL, 0);
}

TEST(region_dump_matches_ioctl)
{
	struct region_view v = { .md = _metadata };
	struct memheap_region_info ri;
	struct memheap_alloc a;
	struct mh_genl_req r;
	struct mh_genl g;
	uint64_t page = (uint64_t)mh_page_size(), want;
	uint32_t i, pct = watermark_pct();

	ASSERT_EQ(0, genl_open_or_fail(_metadata, &g));
	v.fd = mh_open();
	ASSERT_LE(0, v.fd);
	/* Something non-trivial to agree on. */
	ASSERT_EQ(0, mh_alloc(v.fd, 5 * page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, true);
	ASSERT_EQ(0, mh_genl_transact(&g, &r, check_region_reply, &v, NULL, 0));
	EXPECT_EQ((int)mh_nr_regions(v.fd), v.count);
	for (i = 0; i < mh_nr_regions(v.fd) && i < MH_MAX_REGIONS; i++) {
		ASSERT_EQ(0, mh_region(v.fd, i, &ri));
		want = ri.size / 100 * pct;
		/* The module may round the watermark to a page. */
		EXPECT_GE(want + page, v.watermark[i]) TH_LOG("%s", ri.name);
		EXPECT_LE(want, v.watermark[i] + page) TH_LOG("%s", ri.name);
	}
	EXPECT_EQ(0, mh_free(v.fd, a.handle));
	close(v.fd);
	mh_genl_close(&g);
}

TEST(region_get_by_index_and_name)
{
	struct region_view v = { .md = _metadata };
	struct memheap_region_info ri;
	struct mh_genl_req r;
	struct mh_genl g;
	uint32_t i, n;

	ASSERT_EQ(0, genl_open_or_fail(_metadata, &g));
	v.fd = mh_open();
	ASSERT_LE(0, v.fd);
	n = mh_nr_regions(v.fd);
	for (i = 0; i < n; i++) {
		mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
		mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, i);
		ASSERT_EQ(0, mh_genl_transact(&g, &r, check_region_reply, &v, NULL, 0));
		ASSERT_EQ(0, mh_region(v.fd, i, &ri));
		mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
		mh_genl_put_str(&r, MEMHEAP_A_REGION_NAME, ri.name);
		ASSERT_EQ(0, mh_genl_transact(&g, &r, check_region_reply, &v, NULL, 0));
	}
	EXPECT_EQ((int)(2 * n), v.count);
	close(v.fd);
	mh_genl_close(&g);
}

/* Each bad request: an error and a non-empty extack message. */
TEST(bad_requests_carry_extack)
{
	char ext[EXT_LEN], long_name[MEMHEAP_NAME_LEN + 8];
	struct mh_genl_req r;
	struct mh_genl g;
	uint8_t small = 0;
	int fd, ret;
	uint32_t n;

	ASSERT_EQ(0, genl_open_or_fail(_metadata, &g));
	fd = mh_open();
	ASSERT_LE(0, fd);
	n = mh_nr_regions(fd);
	close(fd);

	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
	mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, n);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	EXPECT_TRUE(ret == -ENOENT || ret == -EINVAL || ret == -ENODEV) TH_LOG("%d", ret);
	EXPECT_NE('\0', ext[0]) TH_LOG("no extack for an unknown region index");

	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
	mh_genl_put_str(&r, MEMHEAP_A_REGION_NAME, "no-such-region");
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	EXPECT_TRUE(ret == -ENOENT || ret == -EINVAL || ret == -ENODEV) TH_LOG("%d", ret);
	EXPECT_NE('\0', ext[0]) TH_LOG("no extack for an unknown region name");

	/* do without a region named */
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_NE('\0', ext[0]) TH_LOG("no extack for a missing region attribute");

	/* Wrong attribute length: the policy refuses it. */
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
	mh_genl_put(&r, MEMHEAP_A_REGION_INDEX, &small, sizeof(small));
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE) TH_LOG("%d", ret);
	EXPECT_NE('\0', ext[0]) TH_LOG("no extack for a short u32");

	/* A name longer than any region's. */
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, false);
	mh_genl_put_str(&r, MEMHEAP_A_REGION_NAME, long_name);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE || ret == -ENOENT) TH_LOG("%d", ret);
	EXPECT_NE('\0', ext[0]) TH_LOG("no extack for an over-long name");

	/* An extent dump of an unknown region. */
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_EXTENT_GET, true);
	mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, n + 7);
	ret = mh_genl_transact(&g, &r, NULL, NULL, ext, sizeof(ext));
	EXPECT_TRUE(ret == -ENOENT || ret == -EINVAL || ret == -ENODEV) TH_LOG("%d", ret);
	EXPECT_NE('\0', ext[0]) TH_LOG("no extack for an extent dump of an unknown region");

	/* Unknown command. */
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_MAX + 5, false);
	EXPECT_EQ(-EOPNOTSUPP, mh_genl_transact(&g, &r, NULL, NULL, NULL, 0));
	mh_genl_close(&g);
}

struct usage_view {
	struct __test_metadata *md;
	uint32_t pid;
	int seen;
	char comm[32];
	uint64_t buffers, bytes;
};

static int usage_reply(const struct mh_genl_reply *rep, void *arg)
{
	struct usage_view *u = arg;
	struct __test_metadata *_metadata = u->md;

	EXPECT_EQ(MEMHEAP_CMD_USAGE_GET, rep->cmd);
	if (!rep->tb[MEMHEAP_A_PID] || !rep->tb[MEMHEAP_A_COMM] ||
	    !rep->tb[MEMHEAP_A_BUFFERS] || !rep->tb[MEMHEAP_A_BYTES]) {
		TH_LOG("usage message lacks pid/comm/buffers/bytes");
		return 1;
	}
	if (mh_nla_u32(rep->tb[MEMHEAP_A_PID]) != u->pid)
		return 0;
	u->seen++;
	snprintf(u->comm, sizeof(u->comm), "%s", mh_nla_str(rep->tb[MEMHEAP_A_COMM]));
	u->buffers = mh_nla_u64(rep->tb[MEMHEAP_A_BUFFERS]);
	u->bytes = mh_nla_u64(rep->tb[MEMHEAP_A_BYTES]);
	return 0;
}

static int usage_of(struct mh_genl *g, struct usage_view *u, uint32_t pid)
{
	struct mh_genl_req r;

	u->pid = pid;
	u->seen = 0;
	u->buffers = u->bytes = 0;
	u->comm[0] = '\0';
	mh_genl_req_init(&r, g->family, MEMHEAP_CMD_USAGE_GET, true);
	return mh_genl_transact(g, &r, usage_reply, u, NULL, 0);
}

/* Buffers on two files of this process add up to one entry; a child has its own. */
TEST(usage_per_process)
{
	struct usage_view u = { .md = _metadata };
	uint64_t page = (uint64_t)mh_page_size(), held, child_bytes;
	int fd1 = mh_open(), fd2 = mh_open(), ready[2], status;
	struct memheap_alloc a;
	char comm[32] = "";
	struct mh_genl g;
	pid_t pid;

	ASSERT_EQ(0, genl_open_or_fail(_metadata, &g));
	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd2);
	ASSERT_LT(0, mh_read_file("/proc/self/comm", comm, sizeof(comm)));
	comm[strcspn(comm, "\n")] = '\0';

	ASSERT_EQ(0, usage_of(&g, &u, (uint32_t)getpid()));
	EXPECT_EQ(0, u.seen);
	ASSERT_EQ(0, mh_alloc(fd1, page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	held = a.size_out;
	ASSERT_EQ(0, mh_alloc(fd1, 2 * page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	held += a.size_out;
	ASSERT_EQ(0, mh_alloc(fd2, 3 * page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	held += a.size_out;
	ASSERT_EQ(0, usage_of(&g, &u, (uint32_t)getpid()));
	EXPECT_EQ(1, u.seen);
	EXPECT_STREQ(comm, u.comm);
	EXPECT_EQ(3, u.buffers);
	EXPECT_EQ(held, u.bytes);

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = mh_open();

		close(fd1);
		close(fd2);
		if (fd < 0 || mh_alloc(fd, 7 * page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a))
			_exit(10);
		if (write(ready[1], &a.size_out, sizeof(a.size_out)) != sizeof(a.size_out))
			_exit(11);
		pause();
		_exit(0);
	}
	ASSERT_EQ(sizeof(child_bytes), read(ready[0], &child_bytes, sizeof(child_bytes)));
	ASSERT_EQ(0, usage_of(&g, &u, (uint32_t)pid));
	EXPECT_EQ(1, u.seen);
	EXPECT_EQ(1, u.buffers);
	EXPECT_EQ(child_bytes, u.bytes);
	/* The parent's entry counts only the parent's files. */
	ASSERT_EQ(0, usage_of(&g, &u, (uint32_t)getpid()));
	EXPECT_EQ(3, u.buffers);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, usage_of(&g, &u, (uint32_t)pid));
	EXPECT_EQ(0, u.seen);

	close(fd1);
	close(fd2);
	ASSERT_EQ(0, usage_of(&g, &u, (uint32_t)getpid()));
	EXPECT_EQ(0, u.seen);
	mh_genl_close(&g);
}

struct extent_view {
	struct __test_metadata *md;
	uint64_t next, used, count;
	uint64_t want_off, want_len;
	int want_found, bad;
};

static int extent_reply(const struct mh_genl_reply *rep, void *arg)
{
	const struct nlattr *tb[MEMHEAP_A_EXTENT_MAX + 1];
	struct extent_view *e = arg;
	const char *p = rep->attrs;
	const struct nlattr *a;
	size_t left = rep->attrs_len;
	uint64_t off, len;

	/* Several MEMHEAP_A_EXTENT per message: walk the whole stream. */
	while (left >= NLA_HDRLEN) {
		a = (const struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > left) {
			e->bad++;
			return 1;
		}
		if ((a->nla_type & NLA_TYPE_MASK) == MEMHEAP_A_EXTENT) {
			if (mh_genl_parse((const char *)a + NLA_HDRLEN, mh_nla_len(a), tb,
					  MEMHEAP_A_EXTENT_MAX) ||
			    !tb[MEMHEAP_A_EXTENT_OFFSET] || !tb[MEMHEAP_A_EXTENT_LENGTH] ||
			    !tb[MEMHEAP_A_EXTENT_USED]) {
				e->bad++;
				return 1;
			}
			off = mh_nla_u64(tb[MEMHEAP_A_EXTENT_OFFSET]);
			len = mh_nla_u64(tb[MEMHEAP_A_EXTENT_LENGTH]);
			/* In address order, no gap, no overlap, nothing empty. */
			if (off != e->next || !len)
				e->bad++;
			e->next = off + len;
			e->count++;
			if (mh_nla_u8(tb[MEMHEAP_A_EXTENT_USED])) {
				e->used += len;
				if (off <= e->want_off && e->want_off + e->want_len <= off + len)
					e->want_found = 1;
			}
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		left -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

TEST(extents_cover_the_region)
{
	struct extent_view e = { .md = _metadata };
	struct memheap_region_info ri;
	struct memheap_alloc a;
	struct mh_genl_req r;
	struct mh_genl g;
	int fd = mh_open(), dma;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genl_open_or_fail(_metadata, &g));
	dma = mh_find_region(fd, MEMHEAP_CAP_DMA);
	if (dma < 0)
		SKIP(goto out, "no DMA region: buffer placement not visible");
	ASSERT_EQ(0, mh_alloc(fd, 3 * mh_page_size(), 0, (uint32_t)dma, MH_MAP_NONE, &a));
	ASSERT_EQ(0, mh_region(fd, (uint32_t)dma, &ri));
	e.want_off = a.dev_addr - ri.dev_addr;
	e.want_len = a.size_out;
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_EXTENT_GET, true);
	mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, (uint32_t)dma);
	ASSERT_EQ(0, mh_genl_transact(&g, &r, extent_reply, &e, NULL, 0));
	EXPECT_EQ(0, e.bad);
	EXPECT_LT(0, e.count);
	EXPECT_EQ(ri.size, e.next);
	EXPECT_EQ(ri.used, e.used);
	EXPECT_EQ(1, e.want_found);
	/* By name too. */
	memset(&e, 0, sizeof(e));
	e.md = _metadata;
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_EXTENT_GET, true);
	mh_genl_put_str(&r, MEMHEAP_A_REGION_NAME, ri.name);
	ASSERT_EQ(0, mh_genl_transact(&g, &r, extent_reply, &e, NULL, 0));
	EXPECT_EQ(ri.size, e.next);
	EXPECT_EQ(0, mh_free(fd, a.handle));
out:
	mh_genl_close(&g);
	close(fd);
}

/* Child: 0 when every admin-only request is refused with EPERM. */
static int unprivileged_checks(bool socket_first)
{
	struct mh_genl g;
	struct mh_genl_req r;

	if (socket_first && mh_genl_open(&g))
		return 10;
	if (setgid(NOBODY) || setuid(NOBODY))
		return 11;
	if (!socket_first && mh_genl_open(&g))
		return 12;
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_USAGE_GET, true);
	if (mh_genl_transact(&g, &r, NULL, NULL, NULL, 0) != -EPERM)
		return 13;
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_EXTENT_GET, true);
	mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, 0);
	if (mh_genl_transact(&g, &r, NULL, NULL, NULL, 0) != -EPERM)
		return 14;
	/* Region counters are for everyone. */
	mh_genl_req_init(&r, g.family, MEMHEAP_CMD_REGION_GET, true);
	if (mh_genl_transact(&g, &r, NULL, NULL, NULL, 0))
		return 15;
	return 0;
}

TEST(unprivileged_denied_admin_data)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < 2; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(unprivileged_checks(i == 0));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("socket %s setuid",
							 i == 0 ? "before" : "after");
	}
}

FIXTURE(events) {
	struct mh_genl sub;
	int fd;
	char saved_limit[64];
	char buf[8192];
};

FIXTURE_SETUP(events)
{
	ASSERT_EQ(0, genl_open_or_fail(_metadata, &self->sub));
	ASSERT_EQ(0, mh_genl_subscribe(&self->sub));
	self->fd = mh_open();
	ASSERT_LE(0, self->fd);
	ASSERT_LT(0, mh_read_file(MH_PARAM_DIR "file_limit", self->saved_limit,
				  sizeof(self->saved_limit)));
}

FIXTURE_TEARDOWN(events)
{
	EXPECT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", self->saved_limit));
	close(self->fd);
	mh_genl_close(&self->sub);
}

/* Next event with command @cmd, skipping others; 1 found, 0 none. */
static int wait_event(struct mh_genl *g, char *buf, size_t len, uint8_t cmd,
		      struct mh_genl_reply *rep)
{
	int ret;

	while ((ret = mh_genl_next_event(g, EVENT_WAIT_MS, buf, len, rep)) == 1)
		if (rep->cmd == cmd)
			return 1;
	return ret;
}

static void expect_alloc_failed(struct __test_metadata *_metadata, struct mh_genl *g,
				char *buf, size_t len, uint64_t size, uint32_t caps,
				int64_t region)
{
	struct mh_genl_reply rep;

	ASSERT_EQ(1, wait_event(g, buf, len, MEMHEAP_CMD_EVENT_ALLOC_FAILED, &rep)) {
		TH_LOG("no allocation-failed event (size %llu)", (unsigned long long)size);
	}
	ASSERT_NE(NULL, rep.tb[MEMHEAP_A_SIZE]);
	ASSERT_NE(NULL, rep.tb[MEMHEAP_A_CAPS]);
	/* anyone may listen: events name no process */
	EXPECT_EQ(NULL, rep.tb[MEMHEAP_A_PID]);
	EXPECT_EQ(NULL, rep.tb[MEMHEAP_A_COMM]);
	EXPECT_EQ(size, mh_nla_u64(rep.tb[MEMHEAP_A_SIZE]));
	EXPECT_EQ(caps, mh_nla_u32(rep.tb[MEMHEAP_A_CAPS]));
	if (region < 0) {
		EXPECT_EQ(NULL, rep.tb[MEMHEAP_A_REGION_INDEX]);
	} else {
		ASSERT_NE(NULL, rep.tb[MEMHEAP_A_REGION_INDEX]);
		EXPECT_EQ((uint32_t)region, mh_nla_u32(rep.tb[MEMHEAP_A_REGION_INDEX]));
	}
}

TEST_F(events, alloc_failed_over_file_limit)
{
	uint64_t page = (uint64_t)mh_page_size();
	struct memheap_region_info r0;
	struct memheap_info info;
	struct memheap_alloc a, ok;
	char limit[32];

	snprintf(limit, sizeof(limit), "%llu", (unsigned long long)(2 * page));
	ASSERT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", limit));
	ASSERT_EQ(0, mh_info(self->fd, &info));
	EXPECT_EQ(2 * page, info.file_limit);

	ASSERT_EQ(0, mh_alloc(self->fd, page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &ok));
	EXPECT_EQ(-ENOMEM, mh_alloc(self->fd, 2 * page, MEMHEAP_CAP_8BIT, MEMHEAP_REGION_ANY,
				    MH_MAP_NONE, &a));
	expect_alloc_failed(_metadata, &self->sub, self->buf, sizeof(self->buf), 2 * page,
			    MEMHEAP_CAP_8BIT, -1);
	/* In a named region: the event names it. */
	ASSERT_EQ(0, mh_region(self->fd, 0, &r0));
	EXPECT_EQ(-ENOMEM, mh_alloc(self->fd, 3 * page, r0.caps, 0, MH_MAP_NONE, &a));
	expect_alloc_failed(_metadata, &self->sub, self->buf, sizeof(self->buf), 3 * page,
			    r0.caps, 0);
	/* Up to the limit still works; the limit is per file. */
	ASSERT_EQ(0, mh_alloc(self->fd, page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	EXPECT_EQ(0, mh_free(self->fd, a.handle));
	EXPECT_EQ(0, mh_free(self->fd, ok.handle));
}

TEST_F(events, alloc_failed_impossible_size)
{
	struct memheap_alloc a;

	EXPECT_EQ(-ENOMEM, mh_alloc(self->fd, 1ULL << 40, MEMHEAP_CAP_32BIT,
				    MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	expect_alloc_failed(_metadata, &self->sub, self->buf, sizeof(self->buf), 1ULL << 40,
			    MEMHEAP_CAP_32BIT, -1);
}

struct watermark_of {
	uint64_t wm;
};

static int watermark_reply(const struct mh_genl_reply *rep, void *arg)
{
	struct watermark_of *w = arg;

	if (!rep->tb[MEMHEAP_A_REGION_LOW_WATERMARK])
		return 1;
	w->wm = mh_nla_u64(rep->tb[MEMHEAP_A_REGION_LOW_WATERMARK]);
	return 0;
}

static void expect_low_watermark(struct __test_metadata *_metadata, struct mh_genl *g,
				 char *buf, size_t len, const struct memheap_region_info *now,
				 uint64_t wm)
{
	struct mh_genl_reply rep;

	ASSERT_EQ(1, wait_event(g, buf, len, MEMHEAP_CMD_EVENT_LOW_WATERMARK, &rep)) {
		TH_LOG("no low-watermark event for %s", now->name);
	}
	ASSERT_NE(NULL, rep.tb[MEMHEAP_A_REGION_INDEX]);
	ASSERT_NE(NULL, rep.tb[MEMHEAP_A_REGION_NAME]);
	ASSERT_NE(NULL, rep.tb[MEMHEAP_A_REGION_FREE]);
	ASSERT_NE(NULL, rep.tb[MEMHEAP_A_REGION_LOW_WATERMARK]);
	EXPECT_EQ(now->index, mh_nla_u32(rep.tb[MEMHEAP_A_REGION_INDEX]));
	EXPECT_STREQ(now->name, mh_nla_str(rep.tb[MEMHEAP_A_REGION_NAME]));
	EXPECT_EQ(now->free, mh_nla_u64(rep.tb[MEMHEAP_A_REGION_FREE]));
	EXPECT_EQ(wm, mh_nla_u64(rep.tb[MEMHEAP_A_REGION_LOW_WATERMARK]));
}

/*
 * Crossing below the watermark sends one event; staying below sends none
 * (checked by a later allocation-failed event arriving first); rising
 * above re-arms it.
 */
TEST_F(events, low_watermark_once_per_crossing)
{
	uint64_t page = (uint64_t)mh_page_size(), take;
	struct memheap_region_info ri, now;
	struct watermark_of w = { 0 };
	struct memheap_alloc big, small, a;
	struct mh_genl_reply rep;
	struct mh_genl_req r;
	struct mh_genl q;
	int round, ret, region;

	region = mh_find_region(self->fd, 0);
	/* Prefer a first-fit region: sizes are exact there. */
	for (ret = 0; ret < (int)mh_nr_regions(self->fd); ret++) {
		ASSERT_EQ(0, mh_region(self->fd, (uint32_t)ret, &ri));
		if (ri.algo == MEMHEAP_ALGO_FIRSTFIT) {
			region = ret;
			break;
		}
	}
	ASSERT_LE(0, region);
	ASSERT_EQ(0, genl_open_or_fail(_metadata, &q));
	mh_genl_req_init(&r, q.family, MEMHEAP_CMD_REGION_GET, false);
	mh_genl_put_u32(&r, MEMHEAP_A_REGION_INDEX, (uint32_t)region);
	ASSERT_EQ(0, mh_genl_transact(&q, &r, watermark_reply, &w, NULL, 0));
	mh_genl_close(&q);
	ASSERT_EQ(0, mh_region(self->fd, (uint32_t)region, &ri));
	ASSERT_LT(w.wm + page, ri.free) TH_LOG("%s is already below its watermark", ri.name);

	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, mh_region(self->fd, (uint32_t)region, &ri));
		take = (ri.free - w.wm) / page * page + page;
		ASSERT_EQ(0, mh_alloc(self->fd, take, 0, (uint32_t)region, MH_MAP_NONE, &big));
		ASSERT_EQ(0, mh_region(self->fd, (uint32_t)region, &now));
		ASSERT_GT(w.wm, now.free);
		expect_low_watermark(_metadata, &self->sub, self->buf, sizeof(self->buf),
				     &now, w.wm);
		/* Still below: no second event.  A failure event marks the spot. */
		ASSERT_EQ(0, mh_alloc(self->fd, page, 0, (uint32_t)region, MH_MAP_NONE, &small));
		EXPECT_EQ(-ENOMEM, mh_alloc(self->fd, 1ULL << 40, 0, MEMHEAP_REGION_ANY,
					    MH_MAP_NONE, &a));
		ASSERT_EQ(1, mh_genl_next_event(&self->sub, EVENT_WAIT_MS, self->buf,
						sizeof(self->buf), &rep));
		EXPECT_EQ(MEMHEAP_CMD_EVENT_ALLOC_FAILED, rep.cmd) {
			TH_LOG("event %u while staying below the watermark", rep.cmd);
		}
		/* Back above: re-armed for the next round. */
		ASSERT_EQ(0, mh_free(self->fd, small.handle));
		ASSERT_EQ(0, mh_free(self->fd, big.handle));
	}
}

/*
 * What a drain of the events socket found: allocation-failed events of the
 * two marker sizes (a request's, then an end marker's), in order, and
 * whether any memheap event named a process.
 */
struct drained {
	int request;		/* events with the request's size */
	int end;		/* events with the end marker's size */
	int request_after_end;
	int named_process;
	uint32_t caps;		/* of the last request event */
	bool region_attr;	/* it had a region index */
};

/*
 * Read every queued event without waiting: events are queued before the
 * ioctl that sends them returns, so after the end marker's request the
 * queue holds everything this test caused.
 */
static int drain(struct mh_genl *g, char *buf, size_t len, uint64_t request,
		 uint64_t end, struct drained *d)
{
	struct mh_genl_reply rep;
	uint64_t size;
	int ret;

	memset(d, 0, sizeof(*d));
	while ((ret = mh_genl_next_event(g, 0, buf, len, &rep)) == 1) {
		if (rep.tb[MEMHEAP_A_PID] || rep.tb[MEMHEAP_A_COMM])
			d->named_process++;
		if (rep.cmd != MEMHEAP_CMD_EVENT_ALLOC_FAILED || !rep.tb[MEMHEAP_A_SIZE])
			continue;
		size = mh_nla_u64(rep.tb[MEMHEAP_A_SIZE]);
		if (size == request) {
			d->request++;
			if (d->end)
				d->request_after_end++;
			d->caps = rep.tb[MEMHEAP_A_CAPS] ? mh_nla_u32(rep.tb[MEMHEAP_A_CAPS]) : ~0U;
			d->region_attr = rep.tb[MEMHEAP_A_REGION_INDEX] != NULL;
		} else if (size == end) {
			d->end++;
		}
	}
	return ret;
}

/*
 * A capability that at least two regions have (a request for it is tried
 * in each), and a size no region can hold but that is tried everywhere
 * (within a buffer's window); -1 when fewer than two regions share one.
 */
static int shared_caps(int fd, uint32_t *caps, uint64_t *too_big, int *matching)
{
	struct memheap_region_info ri;
	uint32_t i, n = mh_nr_regions(fd), bit;
	int count;

	*too_big = 0;
	for (i = 0; i < n; i++) {
		if (mh_region(fd, i, &ri))
			return -1;
		if (ri.size > *too_big)
			*too_big = ri.size;
	}
	*too_big += (uint64_t)mh_page_size();
	for (bit = 0; (1U << bit) & MEMHEAP_CAPS_ALL; bit++) {
		count = 0;
		for (i = 0; i < n; i++)
			if (!mh_region(fd, i, &ri) && (ri.caps & (1U << bit)))
				count++;
		if (count >= 2) {
			*caps = 1U << bit;
			*matching = count;
			return 0;
		}
	}
	return -1;
}

/*
 * One failed request, tried in several regions, sends exactly one event
 * with the request's size and caps (not one per region, not a region's
 * caps); each region tried counts one failure.
 */
TEST_F(events, one_event_per_failed_request)
{
	uint64_t page = (uint64_t)mh_page_size(), size, end;
	struct memheap_region_info before[MH_MAX_REGIONS], after;
	uint32_t caps = 0, i, n = mh_nr_regions(self->fd);
	struct memheap_alloc a;
	struct drained d;
	int matching = 0;

	if (shared_caps(self->fd, &caps, &size, &matching))
		SKIP(return, "no capability shared by two regions");
	ASSERT_GE(1ULL << MEMHEAP_MMAP_WINDOW_SHIFT, size + 2 * page);
	end = size + page;
	/* no file limit: the regions must be what refuses */
	ASSERT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", "0"));
	ASSERT_GE(MH_MAX_REGIONS, (int)n);
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, mh_region(self->fd, i, &before[i]));
	/* queued events from earlier tests are not ours: the markers tell */
	EXPECT_EQ(-ENOMEM, mh_alloc(self->fd, size, caps, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	EXPECT_EQ(-ENOMEM, mh_alloc(self->fd, end, caps, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	ASSERT_EQ(0, drain(&self->sub, self->buf, sizeof(self->buf), size, end, &d));
	EXPECT_EQ(1, d.request) TH_LOG("caps %#x matched %d regions", caps, matching);
	EXPECT_EQ(1, d.end);
	EXPECT_EQ(0, d.request_after_end);
	EXPECT_EQ(caps, d.caps);
	EXPECT_FALSE(d.region_attr);
	EXPECT_EQ(0, d.named_process);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mh_region(self->fd, i, &after));
		EXPECT_EQ(before[i].failures + ((before[i].caps & caps) ? 2 : 0),
			  after.failures) TH_LOG("region %s", after.name);
	}
}

/*
 * MEMHEAP_ALLOC_TRY: a failing request so flagged (over every region with
 * the caps, in one named region, or over the file limit) sends no event
 * and moves no region's failures counter; it allocates like any other
 * when it fits; an unknown flag next to it is still -EINVAL.  The end
 * marker (no TRY) is the one event and the one failure per region.
 */
TEST_F(events, try_flag_neither_counted_nor_reported)
{
	uint64_t page = (uint64_t)mh_page_size(), size, end;
	struct memheap_region_info before[MH_MAX_REGIONS], after;
	uint32_t caps = 0, i, n = mh_nr_regions(self->fd), first = n;
	struct memheap_alloc a;
	struct drained d;
	int matching = 0;

	if (shared_caps(self->fd, &caps, &size, &matching))
		SKIP(return, "no capability shared by two regions");
	/* sizes of its own: 3 and 4 pages beyond the other tests' */
	size += 3 * page;
	end = size + page;
	ASSERT_GE(1ULL << MEMHEAP_MMAP_WINDOW_SHIFT, end);
	ASSERT_GE(MH_MAX_REGIONS, (int)n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mh_region(self->fd, i, &before[i]));
		if (first == n && (before[i].caps & caps) == caps)
			first = i;
	}
	ASSERT_GT(n, first);

	/* over every region with the caps */
	ASSERT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", "0"));
	memset(&a, 0, sizeof(a));
	a.size = size;
	a.caps = caps;
	a.flags = MEMHEAP_ALLOC_TRY;
	EXPECT_EQ(-ENOMEM, mh_ioctl(self->fd, MEMHEAP_IOC_ALLOC, &a));
	/* in one named region */
	memset(&a, 0, sizeof(a));
	a.size = size;
	a.caps = caps;
	a.flags = MEMHEAP_ALLOC_TRY | MEMHEAP_ALLOC_REGION;
	a.region = first;
	EXPECT_EQ(-ENOMEM, mh_ioctl(self->fd, MEMHEAP_IOC_ALLOC, &a));
	/* over the file limit (1 byte: the request is refused before any region) */
	ASSERT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", "1"));
	memset(&a, 0, sizeof(a));
	a.size = size;
	a.caps = caps;
	a.flags = MEMHEAP_ALLOC_TRY;
	EXPECT_EQ(-ENOMEM, mh_ioctl(self->fd, MEMHEAP_IOC_ALLOC, &a));
	ASSERT_EQ(0, mh_write_file(MH_PARAM_DIR "file_limit", "0"));
	/* an unknown flag, with TRY or alone, is still refused */
	memset(&a, 0, sizeof(a));
	a.size = page;
	a.caps = caps;
	a.flags = MEMHEAP_ALLOC_TRY | (MEMHEAP_ALLOC_FLAGS_ALL + 1);
	EXPECT_EQ(-EINVAL, mh_ioctl(self->fd, MEMHEAP_IOC_ALLOC, &a));
	a.flags = MEMHEAP_ALLOC_FLAGS_ALL + 1;
	EXPECT_EQ(-EINVAL, mh_ioctl(self->fd, MEMHEAP_IOC_ALLOC, &a));
	EXPECT_EQ(MEMHEAP_ALLOC_TRY, MEMHEAP_ALLOC_TRY & MEMHEAP_ALLOC_FLAGS_ALL);
	/* a TRY that fits is an ordinary allocation */
	memset(&a, 0, sizeof(a));
	a.size = page;
	a.caps = caps;
	a.flags = MEMHEAP_ALLOC_TRY;
	ASSERT_EQ(0, mh_ioctl(self->fd, MEMHEAP_IOC_ALLOC, &a));
	EXPECT_NE(0U, a.handle);
	EXPECT_EQ(page, a.size_out);
	ASSERT_EQ(0, mh_region(self->fd, a.region_out, &after));
	EXPECT_EQ(before[a.region_out].allocs + 1, after.allocs);
	EXPECT_EQ(0, mh_free(self->fd, a.handle));

	/* the end marker: counted and reported as usual */
	EXPECT_EQ(-ENOMEM, mh_alloc(self->fd, end, caps, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	ASSERT_EQ(0, drain(&self->sub, self->buf, sizeof(self->buf), size, end, &d));
	EXPECT_EQ(0, d.request);
	EXPECT_EQ(1, d.end);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mh_region(self->fd, i, &after));
		EXPECT_EQ(before[i].failures + ((before[i].caps & caps) ? 1 : 0),
			  after.failures) TH_LOG("region %s", after.name);
	}
}

/* Child of events_for_everyone_name_no_process: exit codes say what failed. */
static int unprivileged_listener(int ready_fd, int go_fd, uint64_t size, uint64_t end,
				 uint32_t caps)
{
	static char buf[8192];
	struct mh_genl g;
	struct drained d;
	char c = 'r';

	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return 10;
	if (geteuid() != NOBODY || setuid(0) == 0)
		return 11;	/* privileges not really dropped */
	if (mh_genl_open(&g))
		return 12;
	if (mh_genl_subscribe(&g))
		return 13;	/* the rule: anyone may listen */
	if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
		return 14;
	if (drain(&g, buf, sizeof(buf), size, end, &d))
		return 15;
	if (d.request != 1 || d.end != 1)
		return 16;	/* another process's failure, seen once */
	if (d.caps != caps)
		return 17;
	if (d.named_process)
		return 18;	/* ... without naming that process */
	mh_genl_close(&g);
	return 0;
}

/*
 * The events rule, from both sides: a privileged and an unprivileged
 * listener both get another process's failure with the request's size
 * and caps, and neither message names the process (no pid, no command).
 */
TEST(events_for_everyone_name_no_process)
{
	uint64_t page = (uint64_t)mh_page_size(), size = 0, end;
	int ready[2], go[2], status, fd, matching;
	char buf[8192], c = 'g';
	struct memheap_alloc a;
	uint32_t caps = MEMHEAP_CAP_DEFAULT;
	struct mh_genl g;
	struct drained d;
	pid_t pid;

	fd = mh_open();
	ASSERT_LE(0, fd);
	if (shared_caps(fd, &caps, &size, &matching))
		caps = MEMHEAP_CAP_DEFAULT;
	/* one more page than the other test's sizes: its own markers */
	size += 2 * page;
	end = size + page;
	ASSERT_EQ(0, genl_open_or_fail(_metadata, &g));
	ASSERT_EQ(0, mh_genl_subscribe(&g));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		_exit(unprivileged_listener(ready[1], go[0], size, end, caps));
	}
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("the child never subscribed");
	EXPECT_EQ(-ENOMEM, mh_alloc(fd, size, caps, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	EXPECT_EQ(-ENOMEM, mh_alloc(fd, end, caps, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	c = 'g';
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("unprivileged listener: check %d failed",
						 WEXITSTATUS(status));
	ASSERT_EQ(0, drain(&g, buf, sizeof(buf), size, end, &d));
	EXPECT_EQ(1, d.request);
	EXPECT_EQ(1, d.end);
	EXPECT_EQ(caps, d.caps);
	EXPECT_EQ(0, d.named_process);
	close(ready[0]);
	close(go[1]);
	mh_genl_close(&g);
	close(fd);
}

MEMHEAP_TEST_MAIN
