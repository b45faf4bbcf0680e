/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * One row of the matrix, run in a forked child process: its peak memory is
 * then the row's own, a crashing or hanging encoder only fails its row, and
 * GPU drivers are never initialised in the parent (CUDA in particular does
 * not survive a fork). The child loads the clip, runs the warm-up and the
 * timed repeats with every session in its own thread, notes its peak memory,
 * then decodes the stream and measures its quality, and sends back the
 * figures. The parent stays small, so every child starts from the same
 * baseline (bench_baseline_rss_kb).
 */
#ifndef HWENC_BENCH_RUN_H
#define HWENC_BENCH_RUN_H

#include "bench/encoders.h"
#include "bench/results.h"

typedef struct bench_job {
    const bench_encoder_def *def;
    const char *clip_path;
    bench_enc_params params; /* size and rate are taken from the clip */
    int warmup, repeats, sessions;
    int max_frames;          /* 0: the whole clip */
    int timeout_s;           /* 0: none */
} bench_job;

/* Fills every measurement of row, or row->ok = 0 and row->reason. */
void bench_run_row(const bench_job *job, bench_row *row);

/* Peak resident memory of a child that does nothing: the part of every
 * row's figure that is hwbench itself. */
long bench_baseline_rss_kb(void);

/* Runs fn(arg) in a child process and copies back its result of `size`
 * bytes; for probing drivers without loading them into this process.
 * Returns 0, or -1 with err if the child failed. */
int bench_run_isolated(void (*fn)(void *arg, void *result), void *arg, void *result, size_t size,
                       char *err, size_t err_size);

#endif
