// SPDX-License-Identifier: GPL-2.0
/* Names, units and JSON strings shared by the memshow views. */
#include <string.h>

#include <netlink/attr.h>

#include "memshow.h"
#include "region_spec.h"

/* "dma+internal+8bit": the grammar's own words (spec/region_spec.c). */
const char *memshow_caps_str(uint32_t caps, char *buf, size_t len)
{
	size_t used;

	if (!(caps & MEMHEAP_CAPS_ALL)) {
		used = 0;
		buf[0] = '\0';
	} else {
		used = mh_spec_caps_str(caps & MEMHEAP_CAPS_ALL, '+', buf, len);
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
	const char *w = mh_spec_algo_word(algo);

	return strcmp(w, "?") ? w : "unknown";
}

const char *memshow_map_str(uint32_t map)
{
	const char *w = mh_spec_map_word(map);

	return strcmp(w, "?") ? w : "unknown";
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
