// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() rules from the uapi header: a mapping must be MAP_SHARED, start
 * at a page inside one of this file's buffers and stay inside that
 * buffer's window; pages past the buffer's end raise SIGBUS; mappings
 * cannot grow and are not dumped.  Buffers are data: no mapping of the
 * device or of a dma-buf is ever executable, in any mapping mode.  Files
 * and dma-bufs opened read-only map read-only, for good.
 */
#include <setjmp.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "memheap_test.h"

#define WINDOW	(1ULL << MEMHEAP_MMAP_WINDOW_SHIFT)
#define PAGES	4

FIXTURE(map) {
	int fd;
	long page;
	struct memheap_alloc a;
	struct mh_snapshot base;
};

FIXTURE_SETUP(map)
{
	self->fd = mh_open();
	ASSERT_LE(0, self->fd);
	self->page = mh_page_size();
	ASSERT_EQ(0, mh_snapshot(self->fd, &self->base));
	ASSERT_EQ(0, mh_alloc(self->fd, PAGES * self->page, 0, MEMHEAP_REGION_ANY,
			      MH_MAP_NONE, &self->a));
}

FIXTURE_TEARDOWN(map)
{
	struct mh_snapshot now;

	EXPECT_EQ(0, mh_free(self->fd, self->a.handle));
	EXPECT_EQ(0, mh_snapshot(self->fd, &now));
	EXPECT_EQ(0, mh_snapshot_diff(&self->base, &now));
	close(self->fd);
}

/* mmap() that returns the mapping or NULL and leaves errno. */
static void *try_map(int fd, size_t len, int prot, int flags, uint64_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);

	return p == MAP_FAILED ? NULL : p;
}

TEST_F(map, partial_mappings_at_page_offsets)
{
	size_t len = PAGES * self->page;
	uint8_t *whole, *part;
	long i;

	whole = try_map(self->fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->a.mmap_offset);
	ASSERT_NE(NULL, whole);
	mh_fill(whole, len, 3);
	for (i = 0; i < PAGES; i++) {
		part = try_map(self->fd, self->page, PROT_READ, MAP_SHARED,
			       self->a.mmap_offset + i * self->page);
		ASSERT_NE(NULL, part) TH_LOG("page %ld", i);
		EXPECT_EQ(0, memcmp(part, whole + i * self->page, self->page));
		munmap(part, self->page);
	}
	/* From the second page to the end. */
	part = try_map(self->fd, len - self->page, PROT_READ, MAP_SHARED,
		       self->a.mmap_offset + self->page);
	ASSERT_NE(NULL, part);
	EXPECT_EQ(0, memcmp(part, whole + self->page, len - self->page));
	munmap(part, len - self->page);
	munmap(whole, len);
}

