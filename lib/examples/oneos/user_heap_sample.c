// SPDX-License-Identifier: MIT
/*
 * user_heap_sample.c - the OneOS document's user heap (memheap) sample, unchanged, between a prototype
 * (-Wmissing-prototypes) and the board start-up and shell that run it.
 * Its own includes are found in support/ (OneOS scaffolding: oneos_config.h,
 * dlog.h, shell.h); the memory API is libmemheap's.
 * lib/tests/oneos_samples.sh compares its output with the document's.
 */
void user_heap_sample(void);

/* ---- from the document, unchanged ---- */
#include <oneos_config.h>
#include <dlog.h>
#include <os_errno.h>
#include <shell.h>
#include <os_memory.h>
#define TEST_TAG "TEST"
#define TEST_MALLOC_TIMES 20
static struct os_memheap memheap_test;
void user_heap_sample(void)
{
void *ptr = OS_NULL;
void *ptr_new = OS_NULL;
void *ptr_old = OS_NULL;
void *start_addr = OS_NULL;
os_uint32_t size = 2048;
os_err_t err;
os_uint32_t i = 0;
start_addr = os_malloc(size);
if (!start_addr)
{
return;
}
err = os_memheap_init(&memheap_test, "memheap1");
if (err == OS_EOK)
{
LOG_W(TEST_TAG, "init memheap_test successfully");
}
else
{
LOG_W(TEST_TAG, "failed to init memheap_test");
return;
}
err = os_memheap_add(&memheap_test, start_addr, size, OS_MEM_ALG_FIRSTFIT);
if (err == OS_EOK)
{
LOG_W(TEST_TAG, "add memory zone to memheap_test, start_addr:%p size:%d", start_addr, size);
}
else
{
LOG_W(TEST_TAG, "failed to add memory zone.");
return;
}
for (i = 0; i < TEST_MALLOC_TIMES; i++)
{
size = (1 << i);
ptr = os_memheap_alloc(&memheap_test, size);
if (ptr)
{
LOG_W(TEST_TAG, "memheap_alloc:%p size:%d", ptr, size);
os_memheap_free(&memheap_test, ptr);
LOG_W(TEST_TAG, "memheap_free :%p size:%d", ptr, size);
ptr = OS_NULL;
}
else
{
LOG_W(TEST_TAG, "try to memheap_alloc %d byte failed", size);
break;
}
}
size = 64;
ptr_new = os_memheap_alloc(&memheap_test, size);
if (ptr_new)
{
LOG_W(TEST_TAG, "memheap_realloc memory:%p size:%d", ptr_new, size);
}
else
{
LOG_W(TEST_TAG, "try to memheap_alloc %d byte memory failed!", size);
return;
}
size = 68;
ptr_old = ptr_new;
ptr_new = os_memheap_realloc(&memheap_test, ptr_old, size);
if (ptr_new)
{
LOG_W(TEST_TAG, "memheap_realloc memory:%p size:%d", ptr_new, size);
}
else
{
LOG_W(TEST_TAG, "try to memheap_realloc %d byte memory failed!", size);
os_memheap_free(&memheap_test, ptr_old);
}
size = 60;
ptr_old = ptr_new;
ptr_new = os_memheap_realloc(&memheap_test, ptr_old, size);
if (ptr_new)
{
LOG_W(TEST_TAG, "memheap_realloc memory:%p size:%d", ptr_new, size);
}
else
{
LOG_W(TEST_TAG, "try to memheap_realloc %d byte memory failed!", size);
os_memheap_free(&memheap_test, ptr_old);
}
if(ptr_new)
{
os_memheap_free(&memheap_test, ptr_new);
}
os_free(start_addr);
}
SH_CMD_EXPORT(user_heap_sample, user_heap_sample, "test user heap");
/* ---- end of the document's code ---- */

/* The board: as in sys_heap_sample.c, 100 KiB of first-fit system heap. */
static unsigned char board_heap[100 * 1024] __attribute__((aligned(8)));

int main(void)
{
	os_sys_heap_init();
	if (os_sys_heap_add(board_heap, sizeof(board_heap), OS_MEM_ALG_FIRSTFIT) != OS_EOK)
		return 1;
	return sh_exec("user_heap_sample") == 0 ? 0 : 1;
}
