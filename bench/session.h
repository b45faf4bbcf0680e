/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The encoding side of a row, run inside the child process: load the clip,
 * then warm-up and timed repeats of `sessions` encoders running at once,
 * one thread each, started together.
 */
#ifndef HWENC_BENCH_SESSION_H
#define HWENC_BENCH_SESSION_H

#include <stdint.h>

#include "tools/media/metrics.h"
#include "bench/results.h"
#include "bench/run.h"

/* Plain data: it crosses the pipe from the child to the parent. */
typedef struct session_result {
    int ok;
    char reason[256];
    int width, height, frames, fps_num, fps_den;
    int sessions, repeats;
    double fps_runs[BENCH_MAX_REPEATS]; /* all sessions' frames per wall second */
    double fps_min, fps_median;
    double session_fps[BENCH_MAX_SESSIONS];
    double cpu_ms_per_frame;
    double latency_ms[3];
    uint64_t stream_size; /* bytes of session 0's stream in the last repeat */
    long peak_rss_kb;     /* of the process, when the encoding was over */
    metrics_summary quality;
} session_result;

/* Fills res; on success *stream (malloc'ed, the caller frees) holds the
 * stream of the first session of the last timed repeat. */
void session_run(const bench_job *job, session_result *res, uint8_t **stream);

#endif
