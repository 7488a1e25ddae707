/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Diagnostics say each thing once: an overrun, a write after free, a
 * double free, a foreign pointer and a damaged header, met by free, check
 * and walk in heap_caps and multi_heap, each print lines in which no part
 * repeats the one before it ("canary overwritten: canary overwritten: ..."
 * was printed).  Runs itself again with light and comprehensive poisoning.
 */
#include <stdint.h>
#include <sys/wait.h>

#include "esp_helpers.h"

/* true if a ": "-separated part of @line begins with the text of an
 * earlier part (at least 6 characters): a doubled phrase */
static bool doubled(const char *line, size_t len)
{
	const char *part[32];
	size_t plen[32], n = 0;
	const char *p = line, *end = line + len;

	while (p < end && n < 32) {
		const char *q = p;

		while (q + 1 < end && !(q[0] == ':' && q[1] == ' '))
			q++;
		if (q + 1 >= end)
			q = end;
		part[n] = p;
		plen[n++] = (size_t)(q - p);
		p = q + 2;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (plen[i] >= 6 && plen[j] >= plen[i] &&
			    !strncmp(part[i], part[j], plen[i]))
				return true;
	return false;
}

/* Every line of @text is checked; returns the number of lines. */
static int check_lines(const char *text, const char *what)
{
	int lines = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		if (doubled(text, len))
			fprintf(stderr, "doubled (%s): %.*s\n", what, (int)len, text);
		CHECK(!doubled(text, len));
		lines++;
		text += len + (nl ? 1 : 0);
	}
	return lines;
}

static bool count_cb(void *ptr, size_t size, int used, void *user)
{
	(void)ptr;
	(void)size;
	(void)used;
	++*(int *)user;
	return true;
}

static void run(const char *mode)
{
	int blocks = 0;
	static _Alignas(64) unsigned char mem[8 * 1024];
	struct esp_capture cap;
	multi_heap_handle_t h;
	unsigned char *p, *q;
	char *err;
	bool poison = strcmp(mode, "none") != 0;

	/* overrun by one byte (into the tail canary), met by check and free */
	if (poison) {
		p = heap_caps_malloc(40, MALLOC_CAP_DEFAULT);
		REQUIRE(p);
		p[40] ^= 0x5a;
		esp_capture_begin(&cap, 2);
		CHECK(!heap_caps_check_integrity_all(true));
		heap_caps_free(p);	/* refused: the block stays */
		err = esp_capture_end(&cap);
		/* check and free both report it (one line each on the embedded
		 * backend; the kernel backend's arenas may report once) */
		CHECK(check_lines(err, "overrun") >= 1);
		CHECK(strstr(err, "canary overwritten") != NULL);
		free(err);
		p[40] ^= 0x5a;
		heap_caps_free(p);
	}

	/* double free and a foreign pointer */
	p = heap_caps_malloc(64, MALLOC_CAP_DEFAULT);
	REQUIRE(p);
	heap_caps_free(p);
	esp_capture_begin(&cap, 2);
	heap_caps_free(p);
	heap_caps_free(&cap);
	err = esp_capture_end(&cap);
	CHECK(check_lines(err, "double free") >= 1);
	free(err);

	/* multi_heap: overrun, write after free, damaged header, foreign */
	memset(mem, 0, sizeof(mem));
	h = multi_heap_register(mem, sizeof(mem));
	REQUIRE(h);
	p = multi_heap_malloc(h, 100);
	q = multi_heap_malloc(h, 100);
	REQUIRE(p && q);
	esp_capture_begin(&cap, 2);
	if (poison) {
		p[100] ^= 0x33;
		multi_heap_check(h, true);
		multi_heap_free(h, p);
		p[100] ^= 0x33;
	}
	multi_heap_free(h, p);
	multi_heap_free(h, p);		/* double */
	multi_heap_free(h, q);
	q[20] = 1;			/* written after free */
	multi_heap_check(h, true);
	q[20] = 0xfe;
	multi_heap_free(h, &cap);	/* foreign */
	p = multi_heap_malloc(h, 64);
	REQUIRE(p);
	memset(p - 8, 0xff, 8);		/* damaged header (without poisoning) */
	multi_heap_check(h, true);
	multi_heap_walk(h, count_cb, &blocks);
	err = esp_capture_end(&cap);
	CHECK(check_lines(err, "multi_heap") >= 3);
	CHECK(blocks >= 1);
	free(err);
}

int main(int argc, char **argv)
{
	const char *modes[] = { "light", "comprehensive" };
	const char *mode = getenv("MEMHEAP_POISON");

	(void)argc;
	run(mode ? mode : "none");
	if (!mode) {
		for (size_t i = 0; i < 2; i++) {
			int status = -1;
			pid_t pid;

			fflush(NULL);
			pid = fork();
			REQUIRE(pid >= 0);
			if (pid == 0) {
				setenv("MEMHEAP_POISON", modes[i], 1);
				execv("/proc/self/exe", argv);
				_exit(127);
			}
			REQUIRE(waitpid(pid, &status, 0) == pid);
			CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		}
	}
	return lt_done();
}
