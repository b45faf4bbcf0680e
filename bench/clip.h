/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A clip held in memory, so reading the file is not part of any timing.
 */
#ifndef HWENC_BENCH_CLIP_H
#define HWENC_BENCH_CLIP_H

#include <stddef.h>
#include <stdint.h>

#include "bench/encoders.h"

typedef struct bench_clip {
    int width, height, fps_num, fps_den;
    int frames;
    size_t frame_size;
    uint8_t *data; /* frames * frame_size bytes, tightly packed I420 */
} bench_clip;

/* Reads up to max_frames frames (0: all). Returns 0, or -1 with err. */
int bench_clip_load(bench_clip *clip, const char *path, int max_frames, char *err, size_t err_size);
void bench_clip_frame(const bench_clip *clip, int index, bench_frame *out);
void bench_clip_free(bench_clip *clip);

#endif
