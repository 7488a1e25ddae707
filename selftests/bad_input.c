// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input on every ioctl: short, oversized and garbage structures,
 * unknown flags, non-zero reserved fields, bad sizes and alignments,
 * unknown, stale and foreign handles, unknown commands.  Each gets its
 * documented error and changes nothing: the region counters stay put and
 * live buffers keep their contents.
 */
#include <stddef.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memheap_test.h"

#define ARG_MAX_BYTES	256
#define TAIL_BYTES	64
#define GARBAGE_ROUNDS	200

/* An ioctl number for command @nr with an argument of @size bytes. */
static unsigned long cmd_sized(unsigned int nr, size_t size)
{
	return _IOC(_IOC_READ | _IOC_WRITE, MEMHEAP_IOC_MAGIC, nr, size);
}

/* A live one-page buffer for commands that need a handle. */
struct ctx {
	int fd;
	uint32_t handle;
	uint64_t size;
};

struct cmd_desc {
	const char *name;
	unsigned int nr;
	size_t size;	/* sizeof the structure */
	size_t ver0;	/* *_SIZE_VER0 */
	/* Fill @arg with a valid argument. */
	void (*prepare)(struct ctx *c, void *arg);
	/* Undo what a successful call did (free, close). */
	void (*undo)(struct ctx *c, void *arg);
	/* Reserved ranges: offset, length pairs, ending with length 0. */
	size_t reserved[4][2];
};

static void prep_info(struct ctx *c, void *arg)
{
	(void)c;
	memset(arg, 0, sizeof(struct memheap_info));
}

static void prep_region(struct ctx *c, void *arg)
{
	(void)c;
	memset(arg, 0, sizeof(struct memheap_region_info));
}

static void prep_alloc(struct ctx *c, void *arg)
{
	struct memheap_alloc *a = arg;

	(void)c;
	memset(a, 0, sizeof(*a));
	a->size = (uint64_t)mh_page_size();
}

static void undo_alloc(struct ctx *c, void *arg)
{
	mh_free(c->fd, ((struct memheap_alloc *)arg)->handle);
}

/* FREE consumes its handle: each call gets a fresh buffer. */
static void prep_free(struct ctx *c, void *arg)
{
	struct memheap_handle_arg *h = arg;
	struct memheap_alloc a;

	memset(h, 0, sizeof(*h));
	if (!mh_alloc(c->fd, 1, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a))
		h->handle = a.handle;
}

/* When FREE was refused, the fresh buffer is still ours to free. */
static void undo_free_refused(struct ctx *c, void *arg)
{
	mh_free(c->fd, ((struct memheap_handle_arg *)arg)->handle);
}

static void prep_buffer(struct ctx *c, void *arg)
{
	struct memheap_buffer_info *b = arg;

	memset(b, 0, sizeof(*b));
	b->handle = c->handle;
}

static void prep_sync(struct ctx *c, void *arg)
{
	struct memheap_sync *s = arg;

	memset(s, 0, sizeof(*s));
	s->handle = c->handle;
	s->flags = MEMHEAP_SYNC_FOR_CPU;
}

static void prep_export(struct ctx *c, void *arg)
{
	struct memheap_export *e = arg;

	memset(e, 0, sizeof(*e));
	e->handle = c->handle;
	e->flags = O_CLOEXEC | O_RDWR;
}

static void undo_export(struct ctx *c, void *arg)
{
	(void)c;
	close(((struct memheap_export *)arg)->fd);
}

static void prep_check(struct ctx *c, void *arg)
{
	struct memheap_check *k = arg;

	(void)c;
	memset(k, 0, sizeof(*k));
	k->region = MEMHEAP_REGION_ANY;
}

#define RSV(type, field) { offsetof(type, field), sizeof(((type *)0)->field) }

