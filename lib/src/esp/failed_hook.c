/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * failed_hook.c - heap_caps_register_failed_alloc_callback().
 *
 * The ESP-IDF hook listens to the core's failed-allocation events, so it
 * also sees failures of the other families (on ESP-IDF every allocator is
 * heap_caps underneath).  For this layer's own failures it gets exactly the
 * MALLOC_CAP_* mask the caller passed; for other families' failures the
 * memheap capabilities are translated back.
 */
#include <stdatomic.h>
#include <pthread.h>

#include "esp/esp_internal.h"

static _Atomic(esp_alloc_failed_hook_t) hook;
static pthread_once_t listen_once = PTHREAD_ONCE_INIT;

/* The exact caps of a failure this layer is reporting now, in this thread. */
static _Thread_local bool pending;
static _Thread_local uint32_t pending_caps;

static void on_failed(size_t size, uint32_t caps, const char *api, void *ctx)
{
	esp_alloc_failed_hook_t fn = atomic_load(&hook);

	(void)ctx;
	if (!fn)
		return;
	fn(size, pending ? pending_caps : mhl_esp_caps_from_core(caps), api);
}

static void listen_now(void)
{
	if (mhl_alloc_failed_listen(on_failed, NULL) != MHL_OK)
		fprintf(stderr, "heap_caps_register_failed_alloc_callback: "
			"no listener slot left; the callback will not run\n");
}

MHL_ESP_API esp_err_t heap_caps_register_failed_alloc_callback(esp_alloc_failed_hook_t callback)
{
	if (!callback)
		return ESP_ERR_INVALID_ARG;	/* as ESP-IDF: nothing changes */
	pthread_once(&listen_once, listen_now);
	atomic_store(&hook, callback);
	return ESP_OK;
}

void mhl_esp_alloc_failed(size_t size, uint32_t caps, const char *api)
{
	struct mhl_esp_req req;

	mhl_esp_req(caps, &req);
	pending = true;
	pending_caps = caps;
	mhl_alloc_failed(size, req.core_caps, api);
	pending = false;
}
