/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * caps_tour.c - ESP-IDF heap code as a ported program writes it: a DMA
 * buffer, a PSRAM buffer, a failed-allocation callback, a private
 * multi_heap, and the integrity check.  Prints only facts that do not
 * depend on addresses, so its output is compared with caps_tour.expected.
 */
#include <stdio.h>
#include <string.h>

#include "esp_heap_caps.h"
#include "multi_heap.h"

static void on_failed(size_t size, uint32_t caps, const char *function_name)
{
	printf("allocation failed: %zu bytes, caps 0x%08x, in %s\n",
	       size, (unsigned int)caps, function_name);
}

int main(void)
{
	static unsigned char arena[8192];
	multi_heap_handle_t heap;
	uint8_t *dma, *ext;
	void *p;

	heap_caps_register_failed_alloc_callback(on_failed);

	dma = heap_caps_malloc(512, MALLOC_CAP_DMA);
	ext = heap_caps_calloc(1, 4096, MALLOC_CAP_SPIRAM);
	printf("dma buffer: %s, psram buffer: %s, zeroed: %s\n",
	       dma ? "ok" : "none", ext ? "ok" : "none",
	       ext && ext[0] == 0 && ext[4095] == 0 ? "yes" : "no");
	printf("dma buffer usable size >= 512: %s\n",
	       heap_caps_get_allocated_size(dma) >= 512 ? "yes" : "no");

	/* No memheap region can run code: NULL and the callback. */
	p = heap_caps_malloc(64, MALLOC_CAP_EXEC);
	printf("exec memory: %s\n", p ? "ok" : "none");

	heap = multi_heap_register(arena, sizeof(arena));
	p = multi_heap_malloc(heap, 100);
	printf("private heap block: %s\n", p ? "ok" : "none");
	multi_heap_free(heap, p);
	printf("private heap intact: %s\n", multi_heap_check(heap, true) ? "yes" : "no");

	heap_caps_free(dma);
	heap_caps_free(ext);
	printf("all heaps intact: %s\n", heap_caps_check_integrity_all(true) ? "yes" : "no");
	return 0;
}
