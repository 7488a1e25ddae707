// SPDX-License-Identifier: GPL-2.0
/*
 * buffer.c - buffers: allocation, zeroing, per-file handles and charge,
 * lifetime, and CPU mappings.
 *
 * A buffer holds one reference for its handle, one per mapping (VMA) and
 * one per dma-buf.  MEMHEAP_IOC_FREE and close() drop handle references
 * only; the memory returns to the pool on the last put, so a range is never
 * reused while anything can still reach it.  Until then it stays charged to
 * the file that allocated it, whose structure outlives the open file for
 * as long as it is charged.
 *
 * Lock order: mmap_lock -> memheap_file.lock -> pool lock.  References are
 * never put with a file lock held, with one exception: MEMHEAP_IOC_FREE
 * drops a handle's reference under it and, when that was the last one
 * and no cache flush is due, returns the memory and the charge in the same
 * lock round (the pool lock nests inside).
 */
#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "memheap.h"

#define MEMHEAP_WINDOW		BIT_ULL(MEMHEAP_MMAP_WINDOW_SHIFT)
#define MEMHEAP_ZERO_CHUNK	SZ_1M

static void file_release(struct kref *ref)
{
	struct memheap_file *f = container_of(ref, struct memheap_file, ref);

	memheap_handles_destroy(&f->handles);
	mutex_destroy(&f->lock);
	kfree(f);
}

/**
 * memheap_file_new() - state of a new open file.
 *
 * Return: the file, holding one reference for the open, or NULL.
 */
struct memheap_file *memheap_file_new(void)
{
	struct memheap_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	if (memheap_handles_init(&f->handles)) {
		kfree(f);
		return NULL;
	}
	kref_init(&f->ref);
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->node);
	return f;
}

/**
 * memheap_file_put() - drop a reference to a file's state.
 * @f: the file.
 */
void memheap_file_put(struct memheap_file *f)
{
	kref_put(&f->ref, file_release);
}

/* User-space cached lines must not land on the next user's data. */
static bool buffer_needs_flush(struct memheap_buffer *buf)
{
	return buf->map_mode == MEMHEAP_MAP_CACHED && !buf->region->kmap_cached;
}

/* The memory goes back to the pool, then the charge to the file. */
static void buffer_return_locked(struct memheap_file *f,
				 struct memheap_buffer *buf)
{
	memheap_pool_free(&buf->region->pool, buf->offset, buf->size);
	f->used -= buf->size;
	f->buffers--;
}

static void buffer_release(struct kref *ref)
{
	struct memheap_buffer *buf = container_of(ref, struct memheap_buffer,
						  ref);
	struct memheap_file *f = buf->file;

	if (buffer_needs_flush(buf))
		memheap_cache_flush(buf->region, buf->offset, buf->size);
	mutex_lock(&f->lock);
	buffer_return_locked(f, buf);
	mutex_unlock(&f->lock);
	memheap_file_put(f);
	kfree(buf);
}

/**
 * memheap_buffer_get() - take a reference.
 * @buf: a buffer the caller already holds a reference to.
 */
void memheap_buffer_get(struct memheap_buffer *buf)
{
	kref_get(&buf->ref);
}

/**
 * memheap_buffer_put() - drop a reference; the last one returns the
 * memory to the pool.  May sleep.
 * @buf: the buffer.
 */
void memheap_buffer_put(struct memheap_buffer *buf)
{
	kref_put(&buf->ref, buffer_release);
}

/**
 * memheap_buffer_dev_addr() - device address of a buffer for the caller.
 * @buf: the buffer.
 *
 * Return: the address for CAP_DMA regions and CAP_SYS_ADMIN callers, else 0.
 */
u64 memheap_buffer_dev_addr(struct memheap_buffer *buf)
{
	struct memheap_region *r = buf->region;

	if (!(r->spec.caps & MEMHEAP_CAP_DMA) || !r->has_dma_addr ||
	    !capable(CAP_SYS_ADMIN))
		return 0;
	return r->dma_addr + buf->offset;
}

