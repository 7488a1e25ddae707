/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * os_errno.h - OneOS error codes (libmemheap).
 *
 * The memory API returns OS_EOK, OS_ERROR, OS_EINVAL and OS_ENOMEM; the
 * other codes are here because OneOS programs name them.  Compare against
 * the names, not the numbers.
 */
#ifndef OS_ERRNO_H
#define OS_ERRNO_H

#define OS_EOK		0	/* no error */
#define OS_ERROR	1	/* generic error (e.g. a heap check failed) */
#define OS_ETIMEOUT	2	/* timed out */
#define OS_EFULL	3	/* resource full */
#define OS_EEMPTY	4	/* resource empty */
#define OS_ENOMEM	5	/* no memory, or a region too small to manage */
#define OS_ENOSYS	6	/* not supported */
#define OS_EBUSY	7	/* busy */
#define OS_EIO		8	/* I/O error */
#define OS_EINTR	9	/* interrupted */
#define OS_EINVAL	10	/* invalid argument, overlap, re-initialisation */

#endif /* OS_ERRNO_H */
