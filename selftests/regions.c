// SPDX-License-Identifier: GPL-2.0
/*
 * Region discovery: MEMHEAP_IOC_INFO and MEMHEAP_IOC_REGION_QUERY agree
 * with what the board declares (/etc/memheap/regions.expected from the
 * rig, /etc/memheap/params, and the device tree when present), every
 * field is self-consistent, and device addresses stay hidden from callers
 * without CAP_SYS_ADMIN.
 */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memheap_test.h"
#include "mh_names.h"

#define EXPECTED_PATH	"/etc/memheap/regions.expected"
#define PARAMS_PATH	"/etc/memheap/params"
#define DT_BASE		"/sys/firmware/devicetree/base"
#define NOBODY		65534

static int region_by_name(int fd, const char *name, struct memheap_region_info *out)
{
	uint32_t i, n = mh_nr_regions(fd);

	for (i = 0; i < n; i++)
		if (!mh_region(fd, i, out) && !strcmp(out->name, name))
			return (int)i;
	return -1;
}

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

TEST(info_is_sane)
{
	struct memheap_info info;
	char buf[64];
	int fd = mh_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mh_info(fd, &info));
	EXPECT_EQ(MEMHEAP_ABI_VERSION, info.abi_version);
	EXPECT_EQ((uint64_t)mh_page_size(), info.page_size);
	EXPECT_LT(0, info.nr_regions);
	EXPECT_EQ(0, info.file_used);
	EXPECT_EQ(0, info.file_buffers);
	EXPECT_TRUE(all_zero(info.reserved, sizeof(info.reserved)));
	ASSERT_LT(0, mh_read_file(MH_PARAM_DIR "file_limit", buf, sizeof(buf)));
	EXPECT_EQ(strtoull(buf, NULL, 0), info.file_limit);
	close(fd);
}

/* file_used / file_buffers follow this file's buffers, not another's. */
TEST(info_counts_this_file_only)
{
	struct memheap_info info;
	struct memheap_alloc a, b;
	int fd = mh_open(), other = mh_open();
	uint64_t page = (uint64_t)mh_page_size();

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, mh_alloc(fd, 3 * page, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a));
	ASSERT_EQ(0, mh_alloc(fd, 1, 0, MEMHEAP_REGION_ANY, MH_MAP_NONE, &b));
	ASSERT_EQ(0, mh_info(fd, &info));
	EXPECT_EQ(2, info.file_buffers);
	EXPECT_EQ(a.size_out + b.size_out, info.file_used);
	ASSERT_EQ(0, mh_info(other, &info));
	EXPECT_EQ(0, info.file_buffers);
	EXPECT_EQ(0, info.file_used);
	ASSERT_EQ(0, mh_free(fd, a.handle));
	ASSERT_EQ(0, mh_info(fd, &info));
	EXPECT_EQ(1, info.file_buffers);
	EXPECT_EQ(b.size_out, info.file_used);
	close(fd);
	close(other);
}

TEST(region_fields_are_consistent)
{
	struct memheap_region_info ri, rj;
	uint64_t page = (uint64_t)mh_page_size();
	uint32_t i, j, n;
	int fd = mh_open();

	ASSERT_LE(0, fd);
	n = mh_nr_regions(fd);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mh_region(fd, i, &ri));
		EXPECT_EQ(i, ri.index);
		EXPECT_NE(NULL, memchr(ri.name, '\0', sizeof(ri.name)));
		EXPECT_NE('\0', ri.name[0]);
		EXPECT_EQ(0, ri.caps & ~MEMHEAP_CAPS_ALL);
		EXPECT_NE(0, ri.caps);
		EXPECT_GE(MEMHEAP_ALGO_BUDDY, ri.algo);
		EXPECT_GE(MEMHEAP_MAP_WC, ri.map_mode);
		EXPECT_GE(MEMHEAP_ORIGIN_SELF, ri.origin);
		EXPECT_EQ(0, ri.reserved0);
		EXPECT_TRUE(all_zero(ri.reserved, sizeof(ri.reserved)));
		EXPECT_LT(0, ri.size);
		EXPECT_EQ(0, ri.size % page);
		EXPECT_EQ(ri.size - ri.used, ri.free);
		EXPECT_GE(ri.free, ri.largest_free);
		EXPECT_EQ(0, ri.largest_free % page);
		EXPECT_GE(ri.free, ri.min_free);
		/* We are root: DMA regions show their device address. */
		if (ri.caps & MEMHEAP_CAP_DMA) {
			EXPECT_NE(0, ri.dev_addr);
			EXPECT_EQ(0, ri.dev_addr % page);
		} else {
			EXPECT_EQ(0, ri.dev_addr);
		}
		for (j = 0; j < i; j++) {
			ASSERT_EQ(0, mh_region(fd, j, &rj));
			EXPECT_STRNE(ri.name, rj.name);
		}
	}
	/* Past the end, and the "any" index, are not regions. */
	EXPECT_EQ(-EINVAL, mh_region(fd, n, &ri));
	EXPECT_EQ(-EINVAL, mh_region(fd, MEMHEAP_REGION_ANY, &ri));
	close(fd);
}

