// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - /dev/memheap: open/close, mmap and the ioctls of
 * uapi/linux/memheap.h.
 *
 * Every structure is extensible: its size travels in the command number,
 * copy_struct_from_user() accepts older (shorter, but at least VER0) and
 * newer (zero-tailed) callers, and output is truncated to the caller's
 * size.  Reserved fields and unknown flags are refused with -EINVAL.
 */
#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memheap.h"

static int copy_in(void *karg, size_t ksize, size_t ver0,
		   const void __user *uarg, size_t usize)
{
	if (usize < ver0)
		return -EINVAL;
	return copy_struct_from_user(karg, ksize, uarg, usize);
}

static int copy_out(void __user *uarg, size_t usize, const void *karg,
		    size_t ksize)
{
	return copy_to_user(uarg, karg, min(usize, ksize)) ? -EFAULT : 0;
}

#define NONZERO(field)	(!!memchr_inv(&(field), 0, sizeof(field)))

/*
 * Before a request with side effects: write the caller's own (validated)
 * bytes back, so an argument that cannot take the result fails with
 * -EFAULT before anything is done.  The final copy can still fail (another
 * thread may unmap the page meanwhile): the caller undoes its work then.
 */
static int probe_out(void __user *uarg, size_t usize, const void *karg,
		     size_t ksize)
{
	return copy_out(uarg, usize, karg, ksize);
}

static int ioc_info(struct memheap_file *f, void __user *uarg, size_t usize)
{
	struct memheap_info info;
	int err;

	err = copy_in(&info, sizeof(info), MEMHEAP_INFO_SIZE_VER0, uarg, usize);
	if (err)
		return err;
	if (NONZERO(info.reserved))
		return -EINVAL;
	info.abi_version = MEMHEAP_ABI_VERSION;
	info.nr_regions = memheap_dev.nr_regions;
	info.page_size = PAGE_SIZE;
	info.file_limit = memheap_file_limit();
	mutex_lock(&f->lock);
	info.file_used = f->used;
	info.file_buffers = f->buffers;
	mutex_unlock(&f->lock);
	return copy_out(uarg, usize, &info, sizeof(info));
}

static int ioc_region_query(void __user *uarg, size_t usize)
{
	struct memheap_region_info info;
	struct memheap_region *r;
	int err;

	err = copy_in(&info, sizeof(info), MEMHEAP_REGION_INFO_SIZE_VER0,
		      uarg, usize);
	if (err)
		return err;
	if (info.reserved0 || NONZERO(info.reserved))
		return -EINVAL;
	r = memheap_region_get(info.index);
	if (!r)
		return -EINVAL;
	memheap_region_fill_info(r, &info, capable(CAP_SYS_ADMIN));
	return copy_out(uarg, usize, &info, sizeof(info));
}

static int ioc_alloc(struct memheap_file *f, void __user *uarg, size_t usize)
{
	struct memheap_alloc req;
	int err;

	err = copy_in(&req, sizeof(req), MEMHEAP_ALLOC_SIZE_VER0, uarg, usize);
	if (err)
		return err;
	if (NONZERO(req.reserved) || !req.size ||
	    (req.align && !is_power_of_2(req.align)) ||
	    (req.caps & ~MEMHEAP_CAPS_ALL) ||
	    (req.flags & ~MEMHEAP_ALLOC_FLAGS_ALL))
		return -EINVAL;
	if (req.flags & MEMHEAP_ALLOC_REGION) {
		if (req.region >= memheap_dev.nr_regions)
			return -EINVAL;
	} else if (req.region) {
		return -EINVAL;
	}
	if (req.flags & MEMHEAP_ALLOC_MAP_SET) {
		if (req.map_mode > MEMHEAP_MAP_WC)
			return -EINVAL;
	} else if (req.map_mode) {
		return -EINVAL;
	}
	err = probe_out(uarg, usize, &req, sizeof(req));
	if (err)
		return err;
	err = memheap_buffer_alloc(f, &req);
	if (err)
		return err;
	err = copy_out(uarg, usize, &req, sizeof(req));
	if (err)	/* the caller never learnt the handle: take it back */
		memheap_buffer_drop_handle(f, req.handle);
	return err;
}

static int ioc_free(struct memheap_file *f, void __user *uarg, size_t usize)
{
	struct memheap_handle_arg arg;
	int err;

	err = copy_in(&arg, sizeof(arg), MEMHEAP_HANDLE_ARG_SIZE_VER0, uarg,
		      usize);
	if (err)
		return err;
	if (NONZERO(arg.reserved))
		return -EINVAL;
	return memheap_buffer_drop_handle(f, arg.handle);
}

