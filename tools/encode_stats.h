/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * `hwenc encode --stats FILE`: a small JSON summary of one encode, for a
 * program that runs hwenc (`hwenc batch` reads it for its report), and the
 * PSNR that the summary on stderr prints too.
 */
#ifndef HWENC_TOOLS_ENCODE_STATS_H
#define HWENC_TOOLS_ENCODE_STATS_H

#include <stdint.h>

#include "hwenc/hwenc.h"
#include "tools/media/metrics.h"

typedef struct encode_stats {
    const char *input, *output;
    int width, height, fps_num, fps_den;
    int64_t frames, bytes;
    double encode_seconds;
    const metrics_state *metrics; /* NULL or no frames: the backend gave no reconstruction */
    int want_psnr;               /* --psnr: write the PSNR (null when there is none) */
    int64_t vbv_overruns;        /* packets flagged vbv_overrun: the VBV could not be held at QP 51 */
} encode_stats;

/* Refuses a --stats path that is the input or the output (under any
 * name), before anything is written: -1 after saying so. */
int encode_stats_check_path(const char *path, const char *input, const char *output);

/* Writes the summary to path, with the backend in use (after any failover)
 * and its device. Returns 0, or -1 after saying what failed. */
int encode_stats_write(const char *path, const hwenc_encoder *enc, const encode_stats *s);

#endif
