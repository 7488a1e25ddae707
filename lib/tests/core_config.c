/* SPDX-License-Identifier: MIT */
/*
 * core_config: the layout language (good and bad entries), and what the
 * library does at start for each environment setting, each case in a fresh
 * child process (initialisation happens once per process).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/internal.h"
#include "lt.h"

static void test_parse_good(void)
{
	struct mhl_layout l;
	char err[256] = "";

	CHECK_EQ(mhl_layout_parse("a:4096", false, "t", &l, err, sizeof(err)), 0);
	CHECK_EQU(l.n, 1);
	CHECK_STR(l.e[0].name, "a");
	CHECK_EQU(l.e[0].size, 4096);
	CHECK_EQU(l.e[0].caps, MEMHEAP_CAP_8BIT | MEMHEAP_CAP_32BIT | MEMHEAP_CAP_DEFAULT);
	CHECK_EQ(l.e[0].algo, MH_ALGO_FIRSTFIT);

	CHECK_EQ(mhl_layout_parse("sram:512K:dma:internal:8bit:buddy:uncached,"
				  "psram:0x800000:spiram:wc,big:2GiB:default", false, "t",
				  &l, err, sizeof(err)), 0);
	CHECK_EQU(l.n, 3);
	CHECK_EQU(l.e[0].size, 512 * 1024);
	CHECK_EQU(l.e[0].caps, MEMHEAP_CAP_DMA | MEMHEAP_CAP_INTERNAL | MEMHEAP_CAP_8BIT);
	CHECK_EQ(l.e[0].algo, MH_ALGO_BUDDY);
	CHECK_EQU(l.e[0].map_mode, MEMHEAP_MAP_UNCACHED);
	CHECK_EQU(l.e[1].size, 8u << 20);
	CHECK_EQU(l.e[1].caps, MEMHEAP_CAP_SPIRAM);
	CHECK_EQU(l.e[1].map_mode, MEMHEAP_MAP_WC);
	CHECK_EQU(l.e[2].size, (size_t)2 << 30);

	/* file syntax: comments, blank lines, spaces */
	CHECK_EQ(mhl_layout_parse("# layout\n\n  one:8K:dma  # internal SRAM\r\n"
				  "two:1M:spiram\n# end\n", true, "t", &l, err, sizeof(err)), 0);
	CHECK_EQU(l.n, 2);
	CHECK_STR(l.e[0].name, "one");
	CHECK_EQU(l.e[0].caps, MEMHEAP_CAP_DMA);
	CHECK_STR(l.e[1].name, "two");
}

static void expect_bad(const char *text, bool per_line, const char *needle)
{
	struct mhl_layout l;
	char err[256] = "";
	int rc = mhl_layout_parse(text, per_line, "SRC", &l, err, sizeof(err));

	CHECK_EQ(rc, MHL_EINVAL);
	if (!strstr(err, needle) || !strstr(err, "SRC")) {
		fprintf(stderr, "for '%s': message '%s' lacks '%s'\n", text, err, needle);
		CHECK(!"message names the problem");
	}
}

