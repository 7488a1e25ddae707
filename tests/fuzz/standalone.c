/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * standalone.c - replays inputs through a fuzz target without libFuzzer
 * (gcc builds, valgrind, reproducing a crash):  TARGET FILE|DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz/fuzz_common.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f) {
		perror(path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int bad = 0, count = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			char **names = NULL;
			size_t nn = 0;

			if (!d) {
				perror(argv[i]);
				return 1;
			}
			while ((e = readdir(d)) != NULL) {
				if (e->d_name[0] == '.')
					continue;
				names = realloc(names, (nn + 1) * sizeof(*names));
				names[nn] = malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
				sprintf(names[nn], "%s/%s", argv[i], e->d_name);
				nn++;
			}
			closedir(d);
			if (nn)
				qsort(names, nn, sizeof(*names), cmp);
			for (size_t k = 0; k < nn; k++) {
				bad |= run_file(names[k]);
				count++;
				free(names[k]);
			}
			free(names);
		} else {
			bad |= run_file(argv[i]);
			count++;
		}
	}
	printf("%s: %d inputs replayed\n", argv[0], count);
	return bad;
}