/* One line of regions.expected: index name caps algo map origin size. */
TEST(regions_match_board)
{
	char line[256], name[64], caps[128], algo[32], map[32], origin[32];
	struct memheap_region_info ri;
	unsigned long long size;
	uint32_t v, lines = 0;
	unsigned int index;
	FILE *f;
	int fd;

	f = fopen(EXPECTED_PATH, "re");
	if (!f)
		SKIP(return, "%s absent (not the rig's guest)", EXPECTED_PATH);
	fd = mh_open();
	ASSERT_LE(0, fd);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		ASSERT_EQ(7, sscanf(line, "%u %63s %127s %31s %31s %31s %llu", &index,
				    name, caps, algo, map, origin, &size)) {
			TH_LOG("bad line in %s: %s", EXPECTED_PATH, line);
		}
		ASSERT_EQ(lines, index);
		lines++;
		ASSERT_EQ(0, mh_region(fd, index, &ri)) {
			TH_LOG("expected region %u (%s) is missing", index, name);
		}
		EXPECT_STREQ(name, ri.name);
		ASSERT_EQ(0, mh_parse_caps(caps, '+', &v));
		EXPECT_EQ(v, ri.caps) {
			TH_LOG("%s: caps 0x%x, expected %s", name, ri.caps, caps);
		}
		ASSERT_EQ(0, MH_LOOKUP(mh_algo_words, algo, &v));
		EXPECT_EQ(v, ri.algo);
		ASSERT_EQ(0, MH_LOOKUP(mh_map_words, map, &v));
		EXPECT_EQ(v, ri.map_mode);
		ASSERT_EQ(0, MH_LOOKUP(mh_origin_words, origin, &v));
		EXPECT_EQ(v, ri.origin);
		EXPECT_EQ(size, ri.size);
	}
	fclose(f);
	EXPECT_EQ(lines, mh_nr_regions(fd));
	close(fd);
}

/*
 * /etc/memheap/params holds the regions= string the module was loaded
 * with: each entry is a region of origin PARAM (with @PHYS) or SELF.
 */
TEST(regions_match_parameters)
{
	char buf[1024], *p, *entry, *save = NULL;
	struct memheap_region_info ri;
	int fd, found = 0;

	if (mh_read_file(PARAMS_PATH, buf, sizeof(buf)) < 0)
		SKIP(return, "%s absent", PARAMS_PATH);
	p = strstr(buf, "regions=");
	if (!p)
		SKIP(return, "no regions= in %s", PARAMS_PATH);
	p += strlen("regions=");
	p[strcspn(p, " \t\n")] = '\0';
	fd = mh_open();
	ASSERT_LE(0, fd);
	for (entry = strtok_r(p, ",", &save); entry; entry = strtok_r(NULL, ",", &save)) {
		char *opt, *osave = NULL, *name = strtok_r(entry, ":", &osave);
		char *sz = strtok_r(NULL, ":", &osave), *at, *end;
		uint32_t caps = 0, v;
		unsigned long long size;

		ASSERT_NE(NULL, sz);
		at = strchr(sz, '@');
		if (at)
			*at = '\0';
		size = strtoull(sz, &end, 0);
		switch (toupper((unsigned char)*end)) {
		case 'G':
			size <<= 10;
			/* fall through */
		case 'M':
			size <<= 10;
			/* fall through */
		case 'K':
			size <<= 10;
			break;
		}
		ASSERT_LE(0, region_by_name(fd, name, &ri)) {
			TH_LOG("parameter region %s is missing", name);
		}
		found++;
		EXPECT_EQ(at ? MEMHEAP_ORIGIN_PARAM : MEMHEAP_ORIGIN_SELF, ri.origin);
		EXPECT_EQ(size, ri.size);
		while ((opt = strtok_r(NULL, ":", &osave))) {
			if (!MH_LOOKUP(mh_cap_words, opt, &v)) {
				caps |= v;
			} else if (!MH_LOOKUP(mh_algo_words, opt, &v)) {
				EXPECT_EQ(v, ri.algo);
			} else if (!MH_LOOKUP(mh_map_words, opt, &v)) {
				EXPECT_EQ(v, ri.map_mode);
			} else {
				ASSERT_TRUE(false) TH_LOG("unknown option %s", opt);
			}
		}
		EXPECT_EQ(caps, ri.caps) TH_LOG("%s: caps 0x%x, param says 0x%x",
						name, ri.caps, caps);
	}
	EXPECT_LT(0, found);
	close(fd);
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Read a binary DT property; length or -errno. */
static int dt_prop(const char *node, const char *prop, void *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", node, prop);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	close(fd);
	return n < 0 ? -errno : (int)n;
}

static uint32_t dt_cells(const char *node, const char *prop, uint32_t dflt)
{
	uint8_t b[4];

	return dt_prop(node, prop, b, sizeof(b)) == 4 ? be32_at(b) : dflt;
}

/* Size of the reserved-memory child whose phandle is @phandle, or 0. */
static uint64_t carveout_size(uint32_t phandle)
{
	char node[512];
	uint8_t b[64];
	uint32_t ac = dt_cells(DT_BASE "/reserved-memory", "#address-cells", 2);
	uint32_t sc = dt_cells(DT_BASE "/reserved-memory", "#size-cells", 2);
	struct dirent *de;
	uint64_t size = 0;
	DIR *d = opendir(DT_BASE "/reserved-memory");
	uint32_t i;
	int n;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(node, sizeof(node), DT_BASE "/reserved-memory/%s", de->d_name);
		if (dt_cells(node, "phandle", 0) != phandle)
			continue;
		n = dt_prop(node, "reg", b, sizeof(b));
		if (n < (int)(4 * (ac + sc)))
			break;
		for (i = 0; i < sc; i++)
			size = size << 32 | be32_at(b + 4 * (ac + i));
		break;
	}
	closedir(d);
	return size;
}

