/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* heap_caps_dump / dump_all print one line per block of the matching heaps,
 * live allocations among them as used, under one header per heap (checked
 * against the region list). */
#include "esp_helpers.h"

int main(void)
{
	struct esp_capture cap;
	char *out, line[64];
	void *p, *q;
	multi_heap_info_t info;
	unsigned int i;
	int heaps = 0;

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
	if (strcmp(memheap_backend(), "kernel"))
		CHECK_EQ(esp_count(out, "  Block "), (int)info.total_blocks);
	else	/* + each region's kernel free space: one or two blocks no dump shows */
		CHECK(esp_count(out, "  Block ") <= (int)info.total_blocks &&
		      (int)info.total_blocks <= esp_count(out, "  Block ") + 2 * (int)esp_region_count());
	CHECK_EQ(esp_count(out, " used\n"), (int)info.allocated_blocks);
	free(out);

	esp_capture_begin(&cap, 1);
	heap_caps_dump_all();
	out = esp_capture_end(&cap);
	snprintf(line, sizeof(line), "data %p size ", p);
	CHECK_EQ(esp_count(out, line), 1);
	snprintf(line, sizeof(line), "data %p size ", q);
	CHECK_EQ(esp_count(out, line), 1);
	/* One header per heap shown: each region at most once, surely if it
	 * holds p or q (or always, where dumps show every region). */
	for (i = 0; i < esp_region_count(); i++) {
		struct memheap_region r = esp_region(i);

		snprintf(line, sizeof(line), "Heap %s at ", r.name);
		if (esp_walk_shows_every_region() ||
		    esp_region_of(p) == (int)i || esp_region_of(q) == (int)i) {
			CHECK_EQ(esp_count(out, line), 1);
			heaps++;
		} else {
			CHECK(esp_count(out, line) <= 1);
		}
	}
	CHECK(esp_count(out, "Heap ") >= heaps);
	CHECK(esp_count(out, "Heap ") <= (int)esp_region_count());
	if (esp_walk_shows_every_region())
		CHECK_EQ(esp_count(out, "Heap "), (int)esp_region_count());
	free(out);

	heap_caps_free(p);
	heap_caps_free(q);
	return lt_done();
}
