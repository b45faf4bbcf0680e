/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "cpu_fallback/threadpool.h"

/*
 * Waking a sleeping thread costs the waker a system call of about 25 us on
 * the 2-vCPU test machine, at the start and again at the end of every
 * picture, out of about 1 ms for a 720x404 picture at two threads. So a
 * thread that runs out of work first spins for up to SPIN_NS on the counter
 * it waits for, and only then sleeps; a wake-up goes only to threads that
 * sleep. Between pictures the caller is away 120 us in hwbench and 320 us
 * in the command line (reading and measuring frames); a caller slower than
 * SPIN_NS costs each worker up to half a millisecond of spinning per picture.
 */
#define SPIN_NS 500000

struct thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;         /* a new batch, or shutdown */
    pthread_cond_t done;         /* the batch's last item finished */
    pthread_t *workers;
    int num_workers;
    int shutdown;

    /* Threads asleep on work, and whether the caller sleeps on done. */
    int sleeping_workers, caller_sleeps;

    /* The current batch. The counters change under lock; the spinning
     * threads read them without. */
    atomic_uint generation;
    void (*fn)(void *arg, int index);
    void *arg;
    int count, next;
    atomic_int finished;
};

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static int counter_changed(const void *counter, unsigned seen)
{
    return atomic_load_explicit((const atomic_uint *)counter, memory_order_acquire) != seen;
}

static int batch_finished(const void *pool, unsigned count)
{
    const thread_pool *p = pool;
    return atomic_load_explicit(&p->finished, memory_order_acquire) >= (int)count;
}

/* Spins, without any lock, for up to SPIN_NS until ready(ctx, arg);
 * returns whether it became ready. */
static int spin_until(int (*ready)(const void *ctx, unsigned arg), const void *ctx, unsigned arg)
{
    const int64_t end = now_ns() + SPIN_NS;
    for (int i = 1; !ready(ctx, arg); i++) {
        cpu_relax();
        if (!(i & 63) && now_ns() > end)
            return 0;
    }
    return 1;
}

int thread_spin_while_equal(const atomic_uint *counter, unsigned seen)
{
    return spin_until(counter_changed, counter, seen);
}

/* Takes and runs items of the current batch until none is left. */
static void run_items(thread_pool *p)
{
    while (p->next < p->count) {
        int index = p->next++;
        pthread_mutex_unlock(&p->lock);
        p->fn(p->arg, index);
        pthread_mutex_lock(&p->lock);
        if (atomic_fetch_add(&p->finished, 1) + 1 == p->count && p->caller_sleeps)
            pthread_cond_broadcast(&p->done);
    }
}

static void *worker_main(void *arg)
{
    thread_pool *p = arg;
    unsigned seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (!p->shutdown && atomic_load(&p->generation) == seen) {
            pthread_mutex_unlock(&p->lock);
            thread_spin_while_equal(&p->generation, seen);
            pthread_mutex_lock(&p->lock);
        }
        while (!p->shutdown && atomic_load(&p->generation) == seen) {
            p->sleeping_workers++;
            pthread_cond_wait(&p->work, &p->lock);
            p->sleeping_workers--;
        }
        if (p->shutdown)
            break;
        seen = atomic_load(&p->generation);
        run_items(p);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int thread_pool_create(thread_pool **out, int threads)
{
    thread_pool *p = calloc(1, sizeof(*p));
    *out = NULL;
    if (!p)
        return -1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    int workers = threads > 1 ? threads - 1 : 0;
    p->workers = workers ? calloc((size_t)workers, sizeof(*p->workers)) : NULL;
    if (workers && !p->workers) {
        thread_pool_destroy(p);
        return -1;
    }
    /* Fewer workers than asked is still correct, only slower. */
    while (p->num_workers < workers && !pthread_create(&p->workers[p->num_workers], NULL, worker_main, p))
        p->num_workers++;
    *out = p;
    return 0;
}

void thread_pool_run(thread_pool *p, void (*fn)(void *arg, int index), void *arg, int count)
{
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->arg = arg;
    p->count = count;
    p->next = 0;
    atomic_store(&p->finished, 0);
    atomic_fetch_add(&p->generation, 1);
    if (p->sleeping_workers)
        pthread_cond_broadcast(&p->work);
    run_items(p);
    if (atomic_load(&p->finished) < count) {
        pthread_mutex_unlock(&p->lock);
        spin_until(batch_finished, p, (unsigned)count);
        pthread_mutex_lock(&p->lock);
        p->caller_sleeps = 1;
        while (atomic_load(&p->finished) < count)
            pthread_cond_wait(&p->done, &p->lock);
        p->caller_sleeps = 0;
    }
    pthread_mutex_unlock(&p->lock);
}

void thread_pool_destroy(thread_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->shutdown = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->num_workers; i++)
        pthread_join(p->workers[i], NULL);
    free(p->workers);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