/* A DT string-list property: NUL-separated words. */
static int dt_caps(const char *node, uint32_t *caps)
{
	char buf[256];
	int n = dt_prop(node, "memheap,caps", buf, sizeof(buf) - 1), off = 0;
	uint32_t v;

	*caps = 0;
	if (n < 0)
		return n;
	buf[n] = '\0';
	while (off < n) {
		if (MH_LOOKUP(mh_cap_words, buf + off, &v))
			return -EINVAL;
		*caps |= v;
		off += (int)strlen(buf + off) + 1;
	}
	return 0;
}

TEST(regions_match_devicetree)
{
	char node[512], name[MEMHEAP_NAME_LEN + 1], word[32];
	struct memheap_region_info ri;
	uint32_t caps, v, i, n, dt_regions = 0, dt_origin = 0;
	struct dirent *de;
	uint8_t ph[4];
	DIR *d;
	int fd, len;

	d = opendir(DT_BASE "/memheap");
	if (!d)
		SKIP(return, "no memheap node in the device tree");
	fd = mh_open();
	ASSERT_LE(0, fd);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(node, sizeof(node), DT_BASE "/memheap/%s", de->d_name);
		len = dt_prop(node, "memheap,name", name, sizeof(name) - 1);
		if (len <= 0)
			continue;
		name[len] = '\0';
		dt_regions++;
		ASSERT_LE(0, region_by_name(fd, name, &ri)) {
			TH_LOG("device-tree region %s is missing", name);
		}
		EXPECT_EQ(MEMHEAP_ORIGIN_DT, ri.origin);
		ASSERT_EQ(0, dt_caps(node, &caps));
		EXPECT_EQ(caps, ri.caps);
		len = dt_prop(node, "memheap,algorithm", word, sizeof(word) - 1);
		if (len > 0) {
			word[len] = '\0';
			ASSERT_EQ(0, MH_LOOKUP(mh_algo_words, word, &v));
			EXPECT_EQ(v, ri.algo);
		}
		len = dt_prop(node, "memheap,mapping", word, sizeof(word) - 1);
		if (len > 0) {
			word[len] = '\0';
			ASSERT_EQ(0, MH_LOOKUP(mh_map_words, word, &v));
			EXPECT_EQ(v, ri.map_mode);
		}
		ASSERT_EQ(4, dt_prop(node, "memory-region", ph, sizeof(ph)));
		EXPECT_EQ(carveout_size(be32_at(ph)), ri.size);
	}
	closedir(d);
	n = mh_nr_regions(fd);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mh_region(fd, i, &ri));
		if (ri.origin == MEMHEAP_ORIGIN_DT) {
			/* Device-tree regions come first. */
			EXPECT_EQ(dt_origin, i);
			dt_origin++;
		}
	}
	EXPECT_EQ(dt_regions, dt_origin);
	close(fd);
}

/*
 * Without CAP_SYS_ADMIN no device address leaks: region queries and
 * allocations report 0.  The file is opened as root, then privileges go.
 */
TEST(dev_addr_needs_cap_sys_admin)
{
	int fd = mh_open(), dma = mh_find_region(fd, MEMHEAP_CAP_DMA), status;
	pid_t pid;

	ASSERT_LE(0, fd);
	if (dma < 0)
		SKIP(return, "no DMA region");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct memheap_region_info ri;
		struct memheap_buffer_info bi;
		struct memheap_alloc a;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(10);
		if (mh_region(fd, (uint32_t)dma, &ri) || ri.dev_addr)
			_exit(11);
		if (mh_alloc(fd, 1, MEMHEAP_CAP_DMA, MEMHEAP_REGION_ANY, MH_MAP_NONE, &a))
			_exit(12);
		if (a.dev_addr)
			_exit(13);
		if (mh_buffer(fd, a.handle, &bi) || bi.dev_addr)
			_exit(14);
		_exit(mh_free(fd, a.handle) ? 15 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(fd);
}

MEMHEAP_TEST_MAIN
