/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <pthread.h>
#include <stdlib.h>

#include "threadpool.h"

struct thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;         /* a new batch, or shutdown */
    pthread_cond_t done;         /* the batch's last item finished */
    pthread_t *workers;
    int num_workers;
    int shutdown;

    /* The current batch. */
    unsigned generation;
    void (*fn)(void *arg, int index);
    void *arg;
    int count, next, finished;
};

/* Takes and runs items of the current batch until none is left. */
static void run_items(thread_pool *p)
{
    while (p->next < p->count) {
        int index = p->next++;
        pthread_mutex_unlock(&p->lock);
        p->fn(p->arg, index);
        pthread_mutex_lock(&p->lock);
        if (++p->finished == p->count)
            pthread_cond_broadcast(&p->done);
    }
}

static void *worker_main(void *arg)
{
    thread_pool *p = arg;
    unsigned seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->shutdown && p->generation == seen)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->shutdown)
            break;
        seen = p->generation;
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
    p->next = p->finished = 0;
    p->generation++;
    pthread_cond_broadcast(&p->work);
    run_items(p);
    while (p->finished < p->count)
        pthread_cond_wait(&p->done, &p->lock);
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