static const struct cmd_desc cmds[] = {
	{ "INFO", 0x00, sizeof(struct memheap_info), MEMHEAP_INFO_SIZE_VER0,
	  prep_info, NULL, { RSV(struct memheap_info, reserved) } },
	{ "REGION_QUERY", 0x01, sizeof(struct memheap_region_info),
	  MEMHEAP_REGION_INFO_SIZE_VER0, prep_region, NULL,
	  { RSV(struct memheap_region_info, reserved0),
	    RSV(struct memheap_region_info, reserved) } },
	{ "ALLOC", 0x02, sizeof(struct memheap_alloc), MEMHEAP_ALLOC_SIZE_VER0,
	  prep_alloc, undo_alloc, { RSV(struct memheap_alloc, reserved) } },
	{ "FREE", 0x03, sizeof(struct memheap_handle_arg), MEMHEAP_HANDLE_ARG_SIZE_VER0,
	  prep_free, NULL, { RSV(struct memheap_handle_arg, reserved) } },
	{ "BUFFER_QUERY", 0x04, sizeof(struct memheap_buffer_info),
	  MEMHEAP_BUFFER_INFO_SIZE_VER0, prep_buffer, NULL,
	  { RSV(struct memheap_buffer_info, reserved) } },
	{ "SYNC", 0x05, sizeof(struct memheap_sync), MEMHEAP_SYNC_SIZE_VER0,
	  prep_sync, NULL, { RSV(struct memheap_sync, reserved) } },
	{ "EXPORT", 0x06, sizeof(struct memheap_export), MEMHEAP_EXPORT_SIZE_VER0,
	  prep_export, undo_export, { RSV(struct memheap_export, reserved) } },
	{ "CHECK", 0x07, sizeof(struct memheap_check), MEMHEAP_CHECK_SIZE_VER0,
	  prep_check, NULL, { RSV(struct memheap_check, reserved0),
			      RSV(struct memheap_check, reserved) } },
};

FIXTURE(bad) {
	struct ctx c;
	struct mh_snapshot base;
	uint8_t *map;
};

FIXTURE_SETUP(bad)
{
	struct memheap_alloc a;

	self->c.fd = mh_open();
	ASSERT_LE(0, self->c.fd);
	ASSERT_EQ(0, mh_alloc(self->c.fd, 1, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	self->c.handle = a.handle;
	self->c.size = a.size_out;
	self->map = mh_map(self->c.fd, a.mmap_offset, a.size_out);
	ASSERT_NE(MAP_FAILED, self->map);
	mh_fill(self->map, a.size_out, 77);
	ASSERT_EQ(0, mh_snapshot(self->c.fd, &self->base));
}

FIXTURE_TEARDOWN(bad)
{
	struct memheap_buffer_info bi;
	struct mh_snapshot now;

	/* Nothing lost: the buffer, its contents, and every counter. */
	EXPECT_EQ(0, mh_buffer(self->c.fd, self->c.handle, &bi));
	EXPECT_EQ(self->c.size, mh_verify(self->map, self->c.size, 77));
	EXPECT_EQ(0, mh_snapshot(self->c.fd, &now));
	EXPECT_EQ(0, mh_snapshot_diff(&self->base, &now));
	EXPECT_EQ(0, mh_check_errors(self->c.fd));
	munmap(self->map, self->c.size);
	close(self->c.fd);
}

/* Call @d with @arg (@size bytes); undo a success; return 0 or -errno. */
static int call(const struct cmd_desc *d, struct ctx *c, void *arg, size_t size)
{
	int ret = mh_ioctl(c->fd, cmd_sized(d->nr, size), arg);

	if (!ret && d->undo)
		d->undo(c, arg);
	if (ret && d->prepare == prep_free)
		undo_free_refused(c, arg);
	return ret;
}

TEST_F(bad, valid_arguments_work)
{
	uint8_t arg[ARG_MAX_BYTES];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		cmds[i].prepare(&self->c, arg);
		EXPECT_EQ(0, call(&cmds[i], &self->c, arg, cmds[i].size)) {
			TH_LOG("%s", cmds[i].name);
		}
	}
}

TEST_F(bad, short_structures)
{
	uint8_t arg[ARG_MAX_BYTES];
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (len = 0; len < cmds[i].ver0; len += (len + 8 < cmds[i].ver0) ? 8 : 1) {
			cmds[i].prepare(&self->c, arg);
			EXPECT_EQ(-EINVAL, call(&cmds[i], &self->c, arg, len)) {
				TH_LOG("%s with %zu bytes", cmds[i].name, len);
			}
		}
	}
}