static void test_parse_bad(void)
{
	expect_bad("", false, "empty");
	expect_bad("a:4K,,b:4K", false, "entry 2 is empty");
	expect_bad("a", false, "expected NAME:SIZE");
	expect_bad(":4K", false, "bad name");
	expect_bad("a b:4K", false, "bad name (1 to 31 characters of A-Z a-z 0-9 _ . -) 'a b'");
	expect_bad("abcdefghijabcdefghijabcdefghij123:4K", false, "bad name");
	expect_bad("a:4Q", false, "bad size '4Q'");
	expect_bad("a:", false, "no size");
	expect_bad("a:0x", false, "bad size");
	expect_bad("a:99999999999999999999999", false, "bad size");
	expect_bad("a:18446744073709551615K", false, "above 1 TiB");
	expect_bad("a:100", false, "below 4 KiB");
	expect_bad("a:2048G", false, "above 1 TiB");
	/* a size error says what a size may be: every suffix and the range */
	expect_bad("a:1P", false, "bad size '1P' (SIZE is decimal or 0x-hex with an optional "
		   "suffix K, M, G or T (or KiB, MiB, GiB, TiB), from 4 KiB to 1 TiB)");
	expect_bad("a:2T", false, "size above 1 TiB '2T' (SIZE is decimal");
	/* an unknown option lists the known ones */
	expect_bad("a:4K:psram", false, "unknown option 'psram' (options: dma spiram internal "
		   "8bit 32bit default firstfit buddy cached uncached wc)");
	/* an address is the module's only */
	expect_bad("a:4K@0x1000", false, "@PHYS (a carveout address) is for memheap.ko");
	expect_bad("a:4K:fast", false, "unknown option 'fast'");
	expect_bad("a:4K:firstfit:buddy", false, "more than one of firstfit, buddy");
	expect_bad("a:4K:cached:wc", false, "more than one of");
	expect_bad("a:4K:dma:spiram", false, "exclude each other");
	expect_bad("a:4K,a:8K", false, "used twice");
	expect_bad("a:4K,b:4K,c:4K,d:4K,e:4K,f:4K,g:4K,h:4K,i:4K,j:4K,k:4K,l:4K,"
		   "m:4K,n:4K,o:4K,p:4K,q:4K", false, "more than 16");
	expect_bad("# nothing\n\n", true, "no region");
	expect_bad("ok:4K\nbad:4K:x\n", true, "entry 2 'bad:4K:x'");
	CHECK_EQ(mhl_poison_parse("light"), MH_POISON_LIGHT);
	CHECK_EQ(mhl_poison_parse("Light"), -1);
}

/*
 * Run @fn in a child with the environment @env ("NAME=value" pairs, NULL
 * ended, "NAME=" alone unsets); returns the child's exit status and its
 * stderr in @err.
 */
static int in_child(const char *const *env, int (*fn)(void), char *err, size_t errlen)
{
	int pfd[2];
	pid_t pid;
	int status;
	size_t used = 0;

	REQUIRE(pipe(pfd) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		static const char *const vars[] = { "MEMHEAP_BACKEND", "MEMHEAP_REGIONS",
			"MEMHEAP_CONFIG", "MEMHEAP_POISON", "MEMHEAP_TRACK" };
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			unsetenv(vars[i]);
		for (; *env; env++) {
			char name[64];
			const char *eq = strchr(*env, '=');

			snprintf(name, sizeof(name), "%.*s", (int)(eq - *env), *env);
			setenv(name, eq + 1, 1);
		}
		dup2(pfd[1], 2);
		close(pfd[0]);
		_exit(fn());
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], err + used, errlen - 1 - used);

		if (n <= 0)
			break;
		used += (size_t)n;
	}
	err[used] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* exit codes: 10 + nregions if config ok, 50 if refused with no region */
static int child_report(void)
{
	struct mhl_config_info ci;
	void *p;

	mhl_config(&ci);
	p = mhl_alloc(16, 0, 0, 0, "t");
	if (!ci.config_ok)
		return (ci.nregions == 0 && !p && ci.config_error) ? 50 : 51;
	if (!p)
		return 52;
	mhl_free(p, "t");
	return 10 + (int)ci.nregions;
}

static int child_default(void)
{
	struct mhl_config_info ci;
	struct mhl_region_info a, b;

	mhl_config(&ci);
	if (mhl_region_get(0, &a, NULL) || mhl_region_get(1, &b, NULL))
		return 60;
	if (strcmp(a.name, "sram") || a.end - a.start != 512 * 1024 ||
	    a.caps != (MEMHEAP_CAP_DMA | MEMHEAP_CAP_INTERNAL | MEMHEAP_CAP_8BIT |
		       MEMHEAP_CAP_32BIT | MEMHEAP_CAP_DEFAULT))
		return 61;
	if (strcmp(b.name, "psram") || b.end - b.start != 8u << 20 ||
	    b.caps != (MEMHEAP_CAP_SPIRAM | MEMHEAP_CAP_8BIT | MEMHEAP_CAP_32BIT |
		       MEMHEAP_CAP_DEFAULT))
		return 62;
	if (strcmp(ci.layout_source, "default") || ci.poison != MH_POISON_NONE)
		return 63;
	return 0;
}

