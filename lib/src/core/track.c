/* SPDX-License-Identifier: MIT */
/*
 * track.c - allocation-site tracking (Armino os_malloc_debug,
 * os_dump_memory_stats, call sites in misuse reports).
 *
 * A chained hash table keyed by pointer, under one mutex.  Records come
 * from mmap'd slabs and are recycled through a free list: tracking must
 * not call malloc (the LD_PRELOAD build is malloc).  When tracking is off
 * and no record is live, the allocation paths pay two relaxed loads.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>

#include "core/internal.h"

#define MHL_TRACK_BUCKETS	4096u
#define MHL_TRACK_SLAB		(256u * 1024u)

struct mhl_track_node {
	struct mhl_track_record rec;
	uint64_t seq;
	struct mhl_track_node *next;
};

atomic_bool mhl_track_on;
atomic_size_t mhl_track_live;

pthread_mutex_t mhl_track_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mhl_track_node *mhl_track_table[MHL_TRACK_BUCKETS];
static struct mhl_track_node *mhl_track_free_nodes;
static uint64_t mhl_track_seq;

static size_t mhl_track_hash(const void *p)
{
	uintptr_t v = (uintptr_t)p >> 3;

	v ^= v >> 17;
	v *= (uintptr_t)0x9e3779b97f4a7c15ull;
	return (size_t)(v >> 7) & (MHL_TRACK_BUCKETS - 1);
}

static struct mhl_track_node *mhl_track_node_get(void)
{
	struct mhl_track_node *n = mhl_track_free_nodes;

	if (!n) {
		struct mhl_track_node *slab = mhl_sys_alloc(MHL_TRACK_SLAB);
		size_t count = MHL_TRACK_SLAB / sizeof(*slab);

		if (!slab)
			return NULL;
		for (size_t i = 0; i < count; i++) {
			slab[i].next = mhl_track_free_nodes;
			mhl_track_free_nodes = &slab[i];
		}
		n = mhl_track_free_nodes;
	}
	mhl_track_free_nodes = n->next;
	return n;
}

void mhl_track_add(const void *ptr, size_t size, int region, const char *file,
		   int line)
{
	struct mhl_track_node *n;
	char thread[16] = "";

	if (!ptr || (!file && !atomic_load_explicit(&mhl_track_on, memory_order_relaxed)))
		return;
	if (pthread_getname_np(pthread_self(), thread, sizeof(thread)))
		thread[0] = '\0';
	uint32_t tick = mhl_tick_now();

	pthread_mutex_lock(&mhl_track_lock);
	size_t b = mhl_track_hash(ptr);

	/* a stale record of the same address (freed behind our back) is replaced */
	for (n = mhl_track_table[b]; n; n = n->next)
		if (n->rec.ptr == ptr)
			break;
	if (!n) {
		n = mhl_track_node_get();
		if (!n)
			goto out;
		n->next = mhl_track_table[b];
		mhl_track_table[b] = n;
		atomic_fetch_add_explicit(&mhl_track_live, 1, memory_order_relaxed);
	}
	n->rec.ptr = ptr;
	n->rec.size = size;
	n->rec.file = file;
	n->rec.line = line;
	n->rec.tick = tick;
	n->rec.region = region;
	memcpy(n->rec.thread, thread, sizeof(thread));
	n->seq = ++mhl_track_seq;
out:
	pthread_mutex_unlock(&mhl_track_lock);
}

void mhl_track_remove(const void *ptr)
{
	if (!ptr || !atomic_load_explicit(&mhl_track_live, memory_order_relaxed))
		return;
	pthread_mutex_lock(&mhl_track_lock);
	struct mhl_track_node **pp = &mhl_track_table[mhl_track_hash(ptr)];

	for (; *pp; pp = &(*pp)->next) {
		struct mhl_track_node *n = *pp;

		if (n->rec.ptr == ptr) {
			*pp = n->next;
			n->next = mhl_track_free_nodes;
			mhl_track_free_nodes = n;
			atomic_fetch_sub_explicit(&mhl_track_live, 1, memory_order_relaxed);
			break;
		}
	}
	pthread_mutex_unlock(&mhl_track_lock);
}

void mhl_track_site(const void *ptr, const char **file, int *line)
{
	*file = NULL;
	*line = 0;
	if (!atomic_load_explicit(&mhl_track_live, memory_order_relaxed))
		return;
	pthread_mutex_lock(&mhl_track_lock);
	for (struct mhl_track_node *n = mhl_track_table[mhl_track_hash(ptr)]; n; n = n->next) {
		if (n->rec.ptr == ptr) {
			*file = n->rec.file;
			*line = n->rec.line;
			break;
		}
	}
	pthread_mutex_unlock(&mhl_track_lock);
}

struct mhl_track_snap {
	struct mhl_track_record rec;
	uint64_t seq;
};

static void mhl_snap_sort(struct mhl_track_snap *a, size_t n)
{
	/* heap sort by seq: no recursion, no malloc, O(n log n) */
	for (size_t start = n / 2; start-- > 0;) {
		for (size_t root = start;;) {
			size_t child = 2 * root + 1;

			if (child >= n)
				break;
			if (child + 1 < n && a[child + 1].seq > a[child].seq)
				child++;
			if (a[root].seq >= a[child].seq)
				break;
			struct mhl_track_snap t = a[root];

			a[root] = a[child];
			a[child] = t;
			root = child;
		}
	}
	for (size_t end = n; end-- > 1;) {
		struct mhl_track_snap t = a[0];

		a[0] = a[end];
		a[end] = t;
		for (size_t root = 0;;) {
			size_t child = 2 * root + 1;

			if (child >= end)
				break;
			if (child + 1 < end && a[child + 1].seq > a[child].seq)
				child++;
			if (a[root].seq >= a[child].seq)
				break;
			t = a[root];
			a[root] = a[child];
			a[child] = t;
			root = child;
		}
	}
}

size_t mhl_track_visit(mhl_track_fn fn, void *ctx)
{
	struct mhl_track_snap *snap = NULL;
	size_t n = 0, cap, bytes = 0, visited = 0;

	if (!fn)
		return 0;
	pthread_mutex_lock(&mhl_track_lock);
	cap = atomic_load_explicit(&mhl_track_live, memory_order_relaxed);
	if (cap) {
		bytes = cap * sizeof(*snap);
		snap = mhl_sys_alloc(bytes);
	}
	if (snap) {
		for (size_t b = 0; b < MHL_TRACK_BUCKETS; b++) {
			for (struct mhl_track_node *t = mhl_track_table[b]; t && n < cap; t = t->next) {
				snap[n].rec = t->rec;
				snap[n].seq = t->seq;
				n++;
			}
		}
	}
	pthread_mutex_unlock(&mhl_track_lock);
	mhl_snap_sort(snap, n);
	for (size_t i = 0; i < n; i++) {
		visited++;
		if (!fn(&snap[i].rec, ctx))
			break;
	}
	mhl_sys_free(snap, bytes);
	return visited;
}
