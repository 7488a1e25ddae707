// SPDX-License-Identifier: MIT
/*
 * oneos_threads.c - four threads share one OneOS user heap, the system
 * heap (os_malloc) and the FreeRTOS heap (pvPortMalloc), allocating,
 * writing, checking and freeing through a different family than the one
 * that allocated.  No block is corrupted, every byte returns, the heaps
 * check clean.  Built with TSan too.
 */
#include <os_memory.h>
#include <os/mem.h>
#include <FreeRTOS.h>

#include <pthread.h>
#include <stdalign.h>

#include "lt.h"

#define THREADS	4
#define ROUNDS	3000
#define SLOTS	32

static alignas(64) unsigned char zone[256 * 1024];
static struct os_memheap shared_heap;
static int errors[THREADS];

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	unsigned char *slot[SLOTS] = { NULL };
	size_t len[SLOTS] = { 0 };
	unsigned int seed = 12345u + (unsigned int)id;

	for (int r = 0; r < ROUNDS; r++) {
		int i;

		seed = seed * 1103515245u + 12345u;
		i = (int)((seed >> 16) % SLOTS);
		if (slot[i]) {
			for (size_t k = 0; k < len[i]; k++)
				if (slot[i][k] != (unsigned char)(id + i))
					errors[id]++;
			/* os_memheap_free only takes its own heap's blocks */
			if ((seed >> 8) % 3 == 2 && slot[i] >= zone &&
			    slot[i] < zone + sizeof(zone))
				os_memheap_free(&shared_heap, slot[i]);
			else if ((seed >> 8) % 2)
				vPortFree(slot[i]);
			else
				os_free(slot[i]);
			slot[i] = NULL;
			continue;
		}
		len[i] = 1 + (seed >> 20) % 300;
		switch ((seed >> 4) % 3) {
		case 0: slot[i] = os_malloc(len[i]); break;
		case 1: slot[i] = pvPortMalloc(len[i]); break;
		default: slot[i] = os_memheap_alloc(&shared_heap, len[i]); break;
		}
		if (slot[i])
			memset(slot[i], id + i, len[i]);
	}
	for (int i = 0; i < SLOTS; i++)
		os_free(slot[i]);
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];
	os_meminfo_t before, after, user;
	size_t free0 = xPortGetFreeHeapSize();

	REQUIRE(os_memheap_init(&shared_heap, "shared") == OS_EOK);
	REQUIRE(os_memheap_add(&shared_heap, zone, sizeof(zone), OS_MEM_ALG_FIRSTFIT) == OS_EOK);
	os_memory_info(&before);
	for (int t = 0; t < THREADS; t++)
		REQUIRE(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t) == 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	for (int t = 0; t < THREADS; t++)
		CHECK_EQ(errors[t], 0);
	os_memory_info(&after);
	CHECK_EQU(after.mem_used, before.mem_used);
	CHECK_EQU(xPortGetFreeHeapSize(), free0);
	os_memheap_info(&shared_heap, &user);
	CHECK_EQU(user.mem_used, 0);
	CHECK(user.mem_maxused > 0);
	CHECK_EQ(os_memory_check(), OS_EOK);
	CHECK_EQ(os_memheap_check(&shared_heap), OS_EOK);
	return lt_done();
}