/**
 * memheap_buffer_pgprot() - page protection for a CPU mapping of @buf.
 * @buf:  the buffer.
 * @prot: the protection the mapping would get by default.
 *
 * "Uncached" is the memory type the DMA API gives coherent buffers on this
 * architecture (normal non-cacheable on arm64, so ordinary loads, stores
 * and memset work); write-combining is pgprot_writecombine().
 *
 * Return: @prot adjusted to the buffer's mapping mode.
 */
pgprot_t memheap_buffer_pgprot(struct memheap_buffer *buf, pgprot_t prot)
{
	switch (buf->map_mode) {
	case MEMHEAP_MAP_UNCACHED:
#ifdef pgprot_dmacoherent
		return pgprot_dmacoherent(prot);
#else
		return pgprot_noncached(prot);
#endif
	case MEMHEAP_MAP_WC:
		return pgprot_writecombine(prot);
	default:
		return prot;
	}
}

/*
 * New memory is zeroed once, through the region's kernel mapping, outside
 * every lock.  clear_page() is the architecture's fastest way (arm64: DC
 * ZVA by blocks); it assumes Normal memory, which every arm64 mapping of a
 * region is (write-back or non-cacheable), and cacheable memory elsewhere.
 */
static void zero_range(struct memheap_region *r, u64 offset, u64 len)
{
	bool pages = IS_ENABLED(CONFIG_ARM64) || r->kmap_cached;
	void *p = r->vaddr + offset;
	u64 done;

	for (done = 0; done < len; done += PAGE_SIZE) {
		if (pages)
			clear_page(p + done);
		else
			memset(p + done, 0, PAGE_SIZE);
		if (!((done + PAGE_SIZE) % MEMHEAP_ZERO_CHUNK))
			cond_resched();
	}
}

static int charge(struct memheap_file *f, u64 bytes)
{
	unsigned long limit = memheap_file_limit();
	int err = 0;

	mutex_lock(&f->lock);
	if (limit && (f->used > limit || bytes > limit - f->used))
		err = -ENOMEM;
	else
		f->used += bytes;
	mutex_unlock(&f->lock);
	return err;
}

static void uncharge(struct memheap_file *f, u64 bytes)
{
	mutex_lock(&f->lock);
	f->used -= bytes;
	mutex_unlock(&f->lock);
}

/* Serve @req from the first region with its caps; -ENODEV if none has. */
static int reserve(struct memheap_alloc *req, u32 caps, u64 size, u64 align,
		   struct memheap_region **out, u64 *offset, u64 *reserved,
		   u64 *fell_low)
{
	unsigned int i, first = 0, last = memheap_dev.nr_regions;
	bool tried = false;
	struct memheap_region *r;

	if (req->flags & MEMHEAP_ALLOC_REGION) {
		first = req->region;
		last = first + 1;
	}
	for (i = first; i < last; i++) {
		r = memheap_region_get(i);
		if (!r || (r->spec.caps & caps) != caps)
			continue;
		tried = true;
		if (!memheap_pool_alloc(&r->pool, size, align, offset,
					reserved, fell_low)) {
			*out = r;
			return 0;
		}
	}
	if (!tried)
		return -ENODEV;
	if (req->flags & MEMHEAP_ALLOC_TRY)	/* the caller counts its request */
		return -ENOMEM;
	for (i = first; i < last; i++) {
		r = memheap_region_get(i);
		if (r && (r->spec.caps & caps) == caps)
			memheap_pool_note_failure(&r->pool);
	}
	return -ENOMEM;
}

/**
 * memheap_buffer_alloc() - allocate, zero and publish a buffer.
 * @f:   the file to charge and give the handle on.
 * @req: a validated request; its out fields are filled on success.
 *
 * Return: 0, -ENOMEM (no room, or over the file limit: an
 * allocation-failed event is sent and the regions tried count a failure,
 * unless the request is MEMHEAP_ALLOC_TRY), -ENODEV (no region with the
 * caps).
 */
