// SPDX-License-Identifier: GPL-2.0
/*
 * region.c - validation, creation and lookup of regions.
 *
 * A region is created from a validated spec: carveouts (device tree or
 * parameter) are mapped with memremap() (the kernel needs a mapping to
 * zero new buffers), self-backed regions come from dma_alloc_pages() on the
 * memheap device (CMA when the range is large).  DMA-capable carveouts get
 * their device address from the DMA API, so bus offsets and IOMMUs are
 * honoured.
 */
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "memheap.h"
#include "region_opts.h"

struct memheap_device memheap_dev;

static bool spec_has_range(const struct memheap_region_spec *s)
{
	return s->origin != MEMHEAP_ORIGIN_SELF;
}

/* memory the kernel describes, in its linear map or not (no-map) */
static bool range_is_memory(phys_addr_t phys, u64 size)
{
	unsigned long pfn, last = PHYS_PFN(phys + size - 1);

	for (pfn = PHYS_PFN(phys); pfn <= last; pfn++)
		if (!memheap_pfn_is_memory(pfn))
			return false;
	return true;
}

/* memory whose struct pages the kernel lets drivers use (pfn_valid) */
static bool range_has_pages(phys_addr_t phys, u64 size)
{
	unsigned long pfn, last = PHYS_PFN(phys + size - 1);

	for (pfn = PHYS_PFN(phys); pfn <= last; pfn++)
		if (!pfn_valid(pfn))
			return false;
	return true;
}

