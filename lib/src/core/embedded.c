/* SPDX-License-Identifier: MIT */
/*
 * embedded.c - the embedded backend: each layout region is a private
 * anonymous mapping managed by one engine heap.  Pages are reserved, not
 * committed (MAP_NORESERVE), so a large PSRAM costs nothing until used.
 */
#include <stdio.h>

#include "core/internal.h"

int mhl_embedded_start(const struct mhl_layout *layout, char *err, size_t errlen)
{
	void *mem[MHL_MAX_LAYOUT] = { NULL };
	unsigned int i;
	int rc = 0;

	/* map everything first: a layout starts whole or not at all */
	for (i = 0; i < layout->n; i++) {
		mem[i] = mhl_sys_alloc(layout->e[i].size);
		if (!mem[i]) {
			snprintf(err, errlen, "region '%s': cannot map %zu bytes",
				 layout->e[i].name, layout->e[i].size);
			while (i--)
				mhl_sys_free(mem[i], layout->e[i].size);
			return MHL_ENOMEM;
		}
	}
	for (i = 0; i < layout->n; i++) {
		const struct mhl_layout_entry *e = &layout->e[i];

		rc = mhl_region_new(e->name, e->caps, e->algo, MHL_ORIGIN_BACKEND,
				    mem[i], e->size, &mhl_engine_region_ops, NULL);
		if (rc < 0) {
			/* cannot happen for a parsed layout; say so if it does, and
			 * give back the mappings no region took
			 */
			snprintf(err, errlen, "region '%s': %s", e->name, mhl_strerror(rc));
			for (; i < layout->n; i++)
				mhl_sys_free(mem[i], layout->e[i].size);
			return rc;
		}
	}
	return 0;
}
