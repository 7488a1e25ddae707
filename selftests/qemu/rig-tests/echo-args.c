// SPDX-License-Identifier: GPL-2.0
/*
 * rig-test: a dynamically linked aarch64 program for the guest.  Prints
 * its arguments one per line and exits with their count, so the test sees
 * that the loader and libc in the initramfs work, that arguments arrive
 * unchanged and that the exit status comes back.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("arg%d=[%s]\n", i, argv[i]);
	return argc - 1;
}
