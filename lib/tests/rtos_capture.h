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

#include <stdbool.h>
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

/*
 * os_dump_memory_stats() output, parsed into its fields, so that a test
 * asserts on the columns instead of finding a number somewhere in the text
 * (a size of 40 also matches a tick or an age of 40).
 *
 *   os_dump_memory_stats: now N, start_tick S, age >= A, task T[ (...)]
 *     addr   size   tick   age  task   site
 *     0x...    40    123    7   main   allocate_here:19      <- one row each
 *   os_dump_memory_stats: L listed (B bytes) of O outstanding
 */
#define DUMP_MAX_ROWS 64

struct dump_row {
	void *ptr;
	size_t size;
	unsigned int tick, age;
	char task[32];
	char site[128];		/* "function:line", or "-" */
};

struct dump {
	int header, footer;	/* each seen exactly once: 1 */
	unsigned int now;
	size_t listed, bytes, outstanding;
	int nrows;		/* rows parsed; -1 when a row line is malformed */
	struct dump_row rows[DUMP_MAX_ROWS];
};

/* One row "  PTR SIZE TICK AGE TASK... SITE"; false if it is not one. */
static inline bool dump_parse_row(const char *line, struct dump_row *r)
{
	char ptr[32], rest[256], *site, *end;
	unsigned long long size;
	unsigned int tick, age;
	int used = 0;
	size_t n;

	if (sscanf(line, " %31s %llu %u %u %n", ptr, &size, &tick, &age, &used) != 4 ||
	    !used)
		return false;
	if (strcmp(ptr, "(nil)") == 0)
		r->ptr = NULL;
	else if (sscanf(ptr, "%p", &r->ptr) != 1)
		return false;
	snprintf(rest, sizeof(rest), "%s", line + used);
	n = strlen(rest);
	while (n && (rest[n - 1] == ' ' || rest[n - 1] == '\n'))
		rest[--n] = '\0';
	site = strrchr(rest, ' ');
	if (!site)
		return false;
	*site++ = '\0';
	end = site - 1;
	while (end > rest && end[-1] == ' ')
		*--end = '\0';
	if (!*rest || !*site)
		return false;
	r->size = (size_t)size;
	r->tick = tick;
	r->age = age;
	snprintf(r->task, sizeof(r->task), "%s", rest);
	snprintf(r->site, sizeof(r->site), "%s", site);
	return true;
}

static inline void dump_parse(const char *text, struct dump *d)
{
	memset(d, 0, sizeof(*d));
	while (text && *text) {
		const char *eol = strchr(text, '\n');
		size_t len = eol ? (size_t)(eol - text) : strlen(text);
		char line[512], word[32];
		unsigned long long l, b, o;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, text, len);
		line[len] = '\0';
		text = eol ? eol + 1 : text + len;
		if (sscanf(line, "os_dump_memory_stats: now %u,", &d->now) == 1) {
			d->header++;
		} else if (sscanf(line, "os_dump_memory_stats: %llu listed (%llu bytes) of %llu outstanding",
				  &l, &b, &o) == 3) {
			d->footer++;
			d->listed = (size_t)l;
			d->bytes = (size_t)b;
			d->outstanding = (size_t)o;
		} else if (line[0] == ' ' && sscanf(line, " %31s", word) == 1 &&
			   strcmp(word, "addr") != 0) {
			if (d->nrows < 0)
				continue;
			if (d->nrows >= DUMP_MAX_ROWS ||
			    !dump_parse_row(line, &d->rows[d->nrows]))
				d->nrows = -1;
			else
				d->nrows++;
		}
	}
}

/* The rows whose site is exactly @site; the first of them in *@row. */
static inline int dump_rows_at(const struct dump *d, const char *site,
			       const struct dump_row **row)
{
	int n = 0;

	for (int i = 0; i < d->nrows; i++) {
		if (strcmp(d->rows[i].site, site) != 0)
			continue;
		if (!n++ && row)
			*row = &d->rows[i];
	}
	return n;
}

#endif /* RTOS_CAPTURE_H */
