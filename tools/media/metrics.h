/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Objective quality of 8-bit 4:2:0 pictures: PSNR of Y, U and V (the mean of
 * per-frame values, and the "global" value from the summed error), and
 * SSIM of Y. Both follow the conventions of FFmpeg's psnr and ssim filters so
 * numbers can be compared with published ones: PSNR with peak 255, SSIM on
 * 8x8 windows stepped by 4 samples.
 */
#ifndef HWENC_MEDIA_METRICS_H
#define HWENC_MEDIA_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Kernels; metrics_dsp_init() picks the fastest ones this build has. */
typedef struct metrics_dsp {
    /* Sum of squared differences over a w x h block. */
    uint64_t (*ssd)(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                    int w, int h);
    /* For n horizontally adjacent 4x4 blocks: sums[i] = { sum a, sum b,
     * sum a*a + b*b, sum a*b }. */
    void (*ssim_4x4xn)(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                       int32_t (*sums)[4], int n);
} metrics_dsp;

void metrics_dsp_init(metrics_dsp *dsp);

/* PSNR in dB of an error sum over a number of samples; 100 dB when the
 * error is zero, as x264 and most RD tables report it. */
double metrics_psnr(uint64_t sse, uint64_t samples);

typedef struct metrics_summary {
    int frames;
    double psnr_avg[3];    /* Y, U, V: mean of the per-frame PSNR */
    double psnr_global[3]; /* Y, U, V: PSNR of the mean squared error (FFmpeg's psnr y/u/v) */
    double ssim_y;         /* mean of the per-frame SSIM of luma */
} metrics_summary;

typedef struct metrics_state {
    metrics_dsp dsp;
    int width, height;
    int32_t (*sums)[4]; /* two rows of 4x4 block sums for SSIM */
    int frames;
    uint64_t sse[3], samples[3];
    double psnr_sum[3], ssim_sum;
} metrics_state;

/* Returns 0, or -1 on a bad size or allocation failure. A frame of one
 * sample or more is measured; SSIM is 1 below 8x8 (no whole window). */
int metrics_init(metrics_state *m, int width, int height);
/* Adds one frame; ref is the source, dist the decoded picture. */
void metrics_add_frame(metrics_state *m, const uint8_t *const ref[3], const ptrdiff_t ref_stride[3],
                       const uint8_t *const dist[3], const ptrdiff_t dist_stride[3]);
/* The same without SSIM (ssim_y stays 0), for the CLI's PSNR summary. */
void metrics_add_psnr(metrics_state *m, const uint8_t *const ref[3], const ptrdiff_t ref_stride[3],
                      const uint8_t *const dist[3], const ptrdiff_t dist_stride[3]);
void metrics_summarize(const metrics_state *m, metrics_summary *out);
void metrics_free(metrics_state *m);

/* SSIM of one plane (exposed for the tests); tmp holds 2 * (w / 4) entries. */
double metrics_ssim_plane(const metrics_dsp *dsp, const uint8_t *a, ptrdiff_t a_stride,
                          const uint8_t *b, ptrdiff_t b_stride, int w, int h, int32_t (*tmp)[4]);

#endif