TEST_F(map, private_mappings_refused)
{
	errno = 0;
	EXPECT_EQ(NULL, try_map(self->fd, self->page, PROT_READ | PROT_WRITE, MAP_PRIVATE,
				self->a.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(NULL, try_map(self->fd, self->page, PROT_READ, MAP_PRIVATE,
				self->a.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(map, offsets_that_are_no_buffers)
{
	struct memheap_alloc other;
	int fd2;
	const uint64_t bad[] = {
		self->a.mmap_offset + PAGES * self->page,	/* window, past the buffer */
		self->a.mmap_offset + WINDOW - self->page,	/* end of the window */
		self->a.mmap_offset + WINDOW * 1000,		/* no buffer's window */
		self->a.mmap_offset ^ (1ULL << 62),
		(1ULL << 63) - WINDOW,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(NULL, try_map(self->fd, self->page, PROT_READ, MAP_SHARED, bad[i])) {
			TH_LOG("offset 0x%llx", (unsigned long long)bad[i]);
		}
		EXPECT_EQ(EINVAL, errno) TH_LOG("offset 0x%llx", (unsigned long long)bad[i]);
	}
	/* Not page aligned: refused by mmap() itself. */
	EXPECT_EQ(NULL, try_map(self->fd, self->page, PROT_READ, MAP_SHARED,
				self->a.mmap_offset + 1));

	/* A freed buffer's offset is gone. */
	ASSERT_EQ(0, mh_alloc(self->fd, 1, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &other));
	ASSERT_EQ(0, mh_free(self->fd, other.handle));
	errno = 0;
	EXPECT_EQ(NULL, try_map(self->fd, self->page, PROT_READ, MAP_SHARED, other.mmap_offset));
	EXPECT_EQ(EINVAL, errno);

	/* Another open file's offsets are not ours. */
	fd2 = mh_open();
	ASSERT_LE(0, fd2);
	errno = 0;
	EXPECT_EQ(NULL, try_map(fd2, self->page, PROT_READ, MAP_SHARED, self->a.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
	close(fd2);
}

TEST_F(map, length_must_stay_in_the_window)
{
	errno = 0;
	EXPECT_EQ(NULL, try_map(self->fd, WINDOW + self->page, PROT_READ, MAP_SHARED,
				self->a.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(NULL, try_map(self->fd, WINDOW, PROT_READ, MAP_SHARED,
				self->a.mmap_offset + self->page));
	EXPECT_EQ(EINVAL, errno);
}

/* Offsets whose end wraps around: refused (the core may say EOVERFLOW). */
TEST_F(map, offset_overflow)
{
	const uint64_t bad[] = {
		0x7ffffffffffff000ULL, 0xfffffffffffff000ULL,
		self->a.mmap_offset | 0x7fffffff00000000ULL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(NULL, try_map(self->fd, 2 * self->page, PROT_READ, MAP_SHARED, bad[i]));
		EXPECT_TRUE(errno == EINVAL || errno == EOVERFLOW) {
			TH_LOG("offset 0x%llx: errno %d", (unsigned long long)bad[i], errno);
		}
	}
}

static sigjmp_buf bus_jump;
static volatile void *bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_addr = si->si_addr;
	siglongjmp(bus_jump, 1);
}

/* Touch @p; 1 when that raised SIGBUS, 0 when it did not. */
static int touch_faults(volatile uint8_t *p, int write)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	struct sigaction old;
	int faulted = 0;

	sigaction(SIGBUS, &sa, &old);
	bus_addr = NULL;
	if (sigsetjmp(bus_jump, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
	} else {
		faulted = 1;
	}
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/* Within the window but past the buffer: the mapping works, touching SIGBUSes. */
TEST_F(map, sigbus_past_the_end)
{
	size_t len = (PAGES + 3) * self->page;
	uint8_t *p;
	long i;

	p = try_map(self->fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->a.mmap_offset);
	ASSERT_NE(NULL, p);
	for (i = 0; i < PAGES; i++) {
		EXPECT_EQ(0, touch_faults(p + i * self->page, 1));
		EXPECT_EQ(0, touch_faults(p + i * self->page + self->page - 1, 0));
	}
	for (i = PAGES; i < PAGES + 3; i++) {
		EXPECT_EQ(1, touch_faults(p + i * self->page, 0)) TH_LOG("page %ld", i);
		EXPECT_EQ((void *)(p + i * self->page), bus_addr);
		EXPECT_EQ(1, touch_faults(p + i * self->page + 17, 1)) TH_LOG("page %ld", i);
	}
	/* The buffer itself is unharmed. */
	EXPECT_EQ(1, p[0]);
	munmap(p, len);
}

TEST_F(map, mremap_cannot_grow)
{
	size_t len = PAGES * self->page;
	uint8_t *p, *q;

	p = try_map(self->fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->a.mmap_offset);
	ASSERT_NE(NULL, p);
	mh_fill(p, len, 9);
	q = mremap(p, len, 2 * len, 0);
	EXPECT_EQ(MAP_FAILED, q);
	q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	/* Growing a partial mapping within the buffer is growth too. */
	munmap(p + self->page, len - self->page);
	q = mremap(p, self->page, len, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(self->page, (long)mh_verify(p, self->page, 9));
	munmap(p, self->page);
}

/* VM_DONTEXPAND and VM_DONTDUMP show as "de" and "dd" in smaps. */
TEST_F(map, vma_flags)
{
	char line[512], want[64];
	bool in_vma = false, found = false;
	uint8_t *p;
	FILE *f;

	p = try_map(self->fd, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		    self->a.mmap_offset);
	ASSERT_NE(NULL, p);
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	f = fopen("/proc/self/smaps", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in_vma = true;
		else if (in_vma && !strncmp(line, "VmFlags:", 8)) {
			found = true;
			EXPECT_NE(NULL, strstr(line, " de")) TH_LOG("%s", line);
			EXPECT_NE(NULL, strstr(line, " dd")) TH_LOG("%s", line);
			EXPECT_NE(NULL, strstr(line, " sh")) TH_LOG("%s", line);
			/* never executable, and mprotect() cannot make it so */
			EXPECT_EQ(NULL, strstr(line, " ex")) TH_LOG("%s", line);
			EXPECT_EQ(NULL, strstr(line, " me")) TH_LOG("%s", line);
			break;
		}
	}
	fclose(f);
	EXPECT_TRUE(found);
	munmap(p, self->page);
}

/* Two mappings of one buffer see each other's writes at once. */
TEST_F(map, mappings_share_memory)
{
	size_t len = PAGES * self->page;
	uint8_t *p, *q;

	p = try_map(self->fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->a.mmap_offset);
	q = try_map(self->fd, len, PROT_READ, MAP_SHARED, self->a.mmap_offset);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	EXPECT_NE(p, q);
	mh_fill(p, len, 21);
	EXPECT_EQ(len, mh_verify(q, len, 21));
	munmap(p, len);
	munmap(q, len);
}

/* The VmFlags line of the mapping at @p, or "" (then the test fails). */
static void vm_flags_of(const void *p, char *out, size_t len)
{
	char line[512], want[64];
	bool in_vma = false;
	FILE *f;

	out[0] = '\0';
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in_vma = true;
		else if (in_vma && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, len, "%s", line);
			break;
		}
	}
	fclose(f);
}

static bool has_flag(const char *vmflags, const char *flag)
{
	char want[8];

	snprintf(want, sizeof(want), " %s", flag);
	return strstr(vmflags, want) != NULL;
}

static int export_buf(int fd, uint32_t handle, uint32_t flags, int *dmabuf)
{
	struct memheap_export e = { .handle = handle, .flags = flags };
	int ret = mh_ioctl(fd, MEMHEAP_IOC_EXPORT, &e);

	*dmabuf = ret ? -1 : e.fd;
	return ret;
}

/*
 * Every way to ask for an executable mapping of @fd at @off fails: at
 * mmap() (EPERM, whatever else is asked) and by mprotect() of a mapping
 * that was made without PROT_EXEC (EACCES: VM_MAYEXEC is gone).
 */
static void expect_never_exec(struct __test_metadata *_metadata, int fd, uint64_t off,
			      size_t len, bool writable, const char *what)
{
	static const int exec_prots[] = {
		PROT_EXEC, PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	int rw = writable ? PROT_READ | PROT_WRITE : PROT_READ;
	char flags[512];
	size_t i;
	void *p;

	for (i = 0; i < ARRAY_SIZE(exec_prots); i++) {
		if ((exec_prots[i] & PROT_WRITE) && !writable)
			continue;
		errno = 0;
		p = try_map(fd, len, exec_prots[i], MAP_SHARED, off);
		EXPECT_EQ(NULL, p) TH_LOG("%s: prot %#x mapped", what, exec_prots[i]);
		EXPECT_EQ(EPERM, errno) TH_LOG("%s: prot %#x", what, exec_prots[i]);
		if (p)
			munmap(p, len);
	}
	p = try_map(fd, len, rw, MAP_SHARED, off);
	ASSERT_NE(NULL, p) TH_LOG("%s: plain mapping: %s", what, strerror(errno));
	vm_flags_of(p, flags, sizeof(flags));
	EXPECT_NE('\0', flags[0]) TH_LOG("%s: no smaps entry", what);
	EXPECT_FALSE(has_flag(flags, "ex")) TH_LOG("%s: %s", what, flags);
	EXPECT_FALSE(has_flag(flags, "me")) TH_LOG("%s: %s", what, flags);
	for (i = 0; i < ARRAY_SIZE(exec_prots); i++) {
		if ((exec_prots[i] & PROT_WRITE) && !writable)
			continue;
		errno = 0;
		EXPECT_EQ(-1, mprotect(p, len, exec_prots[i])) {
			TH_LOG("%s: mprotect(%#x) succeeded", what, exec_prots[i]);
		}
		EXPECT_EQ(EACCES, errno) TH_LOG("%s: mprotect(%#x)", what, exec_prots[i]);
	}
	/* the mapping is untouched and still works */
	vm_flags_of(p, flags, sizeof(flags));
	EXPECT_FALSE(has_flag(flags, "ex")) TH_LOG("%s: %s", what, flags);
	EXPECT_EQ(0, mprotect(p, len, rw));
	munmap(p, len);
}

/*
 * No buffer of any region, in any mapping mode, maps executable: neither
 * through the device nor through a dma-buf.
 */
TEST_F(map, exec_refused_every_region_and_mode)
{
	static const uint32_t modes[] = {
		MEMHEAP_MAP_CACHED, MEMHEAP_MAP_UNCACHED, MEMHEAP_MAP_WC,
	};
	uint32_t r, n = mh_nr_regions(self->fd);
	struct memheap_alloc a;
	char what[96];
	size_t m;
	int dmabuf;

	ASSERT_LT(0, n);
	for (r = 0; r < n; r++) {
		for (m = 0; m < ARRAY_SIZE(modes); m++) {
			ASSERT_EQ(0, mh_alloc(self->fd, self->page, 0, r, modes[m], &a)) {
				TH_LOG("region %u mode %u", r, modes[m]);
			}
			snprintf(what, sizeof(what), "device, region %u mode %u", r, modes[m]);
			expect_never_exec(_metadata, self->fd, a.mmap_offset, self->page, true,
					  what);
			ASSERT_EQ(0, export_buf(self->fd, a.handle, O_RDWR | O_CLOEXEC, &dmabuf));
			snprintf(what, sizeof(what), "dma-buf, region %u mode %u", r, modes[m]);
			expect_never_exec(_metadata, dmabuf, 0, self->page, true, what);
			close(dmabuf);
			ASSERT_EQ(0, export_buf(self->fd, a.handle, O_CLOEXEC, &dmabuf));
			snprintf(what, sizeof(what), "read-only dma-buf, region %u mode %u", r,
				 modes[m]);
			expect_never_exec(_metadata, dmabuf, 0, self->page, false, what);
			close(dmabuf);
			EXPECT_EQ(0, mh_free(self->fd, a.handle));
		}
	}
}

/*
 * A read-only mapping stays read-only: mmap(PROT_WRITE) and
 * mprotect(PROT_WRITE) both fail with EACCES; reading works.
 */
static void expect_read_only(struct __test_metadata *_metadata, int fd, uint64_t off,
			     size_t len, uint32_t seed, const char *what)
{
	char flags[512];
	uint8_t *p;

	p = try_map(fd, len, PROT_READ, MAP_SHARED, off);
	ASSERT_NE(NULL, p) TH_LOG("%s: read-only shared mapping: %s", what, strerror(errno));
	if (seed) {
		EXPECT_EQ(len, mh_verify(p, len, seed)) TH_LOG("%s", what);
	} else {
		EXPECT_EQ(len, mh_first_nonzero(p, len)) TH_LOG("%s", what);
	}
	vm_flags_of(p, flags, sizeof(flags));
	EXPECT_TRUE(has_flag(flags, "ms")) TH_LOG("%s: %s", what, flags);
	EXPECT_FALSE(has_flag(flags, "mw")) TH_LOG("%s: %s", what, flags);
	errno = 0;
	EXPECT_EQ(-1, mprotect(p, len, PROT_READ | PROT_WRITE)) TH_LOG("%s", what);
	EXPECT_EQ(EACCES, errno) TH_LOG("%s: mprotect(PROT_WRITE)", what);
	munmap(p, len);
	errno = 0;
	EXPECT_EQ(NULL, try_map(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, off)) {
		TH_LOG("%s: writable mapping of a read-only file", what);
	}
	EXPECT_EQ(EACCES, errno) TH_LOG("%s: mmap(PROT_WRITE)", what);
}

/* A dma-buf exported without O_RDWR maps read-only and shows the data. */
TEST_F(map, read_only_dmabuf_maps_read_only)
{
	size_t len = PAGES * self->page;
	uint8_t *w;
	int dmabuf;

	w = try_map(self->fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->a.mmap_offset);
	ASSERT_NE(NULL, w);
	mh_fill(w, len, 41);
	ASSERT_EQ(0, export_buf(self->fd, self->a.handle, O_CLOEXEC, &dmabuf));
	expect_read_only(_metadata, dmabuf, 0, len, 41, "read-only dma-buf");
	/* the reader's view follows the writer's */
	mh_fill(w, len, 42);
	expect_read_only(_metadata, dmabuf, 0, len, 42, "read-only dma-buf");
	close(dmabuf);
	munmap(w, len);
}

/*
 * /dev/memheap opened O_RDONLY: its buffers map read-only (a viewer), never
 * writable, and it cannot export a writable dma-buf either.
 */
TEST(read_only_device_file)
{
	struct memheap_buffer_info bi;
	struct memheap_export e;
	struct memheap_alloc a;
	long page = mh_page_size();
	int fd, dmabuf, before;

	fd = open(MEMHEAP_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_alloc(fd, PAGES * page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	/* new buffers read as zero: seed 0 checks that */
	expect_read_only(_metadata, fd, a.mmap_offset, PAGES * page, 0, "O_RDONLY device");
	/* a partial mapping from the second page, too */
	expect_read_only(_metadata, fd, a.mmap_offset + page, page, 0, "O_RDONLY device");

	before = mh_count_fds();
	memset(&e, 0, sizeof(e));
	e.handle = a.handle;
	e.flags = O_RDWR | O_CLOEXEC;
	EXPECT_EQ(-EACCES, mh_ioctl(fd, MEMHEAP_IOC_EXPORT, &e));
	EXPECT_EQ(before, mh_count_fds());
	ASSERT_EQ(0, mh_buffer(fd, a.handle, &bi));
	EXPECT_EQ(0, bi.flags & MEMHEAP_BUFFER_EXPORTED);
	ASSERT_EQ(0, export_buf(fd, a.handle, O_CLOEXEC, &dmabuf));
	expect_read_only(_metadata, dmabuf, 0, PAGES * page, 0, "its read-only dma-buf");
	close(dmabuf);
	EXPECT_EQ(0, mh_free(fd, a.handle));
	close(fd);
}

MEMHEAP_TEST_MAIN
