/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench/clip.h"
#include "bench/encode.h"
#include "bench/session.h"
#include "bench/stats.h"

typedef struct session_set {
    const bench_job *job;
    bench_clip clip;
    bench_enc_params params;
    int n;
    encode_pass *pass;
    pthread_barrier_t start;
    int failed[BENCH_MAX_SESSIONS];
} session_set;

typedef struct session_thread {
    session_set *set;
    int index;
} session_thread;

static void *session_main(void *arg)
{
    session_thread *t = arg;
    pthread_barrier_wait(&t->set->start);
    t->set->failed[t->index] = encode_pass_run(&t->set->pass[t->index]) < 0;
    return NULL;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
}

static int fail(session_result *res, int session, const char *msg)
{
    if (res->sessions > 1)
        snprintf(res->reason, sizeof(res->reason), "session %d: %s", session, msg);
    else
        snprintf(res->reason, sizeof(res->reason), "%s", msg);
    return -1;
}

/* One repeat: open every encoder, release all threads at once, close.
 * Returns the CPU seconds the encoding took, or -1. */
static double run_once(session_set *s, int keep_stream, session_result *res)
{
    pthread_t th[BENCH_MAX_SESSIONS];
    session_thread arg[BENCH_MAX_SESSIONS];
    int started = 0, ok = 1;
    double cpu = -1;

    for (int i = 0; i < s->n; i++) {
        s->pass[i].keep_stream = keep_stream && i == 0;
        if (encode_pass_open(&s->pass[i], s->job->def, &s->clip, &s->params) < 0) {
            fail(res, i, s->pass[i].err);
            goto done;
        }
    }
    if (pthread_barrier_init(&s->start, NULL, (unsigned)s->n + 1)) {
        fail(res, 0, "cannot create a barrier");
        goto done;
    }
    for (; started < s->n; started++) {
        arg[started] = (session_thread){ s, started };
        if (pthread_create(&th[started], NULL, session_main, &arg[started]))
            break;
    }
    if (started == s->n) {
        double c0 = cpu_seconds();
        pthread_barrier_wait(&s->start);
        for (int i = 0; i < started; i++)
            pthread_join(th[i], NULL);
        cpu = cpu_seconds() - c0;
    } else {
        fail(res, started, "cannot start a thread");
        /* The barrier never opens for threads already waiting: detach them;
         * the child process ends soon anyway. */
        for (int i = 0; i < started; i++)
            pthread_detach(th[i]);
        ok = 0;
    }
    if (ok)
        pthread_barrier_destroy(&s->start);
    for (int i = 0; ok && i < s->n; i++)
        if (s->failed[i]) {
            fail(res, i, s->pass[i].err);
            cpu = -1;
            break;
        }
done:
    for (int i = 0; i < s->n; i++)
        encode_pass_close(&s->pass[i]);
    return cpu;
}

/* A clock tick at least, so a tiny clip cannot divide by zero. */
static double seconds(double start, double end)
{
    return end - start > 1e-9 ? end - start : 1e-9;
}

/* Frame rates of one timed repeat, and its latencies appended to lat. */
static void record_repeat(session_set *s, session_result *res, int r, double *session_fps,
                          double *lat, size_t *n_lat)
{
    double first = s->pass[0].start, last = s->pass[0].end;
    for (int i = 0; i < s->n; i++) {
        const encode_pass *p = &s->pass[i];
        first = p->start < first ? p->start : first;
        last = p->end > last ? p->end : last;
        session_fps[i * BENCH_MAX_REPEATS + r] = s->clip.frames / seconds(p->start, p->end);
        for (int f = 0; f < s->clip.frames; f++)
            if (p->latency_ms[f] >= 0)
                lat[(*n_lat)++] = p->latency_ms[f];
    }
    res->fps_runs[r] = (double)s->n * s->clip.frames / seconds(first, last);
}

static int run_all(session_set *s, session_result *res, double *session_fps, double *lat)
{
    const bench_job *job = s->job;
    size_t n_lat = 0;
    double cpu = 0;

    for (int r = 0; r < job->warmup + job->repeats; r++) {
        int timed = r >= job->warmup, last = r == job->warmup + job->repeats - 1;
        double c = run_once(s, last, res);
        if (c < 0)
            return -1;
        if (timed) {
            cpu += c;
            record_repeat(s, res, r - job->warmup, session_fps, lat, &n_lat);
        }
    }
    double fps[BENCH_MAX_REPEATS];
    memcpy(fps, res->fps_runs, sizeof(fps));
    res->fps_min = stats_min(fps, (size_t)job->repeats);
    res->fps_median = stats_median(fps, (size_t)job->repeats);
    for (int i = 0; i < s->n; i++)
        res->session_fps[i] = stats_median(session_fps + i * BENCH_MAX_REPEATS, (size_t)job->repeats);
    res->cpu_ms_per_frame = cpu * 1000 / ((double)s->clip.frames * s->n * job->repeats);
    res->latency_ms[0] = stats_percentile(lat, n_lat, 50);
    res->latency_ms[1] = stats_percentile(lat, n_lat, 95);
    res->latency_ms[2] = stats_percentile(lat, n_lat, 99);
    return 0;
}

void session_run(const bench_job *job, session_result *res, uint8_t **stream)
{
    session_set s = { .job = job, .n = job->sessions, .params = job->params };
    double *session_fps = NULL, *lat = NULL;

    memset(res, 0, sizeof(*res));
    *stream = NULL;
    res->sessions = job->sessions;
    res->repeats = job->repeats;
    if (bench_clip_load(&s.clip, job->clip_path, job->max_frames, res->reason, sizeof(res->reason)) < 0)
        return;
    res->width = s.params.width = s.clip.width;
    res->height = s.params.height = s.clip.height;
    res->fps_num = s.params.fps_num = s.clip.fps_num;
    res->fps_den = s.params.fps_den = s.clip.fps_den;
    res->frames = s.clip.frames;
    s.pass = calloc((size_t)s.n, sizeof(*s.pass));
    session_fps = calloc((size_t)s.n * BENCH_MAX_REPEATS, sizeof(*session_fps));
    lat = malloc(sizeof(*lat) * (size_t)s.clip.frames * (size_t)s.n * (size_t)job->repeats);
    if (!s.pass || !session_fps || !lat) {
        snprintf(res->reason, sizeof(res->reason), "out of memory");
    } else if (run_all(&s, res, session_fps, lat) == 0) {
        res->ok = 1;
        res->stream_size = s.pass[0].stream_size;
        *stream = s.pass[0].stream;
        s.pass[0].stream = NULL;
    }
    for (int i = 0; s.pass && i < s.n; i++)
        encode_pass_free(&s.pass[i]);
    free(s.pass);
    free(session_fps);
    free(lat);
    bench_clip_free(&s.clip);
}
