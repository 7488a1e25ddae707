// SPDX-License-Identifier: GPL-2.0
/*
 * udev_guest.c - in the QEMU guest (busybox, no udev): what
 * kmod/udev/60-memheap.rules asks for works on the real device.
 *
 * The rule's SUBSYSTEM, KERNEL, MODE and GROUP come in as -D flags taken
 * from the rule file itself.  The test checks that the module's device is
 * SUBSYSTEM/KERNEL with the /dev node the kernel announces, that without
 * the rule only root may open it, then does what udev would (owner root,
 * a stand-in gid for the group, MODE) and checks as an unprivileged user:
 * refused outside the group; inside it, allocate, map, write and read
 * back, with no device address leaked.  The node's owner and mode are put
 * back at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/memheap.h>

#if !defined(RULE_SUBSYSTEM) || !defined(RULE_KERNEL) || \
	!defined(RULE_MODE) || !defined(RULE_GROUP)
#error "build with the rule's fields: -DRULE_SUBSYSTEM=... (see packaging.mk)"
#endif

#define USER_ID 1000		/* an unprivileged user */
#define GROUP_ID 990		/* stands for RULE_GROUP (a system group) */

static int failures;

static void result(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failures++;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The sysfs view udev matches the rule against. */
static void check_names(const char *node)
{
	char path[256], buf[256], link[256];
	unsigned int maj, min;
	struct stat st;
	ssize_t n;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/%s/%s/subsystem",
		 RULE_SUBSYSTEM, RULE_KERNEL);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0)
		link[n] = '\0';
	result(n > 0 && !strcmp(strrchr(link, '/') + 1, RULE_SUBSYSTEM),
	       "the device's subsystem is SUBSYSTEM=\"" RULE_SUBSYSTEM "\"");

	snprintf(path, sizeof(path), "/sys/class/%s/%s/uevent",
		 RULE_SUBSYSTEM, RULE_KERNEL);
	f = fopen(path, "r");
	while (f && fgets(buf, sizeof(buf), f))
		if (!strcmp(buf, "DEVNAME=" RULE_KERNEL "\n"))
			found = 1;
	if (f)
		fclose(f);
	result(found, "the kernel names it KERNEL=\"" RULE_KERNEL "\" (uevent DEVNAME)");

	snprintf(path, sizeof(path), "/sys/class/%s/%s/dev",
		 RULE_SUBSYSTEM, RULE_KERNEL);
	result(!read_line(path, buf, sizeof(buf)) &&
	       sscanf(buf, "%u:%u", &maj, &min) == 2 &&
	       !stat(node, &st) && S_ISCHR(st.st_mode) &&
	       major(st.st_rdev) == maj && minor(st.st_rdev) == min,
	       "/dev/" RULE_KERNEL " is that character device");
}

/* In a child: become USER_ID with the given groups, then open @node. */
static int open_as_user(const char *node, int in_group)
{
	gid_t groups[1] = { GROUP_ID };
	int status, fd, err;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(in_group ? 1 : 0, groups) || setgid(USER_ID) ||
		    setuid(USER_ID))
			_exit(100);
		fd = open(node, O_RDWR | O_CLOEXEC);
		err = errno;
		if (fd < 0)
			_exit(err == EACCES ? 101 : 102);
		if (!in_group)
			_exit(0);
		/* what a member of the group does with the device */
		{
			struct memheap_info info = { 0 };
			struct memheap_alloc a = { .size = 4096,
						   .caps = MEMHEAP_CAP_DMA };
			struct memheap_handle_arg fr = { 0 };
			unsigned char *p;

			if (ioctl(fd, MEMHEAP_IOC_INFO, &info) ||
			    info.abi_version != MEMHEAP_ABI_VERSION)
				_exit(103);
			if (ioctl(fd, MEMHEAP_IOC_ALLOC, &a))
				_exit(104);
			if (a.dev_addr != 0)
				_exit(105);
			p = mmap(NULL, a.size_out, PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, (off_t)a.mmap_offset);
			if (p == MAP_FAILED)
				_exit(106);
			if (p[0] != 0 || p[a.size_out - 1] != 0)
				_exit(107);
			memset(p, 0x5a, a.size_out);
			if (p[a.size_out - 1] != 0x5a)
				_exit(107);
			munmap(p, a.size_out);
			fr.handle = a.handle;
			if (ioctl(fd, MEMHEAP_IOC_FREE, &fr))
				_exit(108);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int main(void)
{
	const char *node = "/dev/" RULE_KERNEL;
	mode_t mode = (mode_t)strtoul(RULE_MODE, NULL, 8);
	struct stat orig;
	int rc;

	if (stat(node, &orig)) {
		printf("not ok - %s: %s (is memheap.ko loaded?)\n", node,
		       strerror(errno));
		return 1;
	}
	check_names(node);
	result((orig.st_mode & 07777) == 0600 && orig.st_uid == 0,
	       "without the rule the node is root's, mode 0600");
	rc = open_as_user(node, 0);
	result(rc == 101, "without the rule a user cannot open it (EACCES)");

	/* What udev does for the rule: GROUP and MODE. */
	if (chown(node, 0, GROUP_ID) || chmod(node, mode)) {
		printf("not ok - applying the rule: %s\n", strerror(errno));
		return 1;
	}
	printf("# applied MODE=\"%s\" GROUP=\"%s\" (gid %d)\n", RULE_MODE,
	       RULE_GROUP, GROUP_ID);
	rc = open_as_user(node, 0);
	result(rc == 101, "a user outside the group is refused (EACCES)");
	rc = open_as_user(node, 1);
	if (rc)
		printf("# member's child exited %d (see udev_guest.c)\n", rc);
	result(rc == 0,
	       "a member opens it, allocates, maps, writes; no device address");

	if (chown(node, orig.st_uid, orig.st_gid) ||
	    chmod(node, orig.st_mode & 07777))
		result(0, "restoring the node's owner and mode");
	printf("%s\n", failures ? "FAIL udev_guest" : "PASS udev_guest");
	return failures ? 1 : 0;
}
