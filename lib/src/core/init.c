/* SPDX-License-Identifier: MIT */
/*
 * init.c - lazy initialisation: environment, backend selection, layout,
 * and the description of the configuration in force.
 *
 *   MEMHEAP_BACKEND  auto (default) | kernel | embedded
 *   MEMHEAP_REGIONS  embedded layout, NAME:SIZE[:OPT]... comma-separated
 *   MEMHEAP_CONFIG   path of a layout file, one entry per line, '#' comments
 *                    (MEMHEAP_REGIONS wins when both are set)
 *   MEMHEAP_POISON   none (default) | light | comprehensive
 *   MEMHEAP_TRACK    1: allocation-site tracking on from the start
 *
 * Any bad setting is reported on stderr (one line naming it) and the
 * library starts with no region at all: every allocation fails and
 * mhl_config() says why.  Falling back to some other layout would let a
 * program run on memory it was not configured for, unnoticed.
 *
 * Runs under the LD_PRELOAD malloc: no malloc, no stdio; files are read
 * with open/read into a static buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/internal.h"

#define MHL_CONFIG_MAX	(64 * 1024)

static enum mhl_backend mhl_backend_kind;
static char mhl_backend_reason[128];
static char mhl_layout_source[160];
static char mhl_config_error[320];
static bool mhl_config_ok;

/* The default embedded layout (see lib/README.md). */
static const char mhl_default_layout[] =
	"sram:512K:dma:internal:8bit:32bit:default:firstfit,"
	"psram:8M:spiram:8bit:32bit:default:firstfit";

static void mhl_fail(const char *msg)
{
	char line[sizeof(mhl_config_error) + 64];

	mhl_config_ok = false;
	snprintf(mhl_config_error, sizeof(mhl_config_error), "%s", msg);
	snprintf(line, sizeof(line), "%s; no regions configured, every allocation fails",
		 mhl_config_error);
	mhl_say(line);
}

static int mhl_read_file(const char *path, char *buf, size_t cap, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;

	if (fd < 0) {
		snprintf(err, errlen, "MEMHEAP_CONFIG=%s: %s", path, mhl_errno_text(errno));
		return MHL_EINVAL;
	}
	for (;;) {
		ssize_t n = read(fd, buf + used, cap - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "MEMHEAP_CONFIG=%s: %s", path, mhl_errno_text(errno));
			close(fd);
			return MHL_EINVAL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used == cap - 1) {
			snprintf(err, errlen, "MEMHEAP_CONFIG=%s: larger than %zu bytes",
				 path, cap - 1);
			close(fd);
			return MHL_EINVAL;
		}
	}
	close(fd);
	buf[used] = '\0';
	if (memchr(buf, '\0', used)) {
		snprintf(err, errlen, "MEMHEAP_CONFIG=%s: not a text file", path);
		return MHL_EINVAL;
	}
	return 0;
}

static void mhl_start_embedded(void)
{
	static char filebuf[MHL_CONFIG_MAX];
	static struct mhl_layout layout;
	const char *regions = getenv("MEMHEAP_REGIONS");
	const char *path = getenv("MEMHEAP_CONFIG");
	char err[sizeof(mhl_config_error)];
	int rc;

	mhl_backend_kind = MHL_BACKEND_EMBEDDED;
	if (regions) {
		snprintf(mhl_layout_source, sizeof(mhl_layout_source), "MEMHEAP_REGIONS");
		rc = mhl_layout_parse(regions, false, "MEMHEAP_REGIONS", &layout, err, sizeof(err));
	} else if (path) {
		snprintf(mhl_layout_source, sizeof(mhl_layout_source), "MEMHEAP_CONFIG=%s", path);
		rc = mhl_read_file(path, filebuf, sizeof(filebuf), err, sizeof(err));
		if (!rc)
			rc = mhl_layout_parse(filebuf, true, mhl_layout_source, &layout,
					      err, sizeof(err));
	} else {
		snprintf(mhl_layout_source, sizeof(mhl_layout_source), "default");
		rc = mhl_layout_parse(mhl_default_layout, false, "default", &layout,
				      err, sizeof(err));
	}
	if (!rc)
		rc = mhl_embedded_start(&layout, err, sizeof(err));
	if (rc)
		mhl_fail(err);
}

