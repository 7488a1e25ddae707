/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* Threaded stress: four threads allocate, reallocate across caps and free
 * with every heap_caps family while a fifth reads statistics and checks
 * integrity; every block keeps its contents, and at the end all memory is
 * free again and every heap is intact.  Runs under TSan too. */
#include <pthread.h>

#include "esp_helpers.h"

#define THREADS 4
#define SLOTS 64
#define ROUNDS 4000

static const uint32_t caps_set[] = {
	MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM, MALLOC_CAP_INTERNAL, MALLOC_CAP_DEFAULT,
	MALLOC_CAP_8BIT | MALLOC_CAP_32BIT,
};
static _Atomic int stop;
static _Atomic int corrupt;

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg * 2654435761u + 1;
	unsigned char *slot[SLOTS] = { 0 };
	unsigned char tag[SLOTS];
	size_t len[SLOTS];
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		seed = seed * 1103515245u + 12345u;
		i = (int)((seed >> 8) % SLOTS);
		uint32_t caps = caps_set[(seed >> 16) % 5];
		size_t n = 1 + (seed >> 4) % 2000;

		if (slot[i]) {
			size_t k;

			for (k = 0; k < len[i]; k++)
				if (slot[i][k] != tag[i])
					corrupt = 1;
			if ((seed >> 20) & 1) {
				unsigned char *q = heap_caps_realloc(slot[i], n, caps);

				if (q) {
					slot[i] = q;
					len[i] = len[i] < n ? len[i] : n;
				}
				continue;
			}
			heap_caps_free(slot[i]);
			slot[i] = NULL;
			continue;
		}
		switch ((seed >> 24) % 3) {
		case 0: slot[i] = heap_caps_malloc(n, caps); break;
		case 1: slot[i] = heap_caps_calloc(1, n, caps); break;
		default: slot[i] = heap_caps_aligned_alloc(64, n, caps); break;
		}
		if (slot[i]) {
			tag[i] = (unsigned char)seed;
			len[i] = n;
			memset(slot[i], tag[i], n);
		}
	}
	for (i = 0; i < SLOTS; i++)
		heap_caps_free(slot[i]);
	return NULL;
}

static void *observer(void *arg)
{
	multi_heap_info_t info;

	(void)arg;
	while (!stop) {
		heap_caps_get_info(&info, MALLOC_CAP_8BIT);
		(void)heap_caps_get_largest_free_block(MALLOC_CAP_DMA);
		if (!heap_caps_check_integrity_all(true))
			corrupt = 2;
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS], obs;
	size_t before = heap_caps_get_free_size(0);
	int i;

	REQUIRE(pthread_create(&obs, NULL, observer, NULL) == 0);
	for (i = 0; i < THREADS; i++)
		REQUIRE(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1)) == 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	stop = 1;
	pthread_join(obs, NULL);
	CHECK_EQ(corrupt, 0);
	CHECK_EQU(heap_caps_get_free_size(0), before);
	CHECK(heap_caps_check_integrity_all(true));
	return lt_done();
}
