// SPDX-License-Identifier: GPL-2.0
/*
 * mhtool: the device as the shell tests (load.sh, rmmod.sh) need it.
 *
 *   mhtool regions            one line per region, in the format of the
 *                             rig's regions.expected
 *   mhtool alloc SIZE [CAPS]  allocate and free one buffer with CAPS
 *                             ('+'-joined words, default none); prints
 *                             "ok" or the errno name; exit 0 only on success
 *   mhtool load KO [PARAM...]  one finit_module() of KO with the
 *                             parameters (busybox insmod retries a failed
 *                             finit_module with init_module, so a module
 *                             refusing to load would log everything twice);
 *                             prints the error, exit 0 only on success
 *   mhtool spec-reason NAME   the message text of a reason named in
 *                             spec/cases.txt (e.g. "large")
 *   mhtool hold fd|map|dmabuf READY
 *                             keep a reference to the module alive: the
 *                             open file, a mapping (file closed) or a
 *                             dma-buf (file closed); creates READY when
 *                             set up, then waits to be killed
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/memheap.h>

#include "mh_names.h"

static const char *errno_name(int err)
{
	switch (err) {
	case ENODEV: return "ENODEV";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	default: return strerror(err);
	}
}

static int open_dev(void)
{
	int fd = open(MEMHEAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "mhtool: %s: %s\n", MEMHEAP_DEVICE_PATH, strerror(errno));
	return fd;
}

static int cmd_regions(void)
{
	struct memheap_region_info ri;
	struct memheap_info info = { 0 };
	uint32_t i;
	int fd = open_dev();

	if (fd < 0)
		return 1;
	if (ioctl(fd, MEMHEAP_IOC_INFO, &info)) {
		perror("mhtool: INFO");
		return 1;
	}
	for (i = 0; i < info.nr_regions; i++) {
		char caps[128] = "";

		memset(&ri, 0, sizeof(ri));
		ri.index = i;
		if (ioctl(fd, MEMHEAP_IOC_REGION_QUERY, &ri)) {
			perror("mhtool: REGION_QUERY");
			return 1;
		}
		/* Caps in the binding's order, '+'-joined. */
		mh_spec_caps_str(ri.caps, '+', caps, sizeof(caps));
		if (!ri.caps)
			caps[0] = '\0';
		printf("%u %s %s %s %s %s %llu\n", ri.index, ri.name, caps,
		       mh_spec_algo_word(ri.algo), mh_spec_map_word(ri.map_mode),
		       mh_origin_word(ri.origin), (unsigned long long)ri.size);
	}
	close(fd);
	return 0;
}

static int cmd_alloc(const char *size, const char *caps)
{
	struct memheap_alloc a = { .size = strtoull(size, NULL, 0) };
	struct memheap_handle_arg h = { 0 };
	int fd;

	if (caps && mh_parse_caps(caps, '+', &a.caps)) {
		fprintf(stderr, "mhtool: bad caps '%s'\n", caps);
		return 2;
	}
	fd = open_dev();
	if (fd < 0)
		return 1;
	if (ioctl(fd, MEMHEAP_IOC_ALLOC, &a)) {
		printf("%s\n", errno_name(errno));
		return 1;
	}
	h.handle = a.handle;
	if (ioctl(fd, MEMHEAP_IOC_FREE, &h)) {
		printf("free: %s\n", errno_name(errno));
		return 1;
	}
	printf("ok\n");
	close(fd);
	return 0;
}

static int cmd_hold(const char *what, const char *ready)
{
	struct memheap_alloc a = { .size = 4096 };
	struct memheap_export e = { .flags = O_RDWR };
	int fd = open_dev(), rfd;
	void *p;

	if (fd < 0)
		return 1;
	if (ioctl(fd, MEMHEAP_IOC_ALLOC, &a)) {
		perror("mhtool: ALLOC");
		return 1;
	}
	if (!strcmp(what, "map")) {
		p = mmap(NULL, a.size_out, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 (off_t)a.mmap_offset);
		if (p == MAP_FAILED) {
			perror("mhtool: mmap");
			return 1;
		}
		close(fd);
	} else if (!strcmp(what, "dmabuf")) {
		e.handle = a.handle;
		if (ioctl(fd, MEMHEAP_IOC_EXPORT, &e)) {
			perror("mhtool: EXPORT");
			return 1;
		}
		close(fd);
	} else if (strcmp(what, "fd")) {
		fprintf(stderr, "mhtool: hold fd|map|dmabuf\n");
		return 2;
	}
	rfd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (rfd < 0) {
		perror("mhtool: ready file");
		return 1;
	}
	close(rfd);
	for (;;)
		pause();
}

static int cmd_load(const char *ko, int nparams, char **params)
{
	char args[4096] = "";
	size_t used = 0;
	int fd, i, n;

	for (i = 0; i < nparams; i++) {
		n = snprintf(args + used, sizeof(args) - used, "%s%s", i ? " " : "", params[i]);
		if (n < 0 || (size_t)n >= sizeof(args) - used) {
			fprintf(stderr, "mhtool: parameters too long\n");
			return 2;
		}
		used += (size_t)n;
	}
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mhtool: %s: %s\n", ko, strerror(errno));
		return 1;
	}
	if (syscall(SYS_finit_module, fd, args, 0)) {
		fprintf(stderr, "mhtool: load %s: %s\n", ko, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

/* The message text of a spec/cases.txt reason name. */
static int cmd_spec_reason(const char *name)
{
	int c;

	for (c = 0; c < MH_SPEC_NERR; c++) {
		if (!strcmp(mh_spec_err_name(c), name)) {
			printf("%s\n", mh_spec_strerror(c));
			return 0;
		}
	}
	fprintf(stderr, "mhtool: no reason named '%s'\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "load"))
		return cmd_load(argv[2], argc - 3, argv + 3);
	if (argc == 2 && !strcmp(argv[1], "pagesize")) {
		printf("%ld\n", sysconf(_SC_PAGESIZE));
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "regions"))
		return cmd_regions();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "alloc"))
		return cmd_alloc(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc == 3 && !strcmp(argv[1], "spec-reason"))
		return cmd_spec_reason(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2], argv[3]);
	fprintf(stderr, "usage: mhtool pagesize | regions | alloc SIZE [CAPS] | load KO [PARAM...] | hold fd|map|dmabuf READY | spec-reason NAME\n");
	return 2;
}