static int validate_one(const struct memheap_region_spec *s)
{
	if (!s->size) {
		pr_err("memheap: %s: size 0\n", s->name);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(s->size)) {
		pr_err("memheap: %s: size %#llx is not a multiple of the page size %#lx\n",
		       s->name, s->size, PAGE_SIZE);
		return -EINVAL;
	}
	if (memheap_check_caps(s))
		return -EINVAL;
	if (!spec_has_range(s))
		return 0;
	if (!PAGE_ALIGNED(s->phys)) {
		pr_err("memheap: %s: address %pa is not page aligned\n",
		       s->name, &s->phys);
		return -EINVAL;
	}
	if (s->phys + s->size - 1 < s->phys) {
		pr_err("memheap: %s: range %pa+%#llx wraps around\n",
		       s->name, &s->phys, s->size);
		return -EINVAL;
	}
	if (s->origin != MEMHEAP_ORIGIN_PARAM)
		return 0;
	if (region_intersects(s->phys, s->size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("memheap: %s: range %pa+%#llx overlaps System RAM\n",
		       s->name, &s->phys, s->size);
		return -EINVAL;
	}
	if (!range_is_memory(s->phys, s->size)) {
		pr_err("memheap: %s: range %pa+%#llx is not memory the kernel knows\n",
		       s->name, &s->phys, s->size);
		return -EINVAL;
	}
	return 0;
}

/**
 * memheap_validate_specs() - check every region alone and against the
 * others: sizes, alignment, names, overlaps, System RAM.
 * @specs: the regions, in index order.
 * @count: how many.
 *
 * Return: 0, or -EINVAL after printing one line.
 */
int memheap_validate_specs(const struct memheap_region_spec *specs,
			   unsigned int count)
{
	unsigned int i, j;
	int err;

	for (i = 0; i < count; i++) {
		const struct memheap_region_spec *a = &specs[i];

		err = validate_one(a);
		if (err)
			return err;
		for (j = 0; j < i; j++) {
			const struct memheap_region_spec *b = &specs[j];

			if (!strcmp(a->name, b->name)) {
				pr_err("memheap: %s: duplicate region name\n",
				       a->name);
				return -EINVAL;
			}
			if (spec_has_range(a) && spec_has_range(b) &&
			    a->phys < b->phys + b->size &&
			    b->phys < a->phys + a->size) {
				pr_err("memheap: %s: range %pa+%#llx overlaps region %s\n",
				       a->name, &a->phys, a->size, b->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int map_carveout(struct device *dev, struct memheap_region *r)
{
	const struct memheap_region_spec *s = &r->spec;
	unsigned long flags;

	r->phys = s->phys;
	/* A carveout the kernel maps itself can only be used through that
	 * (cacheable) mapping: memremap() refuses other types on RAM.
	 */
	r->linear = region_intersects(s->phys, s->size, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) == REGION_INTERSECTS;
	r->kmap_cached = r->linear || s->map_mode == MEMHEAP_MAP_CACHED;
	flags = r->kmap_cached ? MEMREMAP_WB : MEMREMAP_WC;
	r->vaddr = memremap(s->phys, s->size, flags);
	if (!r->vaddr) {
		pr_err("memheap: %s: cannot map %pa+%#llx\n",
		       s->name, &s->phys, s->size);
		return -ENOMEM;
	}
	/* Linear-map carveouts need a DMA handle for cache maintenance too. */
	if (!(s->caps & MEMHEAP_CAP_DMA) && !r->linear)
		return 0;
	/* the CPU side keeps the caches coherent (MEMHEAP_IOC_SYNC) */
	if (range_has_pages(s->phys, s->size))
		r->dma_addr = dma_map_page_attrs(dev, pfn_to_page(PHYS_PFN(s->phys)),
						 0, s->size, DMA_BIDIRECTIONAL,
						 DMA_ATTR_SKIP_CPU_SYNC);
	else
		r->dma_addr = dma_map_resource(dev, s->phys, s->size,
					       DMA_BIDIRECTIONAL, 0);
	if (dma_mapping_error(dev, r->dma_addr)) {
		pr_err("memheap: %s: no device address for %pa+%#llx\n",
		       s->name, &s->phys, s->size);
		memunmap(r->vaddr);
		return -ENOMEM;
	}
	r->has_dma_addr = true;
	r->dma_mapped = true;
	return 0;
}

static void unmap_carveout(struct device *dev, struct memheap_region *r)
{
	if (r->dma_mapped) {
		if (range_has_pages(r->phys, r->spec.size))
			dma_unmap_page_attrs(dev, r->dma_addr, r->spec.size,
					     DMA_BIDIRECTIONAL,
					     DMA_ATTR_SKIP_CPU_SYNC);
		else
			dma_unmap_resource(dev, r->dma_addr, r->spec.size,
					   DMA_BIDIRECTIONAL, 0);
	}
	memunmap(r->vaddr);
}

static int alloc_self(struct device *dev, struct memheap_region *r)
{
	const struct memheap_region_spec *s = &r->spec;

	r->self_pages = dma_alloc_pages(dev, s->size, &r->dma_addr,
					DMA_BIDIRECTIONAL,
					GFP_KERNEL | __GFP_NOWARN);
	if (!r->self_pages) {
		pr_err("memheap: %s: cannot obtain %#llx contiguous bytes\n",
		       s->name, s->size);
		return -ENOMEM;
	}
	/*
	 * The pages come mapped for the device: like every mapping, its
	 * address is checked before use (DMA-API debugging tracks that).
	 */
	if (dma_mapping_error(dev, r->dma_addr)) {
		pr_err("memheap: %s: no device address for %#llx bytes\n",
		       s->name, s->size);
		dma_free_pages(dev, s->size, r->self_pages, r->dma_addr,
			       DMA_BIDIRECTIONAL);
		r->self_pages = NULL;
		return -ENOMEM;
	}
	r->phys = page_to_phys(r->self_pages);
	r->vaddr = page_address(r->self_pages);
	r->linear = true;
	r->kmap_cached = true;
	r->has_dma_addr = true;
	return 0;
}

static void region_free(struct device *dev, struct memheap_region *r)
{
	if (r->self_pages)
		dma_free_pages(dev, r->spec.size, r->self_pages, r->dma_addr,
			       DMA_BIDIRECTIONAL);
	else
		unmap_carveout(dev, r);
	kfree(r);
}

static int region_create(struct device *dev,
			 const struct memheap_region_spec *spec,
			 unsigned int index, struct memheap_region **out)
{
	struct memheap_region *r;
	int err;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->spec = *spec;
	r->index = index;
	if (spec->origin == MEMHEAP_ORIGIN_SELF)
		err = alloc_self(dev, r);
	else
		err = map_carveout(dev, r);
	if (err) {
		kfree(r);
		return err;
	}
	r->low_watermark = div_u64(spec->size * memheap_low_watermark_pct(),
				   100);
	err = memheap_pool_init(&r->pool, spec->algo, spec->size, r->phys,
				r->low_watermark, r->spec.name);
	if (err) {
		pr_err("memheap: %s: cannot create the %s pool (%d)\n",
		       spec->name, spec->algo == MEMHEAP_ALGO_BUDDY ?
		       "buddy" : "first-fit", err);
		region_free(dev, r);
		return err;
	}
	*out = r;
	return 0;
}

/**
 * memheap_regions_create() - take the memory of every region and build
 * its pool; on failure nothing is kept.
 * @dev:   the device the regions belong to.
 * @specs: validated specs, in index order.
 * @count: how many.
 *
 * Return: 0 or a negative errno (one line printed).
 */
int memheap_regions_create(struct device *dev,
			   const struct memheap_region_spec *specs,
			   unsigned int count)
{
	unsigned int i;
	int err;

	for (i = 0; i < count; i++) {
		err = region_create(dev, &specs[i], i, &memheap_dev.regions[i]);
		if (err)
			goto err_unwind;
		memheap_dev.nr_regions = i + 1;
	}
	return 0;

err_unwind:
	memheap_regions_destroy();
	return err;
}

/**
 * memheap_regions_destroy() - release every region.  No buffer may exist
 * any more (every file and dma-buf holds a module reference).
 */
void memheap_regions_destroy(void)
{
	while (memheap_dev.nr_regions) {
		struct memheap_region *r;

		r = memheap_dev.regions[--memheap_dev.nr_regions];
		memheap_dev.regions[memheap_dev.nr_regions] = NULL;
		memheap_pool_destroy(&r->pool);
		region_free(memheap_dev.dev, r);
	}
}

/**
 * memheap_region_get() - region by index, safe against speculation.
 * @index: untrusted index.
 *
 * Return: the region, or NULL when @index is out of range.
 */
struct memheap_region *memheap_region_get(u32 index)
{
	unsigned int nr = memheap_dev.nr_regions;

	if (index >= nr)
		return NULL;
	return memheap_dev.regions[array_index_nospec(index, nr)];
}

/**
 * memheap_region_by_name() - index of the region called @name.
 * @name: NUL-terminated name.
 *
 * Return: the index, or -ENOENT.
 */
int memheap_region_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < memheap_dev.nr_regions; i++)
		if (!strcmp(memheap_dev.regions[i]->spec.name, name))
			return i;
	return -ENOENT;
}

/**
 * memheap_region_fill_info() - describe a region for MEMHEAP_IOC_REGION_QUERY.
 * @r:     the region.
 * @info:  out: every field but @index; reserved fields zeroed.
 * @admin: the caller may see device addresses.
 */
void memheap_region_fill_info(struct memheap_region *r,
			      struct memheap_region_info *info, bool admin)
{
	struct memheap_pool_stats st;

	memheap_pool_stats(&r->pool, &st);
	info->caps = r->spec.caps;
	info->algo = r->spec.algo;
	info->map_mode = r->spec.map_mode;
	info->origin = r->spec.origin;
	info->reserved0 = 0;
	memset(info->name, 0, sizeof(info->name));
	strscpy(info->name, r->spec.name, sizeof(info->name));
	info->size = st.size;
	info->used = st.used;
	info->free = st.free;
	info->largest_free = st.largest_free;
	info->min_free = st.min_free;
	info->allocs = st.allocs;
	info->failures = st.failures;
	info->live = st.live;
	info->dev_addr = (admin && (r->spec.caps & MEMHEAP_CAP_DMA) &&
			  r->has_dma_addr) ? r->dma_addr : 0;
	memset(info->reserved, 0, sizeof(info->reserved));
}
