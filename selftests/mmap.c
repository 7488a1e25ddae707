// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() rules from the uapi header: a mapping must be MAP_SHARED, start
 * at a page inside one of this file's buffers and stay inside that
 * buffer's window; pages past the buffer's end raise SIGBUS; mappings
 * cannot grow and are not dumped.
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

MEMHEAP_TEST_MAIN
