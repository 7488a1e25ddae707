/* SPDX-License-Identifier: MIT */
/*
 * rtos_capture.h - capture what a piece of code writes to stdout or stderr
 * (the Armino/OneOS/FreeRTOS tests assert on dumps and diagnostics).
 *
 *   struct capture c;
 *   capture_begin(&c, STDOUT_FILENO);
 *   os_dump_memory_stats(0, 0, NULL);
 *   const char *text = capture_end(&c);   // NUL-terminated, freed by capture_free
 */
#ifndef RTOS_CAPTURE_H
#define RTOS_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct capture {
	int fd;			/* the descriptor captured */
	int saved;		/* its original, dup'ed */
	FILE *file;		/* where it goes meanwhile */
	char *text;
};

static inline void capture_begin(struct capture *c, int fd)
{
	fflush(stdout);
	fflush(stderr);
	c->fd = fd;
	c->text = NULL;
	c->file = tmpfile();
	c->saved = dup(fd);
	if (!c->file || c->saved < 0 || dup2(fileno(c->file), fd) < 0) {
		perror("capture_begin");
		exit(1);
	}
}

static inline const char *capture_end(struct capture *c)
{
	long len;

	fflush(stdout);
	fflush(stderr);
	dup2(c->saved, c->fd);
	close(c->saved);
	len = ftell(c->file);
	if (len < 0)
		len = 0;
	c->text = calloc(1, (size_t)len + 1);
	if (!c->text) {
		perror("capture_end");
		exit(1);
	}
	rewind(c->file);
	if (len && fread(c->text, 1, (size_t)len, c->file) != (size_t)len) {
		perror("capture_end: fread");
		exit(1);
	}
	fclose(c->file);
	return c->text;
}

static inline void capture_free(struct capture *c)
{
	free(c->text);
	c->text = NULL;
}

/* Number of lines of @text containing @needle. */
static inline int count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	while (text && *text) {
		const char *eol = strchr(text, '\n');
		size_t len = eol ? (size_t)(eol - text) : strlen(text);
		char line[512];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, text, len);
		line[len] = '\0';
		if (strstr(line, needle))
			n++;
		text = eol ? eol + 1 : text + strlen(text);
	}
	return n;
}

#endif /* RTOS_CAPTURE_H */
