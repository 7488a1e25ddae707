// SPDX-License-Identifier: GPL-2.0
/* Names, units and JSON strings shared by the memshow views. */
#include <string.h>

#include <netlink/attr.h>

#include "memshow.h"

static const struct {
	uint32_t bit;
	const char *name;
} cap_names[] = {
	{ MEMHEAP_CAP_DMA, "dma" },
	{ MEMHEAP_CAP_SPIRAM, "spiram" },
	{ MEMHEAP_CAP_INTERNAL, "internal" },
	{ MEMHEAP_CAP_8BIT, "8bit" },
	{ MEMHEAP_CAP_32BIT, "32bit" },
	{ MEMHEAP_CAP_DEFAULT, "default" },
};

/* "dma+internal+8bit", the same words the module parameter takes. */
const char *memshow_caps_str(uint32_t caps, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		if (!(caps & cap_names[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", used ? "+" : "", cap_names[i].name);
	}
	if (caps & ~MEMHEAP_CAPS_ALL)
		snprintf(buf + used, used < len ? len - used : 0, "%s0x%x",
			 used ? "+" : "", caps & ~MEMHEAP_CAPS_ALL);
	else if (!used)
		snprintf(buf, len, "-");
	return buf;
}

const char *memshow_algo_str(uint32_t algo)
{
	switch (algo) {
	case MEMHEAP_ALGO_FIRSTFIT: return "firstfit";
	case MEMHEAP_ALGO_BUDDY: return "buddy";
	default: return "unknown";
	}
}

const char *memshow_map_str(uint32_t map)
{
	switch (map) {
	case MEMHEAP_MAP_CACHED: return "cached";
	case MEMHEAP_MAP_UNCACHED: return "uncached";
	case MEMHEAP_MAP_WC: return "wc";
	default: return "unknown";
	}
}

const char *memshow_origin_str(uint32_t origin)
{
	switch (origin) {
	case MEMHEAP_ORIGIN_DT: return "dt";
	case MEMHEAP_ORIGIN_PARAM: return "param";
	case MEMHEAP_ORIGIN_SELF: return "self";
	default: return "unknown";
	}
}

const char *memshow_size_str(uint64_t v, bool bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = -1;

	if (bytes || v < 1024) {
		snprintf(buf, len, bytes ? "%llu" : "%llu B", (unsigned long long)v);
		return buf;
	}
	while (d >= 1024.0 && u < 3) {
		d /= 1024.0;
		u++;
	}
	/* Whole numbers print without a decimal: "4 MiB", not "4.0 MiB". */
	if (d == (double)(uint64_t)d)
		snprintf(buf, len, "%llu %s", (unsigned long long)d, units[u]);
	else
		snprintf(buf, len, "%.1f %s", d, units[u]);
	return buf;
}

void memshow_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

uint64_t memshow_u64(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_get_u64(attrs[type]) : 0;
}

uint32_t memshow_u32(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_get_u32(attrs[type]) : 0;
}

const char *memshow_str(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_get_string(attrs[type]) : "";
}
