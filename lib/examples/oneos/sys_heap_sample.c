// SPDX-License-Identifier: MIT
/*
 * sys_heap_sample.c - the OneOS document's system heap sample, unchanged, between a prototype
 * (-Wmissing-prototypes) and the board start-up and shell that run it.
 * Its own includes are found in support/ (OneOS scaffolding: oneos_config.h,
 * dlog.h, shell.h); the memory API is libmemheap's.
 * lib/tests/oneos_samples.sh compares its output with the document's.
 */
void sys_heap_sample(void);

/* ---- from the document, unchanged ---- */
#include <oneos_config.h>
#include <dlog.h>
#include <os_errno.h>
#include <shell.h>
#include <os_memory.h>
#define TEST_TAG "TEST"
#define TEST_MALLOC_TIMES 20
void sys_heap_sample(void)
{
os_uint32_t i = 0;
os_uint32_t size = 0;
void *ptr = OS_NULL;
void *ptr_new = OS_NULL;
void *ptr_old = OS_NULL;
for (i = 0; i < TEST_MALLOC_TIMES; i++)
{
size = (1 << i);
ptr = os_malloc(size);
if (ptr)
{
LOG_W(TEST_TAG, "malloc memory:%p size:%d", ptr, size);
os_free(ptr);
LOG_W(TEST_TAG, "free memory :%p size:%d", ptr, size);
ptr = OS_NULL;
}
else
{
LOG_W(TEST_TAG, "try to get %d byte memory failed!", size);
break;
}
}
ptr_new = os_malloc(100);
if (ptr_new)
{
LOG_W(TEST_TAG, "malloc memory:%p size:%d", ptr_new, 100);
}
else
{
LOG_W(TEST_TAG, "try to get %d byte memory failed!", 100);
}
for (i = 0; i < TEST_MALLOC_TIMES; i++)
{
size = (1 << i);
ptr_old = ptr_new;
ptr_new = os_realloc(ptr_old, size);
if (ptr_new)
{
LOG_W(TEST_TAG, "realloc memory:%p size:%d", ptr_new, size);
}
else
{
LOG_W(TEST_TAG, "try to realloc %d byte memory failed!", size);
os_free(ptr_old);
break;
}
}
if (ptr_new)
{
os_free(ptr_new);
}
}
SH_CMD_EXPORT(sys_heap_sample, sys_heap_sample, "test sys heap");
/* ---- end of the document's code ---- */

/*
 * The board: OneOS puts the RAM left after linking into the system heap at
 * start-up.  The document's board had about 100 KiB there (its 64 KiB
 * request succeeded, 128 KiB failed); this one has 100 KiB, first-fit.
 */
static unsigned char board_heap[100 * 1024] __attribute__((aligned(8)));

int main(void)
{
	os_sys_heap_init();
	if (os_sys_heap_add(board_heap, sizeof(board_heap), OS_MEM_ALG_FIRSTFIT) != OS_EOK)
		return 1;
	return sh_exec("sys_heap_sample") == 0 ? 0 : 1;
}
