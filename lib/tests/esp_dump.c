/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_dump / dump_all print one line per block of the matching heaps,
 * live allocations among them as used. */
#include "esp_helpers.h"

int main(void)
{
	struct esp_capture cap;
	char *out, line[64];
	void *p, *q;
	multi_heap_info_t info;

	p = heap_caps_malloc(1234, MALLOC_CAP_DMA);
	q = heap_caps_malloc(4321, MALLOC_CAP_SPIRAM);
	REQUIRE(p && q);

	esp_capture_begin(&cap, 1);
	heap_caps_dump(MALLOC_CAP_DMA);
	out = esp_capture_end(&cap);
	snprintf(line, sizeof(line), "data %p size ", p);
	CHECK_EQ(esp_count(out, line), 1);
	snprintf(line, sizeof(line), "data %p size ", q);
	CHECK_EQ(esp_count(out, line), 0);
	heap_caps_get_info(&info, MALLOC_CAP_DMA);
	CHECK_EQ(esp_count(out, "  Block "), (int)info.total_blocks);
	CHECK_EQ(esp_count(out, " used\n"), (int)info.allocated_blocks);
	free(out);

	esp_capture_begin(&cap, 1);
	heap_caps_dump_all();
	out = esp_capture_end(&cap);
	snprintf(line, sizeof(line), "data %p size ", p);
	CHECK_EQ(esp_count(out, line), 1);
	snprintf(line, sizeof(line), "data %p size ", q);
	CHECK_EQ(esp_count(out, line), 1);
	CHECK_EQ(esp_count(out, "Heap "), 2);
	free(out);

	heap_caps_free(p);
	heap_caps_free(q);
	return lt_done();
}
