/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * One row of the benchmark matrix: what ran, how fast, at what quality.
 */
#ifndef HWENC_BENCH_RESULTS_H
#define HWENC_BENCH_RESULTS_H

#include <stdint.h>

#include "bench/encoders.h"

#define BENCH_MAX_SESSIONS 64
#define BENCH_MAX_REPEATS 100

typedef struct bench_row {
    /* What ran. Rows with the same series and clip form one RD curve. */
    char series[112];  /* encoder, plus ":preset" when one was given */
    char encoder[64];
    char preset[32];   /* "" for the encoder's default */
    char clip[256];    /* path as given */
    char clip_name[64];
    enum bench_rate_mode rate_mode;
    int rate;          /* QP or kb/s */

    int ok;
    char reason[256];  /* why it failed */

    int width, height, frames, fps_num, fps_den;

    /* Speed. fps counts frames of all sessions per wall-clock second. */
    int sessions, repeats;
    double fps_runs[BENCH_MAX_REPEATS];
    double fps_min, fps_median;
    double session_fps[BENCH_MAX_SESSIONS]; /* median over the repeats, per session */
    double cpu_ms_per_frame;                /* user + system, all threads */
    double latency_ms[3];                   /* send to packet: p50, p95, p99 */
    long peak_rss_kb;

    /* Quality, from libavcodec's decoding of the stream against the source. */
    uint64_t stream_bytes;
    double bitrate_kbps;
    double psnr_avg[3], psnr_global[3], ssim_y;

    /* Against the anchor series on the same clip. */
    int bd_ok;
    double bd_rate_pct, bd_psnr_db;
} bench_row;

#endif