TEST_F(bad, oversized_with_garbage_tail)
{
	uint8_t arg[ARG_MAX_BYTES];
	size_t i, pos;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (pos = 0; pos < TAIL_BYTES; pos += 7) {
			cmds[i].prepare(&self->c, arg);
			memset(arg + cmds[i].size, 0, TAIL_BYTES);
			arg[cmds[i].size + pos] = 0x5a;
			EXPECT_EQ(-E2BIG, call(&cmds[i], &self->c, arg,
					       cmds[i].size + TAIL_BYTES)) {
				TH_LOG("%s, non-zero tail byte %zu", cmds[i].name, pos);
			}
		}
	}
}

TEST_F(bad, oversized_with_zero_tail_is_accepted)
{
	uint8_t arg[ARG_MAX_BYTES];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		cmds[i].prepare(&self->c, arg);
		memset(arg + cmds[i].size, 0, TAIL_BYTES);
		EXPECT_EQ(0, call(&cmds[i], &self->c, arg, cmds[i].size + TAIL_BYTES)) {
			TH_LOG("%s", cmds[i].name);
		}
		/* The tail is the caller's: the kernel leaves it alone. */
		EXPECT_EQ(TAIL_BYTES, mh_first_nonzero(arg + cmds[i].size, TAIL_BYTES));
	}
}

TEST_F(bad, nonzero_reserved_fields)
{
	uint8_t arg[ARG_MAX_BYTES];
	size_t i, r, b;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (r = 0; r < 4 && cmds[i].reserved[r][1]; r++) {
			for (b = 0; b < cmds[i].reserved[r][1]; b++) {
				cmds[i].prepare(&self->c, arg);
				arg[cmds[i].reserved[r][0] + b] = 0x80;
				EXPECT_EQ(-EINVAL, call(&cmds[i], &self->c, arg, cmds[i].size)) {
					TH_LOG("%s, reserved byte at %zu", cmds[i].name,
					       cmds[i].reserved[r][0] + b);
				}
			}
		}
	}
}

TEST_F(bad, bad_pointers)
{
	void *unmapped = mmap(NULL, mh_page_size(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	int fds = mh_count_fds();

	ASSERT_NE(MAP_FAILED, unmapped);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-EFAULT, mh_ioctl(self->c.fd, cmd_sized(cmds[i].nr, cmds[i].size),
					    NULL)) TH_LOG("%s", cmds[i].name);
		EXPECT_EQ(-EFAULT, mh_ioctl(self->c.fd, cmd_sized(cmds[i].nr, cmds[i].size),
					    unmapped)) TH_LOG("%s", cmds[i].name);
	}
	EXPECT_EQ(fds, mh_count_fds());
	munmap(unmapped, mh_page_size());
}

/* Every region's allocation and failure counters (zero past the last). */
static int alloc_history(int fd, uint64_t *allocs, uint64_t *failures)
{
	struct memheap_region_info ri;
	uint32_t i, n = mh_nr_regions(fd);

	memset(allocs, 0, MH_MAX_REGIONS * sizeof(*allocs));
	memset(failures, 0, MH_MAX_REGIONS * sizeof(*failures));
	for (i = 0; i < n && i < MH_MAX_REGIONS; i++) {
		if (mh_region(fd, i, &ri))
			return -1;
		allocs[i] = ri.allocs;
		failures[i] = ri.failures;
	}
	return 0;
}

/*
 * An argument the kernel can read but not write back: commands that only
 * read it work; every command with a result fails with EFAULT and leaves
 * nothing behind (ALLOC: no buffer, no charge, not even an allocation in
 * the region counters; EXPORT: no descriptor, no dma-buf).  The teardown
 * proves every counter and the buffer unchanged; a normal call works
 * afterwards.
 */
