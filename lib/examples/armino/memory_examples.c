// SPDX-License-Identifier: MIT
/*
 * memory_examples.c - the usage examples of the Armino memory document,
 * unchanged, between the prototypes they need (-Wmissing-prototypes) and a
 * main that runs them.  lib/tests/armino_examples.c includes this file
 * (with MEMHEAP_EXAMPLE_NO_MAIN) and checks what the examples print.
 */
#include <os/mem.h>

void memory_basic_example(void);
void zalloc_example(void);
void psram_example(void);
void realloc_example(void);
void memory_operations_example(void);
void struct_memory_example(void);

/* ---- from the document, unchanged ---- */
#include <os/mem.h>
void memory_basic_example(void)
{
void *buffer;
size_t size = 1024;
// Allocate memory
buffer = os_malloc(size);
if (buffer == NULL) {
os_printf("Failed to allocate memory\r\n");
return;
}
// Use memory
os_memset(buffer, 0, size);
os_printf("Allocated %d bytes at %p\r\n", size, buffer);
// Free memory
os_free(buffer);
buffer = NULL; // Avoid dangling pointer
}

/* The document gives this one as statements; here they are a function body. */
void zalloc_example(void)
{
void *buffer = os_zalloc(512); // Allocate 512 bytes and zero
if (buffer) {
// Use buffer
os_free(buffer);
}
}

#include <os/mem.h>
void psram_example(void)
{
#define LARGE_BUFFER_SIZE (100 * 1024) // 100KB
// Allocate large PSRAM memory
void *large_buffer = psram_malloc(LARGE_BUFFER_SIZE);
if (large_buffer == NULL) {
os_printf("Failed to allocate PSRAM\r\n");
return;
}
// Use PSRAM buffer
os_memset(large_buffer, 0, LARGE_BUFFER_SIZE);
// Free PSRAM memory
psram_free(large_buffer); // Same as os_free()
}

void realloc_example(void)
{
void *buffer;
void *new_buffer;
// Initially allocate 100 bytes
buffer = os_malloc(100);
if (buffer == NULL) return;
// Reallocate to 200 bytes
new_buffer = os_realloc(buffer, 200);
if (new_buffer != NULL) {
buffer = new_buffer; // Update pointer
} else {
// Reallocation failed, original memory still valid
os_printf("Realloc failed\r\n");
}
os_free(buffer);
}

void memory_operations_example(void)
{
uint8_t src[100], dst[100];
// Memory set
os_memset(src, 0xAA, sizeof(src));
// Memory copy
os_memcpy(dst, src, sizeof(src));
// Memory compare
if (os_memcmp(src, dst, sizeof(src)) == 0) {
os_printf("Memory content is same\r\n");
}
// Memory move (supports overlap)
os_memmove(src + 10, src, 50);
}

typedef struct {
int id;
char name[32];
void *data;
} my_struct_t;
void struct_memory_example(void)
{
my_struct_t *obj;
// Allocate structure memory and zero
obj = (my_struct_t *)os_zalloc(sizeof(my_struct_t));
if (obj == NULL) {
return;
}
// Initialize structure
obj->id = 1;
os_memcpy(obj->name, "test", 5);
obj->data = os_malloc(256);
// Use structure...
// Free memory
if (obj->data) {
os_free(obj->data);
}
os_free(obj);
}
/* ---- end of the document's code ---- */

#ifndef MEMHEAP_EXAMPLE_NO_MAIN
int main(void)
{
	memory_basic_example();
	zalloc_example();
	psram_example();
	realloc_example();
	memory_operations_example();
	struct_memory_example();
	return 0;
}
#endif
