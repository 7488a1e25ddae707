// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf.c - MEMHEAP_IOC_EXPORT: a buffer shared as a dma-buf.
 *
 * The dma-buf holds a buffer reference (dropped in release), so the memory
 * outlives MEMHEAP_IOC_FREE and the exporting file.  A buffer is one
 * physically contiguous range: every attachment gets a one-entry sg_table.
 * CPU caches are kept coherent by the exporter (begin/end_cpu_access and
 * MEMHEAP_IOC_SYNC), so importers map it without CPU syncs: carveouts
 * outside the linear map could not be synced through it anyway.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "memheap.h"

static struct sg_table *memheap_dmabuf_map(struct dma_buf_attachment *attach,
					   enum dma_data_direction dir)
{
	struct memheap_buffer *buf = attach->dmabuf->priv;
	unsigned long pfn = PHYS_PFN(buf->region->phys + buf->offset);
	struct sg_table *sgt;
	int err;

	/* importers need struct pages; memory without any cannot be shared */
	if (!pfn_valid(pfn) || !pfn_valid(pfn + PHYS_PFN(buf->size) - 1))
		return ERR_PTR(-EOPNOTSUPP);
	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	err = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (err)
		goto err_free;
	sg_set_page(sgt->sgl, pfn_to_page(pfn), buf->size, 0);
	err = dma_map_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (err)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(err);
}

static void memheap_dmabuf_unmap(struct dma_buf_attachment *attach,
				 struct sg_table *sgt,
				 enum dma_data_direction dir)
{
	dma_unmap_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

static void memheap_dmabuf_release(struct dma_buf *dmabuf)
{
	struct memheap_buffer *buf = dmabuf->priv;

	atomic_dec(&buf->exports);
	memheap_buffer_put(buf);
}

static int memheap_dmabuf_cpu_access(struct dma_buf *dmabuf,
				     enum dma_data_direction dir,
				     bool for_device)
{
	struct memheap_buffer *buf = dmabuf->priv;

	if (buf->map_mode != MEMHEAP_MAP_CACHED)
		return 0;
	return memheap_cache_sync(buf->region, buf->offset, buf->size,
				  for_device, dir);
}

static int memheap_dmabuf_begin_cpu(struct dma_buf *dmabuf,
				    enum dma_data_direction dir)
{
	return memheap_dmabuf_cpu_access(dmabuf, dir, false);
}

static int memheap_dmabuf_end_cpu(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	return memheap_dmabuf_cpu_access(dmabuf, dir, true);
}

/* The dma-buf core has checked that the mapping lies inside the buffer. */
static int memheap_dmabuf_mmap(struct dma_buf *dmabuf,
			       struct vm_area_struct *vma)
{
	struct memheap_buffer *buf = dmabuf->priv;
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 start = (u64)vma->vm_pgoff << PAGE_SHIFT;
	int err;

	if (start >= buf->size || len > buf->size - start)
		return -EINVAL;
	err = memheap_mmap_flags(vma);
	if (err)
		return err;
	vma->vm_page_prot = memheap_buffer_pgprot(buf, vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start,
			       PHYS_PFN(buf->region->phys + buf->offset + start),
			       len, vma->vm_page_prot);
}

/* The region's own kernel mapping stays for as long as the module. */
static int memheap_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct memheap_buffer *buf = dmabuf->priv;

	iosys_map_set_vaddr(map, buf->region->vaddr + buf->offset);
	return 0;
}

MEMHEAP_VMAP_ADAPTER(memheap_dmabuf_vmap)

static const struct dma_buf_ops memheap_dmabuf_ops = {
	.map_dma_buf = memheap_dmabuf_map,
	.unmap_dma_buf = memheap_dmabuf_unmap,
	.release = memheap_dmabuf_release,
	.begin_cpu_access = memheap_dmabuf_begin_cpu,
	.end_cpu_access = memheap_dmabuf_end_cpu,
	.mmap = memheap_dmabuf_mmap,
	.vmap = MEMHEAP_DMABUF_VMAP(memheap_dmabuf_vmap),
};

/**
 * memheap_dmabuf_export() - export a buffer as a dma-buf.
 * @buf:   the buffer; the caller's reference is not consumed.
 * @flags: O_RDWR for a writable dma-buf (O_CLOEXEC is the caller's).
 *
 * The dma-buf is not installed in any file table: the caller does that
 * once nothing can fail any more, or drops it with dma_buf_put().
 *
 * Return: the dma-buf (holding its own buffer reference), or an ERR_PTR.
 */
struct dma_buf *memheap_dmabuf_export(struct memheap_buffer *buf, u32 flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dma_buf *dmabuf;

	exp.ops = &memheap_dmabuf_ops;
	exp.size = buf->size;
	exp.flags = flags & O_RDWR;	/* read-only without O_RDWR */
	exp.priv = buf;
	memheap_buffer_get(buf);
	atomic_inc(&buf->exports);
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf)) {
		atomic_dec(&buf->exports);
		memheap_buffer_put(buf);
	}
	return dmabuf;
}

MEMHEAP_IMPORT_NS_DMA_BUF();
