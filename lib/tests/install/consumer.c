/* SPDX-License-Identifier: MIT */
/*
 * consumer.c - a program built against an installed libmemheap with
 * nothing but `pkg-config --cflags --libs libmemheap` (install_check.sh).
 */
#include <stdio.h>
#include <string.h>

#include <memheap.h>

int main(void)
{
	struct memheap_region r;
	void *p = memheap_alloc(1000, 64, MEMHEAP_CAP_DEFAULT, MEMHEAP_F_ZERO);

	if (!p || ((unsigned long)p & 63) || memheap_region_of(p) < 0) {
		fprintf(stderr, "consumer: allocation failed or misplaced\n");
		return 1;
	}
	if (memheap_region_info((unsigned int)memheap_region_of(p), &r) || !r.allocated_blocks) {
		fprintf(stderr, "consumer: region statistics wrong\n");
		return 1;
	}
	memheap_free(p);
	printf("consumer: backend %s, %u regions, first '%s'\n", memheap_backend(),
	       memheap_region_count(), memheap_region_info(0, &r) == 0 ? r.name : "?");
	return memheap_check(1) ? 1 : 0;
}
