/* SPDX-License-Identifier: MIT */
/*
 * core_stats_invariants: a seeded random workload through every family's
 * allocator (os_malloc/os_realloc, heap_caps_malloc with caps, pvPortMalloc,
 * memheap_alloc of a large buffer, a OneOS user heap, a multi_heap), with
 * every statistic of every family checked against the invariants of
 * stats_invariants.h after each step, then again with everything freed.
 * Runs on the backend the process gets: embedded on the host, the kernel
 * backend in the QEMU guest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_invariants.h"

#define SLOTS 96
#define STEPS 1500

enum kind { K_NONE, K_OS, K_CAPS, K_RTOS, K_MEMHEAP, K_ONEOS, K_MULTI };

struct slot {
	enum kind kind;
	void *p;
};

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(seed >> 33);
}

/* mostly small, some medium, a few past the kernel backend's arena size */
static size_t rnd_size(void)
{
	uint32_t r = rnd() % 100;

	if (r < 70)
		return 1 + rnd() % 256;
	if (r < 95)
		return 256 + rnd() % 16384;
	return (256 << 10) + rnd() % (512 << 10);
}

static void release(struct slot *s, os_memheap_t *oh, multi_heap_handle_t mh)
{
	switch (s->kind) {
	case K_OS: os_free(s->p); break;
	case K_CAPS: heap_caps_free(s->p); break;
	case K_RTOS: vPortFree(s->p); break;
	case K_MEMHEAP: memheap_free(s->p); break;
	case K_ONEOS: os_memheap_free(oh, s->p); break;
	case K_MULTI: multi_heap_free(mh, s->p); break;
	case K_NONE: break;
	}
	s->kind = K_NONE;
	s->p = NULL;
}

int main(void)
{
	static const uint32_t caps[] = {
		MALLOC_CAP_DEFAULT, MALLOC_CAP_8BIT, MALLOC_CAP_DMA, MALLOC_CAP_SPIRAM,
		MALLOC_CAP_INTERNAL, MALLOC_CAP_32BIT,
	};
	static struct slot slot[SLOTS];
	static os_memheap_t oh;
	static unsigned char oh_mem[64 << 10], mh_mem[64 << 10] __attribute__((aligned(16)));
	multi_heap_handle_t mh;
	unsigned int served = 0;

	printf("backend: %s\n", memheap_backend());
	si_check_all();
	REQUIRE(os_memheap_init(&oh, "si") == OS_EOK);
	REQUIRE(os_memheap_add(&oh, oh_mem, sizeof(oh_mem), OS_MEM_ALG_DEFAULT) == OS_EOK);
	mh = multi_heap_register(mh_mem, sizeof(mh_mem));
	REQUIRE(mh != NULL);
	si_check_oneos(&oh);
	si_check_multi_heap(mh);

	for (int step = 0; step < STEPS; step++) {
		struct slot *s = &slot[rnd() % SLOTS];

		if (s->kind != K_NONE && rnd() % 4 == 0 && (s->kind == K_OS || s->kind == K_CAPS)) {
			size_t n = rnd_size();
			void *q = s->kind == K_OS ? os_realloc(s->p, n) : heap_caps_realloc(s->p, n, MALLOC_CAP_8BIT);

			if (q) {
				s->p = q;
				memset(q, 0x5a, n < 64 ? n : 64);
			}
		} else if (s->kind != K_NONE) {
			release(s, &oh, mh);
		} else {
			size_t n = rnd_size();
			enum kind k = (enum kind)(K_OS + rnd() % 6);

			switch (k) {
			case K_OS: s->p = os_malloc(n); break;
			case K_CAPS: s->p = heap_caps_malloc(n, caps[rnd() % 6]); break;
			case K_RTOS: s->p = pvPortMalloc(n); break;
			case K_MEMHEAP: s->p = memheap_alloc(n + (1 << 20), 0, 0, 0); break;
			case K_ONEOS: s->p = os_memheap_alloc(&oh, n % 2048 + 1); break;
			case K_MULTI: s->p = multi_heap_malloc(mh, n % 2048 + 1); break;
			default: break;
			}
			if (s->p) {
				s->kind = k;
				served++;
				memset(s->p, 0xa5, 1);
			}
		}
		si_check_all();
		si_check_oneos(&oh);
		si_check_multi_heap(mh);
		if (lt_failed > 20) {
			fprintf(stderr, "stopped after step %d\n", step);
			break;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		release(&slot[i], &oh, mh);
	si_check_all();
	si_check_oneos(&oh);
	si_check_multi_heap(mh);
	/* the workload really ran: most requests were served */
	CHECK(served > STEPS / 4);
	printf("%u allocations served\n", served);
	return lt_done();
}