TEST_F(bad, read_only_argument)
{
	uint64_t allocs_before[MH_MAX_REGIONS], failures_before[MH_MAX_REGIONS];
	uint64_t allocs_after[MH_MAX_REGIONS], failures_after[MH_MAX_REGIONS];
	long page = mh_page_size();
	uint64_t fresh = 0;
	struct memheap_buffer_info bi;
	struct memheap_info info;
	uint8_t *arg;
	int fds;
	size_t i;

	arg = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, arg);
	fds = mh_count_fds();
	ASSERT_LT(0, fds);
	ASSERT_EQ(0, alloc_history(self->c.fd, allocs_before, failures_before));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		bool reads_only = cmds[i].nr == 0x03 || cmds[i].nr == 0x05; /* FREE, SYNC */

		ASSERT_EQ(0, mprotect(arg, page, PROT_READ | PROT_WRITE));
		cmds[i].prepare(&self->c, arg);
		ASSERT_EQ(0, mprotect(arg, page, PROT_READ));
		EXPECT_EQ(reads_only ? 0 : -EFAULT, call(&cmds[i], &self->c, arg, cmds[i].size)) {
			TH_LOG("%s", cmds[i].name);
		}
		EXPECT_EQ(fds, mh_count_fds()) TH_LOG("%s left a descriptor", cmds[i].name);
		ASSERT_EQ(0, mh_info(self->c.fd, &info));
		EXPECT_EQ(1, info.file_buffers) TH_LOG("%s", cmds[i].name);
		EXPECT_EQ(self->c.size, info.file_used) TH_LOG("%s", cmds[i].name);
		ASSERT_EQ(0, mh_buffer(self->c.fd, self->c.handle, &bi));
		EXPECT_EQ(0, bi.flags & MEMHEAP_BUFFER_EXPORTED) TH_LOG("%s", cmds[i].name);
	}
	/*
	 * Not even the history moved: ALLOC found the argument unwritable
	 * before allocating.  The one allocation counted is the fresh buffer
	 * FREE's preparation took.
	 */
	ASSERT_EQ(0, alloc_history(self->c.fd, allocs_after, failures_after));
	for (i = 0; i < MH_MAX_REGIONS; i++) {
		EXPECT_EQ(failures_before[i], failures_after[i]) TH_LOG("region %zu", i);
		fresh += allocs_after[i] - allocs_before[i];
	}
	EXPECT_EQ(1, fresh) TH_LOG("allocations: FREE's one fresh buffer only");
	/* The same calls with a writable argument work. */
	ASSERT_EQ(0, mprotect(arg, page, PROT_READ | PROT_WRITE));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		cmds[i].prepare(&self->c, arg);
		EXPECT_EQ(0, call(&cmds[i], &self->c, arg, cmds[i].size)) {
			TH_LOG("%s", cmds[i].name);
		}
	}
	EXPECT_EQ(fds, mh_count_fds());
	munmap(arg, page);
}

/* Random bytes: a clean error (never success, never EFAULT), no effect. */
TEST_F(bad, garbage_structures)
{
	uint8_t arg[ARG_MAX_BYTES];
	size_t i, b;
	int round, ret;

	srandom(20240601);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (round = 0; round < GARBAGE_ROUNDS; round++) {
			for (b = 0; b < cmds[i].size; b++)
				arg[b] = (uint8_t)random();
			/* Make sure at least one reserved byte is set. */
			arg[cmds[i].reserved[0][0]] |= 1;
			ret = mh_ioctl(self->c.fd, cmd_sized(cmds[i].nr, cmds[i].size), arg);
			if (!ret && cmds[i].undo)
				cmds[i].undo(&self->c, arg);
			EXPECT_TRUE(ret == -EINVAL || ret == -ENOENT || ret == -ENODEV) {
				TH_LOG("%s round %d: %d", cmds[i].name, round, ret);
			}
		}
	}
}

TEST_F(bad, unknown_commands)
{
	uint8_t arg[ARG_MAX_BYTES] = { 0 };
	unsigned int nr;

	for (nr = 0x08; nr < 0x3f; nr++)
		EXPECT_EQ(-ENOTTY, mh_ioctl(self->c.fd, cmd_sized(nr, 16), arg)) {
			TH_LOG("nr 0x%x", nr);
		}
	for (nr = 0x40; nr <= 0xff; nr += 0x11)
		EXPECT_EQ(-ENOTTY, mh_ioctl(self->c.fd, _IO(MEMHEAP_IOC_MAGIC, nr), NULL));
	/* Right number, wrong magic. */
	EXPECT_EQ(-ENOTTY, mh_ioctl(self->c.fd, _IOWR(0xB6, 0x00, struct memheap_info), arg));
	EXPECT_EQ(-ENOTTY, mh_ioctl(self->c.fd, _IO('T', 0x01), NULL));
	/* The null ioctl works and takes nothing. */
	EXPECT_EQ(0, mh_ioctl(self->c.fd, MEMHEAP_IOC_NOP, NULL));
}

