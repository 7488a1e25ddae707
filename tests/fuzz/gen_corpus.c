/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * gen_corpus: writes the small seed corpus of each fuzz target at build
 * time:  gen_corpus OUTDIR TARGET...   (OUTDIR/TARGET/seed-NN)
 *
 * Seeds are deterministic: every heap shape (poison level x 1-3 regions x
 * algorithms) with a pseudo-random program that uses each opcode.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t st = 0x1234567;

static unsigned int rnd(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return (unsigned int)(st >> 11);
}

static void put(const char *dir, const char *target, int k, const unsigned char *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/%s/seed-%02d", dir, target, k);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	unsigned char b[1024];

	if (argc < 2) {
		fprintf(stderr, "usage: gen_corpus OUTDIR TARGET...\n");
		return 2;
	}
	mkdir(argv[1], 0777);
	for (int t = 2; t < argc; t++) {
		int k = 0;

		if (!strcmp(argv[t], "fuzz_ops")) {
			for (unsigned int shape = 0; shape < 9; shape++) {
				size_t n = 0;

				b[n++] = (unsigned char)shape;	/* poison, regions */
				for (int r = 0; r < 3; r++) {
					b[n++] = (unsigned char)(rnd() & 7);
					b[n++] = (unsigned char)(rnd() & 0x3f);
				}
				for (int i = 0; i < 120; i++) {
					/* mostly allocations early, every opcode somewhere */
					unsigned int op = i < 20 ? (rnd() % 4) : (unsigned int)i % 16;

					b[n++] = (unsigned char)op;
					b[n++] = (unsigned char)rnd();
					b[n++] = (unsigned char)rnd();
					b[n++] = (unsigned char)rnd();
				}
				put(argv[1], argv[t], k++, b, n);
			}
		} else if (!strcmp(argv[t], "fuzz_regions")) {
			for (int i = 0; i < 8; i++) {
				size_t n = 0;

				b[n++] = (unsigned char)(i * 7);
				for (int j = 0; j < 200; j++)
					b[n++] = (unsigned char)rnd();
				put(argv[1], argv[t], k++, b, n);
			}
		} else {
			/* unknown target: one empty and one random seed */
			put(argv[1], argv[t], k++, b, 0);
			for (int j = 0; j < 64; j++)
				b[j] = (unsigned char)rnd();
			put(argv[1], argv[t], k++, b, 64);
		}
	}
	return 0;
}
