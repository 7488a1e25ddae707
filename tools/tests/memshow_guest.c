// SPDX-License-Identifier: GPL-2.0
/*
 * memshow against known allocations, in the QEMU guest with memheap.ko
 * loaded: every number memshow prints is compared with what this program
 * allocated and with the ioctl view of the same region.
 *
 * Usage: memshow_guest [MEMSHOW]   (default /usr/bin/memshow)
 * Exit: 0 all passed, 4 skipped (no device or no region), 1 a check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/memheap.h>

#define SKIP 4

static const char *memshow = "/usr/bin/memshow";
static int failures;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

/* Run memshow with @args (through sh), capture stdout+stderr, return status. */
static int run(char *out, size_t len, const char *args)
{
	char cmd[512];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", memshow, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The unsigned number after "key": in a JSON text, starting at @from. */
static bool json_u64(const char *from, const char *key, uint64_t *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(from, pat);
	if (!p)
		return false;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return true;
}

static int query(int fd, const char *name, struct memheap_region_info *ri)
{
	struct memheap_info info = { 0 };

	if (ioctl(fd, MEMHEAP_IOC_INFO, &info))
		return -1;
	for (uint32_t i = 0; i < info.nr_regions; i++) {
		memset(ri, 0, sizeof(*ri));
		ri->index = i;
		if (ioctl(fd, MEMHEAP_IOC_REGION_QUERY, ri))
			return -1;
		if (!strcmp(ri->name, name))
			return 0;
	}
	errno = ENOENT;
	return -1;
}

static int alloc_in(int fd, uint32_t region, uint64_t size, uint32_t *handle)
{
	struct memheap_alloc a = {
		.size = size, .flags = MEMHEAP_ALLOC_REGION, .region = region,
	};

	if (ioctl(fd, MEMHEAP_IOC_ALLOC, &a))
		return -1;
	*handle = a.handle;
	return 0;
}

static void check_regions(int fd, const struct memheap_region_info *ri)
{
	static char out[65536];
	struct memheap_region_info now;
	uint64_t v;
	int rc;

	rc = run(out, sizeof(out), "-b --json psram");
	check(rc == 0, "memshow -b --json psram exits 0 (got %d)", rc);
	if (query(fd, "psram", &now))
		return;
	check(json_u64(out, "size", &v) && v == now.size, "size %llu", (unsigned long long)v);
	check(json_u64(out, "used", &v) && v == now.used, "used %llu == ioctl %llu",
	      (unsigned long long)v, (unsigned long long)now.used);
	check(json_u64(out, "free", &v) && v == now.free, "free %llu", (unsigned long long)v);
	check(json_u64(out, "largest_free", &v) && v == now.largest_free,
	      "largest_free %llu", (unsigned long long)v);
	check(json_u64(out, "allocations", &v) && v == now.allocs,
	      "allocations %llu", (unsigned long long)v);
	check(json_u64(out, "live", &v) && v == now.live && v >= 3,
	      "live %llu", (unsigned long long)v);
	check(now.used >= ri->used + (64 + 128 + 1024) * 1024ull,
	      "used grew by at least what was allocated");

	rc = run(out, sizeof(out), "-b");
	check(rc == 0 && strstr(out, "psram") && strstr(out, "LARGEST"),
	      "table lists psram with a header");
	rc = run(out, sizeof(out), "");
	check(rc == 0 && strstr(out, " MiB"), "human units by default");
}

static void check_usage(void)
{
	static char out[65536];
	char pid[32];
	const char *me;
	uint64_t v;
	int rc;

	rc = run(out, sizeof(out), "-p -b --json");
	check(rc == 0, "memshow -p --json exits 0 (got %d)", rc);
	snprintf(pid, sizeof(pid), "\"pid\":%d,", (int)getpid());
	me = strstr(out, pid);
	check(me != NULL, "own pid %d listed", (int)getpid());
	if (!me)
		return;
	check(json_u64(me, "buffers", &v) && v == 3, "own buffers %llu == 3",
	      (unsigned long long)v);
	check(json_u64(me, "bytes", &v) && v == (64 + 128 + 1024) * 1024ull,
	      "own bytes %llu", (unsigned long long)v);
}

/* Whether the extent object starting at @p says "used":true. */
static bool extent_used(const char *p)
{
	const char *end = strchr(p, '}');
	const char *u = strstr(p, "\"used\":true");

	return end && u && u < end;
}

static void check_map(const struct memheap_region_info *now)
{
	static char out[1 << 18];
	uint64_t sum = 0, used = 0, off, len;
	bool have_1m = false;
	const char *p;
	int rc;

	rc = run(out, sizeof(out), "map psram --json");
	check(rc == 0, "memshow map psram --json exits 0 (got %d)", rc);
	for (p = strstr(out, "\"offset\":"); p; p = strstr(p + 1, "\"offset\":")) {
		if (!json_u64(p, "offset", &off) || !json_u64(p, "length", &len))
			break;
		check(off == sum, "extent at %llu follows the previous one",
		      (unsigned long long)off);
		sum += len;
		if (extent_used(p)) {
			used += len;
			have_1m |= len == 1024 * 1024;
		}
	}
	check(sum == now->size, "extents cover the region: %llu == %llu",
	      (unsigned long long)sum, (unsigned long long)now->size);
	check(used == now->used, "used extents sum to used: %llu == %llu",
	      (unsigned long long)used, (unsigned long long)now->used);
	check(have_1m, "the 1 MiB buffer is one used extent");
	rc = run(out, sizeof(out), "map psram --width 32");
	check(rc == 0 && strstr(out, "psram:") && strstr(out, "legend:") &&
	      strchr(out, '#'), "text map draws used cells");
}

static void check_monitor(int fd, uint32_t region)
{
	char cmd[256], line[512], want[64];
	bool ready = false, seen = false;
	struct memheap_alloc a = {
		.size = 1ull << 40, .flags = MEMHEAP_ALLOC_REGION, .region = region,
	};
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s monitor -b --count 1 --timeout 30", memshow);
	p = popen(cmd, "r");
	if (!p) {
		check(false, "start memshow monitor");
		return;
	}
	while (fgets(line, sizeof(line), p)) {
		if (!ready && strstr(line, "listening")) {
			ready = true;
			check(ioctl(fd, MEMHEAP_IOC_ALLOC, &a) == -1 && errno == ENOMEM,
			      "1 TiB allocation fails with ENOMEM");
			continue;
		}
		snprintf(want, sizeof(want), " region=%u\n", region);
		if (strstr(line, "alloc-failed size=1099511627776") && strstr(line, want) &&
		    !strstr(line, "pid="))
			seen = true;
	}
	check(ready, "monitor reported it was listening");
	check(pclose(p) == 0 && seen,
	      "monitor printed the failure with size and region, naming no process");
}

static void check_errors(void)
{
	char out[4096];
	int rc, st;
	pid_t pid;

	rc = run(out, sizeof(out), "nosuchregion");
	check(rc == 1 && strstr(out, "region query failed: "),
	      "unknown region: exit 1 with the kernel's message (%d: %s)", rc, out);
	rc = run(out, sizeof(out), "map nosuchregion");
	check(rc == 1, "map of an unknown region: exit 1 (got %d)", rc);

	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (setgid(65534) || setuid(65534))
			_exit(99);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execl(memshow, memshow, "-p", (char *)NULL);
		_exit(98);
	}
	check(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 4, "-p as an unprivileged user: exit 4 (got %d)",
	      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(int argc, char **argv)
{
	struct memheap_region_info before, now;
	uint32_t h[3];
	int fd;

	if (argc > 1)
		memshow = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("SKIP: %s: %s\n", MEMHEAP_DEVICE_PATH, strerror(errno));
		return SKIP;
	}
	if (query(fd, "psram", &before)) {
		printf("SKIP: no region named psram\n");
		return SKIP;
	}
	if (alloc_in(fd, before.index, 64 * 1024, &h[0]) ||
	    alloc_in(fd, before.index, 128 * 1024, &h[1]) ||
	    alloc_in(fd, before.index, 1024 * 1024, &h[2])) {
		printf("FAIL: cannot allocate in psram: %s\n", strerror(errno));
		return 1;
	}
	check_regions(fd, &before);
	check_usage();
	if (!query(fd, "psram", &now))
		check_map(&now);
	check_monitor(fd, before.index);
	check_errors();
	close(fd);
	printf("memshow_guest: %d failed\n", failures);
	return failures ? 1 : 0;
}
