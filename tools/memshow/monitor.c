// SPDX-License-Identifier: GPL-2.0
/*
 * memshow monitor: print allocation failures and low-watermark crossings.
 * Events go to every listener, so they name no process: a failure shows
 * what was asked (size, caps, region), not who asked.
 */
#include <time.h>

#include "memshow.h"

static void stamp(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	strftime(buf, len, "%H:%M:%S", localtime_r(&t, &tm));
}

static int print_event(uint8_t cmd, struct nlattr **a, void *ctx)
{
	const struct memshow_opts *o = ctx;
	char caps[96], b[2][32], ts[16];

	stamp(ts, sizeof(ts));
	switch (cmd) {
	case MEMHEAP_CMD_EVENT_ALLOC_FAILED:
		if (o->json) {
			printf("{\"event\":\"alloc-failed\",\"size\":%llu,\"caps\":",
			       (unsigned long long)memshow_u64(a, MEMHEAP_A_SIZE));
			memshow_json_str(stdout, memshow_caps_str(memshow_u32(a, MEMHEAP_A_CAPS),
								  caps, sizeof(caps)));
			if (a[MEMHEAP_A_REGION_INDEX])
				printf(",\"region\":%u", memshow_u32(a, MEMHEAP_A_REGION_INDEX));
			printf("}\n");
		} else {
			printf("%s alloc-failed size=%s caps=%s",
			       ts, memshow_size_str(memshow_u64(a, MEMHEAP_A_SIZE),
						    o->bytes, b[0], sizeof(b[0])),
			       memshow_caps_str(memshow_u32(a, MEMHEAP_A_CAPS), caps,
						sizeof(caps)));
			if (a[MEMHEAP_A_REGION_INDEX])
				printf(" region=%u", memshow_u32(a, MEMHEAP_A_REGION_INDEX));
			printf("\n");
		}
		break;
	case MEMHEAP_CMD_EVENT_LOW_WATERMARK:
		if (o->json) {
			printf("{\"event\":\"low-watermark\",\"region\":%u,\"name\":",
			       memshow_u32(a, MEMHEAP_A_REGION_INDEX));
			memshow_json_str(stdout, memshow_str(a, MEMHEAP_A_REGION_NAME));
			printf(",\"free\":%llu,\"low_watermark\":%llu}\n",
			       (unsigned long long)memshow_u64(a, MEMHEAP_A_REGION_FREE),
			       (unsigned long long)memshow_u64(a, MEMHEAP_A_REGION_LOW_WATERMARK));
		} else {
			printf("%s low-watermark region=%s free=%s watermark=%s\n", ts,
			       memshow_str(a, MEMHEAP_A_REGION_NAME),
			       memshow_size_str(memshow_u64(a, MEMHEAP_A_REGION_FREE),
						o->bytes, b[0], sizeof(b[0])),
			       memshow_size_str(memshow_u64(a, MEMHEAP_A_REGION_LOW_WATERMARK),
						o->bytes, b[1], sizeof(b[1])));
		}
		break;
	default:
		/* A newer module's event: say so rather than dropping it. */
		if (!o->json)
			printf("%s event %u (unknown to this memshow)\n", ts, cmd);
		break;
	}
	return fflush(stdout) == EOF;
}

int memshow_monitor(struct memshow_session *s, const struct memshow_opts *o)
{
	return memshow_listen(s, o->count, o->timeout,
			      o->json ? NULL : "listening for memheap events (Ctrl-C to stop)",
			      print_event, (void *)o);
}