int memheap_buffer_alloc(struct memheap_file *f, struct memheap_alloc *req)
{
	u32 caps = req->caps ? req->caps : MEMHEAP_CAP_DEFAULT;
	struct memheap_region *r;
	struct memheap_buffer *buf;
	u64 size, offset, reserved, fell_low;
	u32 handle;
	bool cached;
	int err;

	/* a buffer must fit its mmap window */
	if (req->size > MEMHEAP_WINDOW) {
		err = -ENOMEM;
		goto err_event;
	}
	size = PAGE_ALIGN(req->size);
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = charge(f, size);
	if (err)
		goto err_free;
	err = reserve(req, caps, size, req->align, &r, &offset, &reserved,
		      &fell_low);
	if (err)
		goto err_uncharge;
	/* the pool may round up (buddy): charge what it really took */
	if (reserved > size) {
		err = charge(f, reserved - size);
		if (err)
			goto err_pool;
	}

	kref_init(&buf->ref);
	buf->region = r;
	buf->file = f;
	buf->offset = offset;
	buf->size = reserved;
	buf->map_mode = (req->flags & MEMHEAP_ALLOC_MAP_SET) ?
			req->map_mode : r->spec.map_mode;
	buf->tgid = task_tgid_nr(current);
	get_task_comm(buf->comm, current);

	zero_range(r, offset, reserved);
	cached = buf->map_mode == MEMHEAP_MAP_CACHED;
	if (r->kmap_cached != cached)
		memheap_cache_flush(r, offset, reserved);
	/* once published, another thread may free the buffer at any time */
	req->region_out = r->index;
	req->size_out = reserved;
	req->dev_addr = memheap_buffer_dev_addr(buf);

	mutex_lock(&f->lock);
	err = memheap_handles_insert(&f->handles, buf);
	if (!err) {
		handle = buf->handle;
		f->buffers++;
		kref_get(&f->ref);
	}
	mutex_unlock(&f->lock);
	if (err)
		goto err_pool_all;

	if (fell_low != U64_MAX)
		memheap_event_low_watermark(r, fell_low);
	req->handle = handle;
	req->mmap_offset = (u64)handle << MEMHEAP_MMAP_WINDOW_SHIFT;
	return 0;

err_pool_all:
	uncharge(f, reserved - size);
err_pool:
	memheap_pool_free(&r->pool, offset, reserved);
err_uncharge:
	uncharge(f, size);
err_free:
	kfree(buf);
	if (err == -ENODEV)
		return err;
err_event:
	if (err == -ENOMEM && !(req->flags & MEMHEAP_ALLOC_TRY))
		memheap_event_alloc_failed(req);
	return err;
}

/**
 * memheap_buffer_lookup() - the buffer behind a handle, referenced.
 * @f:      the file.
 * @handle: handle from the caller.
 *
 * Return: the buffer (put it when done), or NULL.
 */
struct memheap_buffer *memheap_buffer_lookup(struct memheap_file *f,
					     u32 handle)
{
	struct memheap_buffer *buf;

	mutex_lock(&f->lock);
	buf = memheap_handles_find(&f->handles, handle);
	if (buf)
		kref_get(&buf->ref);
	mutex_unlock(&f->lock);
	return buf;
}

/**
 * memheap_buffer_drop_handle() - MEMHEAP_IOC_FREE.
 * @f:      the file.
 * @handle: handle to drop.
 *
 * Return: 0, or -ENOENT when @handle is not live on @f.
 */
int memheap_buffer_drop_handle(struct memheap_file *f, u32 handle)
{
	struct memheap_buffer *buf;

	bool flush, last = false;

	mutex_lock(&f->lock);
	buf = memheap_handles_find(&f->handles, handle);
	if (!buf) {
		mutex_unlock(&f->lock);
		return -ENOENT;
	}
	memheap_handles_remove(&f->handles, buf);
	/*
	 * The usual case, no mapping and no dma-buf: the handle's is the last
	 * reference, and with the handle gone under this lock nothing can
	 * take a new one, so the buffer is returned in this same lock round.
	 * A flush is long: it keeps to the unlocked path.
	 */
	flush = buffer_needs_flush(buf);
	if (!flush) {
		last = refcount_dec_and_test(&buf->ref.refcount);
		if (last)
			buffer_return_locked(f, buf);
	}
	mutex_unlock(&f->lock);
	if (flush) {
		memheap_buffer_put(buf);
	} else if (last) {
		memheap_file_put(f);
		kfree(buf);
	}
	return 0;
}

/**
 * memheap_file_drop_all() - drop every handle of a closing file.
 * @f: the file.
 */
