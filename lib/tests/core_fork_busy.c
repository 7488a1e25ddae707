/* SPDX-License-Identifier: MIT */
/*
 * core_fork_busy: fork() while another thread allocates and frees without
 * pause in every region.  On the kernel backend the child copies its
 * inherited buffers (shared mappings) after fork() returned; the parent's
 * threads must not change a buffer's heap (block headers live in it)
 * before that copy is made, or the child starts on a torn heap.  Every
 * child checks its whole heap, allocates and frees in every region and
 * exits 0; the parent waits for each child and reports how it ended.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "lt.h"

#define FORKS		40
#define SLOTS		64
#define SMALL		48

static unsigned int nregions;
static atomic_int stop;
static atomic_long rounds;

/* Allocates and frees small blocks in every region, writing each one. */
static void *churn(void *arg)
{
	unsigned char *slot[SLOTS] = { 0 };
	unsigned int k = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		unsigned int s = k % SLOTS;

		if (slot[s]) {
			mhl_free(slot[s], "churn");
			slot[s] = NULL;
		} else {
			slot[s] = mhl_region_alloc(k % nregions, SMALL + k % 200, 0, 0);
			if (slot[s])
				memset(slot[s], (int)(k & 0xff), SMALL);
		}
		k = k * 7 + 3;
		atomic_fetch_add(&rounds, 1);
	}
	for (unsigned int s = 0; s < SLOTS; s++)
		if (slot[s])
			mhl_free(slot[s], "churn");
	return NULL;
}

static int child(void)
{
	int bad = 0, rc;

	rc = mhl_check(0, true);
	if (rc) {
		fprintf(stderr, "child %d: heap check at start: %d\n", (int)getpid(), rc);
		bad = 1;
	}
	for (unsigned int i = 0; i < nregions; i++) {
		unsigned char *p = mhl_region_alloc(i, SMALL, 0, 0);

		if (!p) {
			fprintf(stderr, "child: region %u: allocation failed\n", i);
			bad = 1;
			continue;
		}
		memset(p, 0x3c, SMALL);
		rc = mhl_free(p, "child");
		if (rc) {
			fprintf(stderr, "child: region %u: free: %d\n", i, rc);
			bad = 1;
		}
	}
	rc = mhl_check(0, true);
	if (rc) {
		fprintf(stderr, "child: heap check at end: %d\n", rc);
		bad = 1;
	}
	return bad ? 10 : 0;
}

int main(void)
{
	pthread_t t;
	int ok = 0;

	nregions = mhl_region_count();
	REQUIRE(nregions > 0);
	REQUIRE(pthread_create(&t, NULL, churn, NULL) == 0);
	for (int i = 0; i < FORKS; i++) {
		long r0 = atomic_load(&rounds);
		int status;
		pid_t pid, w;

		/* the churn thread is running when the fork starts */
		while (atomic_load(&rounds) < r0 + 50)
			sched_yield();
		fflush(NULL);
		pid = fork();
		REQUIRE(pid >= 0);
		if (pid == 0)
			_exit(child());
		do
			w = waitpid(pid, &status, 0);
		while (w < 0 && errno == EINTR);
		REQUIRE(w == pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
		else if (WIFEXITED(status))
			LT_FAIL_AT(__FILE__, __LINE__, "fork %d: child exited with %d", i,
				   WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			LT_FAIL_AT(__FILE__, __LINE__, "fork %d: child killed by signal %d", i,
				   WTERMSIG(status));
	}
	atomic_store(&stop, 1);
	REQUIRE(pthread_join(t, NULL) == 0);
	CHECK_EQ(ok, FORKS);
	CHECK_EQ(mhl_check(0, true), 0);
	return lt_done();
}