static int ioc_buffer_query(struct memheap_file *f, void __user *uarg,
			    size_t usize)
{
	struct memheap_buffer_info info;
	struct memheap_buffer *buf;
	int err;

	err = copy_in(&info, sizeof(info), MEMHEAP_BUFFER_INFO_SIZE_VER0,
		      uarg, usize);
	if (err)
		return err;
	if (NONZERO(info.reserved))
		return -EINVAL;
	buf = memheap_buffer_lookup(f, info.handle);
	if (!buf)
		return -ENOENT;
	info.flags = 0;
	if (atomic_read(&buf->mappings))
		info.flags |= MEMHEAP_BUFFER_MAPPED;
	if (atomic_read(&buf->exports))
		info.flags |= MEMHEAP_BUFFER_EXPORTED;
	info.region = buf->region->index;
	info.map_mode = buf->map_mode;
	info.size = buf->size;
	info.mmap_offset = (u64)buf->handle << MEMHEAP_MMAP_WINDOW_SHIFT;
	info.dev_addr = memheap_buffer_dev_addr(buf);
	memheap_buffer_put(buf);
	return copy_out(uarg, usize, &info, sizeof(info));
}

static int ioc_sync(struct memheap_file *f, void __user *uarg, size_t usize)
{
	const u32 when = MEMHEAP_SYNC_FOR_CPU | MEMHEAP_SYNC_FOR_DEVICE;
	const u32 both = MEMHEAP_SYNC_READ | MEMHEAP_SYNC_WRITE;
	enum dma_data_direction dir = DMA_BIDIRECTIONAL;
	struct memheap_buffer *buf;
	struct memheap_sync arg;
	u64 len;
	int err;

	err = copy_in(&arg, sizeof(arg), MEMHEAP_SYNC_SIZE_VER0, uarg, usize);
	if (err)
		return err;
	if (arg.reserved || (arg.flags & ~MEMHEAP_SYNC_FLAGS_ALL) ||
	    hweight32(arg.flags & when) != 1)
		return -EINVAL;
	if ((arg.flags & both) == MEMHEAP_SYNC_READ)
		dir = DMA_TO_DEVICE;
	else if ((arg.flags & both) == MEMHEAP_SYNC_WRITE)
		dir = DMA_FROM_DEVICE;
	buf = memheap_buffer_lookup(f, arg.handle);
	if (!buf)
		return -ENOENT;
	len = arg.length ? arg.length : buf->size - min(arg.offset, buf->size);
	if (arg.offset >= buf->size || len > buf->size - arg.offset)
		err = -EINVAL;
	else if (buf->map_mode == MEMHEAP_MAP_CACHED)
		err = memheap_cache_sync(buf->region, buf->offset + arg.offset,
					 len, arg.flags & MEMHEAP_SYNC_FOR_DEVICE,
					 dir);
	memheap_buffer_put(buf);
	return err;
}

/*
 * The fd is reserved first and installed last, once the caller has it:
 * a fault writing the result back leaves no fd and no dma-buf behind.
 * A file opened read-only exports read-only dma-bufs only, as its own
 * mappings are read-only.
 */
static int ioc_export(struct file *file, void __user *uarg, size_t usize)
{
	struct memheap_file *f = file->private_data;
	struct memheap_buffer *buf;
	struct memheap_export arg;
	struct dma_buf *dmabuf;
	int err, fd;

	err = copy_in(&arg, sizeof(arg), MEMHEAP_EXPORT_SIZE_VER0, uarg,
		      usize);
	if (err)
		return err;
	if (arg.reserved || (arg.flags & ~(O_CLOEXEC | O_RDWR)))
		return -EINVAL;
	if ((arg.flags & O_RDWR) && !(file->f_mode & FMODE_WRITE))
		return -EACCES;
	err = probe_out(uarg, usize, &arg, sizeof(arg));
	if (err)
		return err;
	buf = memheap_buffer_lookup(f, arg.handle);
	if (!buf)
		return -ENOENT;
	fd = get_unused_fd_flags(arg.flags & O_CLOEXEC);
	if (fd < 0) {
		memheap_buffer_put(buf);
		return fd;
	}
	dmabuf = memheap_dmabuf_export(buf, arg.flags);
	memheap_buffer_put(buf);
	if (IS_ERR(dmabuf)) {
		put_unused_fd(fd);
		return PTR_ERR(dmabuf);
	}
	arg.fd = fd;
	err = copy_out(uarg, usize, &arg, sizeof(arg));
	if (err) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);	/* its release drops the buffer ref */
		return err;
	}
	fd_install(fd, dmabuf->file);	/* the dma-buf's reference moves */
	return 0;
}

