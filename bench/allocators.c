/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * allocators.c - the allocators membench compares, behind one interface.
 *
 * glibc is the process's own malloc.  jemalloc and mimalloc both export
 * malloc/free themselves, so linking either would replace glibc's malloc for
 * the whole process; they are dlopen'ed with RTLD_LOCAL instead and called
 * through dlsym'ed pointers (jemalloc: malloc/free of libjemalloc.so.2;
 * mimalloc: its prefixed mi_malloc/mi_free).  dladdr() then tells which
 * shared object each function really lives in.
 */
#define _GNU_SOURCE
#include "membench.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef void *(*malloc_fn)(size_t);
typedef void (*free_fn)(void *);

static malloc_fn je_malloc, mi_malloc_p;
static free_fn je_free, mi_free_p;

/* ---- memheap engines ---------------------------------------------------- */

static struct instance *inst_of_heap(void *heap)
{
	return (struct instance *)(void *)((char *)heap -
					   offsetof(struct instance, heap));
}

static void *mh_alloc_a(void *ctx, size_t n)
{
	return mh_alloc(ctx, n);
}

static void mh_free_a(void *ctx, void *p)
{
	if (mh_free(ctx, p) != MH_OK)
		inst_of_heap(ctx)->free_errors++;
}

static void on_engine_error(struct mh_heap *heap,
			    const struct mh_error_info *info, void *ctx)
{
	struct instance *in = ctx;

	(void)heap;
	if (in->engine_errors++ < 5)
		fprintf(stderr, "membench: %s: engine reports %s (%d) in %s: "
			"ptr %p where %p region %d: %s\n", in->a->name,
			mh_strerror(info->code), info->code,
			info->op ? info->op : "?", info->ptr, info->where,
			info->region, info->detail ? info->detail : "");
}

/* ---- naive first-fit ----------------------------------------------------- */

static void *nff_alloc_a(void *ctx, size_t n)
{
	return nff_alloc(ctx, n);
}

static void nff_free_a(void *ctx, void *p)
{
	nff_free(ctx, p);
}

/* ---- glibc, jemalloc, mimalloc ------------------------------------------ */

static void *glibc_alloc_a(void *ctx, size_t n)
{
	(void)ctx;
	return malloc(n);
}

