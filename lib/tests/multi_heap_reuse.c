/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * multi_heap_register() on memory of earlier heaps (ESP-IDF's host test
 * registers a heap on a reused stack buffer case after case): an earlier
 * heap whose blocks are all free is retired whatever the overlap's shape;
 * so is one with a live block whose handle the new memory covers (with one
 * line); one with a live block and its handle outside makes the
 * registration fail with one clear line and keeps working.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "esp_helpers.h"

#define K 1024
static _Alignas(64) unsigned char mem[64 * K];

/* A heap on mem[off, off + len) that served and gave back a few blocks. */
static multi_heap_handle_t used_then_freed(size_t off, size_t len)
{
	multi_heap_handle_t h = multi_heap_register(mem + off, len);
	void *a, *b;

	REQUIRE(h);
	a = multi_heap_malloc(h, 100);
	b = multi_heap_malloc(h, 200);
	CHECK(a && b);
	multi_heap_free(h, a);
	multi_heap_free(h, b);
	return h;
}

/* The new heap serves, its pointers are freed by heap_caps_free too. */
static void works(multi_heap_handle_t h, size_t off, size_t len)
{
	multi_heap_info_t info;
	unsigned char *p;

	REQUIRE(h);
	p = multi_heap_malloc(h, 512);
	REQUIRE(p);
	CHECK(p >= mem + off && p + 512 <= mem + off + len);
	memset(p, 0x5a, 512);
	CHECK(multi_heap_check(h, true));
	heap_caps_free(p);
	multi_heap_get_info(h, &info);
	CHECK_EQU(info.allocated_blocks, 0);
	CHECK_EQU(info.free_blocks, 1);
}

/* A retired heap's handle: every call on it is refused, with a message. */
static void refused_handle(multi_heap_handle_t old)
{
	struct esp_capture cap;
	char *err;

	esp_capture_begin(&cap, 2);
	CHECK(multi_heap_malloc(old, 16) == NULL);
	err = esp_capture_end(&cap);
	CHECK(strstr(err, "not a registered multi_heap handle") != NULL);
	free(err);
}

struct shape {
	const char *what;
	size_t old_off, old_len, new_off, new_len;
	bool old_handle_outside;	/* old handle not in the new range */
};

static const struct shape shapes[] = {
	{ "new start inside old, new end beyond", 0, 16 * K, 8 * K, 16 * K, true },
	{ "old inside new", 8 * K, 8 * K, 0, 32 * K, false },
	{ "new end inside old, new start before", 8 * K, 16 * K, 0, 16 * K, false },
	{ "same start, new smaller", 0, 16 * K, 0, 8 * K, false },
	{ "same start, new larger", 0, 8 * K, 0, 16 * K, false },
	{ "new inside old, old handle before it", 0, 32 * K, 8 * K, 8 * K, true },
	{ "new handle at old end - 1 KiB", 0, 16 * K, 15 * K, 16 * K, true },
	{ "unaligned new start inside old", 0, 16 * K, 4 * K + 3, 8 * K, true },
};

int main(void)
{
	struct esp_capture cap;
	multi_heap_handle_t old, h, h2;
	char *err;
	void *live;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++) {
		const struct shape *s = &shapes[i];

		fprintf(stderr, "shape %zu: %s\n", i, s->what);
		memset(mem, 0, sizeof(mem));
		old = used_then_freed(s->old_off, s->old_len);
		h = multi_heap_register(mem + s->new_off, s->new_len);
		CHECK(h != NULL);
		if (!h)
			continue;
		works(h, s->new_off, s->new_len);
		/* the retired heap's handle is refused from now on */
		if (s->old_handle_outside)
			refused_handle(old);
		/* the same memory again, as the next upstream case does */
		h2 = multi_heap_register(mem + s->new_off, s->new_len);
		CHECK(h2 != NULL);
		if (h2)
			works(h2, s->new_off, s->new_len);
	}

	/* The program cleared the buffer (memset) before registering again. */
	memset(mem, 0, sizeof(mem));
	old = used_then_freed(1 * K, 8 * K);
	live = multi_heap_malloc(old, 64);	/* live, but the handle is wiped */
	CHECK(live != NULL);
	memset(mem, 0, sizeof(mem));
	h = multi_heap_register(mem, 16 * K);
	CHECK(h != NULL);
	if (h)
		works(h, 0, 16 * K);

	/* Two earlier heaps, both free, under one new range. */
	memset(mem, 0, sizeof(mem));
	used_then_freed(0, 8 * K);
	used_then_freed(8 * K, 8 * K);
	h = multi_heap_register(mem + 4 * K, 8 * K);
	CHECK(h != NULL);
	if (h)
		works(h, 4 * K, 8 * K);

	/* An earlier heap with a live block.  Its handle inside the new memory:
	 * the new heap overwrites its control data (as on ESP-IDF, where
	 * upstream's cases leave blocks behind on a stack buffer the next case
	 * reuses), so it is retired with one line and its handle refused from
	 * now on.  Its handle outside: refused with one clear line, the old
	 * heap keeps working, and once freed the memory is accepted. */
	for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++) {
		const struct shape *s = &shapes[i];

		memset(mem, 0, sizeof(mem));
		old = used_then_freed(s->old_off, s->old_len);
		live = multi_heap_malloc(old, 48);
		REQUIRE(live);
		esp_capture_begin(&cap, 2);
		h = multi_heap_register(mem + s->new_off, s->new_len);
		err = esp_capture_end(&cap);
		CHECK_EQ(esp_count(err, "\n"), 1);
		CHECK(strstr(err, "multi_heap_register: ") == err);
		if (s->old_handle_outside) {
			CHECK(h == NULL);
			CHECK(strstr(err, "still has 1 allocated block: refused") != NULL);
			free(err);
			CHECK(multi_heap_check(old, true));
			CHECK(multi_heap_get_allocated_size(old, live) >= 48);
			multi_heap_free(old, live);
			h = multi_heap_register(mem + s->new_off, s->new_len);
			CHECK(h != NULL);
			if (h)
				works(h, s->new_off, s->new_len);
			continue;
		}
		CHECK(h != NULL);
		CHECK(strstr(err, "overwrites the control data of multi_heap") != NULL);
		CHECK(strstr(err, "which had 1 allocated block: retired") != NULL);
		free(err);
		if (!h)
			continue;
		works(h, s->new_off, s->new_len);
		if (old != h)
			refused_handle(old);
		h2 = multi_heap_register(mem + s->new_off, s->new_len);
		CHECK(h2 != NULL);
		if (h2)
			works(h2, s->new_off, s->new_len);
	}

	/* The old heap's handle lies in memory unmapped since: a heap that is
	 * gone (nothing can use it), so its range is retired without a fault. */
	{
		long pg = sysconf(_SC_PAGESIZE);
		unsigned char *m = mmap(NULL, 4 * (size_t)pg, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		REQUIRE(m != MAP_FAILED);
		old = multi_heap_register(m, 4 * (size_t)pg);
		REQUIRE(old);
		REQUIRE(munmap(m, (size_t)pg) == 0);
		h = multi_heap_register(m + pg, 3 * (size_t)pg);
		CHECK(h != NULL);
		if (h) {
			void *p = multi_heap_malloc(h, 100);

			CHECK(p != NULL);
			heap_caps_free(p);
			CHECK(multi_heap_free_size(h) > 2 * (size_t)pg);
		}
	}
	return lt_done();
}
