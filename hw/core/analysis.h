/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * A cheap look at every input frame on a half-resolution luma plane, done
 * once in the HAL: the intra cost (SATD against the block mean) and the
 * inter cost (SAD after a small diamond search against the previous frame)
 * of each 8x8 block. The HAL uses the two for scene-cut detection; the CPU
 * backend's rate control uses them as the frame's complexity.
 */
#ifndef HWENC_HAL_ANALYSIS_H
#define HWENC_HAL_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

typedef struct frame_analysis {
    int width, height;           /* half resolution, multiples of 8 */
    uint8_t *lowres[2];
    int current;
    int have_previous;
    struct analysis_kernels *kernels; /* the CPU encoder's, private to analysis.c */
} frame_analysis;

typedef struct frame_cost {
    int64_t intra;               /* sum over blocks of the intra cost */
    int64_t inter;               /* sum of min(inter, intra); = intra for the first frame */
    int blocks;
} frame_cost;

/* cpu_level limits the kernels' instruction sets as cpu_flags_limited()
 * does (the costs do not depend on it). */
int frame_analysis_init(frame_analysis *fa, int width, int height, const char *cpu_level);
void frame_analysis_free(frame_analysis *fa);
/* Runs fn(arg, i) for i = 0 .. count - 1, in any order or at once, and
 * returns when all are done: a backend's worker threads. */
typedef void (*analysis_parallel_fn)(void *ctx, void (*fn)(void *arg, int index), void *arg, int count);

/* Analyses the luma plane of the next frame (full resolution), in bands
 * given to parallel (or, if NULL, run in turn); the costs do not depend on
 * which. */
void frame_analysis_run(frame_analysis *fa, const uint8_t *luma, ptrdiff_t stride, int width, int height,
                        analysis_parallel_fn parallel, void *parallel_ctx, frame_cost *cost);

#endif