static void glibc_free_a(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void *je_alloc_a(void *ctx, size_t n)
{
	(void)ctx;
	return je_malloc(n);
}

static void je_free_a(void *ctx, void *p)
{
	(void)ctx;
	je_free(p);
}

static void *mi_alloc_a(void *ctx, size_t n)
{
	(void)ctx;
	return mi_malloc_p(n);
}

static void mi_free_a(void *ctx, void *p)
{
	(void)ctx;
	mi_free_p(p);
}

static struct allocator allocators[A_COUNT] = {
	[A_FIRSTFIT] = { "firstfit", "firstfit", true, true, "",
			 mh_alloc_a, mh_free_a },
	[A_FIRSTFIT_NOLOCK] = { "firstfit-nolock", "ff-nolock", true, true, "",
				mh_alloc_a, mh_free_a },
	[A_BUDDY] = { "buddy", "buddy", true, true, "", mh_alloc_a, mh_free_a },
	[A_NAIVE] = { "naive", "naive", true, true, "", nff_alloc_a,
		      nff_free_a },
	[A_GLIBC] = { "glibc", "glibc", false, true, "", glibc_alloc_a,
		      glibc_free_a },
	[A_JEMALLOC] = { "jemalloc", "jemalloc", false, false, "", je_alloc_a,
			 je_free_a },
	[A_MIMALLOC] = { "mimalloc", "mimalloc", false, false, "", mi_alloc_a,
			 mi_free_a },
};

struct allocator *allocator_get(int id)
{
	return &allocators[id];
}

/* The file name of the shared object holding @fn ("?" if unknown). */
static const char *object_of(void *fn)
{
	Dl_info di;
	const char *s;

	if (!fn || !dladdr(fn, &di) || !di.dli_fname)
		return "?";
	s = strrchr(di.dli_fname, '/');
	return s ? s + 1 : di.dli_fname;
}

static void *sym(void *handle, const char *name)
{
	return dlsym(handle, name);
}

/* A function pointer as void * for dladdr/printing (POSIX allows it). */
#define FNPTR(f)	(*(void **)(void *)&(f))

static void init_glibc(void)
{
	struct allocator *a = &allocators[A_GLIBC];
	void *libc_malloc = sym(RTLD_DEFAULT, "__libc_malloc");
	void *libc_free = sym(RTLD_DEFAULT, "__libc_free");
	void *g_malloc = sym(RTLD_DEFAULT, "malloc");
	void *g_free = sym(RTLD_DEFAULT, "free");
	malloc_fn m = malloc;
	free_fn f = free;

	snprintf(a->desc, sizeof(a->desc),
		 "glibc %s malloc/free; malloc in %s, %s __libc_malloc, "
		 "free %s __libc_free",
		 gnu_get_libc_version(), object_of(FNPTR(m)),
		 (g_malloc && g_malloc == libc_malloc && FNPTR(m) == libc_malloc)
			 ? "==" : "!= (INTERPOSED?)",
		 (g_free && g_free == libc_free && FNPTR(f) == libc_free)
			 ? "==" : "!=");
}

static void init_jemalloc(void)
{
	struct allocator *a = &allocators[A_JEMALLOC];
	void *h = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	int (*mallctl)(const char *, void *, size_t *, void *, size_t);
	const char *version = "?";
	size_t len = sizeof(version);
	void *libc_malloc = sym(RTLD_DEFAULT, "__libc_malloc");

	if (!h) {
		snprintf(a->desc, sizeof(a->desc), "unavailable: %s", dlerror());
		return;
	}
	*(void **)(void *)&je_malloc = sym(h, "malloc");
	*(void **)(void *)&je_free = sym(h, "free");
	*(void **)(void *)&mallctl = sym(h, "mallctl");
	if (!je_malloc || !je_free || !mallctl) {
		snprintf(a->desc, sizeof(a->desc), "unavailable: symbols missing");
		return;
	}
	if (mallctl("version", &version, &len, NULL, 0) != 0)
		version = "?";
	snprintf(a->desc, sizeof(a->desc),
		 "dlopen(libjemalloc.so.2, RTLD_LOCAL): malloc in %s, %s "
		 "__libc_malloc; mallctl(\"version\") = %s",
		 object_of(FNPTR(je_malloc)),
		 FNPTR(je_malloc) != libc_malloc ? "!=" : "== (WRONG)", version);
	a->available = FNPTR(je_malloc) != libc_malloc &&
		       strstr(object_of(FNPTR(je_malloc)), "jemalloc") != NULL;
}

static void init_mimalloc(void)
{
	struct allocator *a = &allocators[A_MIMALLOC];
	void *h = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	int (*version)(void);
	bool (*in_heap)(const void *);
	void *libc_malloc = sym(RTLD_DEFAULT, "__libc_malloc");
	void *p, *q;
	int mine = -1, foreign = -1;

	if (!h) {
		snprintf(a->desc, sizeof(a->desc), "unavailable: %s", dlerror());
		return;
	}
	*(void **)(void *)&mi_malloc_p = sym(h, "mi_malloc");
	*(void **)(void *)&mi_free_p = sym(h, "mi_free");
	*(void **)(void *)&version = sym(h, "mi_version");
	*(void **)(void *)&in_heap = sym(h, "mi_is_in_heap_region");
	if (!mi_malloc_p || !mi_free_p || !version || !in_heap) {
		snprintf(a->desc, sizeof(a->desc), "unavailable: symbols missing");
		return;
	}
	p = mi_malloc_p(64);
	q = malloc(64);
	mine = in_heap(p);
	foreign = in_heap(q);
	mi_free_p(p);
	free(q);
	snprintf(a->desc, sizeof(a->desc),
		 "dlopen(libmimalloc.so.2, RTLD_LOCAL): mi_malloc in %s, %s "
		 "__libc_malloc; mi_version() = %d; mi_is_in_heap_region: "
		 "mi_malloc block %d, glibc block %d",
		 object_of(FNPTR(mi_malloc_p)),
		 FNPTR(mi_malloc_p) != libc_malloc ? "!=" : "== (WRONG)",
		 version(), mine, foreign);
	a->available = mine == 1 && foreign == 0 &&
		       strstr(object_of(FNPTR(mi_malloc_p)), "mimalloc") != NULL;
}

void allocators_init(void)
{
	void *fn;

	init_glibc();
	init_jemalloc();
	init_mimalloc();
	/* Loading them must not have changed the process's malloc. */
	fn = sym(RTLD_DEFAULT, "malloc");
	if (fn != sym(RTLD_DEFAULT, "__libc_malloc"))
		strcat(allocators[A_GLIBC].desc, " [process malloc is NOT glibc]");

	snprintf(allocators[A_FIRSTFIT].desc, sizeof(allocators[0].desc),
		 "memheap MH_ALGO_FIRSTFIT, 1 heap, 1 region, poison none, "
		 "locked (default)");
	snprintf(allocators[A_FIRSTFIT_NOLOCK].desc, sizeof(allocators[0].desc),
		 "memheap MH_ALGO_FIRSTFIT, 1 heap, 1 region, poison none, "
		 "MH_HEAP_F_NOLOCK");
	snprintf(allocators[A_BUDDY].desc, sizeof(allocators[0].desc),
		 "memheap MH_ALGO_BUDDY (min_block %u), 1 heap, 1 region, "
		 "poison none, locked (default)", MH_BUDDY_MIN_BLOCK);
	snprintf(allocators[A_NAIVE].desc, sizeof(allocators[0].desc),
		 "bench/naive_firstfit.c: address-ordered singly linked free "
		 "list, 8 B header, O(n) alloc and free");
}

/* ---- instances ---------------------------------------------------------- */

#define ARENA_ALIGN	((size_t)2 << 20)

/* A pre-faulted mapping of @size bytes whose start is 2 MiB aligned. */
static void *map_aligned(size_t size, void **map, size_t *map_size)
{
	size_t len = size + ARENA_ALIGN;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *p;

	if (m == MAP_FAILED)
		return NULL;
	p = (unsigned char *)(((uintptr_t)m + ARENA_ALIGN - 1) &
			      ~(uintptr_t)(ARENA_ALIGN - 1));
	memset(p, 0, size);		/* fault every page in now */
	*map = m;
	*map_size = len;
	return p;
}

int instance_open(struct instance *in, int id, size_t arena_size,
		  unsigned int flags, char *msg, size_t msglen)
{
	struct allocator *a = &allocators[id];

	memset(in, 0, sizeof(*in));
	in->a = a;
	in->id = id;
	if (!a->available) {
		snprintf(msg, msglen, "%s unavailable", a->name);
		in->broken = true;
		return -1;
	}
	if (!a->arena)
		return 0;

	if (id == A_NAIVE) {
		in->arena = map_aligned(arena_size, &in->map, &in->map_size);
		if (!in->arena || nff_init(&in->nff, in->arena, arena_size)) {
			snprintf(msg, msglen, "naive: arena of %zu B failed",
				 arena_size);
			in->broken = true;
			return -1;
		}
		in->arena_size = arena_size;
		in->ctx = &in->nff;
		return 0;
	} else {
		struct mh_heap_config hc = {
			.name = a->name,
			.poison = MH_POISON_NONE,
			.flags = id == A_FIRSTFIT_NOLOCK ? MH_HEAP_F_NOLOCK : 0,
			.on_error = on_engine_error,
			.error_ctx = in,
		};
		struct mh_region_config rc = {
			.algo = id == A_BUDDY ? MH_ALGO_BUDDY : MH_ALGO_FIRSTFIT,
		};
		size_t meta = 0;
		int err;

		if (flags & INST_EXT_META) {
			meta = mh_region_meta_size(arena_size, &rc);
			meta = (meta + 4095u) & ~(size_t)4095u;
		}
		in->arena = map_aligned(arena_size + meta, &in->map,
					&in->map_size);
		if (!in->arena) {
			snprintf(msg, msglen, "%s: mmap of %zu B failed",
				 a->name, arena_size + meta);
			in->broken = true;
			return -1;
		}
		if (meta) {
			rc.meta = in->arena + arena_size;
			rc.meta_size = meta;
		}
		in->arena_size = arena_size;
		err = mh_heap_init(&in->heap, &hc);
		if (err == MH_OK) {
			err = mh_heap_add_region(&in->heap, in->arena,
						 arena_size, &rc);
			if (err != MH_OK)
				mh_heap_destroy(&in->heap);
		}
		if (err != MH_OK) {
			snprintf(msg, msglen, "%s: heap over %zu B failed: %s",
				 a->name, arena_size, mh_strerror(err));
			munmap(in->map, in->map_size);
			in->map = NULL;
			in->broken = true;
			return -1;
		}
		in->ctx = &in->heap;
		return 0;
	}
}

bool instance_stats(struct instance *in, struct mh_stats *st)
{
	if (!in->ctx || in->ctx != (void *)&in->heap)
		return false;
	mh_get_stats(&in->heap, st);
	return true;
}

int instance_close(struct instance *in, bool expect_empty, char *msg,
		   size_t msglen)
{
	int bad = 0;
	size_t n = 0;

	msg[0] = '\0';
#define NOTE(...) do { \
		if (n < msglen) \
			n += (size_t)snprintf(msg + n, msglen - n, __VA_ARGS__); \
		bad = 1; \
	} while (0)

	if (in->corrupt)
		NOTE("%lu block(s) found overwritten (tag mismatch); ",
		     in->corrupt);
	if (in->failed)
		NOTE("%lu unexpected NULL allocation(s); ", in->failed);

	if (in->ctx && in->ctx == (void *)&in->heap) {
		struct mh_stats st;
		int rc = mh_check(&in->heap);

		if (rc != MH_OK)
			NOTE("mh_check: %s (%d); ", mh_strerror(rc), rc);
		mh_get_stats(&in->heap, &st);
		if (expect_empty && !in->broken &&
		    (st.allocated_blocks != 0 || st.allocated_bytes != 0))
			NOTE("all blocks freed but stats say %zu blocks / %zu B "
			     "allocated; ", st.allocated_blocks,
			     st.allocated_bytes);
		if (in->free_errors)
			NOTE("%lu mh_free call(s) returned an error; ",
			     in->free_errors);
		if (in->engine_errors)
			NOTE("%lu error callback report(s); ", in->engine_errors);
		mh_heap_destroy(&in->heap);
	} else if (in->ctx && in->ctx == (void *)&in->nff) {
		size_t used = 0;
		int rc = nff_check(&in->nff, &used, NULL);

		if (rc)
			NOTE("nff_check: %d; ", rc);
		if (expect_empty && !in->broken && used)
			NOTE("all blocks freed but %zu B still used; ", used);
	}
#undef NOTE
	if (in->map)
		munmap(in->map, in->map_size);
	in->map = NULL;
	in->ctx = NULL;
	return bad;
}