static int ioc_check(void __user *uarg, size_t usize)
{
	struct memheap_check arg;
	unsigned int i, first = 0, last = memheap_dev.nr_regions;
	int err;

	err = copy_in(&arg, sizeof(arg), MEMHEAP_CHECK_SIZE_VER0, uarg, usize);
	if (err)
		return err;
	if (arg.reserved0 || NONZERO(arg.reserved))
		return -EINVAL;
	if (arg.region != MEMHEAP_REGION_ANY) {
		if (!memheap_region_get(arg.region))
			return -EINVAL;
		first = arg.region;
		last = first + 1;
	}
	arg.errors = 0;
	arg.bad_region = MEMHEAP_REGION_ANY;
	for (i = first; i < last; i++) {
		unsigned int n = memheap_pool_check(&memheap_region_get(i)->pool);

		if (n && arg.bad_region == MEMHEAP_REGION_ANY)
			arg.bad_region = i;
		arg.errors += n;
	}
	return copy_out(uarg, usize, &arg, sizeof(arg));
}

static long memheap_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct memheap_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	size_t usize = _IOC_SIZE(cmd);

	if (cmd == MEMHEAP_IOC_NOP)
		return 0;
	if (_IOC_TYPE(cmd) != MEMHEAP_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(MEMHEAP_IOC_INFO):
		return ioc_info(f, uarg, usize);
	case _IOC_NR(MEMHEAP_IOC_REGION_QUERY):
		return ioc_region_query(uarg, usize);
	case _IOC_NR(MEMHEAP_IOC_ALLOC):
		return ioc_alloc(f, uarg, usize);
	case _IOC_NR(MEMHEAP_IOC_FREE):
		return ioc_free(f, uarg, usize);
	case _IOC_NR(MEMHEAP_IOC_BUFFER_QUERY):
		return ioc_buffer_query(f, uarg, usize);
	case _IOC_NR(MEMHEAP_IOC_SYNC):
		return ioc_sync(f, uarg, usize);
	case _IOC_NR(MEMHEAP_IOC_EXPORT):
		return ioc_export(file, uarg, usize);
	case _IOC_NR(MEMHEAP_IOC_CHECK):
		return ioc_check(uarg, usize);
	default:
		return -ENOTTY;
	}
}

static int memheap_open(struct inode *inode, struct file *file)
{
	struct memheap_file *f = memheap_file_new();

	if (!f)
		return -ENOMEM;
	mutex_lock(&memheap_dev.files_lock);
	list_add_tail(&f->node, &memheap_dev.files);
	mutex_unlock(&memheap_dev.files_lock);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int memheap_release(struct inode *inode, struct file *file)
{
	struct memheap_file *f = file->private_data;

	mutex_lock(&memheap_dev.files_lock);
	list_del_init(&f->node);
	mutex_unlock(&memheap_dev.files_lock);
	memheap_file_drop_all(f);
	memheap_file_put(f);
	return 0;
}

static int memheap_mmap(struct file *file, struct vm_area_struct *vma)
{
	return memheap_buffer_mmap(file->private_data, vma);
}

static const struct file_operations memheap_fops = {
	.owner = THIS_MODULE,
	.open = memheap_open,
	.release = memheap_release,
	.unlocked_ioctl = memheap_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = memheap_mmap,
	.llseek = MEMHEAP_NO_LLSEEK,
};

/**
 * memheap_device_register() - create /dev/memheap.
 * @parent: the memheap device.
 *
 * Return: 0 or a negative errno.
 */
int memheap_device_register(struct device *parent)
{
	memheap_dev.misc.minor = MISC_DYNAMIC_MINOR;
	memheap_dev.misc.name = "memheap";
	memheap_dev.misc.fops = &memheap_fops;
	memheap_dev.misc.mode = 0600;
	memheap_dev.misc.parent = parent;
	return misc_register(&memheap_dev.misc);
}

/**
 * memheap_device_unregister() - remove /dev/memheap.  No file is open:
 * each holds a module reference.
 */
void memheap_device_unregister(void)
{
	misc_deregister(&memheap_dev.misc);
}
