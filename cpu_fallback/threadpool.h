/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A fixed set of worker threads that run numbered work items: the slices of
 * a picture. Items are taken in increasing order, so an item may wait for a
 * lower-numbered one without deadlock, and for a higher-numbered one that
 * has started (recon_rows.c).
 */
#ifndef HWENC_CPU_THREADPOOL_H
#define HWENC_CPU_THREADPOOL_H

#include <stdatomic.h>

typedef struct thread_pool thread_pool;

/* threads counts the caller, which works too: threads - 1 workers start.
 * Returns 0 or -1. */
int thread_pool_create(thread_pool **out, int threads);
/* Runs fn(arg, i) for i = 0 .. count - 1 and returns when all are done. */
void thread_pool_run(thread_pool *pool, void (*fn)(void *arg, int index), void *arg, int count);
void thread_pool_destroy(thread_pool *pool);

/* Spins for up to the pool's spin time (a few hundred microseconds) while
 * *counter equals seen; returns 1 once it differs, 0 if time ran out.
 * Waiting threads spin before they sleep because a wake-up costs the
 * waking thread a system call. */
int thread_spin_while_equal(const atomic_uint *counter, unsigned seen);

#endif