static int alloc_raw(int fd, struct memheap_alloc *a)
{
	int ret = mh_ioctl(fd, MEMHEAP_IOC_ALLOC, a);

	if (!ret)
		mh_free(fd, a->handle);
	return ret;
}

TEST_F(bad, alloc_fields)
{
	uint64_t page = (uint64_t)mh_page_size();
	uint32_t nr = mh_nr_regions(self->c.fd), bit;
	const uint64_t bad_align[] = { 3, 5, 3 * page, page + 1, (1ULL << 63) | 1, ~0ULL };
	const uint64_t small_align[] = { 1, 2, 8, 512, page };
	struct memheap_alloc a;
	uint64_t total = 0;
	size_t i;
	int ret;

	prep_alloc(NULL, &a);
	a.size = 0;
	EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a));

	for (i = 0; i < nr; i++) {
		struct memheap_region_info ri;

		ASSERT_EQ(0, mh_region(self->c.fd, (uint32_t)i, &ri));
		total += ri.size;
		EXPECT_EQ(-ENOMEM, mh_alloc(self->c.fd, ri.size + page, 0, (uint32_t)i,
					    MH_MAP_NONE, &a)) TH_LOG("%s", ri.name);
	}
	EXPECT_EQ(-ENOMEM, mh_alloc(self->c.fd, total, MEMHEAP_CAP_8BIT,
				    MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	EXPECT_EQ(-ENOMEM, mh_alloc(self->c.fd, 1ULL << 62, 0, MEMHEAP_REGION_ANY,
				    MH_MAP_NONE, &a));
	/* Rounding these up to a page would overflow. */
	ret = mh_alloc(self->c.fd, ~0ULL, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a);
	EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL) TH_LOG("size ~0: %d", ret);
	ret = mh_alloc(self->c.fd, ~0ULL - page + 2, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a);
	EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL) TH_LOG("size ~0-page: %d", ret);

	for (i = 0; i < ARRAY_SIZE(bad_align); i++) {
		prep_alloc(NULL, &a);
		a.align = bad_align[i];
		EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a)) TH_LOG("align 0x%llx",
						(unsigned long long)bad_align[i]);
	}
	for (i = 0; i < ARRAY_SIZE(small_align); i++) {
		prep_alloc(NULL, &a);
		a.align = small_align[i];
		EXPECT_EQ(0, alloc_raw(self->c.fd, &a));
	}
	prep_alloc(NULL, &a);
	a.align = 1ULL << 63;
	ret = alloc_raw(self->c.fd, &a);
	EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL) TH_LOG("align 2^63: %d", ret);

	for (bit = 0; bit < 32; bit++) {
		prep_alloc(NULL, &a);
		a.caps = 1U << bit;
		ret = alloc_raw(self->c.fd, &a);
		if (a.caps & ~MEMHEAP_CAPS_ALL)
			EXPECT_EQ(-EINVAL, ret) TH_LOG("caps bit %u", bit);
		prep_alloc(NULL, &a);
		a.flags = 1U << bit;
		if (a.flags & ~MEMHEAP_ALLOC_FLAGS_ALL)
			EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a)) TH_LOG("flag bit %u", bit);
	}
	/* region and map_mode without their flags must be zero. */
	prep_alloc(NULL, &a);
	a.region = 1;
	EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a));
	prep_alloc(NULL, &a);
	a.map_mode = MEMHEAP_MAP_WC;
	EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a));
	/* Region index out of range, including huge ones. */
	prep_alloc(NULL, &a);
	a.flags = MEMHEAP_ALLOC_REGION;
	a.region = nr;
	EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a));
	a.region = 0x7fffffff;
	EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a));
	/* Unknown mapping modes. */
	prep_alloc(NULL, &a);
	a.flags = MEMHEAP_ALLOC_MAP_SET;
	a.map_mode = MEMHEAP_MAP_WC + 1;
	EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a));
	a.map_mode = 0xffffffff;
	EXPECT_EQ(-EINVAL, alloc_raw(self->c.fd, &a));
}

