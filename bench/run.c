/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/quality.h"
#include "bench/run.h"
#include "bench/session.h"

static int write_all(int fd, const void *buf, size_t size)
{
    const uint8_t *p = buf;
    while (size) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* Reads up to size bytes; returns how many arrived before EOF. */
static size_t read_all(int fd, void *buf, size_t size)
{
    uint8_t *p = buf;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, p + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static void describe_exit(int status, char *err, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(err, size, "benchmark process killed by signal %d (%s)%s", WTERMSIG(status),
                 strsignal(WTERMSIG(status)), WTERMSIG(status) == SIGALRM ? ": timed out" : "");
    else
        snprintf(err, size, "benchmark process exited with status %d before reporting",
                 WEXITSTATUS(status));
}

/* Forks; the child runs fn, writes what it produces to the pipe and exits.
 * The parent gets the child's rusage for its peak memory. */
static pid_t spawn(void (*fn)(void *arg, int fd), void *arg, int *read_fd, int timeout_s)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (timeout_s > 0)
            alarm((unsigned)timeout_s);
        fn(arg, fds[1]);
        close(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    if (pid < 0)
        close(fds[0]);
    *read_fd = fds[0];
    return pid;
}

/* The child's whole job. The stream stays in the child: only the figures
 * cross the pipe. */
static void child_encode(void *arg, int fd)
{
    const bench_job *job = arg;
    session_result res;
    uint8_t *stream = NULL;
    struct rusage ru;

    session_run(job, &res, &stream);
    getrusage(RUSAGE_SELF, &ru);
    res.peak_rss_kb = ru.ru_maxrss;
    if (res.ok && bench_quality(job->clip_path, res.frames, stream, res.stream_size, &res.quality,
                                res.reason, sizeof(res.reason)) < 0)
        res.ok = 0;
    free(stream);
    write_all(fd, &res, sizeof(res));
}

static void fill_row(bench_row *row, const session_result *res)
{
    row->width = res->width;
    row->height = res->height;
    row->frames = res->frames;
    row->fps_num = res->fps_num;
    row->fps_den = res->fps_den;
    row->sessions = res->sessions;
    row->repeats = res->repeats;
    memcpy(row->fps_runs, res->fps_runs, sizeof(row->fps_runs));
    memcpy(row->session_fps, res->session_fps, sizeof(row->session_fps));
    row->fps_min = res->fps_min;
    row->fps_median = res->fps_median;
    row->cpu_ms_per_frame = res->cpu_ms_per_frame;
    memcpy(row->latency_ms, res->latency_ms, sizeof(row->latency_ms));
    row->peak_rss_kb = res->peak_rss_kb;
    row->stream_bytes = res->stream_size;
    double seconds = (double)res->frames * res->fps_den / res->fps_num;
    row->bitrate_kbps = (double)res->stream_size * 8 / seconds / 1000;
    for (int i = 0; i < 3; i++) {
        row->psnr_avg[i] = res->quality.psnr_avg[i];
        row->psnr_global[i] = res->quality.psnr_global[i];
    }
    row->ssim_y = res->quality.ssim_y;
    row->ok = 1;
}

void bench_run_row(const bench_job *job, bench_row *row)
{
    session_result res;
    int fd, status = 0;

    row->ok = 0;
    row->reason[0] = 0;
    pid_t pid = spawn(child_encode, (void *)job, &fd, job->timeout_s);
    if (pid < 0) {
        snprintf(row->reason, sizeof(row->reason), "fork: %s", strerror(errno));
        return;
    }
    size_t got = read_all(fd, &res, sizeof(res));
    close(fd);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got < sizeof(res))
        describe_exit(status, row->reason, sizeof(row->reason));
    else if (!res.ok)
        snprintf(row->reason, sizeof(row->reason), "%s", res.reason);
    else
        fill_row(row, &res);
}

static void child_idle(void *arg, int fd)
{
    struct rusage ru;
    (void)arg;
    getrusage(RUSAGE_SELF, &ru);
    write_all(fd, &ru.ru_maxrss, sizeof(ru.ru_maxrss));
}

long bench_baseline_rss_kb(void)
{
    long kb = 0;
    int fd, status;
    pid_t pid = spawn(child_idle, NULL, &fd, 10);
    if (pid < 0)
        return 0;
    if (read_all(fd, &kb, sizeof(kb)) != sizeof(kb))
        kb = 0;
    close(fd);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return kb;
}

typedef struct isolated {
    void (*fn)(void *arg, void *result);
    void *arg;
    size_t size;
} isolated;

static void child_isolated(void *arg, int fd)
{
    const isolated *iso = arg;
    void *result = calloc(1, iso->size);
    if (!result)
        return;
    iso->fn(iso->arg, result);
    write_all(fd, result, iso->size);
    free(result);
}

int bench_run_isolated(void (*fn)(void *arg, void *result), void *arg, void *result, size_t size,
                       char *err, size_t err_size)
{
    isolated iso = { fn, arg, size };
    int fd, status = 0;
    pid_t pid = spawn(child_isolated, &iso, &fd, 120);
    if (pid < 0) {
        snprintf(err, err_size, "fork: %s", strerror(errno));
        return -1;
    }
    size_t got = read_all(fd, result, size);
    close(fd);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got != size) {
        describe_exit(status, err, err_size);
        return -1;
    }
    return 0;
}
