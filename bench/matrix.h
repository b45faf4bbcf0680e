/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The benchmark matrix: encoder series (an encoder at one preset) x clips x
 * rate points, run one row at a time with progress on stderr, then compared
 * with the anchor series by BD-rate and BD-PSNR.
 */
#ifndef HWENC_BENCH_MATRIX_H
#define HWENC_BENCH_MATRIX_H

#include "bench/encoders.h"
#include "bench/results.h"

#define BENCH_MAX_SERIES 64
#define BENCH_MAX_RATES 32
#define BENCH_MAX_CLIPS 64

typedef struct bench_options {
    const char *encoders; /* comma-separated; NULL: bench_default_encoders */
    const char *presets;  /* comma-separated; NULL: each encoder's default */
    enum bench_rate_mode rate_mode;
    int rates[BENCH_MAX_RATES];
    int n_rates;
    int repeat, warmup, sessions, frames, keyint, threads, timeout;
    int bframes;          /* libhwenc encoders only */
    const char *anchor;   /* NULL: the first series */
    const char *out_dir;  /* NULL: no files */
    const char *const *clips;
    int n_clips;
} bench_options;

typedef struct bench_series {
    char label[112];     /* encoder[:preset] */
    char encoder[64];
    char preset[32];
    bench_encoder_def def;
    int available;
    char info[256];      /* what was found, or why it cannot run */
    int requested;       /* named on the command line: if unavailable, its rows fail */
} bench_series;

typedef struct bench_matrix {
    bench_series series[BENCH_MAX_SERIES];
    int n_series;
    int anchor;          /* index into series */
    char clip_names[BENCH_MAX_CLIPS][64];
    bench_row *rows;
    int n_rows;
} bench_matrix;

/* Parses the encoder and preset lists and probes each encoder (in a child
 * process). Returns 0, or -1 with err for a command-line error. */
int matrix_build(bench_matrix *m, const bench_options *o, char *err, size_t err_size);

/* Runs every row that can run; returns the number of failed rows. */
int matrix_run(bench_matrix *m, const bench_options *o);

/* BD-rate and BD-PSNR (PSNR-Y, mean of frames) of every row's series
 * against the anchor series on the same clip. */
void matrix_compare(bench_matrix *m);

void matrix_free(bench_matrix *m);

/* Whether a series takes part in the rows (available, or asked for). */
int matrix_series_runs(const bench_series *s);

#endif