TEST_F(bad, region_and_check_index)
{
	uint32_t nr = mh_nr_regions(self->c.fd);
	struct memheap_region_info ri;
	struct memheap_check k;

	EXPECT_EQ(-EINVAL, mh_region(self->c.fd, nr, &ri));
	EXPECT_EQ(-EINVAL, mh_region(self->c.fd, nr + 1000, &ri));
	EXPECT_EQ(-EINVAL, mh_region(self->c.fd, 0x80000000U, &ri));
	prep_check(NULL, &k);
	k.region = nr;
	EXPECT_EQ(-EINVAL, mh_ioctl(self->c.fd, MEMHEAP_IOC_CHECK, &k));
	k.region = 0;
	EXPECT_EQ(0, mh_ioctl(self->c.fd, MEMHEAP_IOC_CHECK, &k));
	EXPECT_EQ(0, k.errors);
	EXPECT_EQ(MEMHEAP_REGION_ANY, k.bad_region);
}

TEST_F(bad, unknown_stale_and_double_freed_handles)
{
	const uint32_t unknown[] = { self->c.handle + 1, self->c.handle ^ 0x80000000U,
				     0xffffffffU, 0xdeadbeefU };
	struct memheap_buffer_info bi;
	struct memheap_export e;
	struct memheap_sync s;
	struct memheap_alloc a;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		EXPECT_EQ(-ENOENT, mh_free(self->c.fd, unknown[i]));
		EXPECT_EQ(-ENOENT, mh_buffer(self->c.fd, unknown[i], &bi));
		prep_sync(&self->c, &s);
		s.handle = unknown[i];
		EXPECT_EQ(-ENOENT, mh_ioctl(self->c.fd, MEMHEAP_IOC_SYNC, &s));
		prep_export(&self->c, &e);
		e.handle = unknown[i];
		EXPECT_EQ(-ENOENT, mh_ioctl(self->c.fd, MEMHEAP_IOC_EXPORT, &e));
	}
	/* 0 is never a handle. */
	ret = mh_free(self->c.fd, 0);
	EXPECT_TRUE(ret == -ENOENT || ret == -EINVAL) TH_LOG("free(0): %d", ret);

	ASSERT_EQ(0, mh_alloc(self->c.fd, 1, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	ASSERT_EQ(0, mh_free(self->c.fd, a.handle));
	EXPECT_EQ(-ENOENT, mh_free(self->c.fd, a.handle));
	EXPECT_EQ(-ENOENT, mh_buffer(self->c.fd, a.handle, &bi));
	prep_sync(&self->c, &s);
	s.handle = a.handle;
	EXPECT_EQ(-ENOENT, mh_ioctl(self->c.fd, MEMHEAP_IOC_SYNC, &s));
	prep_export(&self->c, &e);
	e.handle = a.handle;
	EXPECT_EQ(-ENOENT, mh_ioctl(self->c.fd, MEMHEAP_IOC_EXPORT, &e));
	/* A new buffer does not revive the old handle. */
	ASSERT_EQ(0, mh_alloc(self->c.fd, 1, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	EXPECT_NE(0, a.handle);
	ASSERT_EQ(0, mh_free(self->c.fd, a.handle));
}

/* Handles belong to one open file: another file or process cannot use them. */
TEST_F(bad, foreign_handles)
{
	struct memheap_buffer_info bi;
	int other = mh_open(), status;
	pid_t pid;

	ASSERT_LE(0, other);
	EXPECT_EQ(-ENOENT, mh_buffer(other, self->c.handle, &bi));
	EXPECT_EQ(-ENOENT, mh_free(other, self->c.handle));
	close(other);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct memheap_export e = { .handle = self->c.handle, .flags = O_CLOEXEC };
		int fd = mh_open();

		close(self->c.fd);
		if (fd < 0)
			_exit(10);
		if (mh_buffer(fd, self->c.handle, &bi) != -ENOENT)
			_exit(11);
		if (mh_free(fd, self->c.handle) != -ENOENT)
			_exit(12);
		if (mh_ioctl(fd, MEMHEAP_IOC_EXPORT, &e) != -ENOENT)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(bad, sync_fields)
{
	const uint32_t bad_flags[] = {
		0, MEMHEAP_SYNC_READ, MEMHEAP_SYNC_WRITE,
		MEMHEAP_SYNC_FOR_CPU | MEMHEAP_SYNC_FOR_DEVICE,
		MEMHEAP_SYNC_FOR_CPU | (1U << 4), MEMHEAP_SYNC_FOR_DEVICE | 0x80000000U,
	};
	const uint32_t good_flags[] = {
		MEMHEAP_SYNC_FOR_CPU, MEMHEAP_SYNC_FOR_DEVICE,
		MEMHEAP_SYNC_FOR_CPU | MEMHEAP_SYNC_READ,
		MEMHEAP_SYNC_FOR_DEVICE | MEMHEAP_SYNC_WRITE,
		MEMHEAP_SYNC_FOR_DEVICE | MEMHEAP_SYNC_READ | MEMHEAP_SYNC_WRITE,
	};
	const uint64_t size = self->c.size, page = (uint64_t)mh_page_size();
	const uint64_t bad_range[][2] = {
		{ size + page, 0 }, { 0, size + 1 }, { page / 2, size },
		{ 1, ~0ULL }, { ~0ULL - 1, 2 }, { ~0ULL, 0 }, { size, page },
	};
	struct memheap_sync s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		prep_sync(&self->c, &s);
		s.flags = bad_flags[i];
		EXPECT_EQ(-EINVAL, mh_ioctl(self->c.fd, MEMHEAP_IOC_SYNC, &s)) {
			TH_LOG("flags 0x%x", bad_flags[i]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(good_flags); i++) {
		prep_sync(&self->c, &s);
		s.flags = good_flags[i];
		EXPECT_EQ(0, mh_ioctl(self->c.fd, MEMHEAP_IOC_SYNC, &s)) {
			TH_LOG("flags 0x%x", good_flags[i]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(bad_range); i++) {
		prep_sync(&self->c, &s);
		s.offset = bad_range[i][0];
		s.length = bad_range[i][1];
		EXPECT_EQ(-EINVAL, mh_ioctl(self->c.fd, MEMHEAP_IOC_SYNC, &s)) {
			TH_LOG("offset 0x%llx length 0x%llx", (unsigned long long)s.offset,
			       (unsigned long long)s.length);
		}
	}
	prep_sync(&self->c, &s);
	s.offset = size / 2;
	s.length = size - size / 2;
	EXPECT_EQ(0, mh_ioctl(self->c.fd, MEMHEAP_IOC_SYNC, &s));
}

TEST_F(bad, export_flags)
{
	const uint32_t bad_flags[] = { O_WRONLY, O_APPEND, O_NONBLOCK | O_RDWR, O_CREAT,
				       O_TRUNC, 0x80000000U };
	const uint32_t good_flags[] = { 0, O_CLOEXEC, O_RDWR, O_CLOEXEC | O_RDWR };
	struct memheap_export e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		prep_export(&self->c, &e);
		e.flags = bad_flags[i];
		e.fd = -1;
		EXPECT_EQ(-EINVAL, mh_ioctl(self->c.fd, MEMHEAP_IOC_EXPORT, &e)) {
			TH_LOG("flags 0%o", bad_flags[i]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(good_flags); i++) {
		prep_export(&self->c, &e);
		e.flags = good_flags[i];
		ASSERT_EQ(0, mh_ioctl(self->c.fd, MEMHEAP_IOC_EXPORT, &e));
		EXPECT_LE(0, e.fd);
		EXPECT_EQ(!!(good_flags[i] & O_CLOEXEC), !!(fcntl(e.fd, F_GETFD) & FD_CLOEXEC));
		close(e.fd);
	}
}

MEMHEAP_TEST_MAIN