void memheap_file_drop_all(struct memheap_file *f)
{
	HLIST_HEAD(dropped);
	struct memheap_buffer *buf;
	struct hlist_node *tmp;

	mutex_lock(&f->lock);
	memheap_handles_take_all(&f->handles, &dropped);
	mutex_unlock(&f->lock);
	hlist_for_each_entry_safe(buf, tmp, &dropped, hnode) {
		hlist_del_init(&buf->hnode);
		memheap_buffer_put(buf);
	}
}

static void memheap_vm_open(struct vm_area_struct *vma)
{
	struct memheap_buffer *buf = vma->vm_private_data;

	kref_get(&buf->ref);
	atomic_inc(&buf->mappings);
}

static void memheap_vm_close(struct vm_area_struct *vma)
{
	struct memheap_buffer *buf = vma->vm_private_data;

	atomic_dec(&buf->mappings);
	memheap_buffer_put(buf);
}

/* Offset of a file page inside its buffer's window. */
static inline u64 window_offset(unsigned long pgoff)
{
	return ((u64)pgoff << PAGE_SHIFT) & (MEMHEAP_WINDOW - 1);
}

/*
 * Pages inside the buffer are mapped at mmap() time; this sees them again
 * only if they were zapped.  Pages past the buffer's end, like a file's
 * past EOF, raise SIGBUS.
 */
static vm_fault_t memheap_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct memheap_buffer *buf = vma->vm_private_data;
	u64 in = window_offset(vmf->pgoff);

	if (in >= buf->size)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn_prot(vma, vmf->address,
				   PHYS_PFN(buf->region->phys + buf->offset + in),
				   vma->vm_page_prot);
}

static const struct vm_operations_struct memheap_vm_ops = {
	.open = memheap_vm_open,
	.close = memheap_vm_close,
	.fault = memheap_vm_fault,
};

/**
 * memheap_mmap_flags() - check and set the flags of a new CPU mapping of a
 * buffer, through /dev/memheap or a dma-buf.
 * @vma: the new mapping.
 *
 * Only shared mappings: VM_MAYSHARE, because the kernel clears VM_SHARED
 * (and VM_MAYWRITE) on shared mappings of files opened read-only, which
 * stay read-only for good.  Buffers are data: PROT_EXEC is refused, and
 * without VM_MAYEXEC mprotect() cannot add it later.
 *
 * Return: 0, -EINVAL for a private mapping, -EPERM for an executable one.
 */
int memheap_mmap_flags(struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	vm_flags_clear(vma, VM_MAYEXEC);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

/**
 * memheap_buffer_mmap() - map (part of) a buffer of @f.
 * @f:   the file.
 * @vma: the new mapping; its offset names the buffer's window.
 *
 * Return: 0, -EPERM for an executable mapping, or -EINVAL for a private
 * mapping, an offset that is no buffer's or not inside it, or a length
 * beyond the window.
 */
int memheap_buffer_mmap(struct memheap_file *f, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	struct memheap_buffer *buf;
	u64 off, in, handle, mapped;
	int err;

	err = memheap_mmap_flags(vma);
	if (err)
		return err;
	if (check_shl_overflow((u64)vma->vm_pgoff, PAGE_SHIFT, &off))
		return -EINVAL;
	handle = off >> MEMHEAP_MMAP_WINDOW_SHIFT;
	in = off & (MEMHEAP_WINDOW - 1);
	if (!handle || handle > MEMHEAP_HANDLE_MAX || len > MEMHEAP_WINDOW - in)
		return -EINVAL;
	buf = memheap_buffer_lookup(f, handle);
	if (!buf)
		return -EINVAL;
	if (in >= buf->size) {
		memheap_buffer_put(buf);
		return -EINVAL;
	}

	vma->vm_page_prot = memheap_buffer_pgprot(buf, vma->vm_page_prot);
	mapped = min_t(u64, len, buf->size - in);
	err = remap_pfn_range(vma, vma->vm_start,
			      PHYS_PFN(buf->region->phys + buf->offset + in),
			      mapped, vma->vm_page_prot);
	if (err) {
		memheap_buffer_put(buf);
		return err;
	}
	/* the lookup reference now belongs to the mapping */
	vma->vm_private_data = buf;
	vma->vm_ops = &memheap_vm_ops;
	atomic_inc(&buf->mappings);
	return 0;
}