static int child_poison(void)
{
	/* comprehensive poisoning: a write after free is found by the check */
	unsigned char *p = mhl_alloc(64, 0, 0, 0, "t");

	if (mhl_poison() != MH_POISON_COMPREHENSIVE || !p || p[0] != MH_FILL_ALLOC)
		return 70;
	if (mhl_check(0, false))
		return 71;
	p[64] ^= 1;		/* just past the end: the tail canary */
	if (mhl_check(0, false) == 0)
		return 72;
	return 0;
}

static int child_track(void)
{
	return mhl_track_enabled() ? 0 : 80;
}

static void test_start(void)
{
	char err[4096], path[] = "/tmp/memheap-config-XXXXXX";
	int fd;

	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded", NULL };
		CHECK_EQ(in_child(env, child_default, err, sizeof(err)), 0);
		CHECK_STR(err, "");
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded",
			"MEMHEAP_REGIONS=a:8K,b:8K,c:8K", NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 13);
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded",
			"MEMHEAP_REGIONS=a:8K,b:8K:nonsense", NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 50);
		CHECK(strstr(err, "MEMHEAP_REGIONS: entry 2 'b:8K:nonsense': unknown option 'nonsense'"));
		CHECK(strstr(err, "every allocation fails"));
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=warp", NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 50);
		CHECK(strstr(err, "MEMHEAP_BACKEND='warp'"));
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded", "MEMHEAP_POISON=max", NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 50);
		CHECK(strstr(err, "MEMHEAP_POISON='max'"));
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded", "MEMHEAP_TRACK=yes", NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 50);
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded", "MEMHEAP_TRACK=1", NULL };
		CHECK_EQ(in_child(env, child_track, err, sizeof(err)), 0);
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded",
			"MEMHEAP_POISON=comprehensive", NULL };
		CHECK_EQ(in_child(env, child_poison, err, sizeof(err)), 0);
	}
	{
		const char *env[] = { "MEMHEAP_BACKEND=embedded",
			"MEMHEAP_CONFIG=/nonexistent/memheap.conf", NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 50);
		CHECK(strstr(err, "/nonexistent/memheap.conf: No such file"));
	}
	fd = mkstemp(path);
	REQUIRE(fd >= 0);
	{
		static const char text[] = "# test layout\nx:16K:dma\ny:64K:spiram:buddy\nz:4K\n";
		char var[64];
		REQUIRE(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1));
		snprintf(var, sizeof(var), "MEMHEAP_CONFIG=%s", path);
		const char *env[] = { "MEMHEAP_BACKEND=embedded", var, NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 13);
		/* MEMHEAP_REGIONS wins over MEMHEAP_CONFIG */
		const char *env2[] = { "MEMHEAP_BACKEND=embedded", var, "MEMHEAP_REGIONS=only:8K", NULL };
		CHECK_EQ(in_child(env2, child_report, err, sizeof(err)), 11);
		REQUIRE(ftruncate(fd, 0) == 0);
		REQUIRE(pwrite(fd, "x:16K\nbroken line\n", 18, 0) == 18);
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 50);
		CHECK(strstr(err, "entry 2 'broken line'"));
	}
	close(fd);
	unlink(path);
	if (access(MEMHEAP_DEVICE_PATH, F_OK) != 0) {
		/* forced kernel backend without the device: refused, clearly */
		const char *env[] = { "MEMHEAP_BACKEND=kernel", NULL };
		CHECK_EQ(in_child(env, child_report, err, sizeof(err)), 50);
		CHECK(strstr(err, MEMHEAP_DEVICE_PATH));
		/* auto: embedded */
		const char *env2[] = { "MEMHEAP_REGIONS=q:8K", NULL };
		CHECK_EQ(in_child(env2, child_report, err, sizeof(err)), 11);
	}
}

int main(void)
{
	test_parse_good();
	test_parse_bad();
	test_start();
	return lt_done();
}