static void mhl_do_init(void)
{
	const char *backend = getenv("MEMHEAP_BACKEND");
	const char *poison = getenv("MEMHEAP_POISON");
	const char *track = getenv("MEMHEAP_TRACK");
	char err[sizeof(mhl_config_error)];
	int fd;

	mhl_tick_start();
	mhl_tcache_setup();
	mhl_config_ok = true;
	if (poison) {
		int p = mhl_poison_parse(poison);

		if (p < 0) {
			snprintf(err, sizeof(err),
				 "MEMHEAP_POISON='%.40s': expected none, light or comprehensive",
				 poison);
			mhl_fail(err);
			return;
		}
		mhl_poison_level = (enum mh_poison)p;
	}
	if (track) {
		if (strcmp(track, "0") && strcmp(track, "1")) {
			snprintf(err, sizeof(err), "MEMHEAP_TRACK='%.40s': expected 0 or 1", track);
			mhl_fail(err);
			return;
		}
		atomic_store(&mhl_track_on, track[0] == '1');
	}
	if (!backend || !strcmp(backend, "auto")) {
		fd = mhl_kernel_open(err, sizeof(err));
		if (fd >= 0) {
			snprintf(mhl_backend_reason, sizeof(mhl_backend_reason),
				 "auto: " MEMHEAP_DEVICE_PATH " present");
		} else {
			snprintf(mhl_backend_reason, sizeof(mhl_backend_reason),
				 "auto: %.100s", err);
			mhl_start_embedded();
			return;
		}
	} else if (!strcmp(backend, "embedded")) {
		snprintf(mhl_backend_reason, sizeof(mhl_backend_reason), "MEMHEAP_BACKEND=embedded");
		mhl_start_embedded();
		return;
	} else if (!strcmp(backend, "kernel")) {
		snprintf(mhl_backend_reason, sizeof(mhl_backend_reason), "MEMHEAP_BACKEND=kernel");
		mhl_backend_kind = MHL_BACKEND_KERNEL;
		fd = mhl_kernel_open(err, sizeof(err));
		if (fd < 0) {
			mhl_fail(err);
			return;
		}
	} else {
		mhl_backend_kind = MHL_BACKEND_EMBEDDED;
		snprintf(err, sizeof(err),
			 "MEMHEAP_BACKEND='%.40s': expected auto, kernel or embedded", backend);
		mhl_fail(err);
		return;
	}
	mhl_backend_kind = MHL_BACKEND_KERNEL;
	snprintf(mhl_layout_source, sizeof(mhl_layout_source), "kernel");
	if (mhl_kernel_start(fd, err, sizeof(err)))
		mhl_fail(err);
}

atomic_bool mhl_ready;

void mhl_init_once(void)
{
	pthread_mutex_lock(&mhl_init_lock);
	if (!atomic_load_explicit(&mhl_ready, memory_order_relaxed)) {
		mhl_do_init();
		atomic_store_explicit(&mhl_ready, true, memory_order_release);
	}
	pthread_mutex_unlock(&mhl_init_lock);
}

uint32_t mhl_tick(void)
{
	mhl_init();
	return mhl_tick_now();
}

enum mh_poison mhl_poison(void)
{
	mhl_init();
	return mhl_poison_level;
}

static const char *const mhl_poison_names[] = { "none", "light", "comprehensive" };

void mhl_config(struct mhl_config_info *out)
{
	mhl_init();
	memset(out, 0, sizeof(*out));
	out->backend = mhl_backend_kind;
	out->backend_name = mhl_backend_kind == MHL_BACKEND_KERNEL ? "kernel" : "embedded";
	out->backend_reason = mhl_backend_reason;
	out->layout_source = mhl_layout_source;
	out->poison = mhl_poison_level;
	out->poison_name = mhl_poison_names[mhl_poison_level];
	out->config_ok = mhl_config_ok;
	out->config_error = mhl_config_ok ? NULL : mhl_config_error;
	out->tracking = atomic_load(&mhl_track_on);
	out->nregions = atomic_load_explicit(&mhl_nregions, memory_order_acquire);
}
