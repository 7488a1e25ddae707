// SPDX-License-Identifier: GPL-2.0
/*
 * memshow: show memheap.ko's regions, per-process usage, live events and
 * region maps.  See memshow(8).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "memshow.h"

#ifndef MEMSHOW_VERSION
#define MEMSHOW_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: memshow [-b] [--json] [regions] [REGION...]   every region (or the named ones)\n"
		"       memshow -p [-b] [--json]                      buffers and bytes per process\n"
		"       memshow monitor [--json] [--count N] [--timeout SEC]\n"
		"                                                      allocation failures, low watermarks\n"
		"       memshow map REGION [-b] [--json] [--width N]  used and free extents of a region\n"
		"options:\n"
		"  -b, --bytes      exact byte counts instead of KiB/MiB\n"
		"  -j, --json       JSON output\n"
		"  -p, --processes  per-process usage (needs CAP_NET_ADMIN)\n"
		"  -h, --help       this text;  -V, --version  the version\n"
		"exit status: 0 ok, 1 request failed, 2 usage error, 3 module not loaded,\n"
		"             4 permission denied\n");
}

static int parse_int(const char *opt, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 0 || v > 1000000) {
		fprintf(stderr, "memshow: %s wants a number from 0 to 1000000, not '%s'\n",
			opt, arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bytes", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "processes", no_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "width", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct memshow_opts o = { 0 };
	struct memshow_session *s;
	const char *view = "regions";
	bool processes = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "bjphV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.bytes = true; break;
		case 'j': o.json = true; break;
		case 'p': processes = true; break;
		case 'c':
			if (parse_int("--count", optarg, &o.count))
				return MEMSHOW_EXIT_USAGE;
			break;
		case 't':
			if (parse_int("--timeout", optarg, &o.timeout))
				return MEMSHOW_EXIT_USAGE;
			break;
		case 'w':
			if (parse_int("--width", optarg, &o.width) || o.width < 8) {
				fprintf(stderr, "memshow: --width must be at least 8\n");
				return MEMSHOW_EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return MEMSHOW_EXIT_OK;
		case 'V': printf("memshow %s\n", MEMSHOW_VERSION); return MEMSHOW_EXIT_OK;
		default: usage(stderr); return MEMSHOW_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc && (!strcmp(argv[0], "monitor") || !strcmp(argv[0], "map") ||
		     !strcmp(argv[0], "regions"))) {
		view = argv[0];
		argc--;
		argv++;
	}
	if (processes && (strcmp(view, "regions") || argc)) {
		fprintf(stderr, "memshow: -p takes no view and no region names\n");
		return MEMSHOW_EXIT_USAGE;
	}
	if (!strcmp(view, "monitor") && argc) {
		fprintf(stderr, "memshow: monitor takes no arguments\n");
		return MEMSHOW_EXIT_USAGE;
	}
	if (!strcmp(view, "map") && argc != 1) {
		fprintf(stderr, "memshow: map needs exactly one region name\n");
		return MEMSHOW_EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		if (strlen(argv[i]) >= MEMHEAP_NAME_LEN) {
			fprintf(stderr, "memshow: region name '%s' is longer than %d characters\n",
				argv[i], MEMHEAP_NAME_LEN - 1);
			return MEMSHOW_EXIT_USAGE;
		}
	}

	rc = memshow_open(&s);
	if (rc != MEMSHOW_EXIT_OK)
		return rc;
	if (processes)
		rc = memshow_usage(s, &o);
	else if (!strcmp(view, "monitor"))
		rc = memshow_monitor(s, &o);
	else if (!strcmp(view, "map"))
		rc = memshow_map(s, &o, argv[0]);
	else
		rc = memshow_regions(s, &o, argc, argv);
	memshow_close(s);
	if (fflush(stdout) == EOF && rc == MEMSHOW_EXIT_OK)
		rc = MEMSHOW_EXIT_ERROR;
	return rc;
}
