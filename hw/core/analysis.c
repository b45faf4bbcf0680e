/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/analysis.h"
/* The HAL reuses the CPU encoder's block kernels (SAD, SATD, downscale). */
#include "cpu_fallback/dsp/cpu.h"
#include "cpu_fallback/dsp/mc.h"
#include "cpu_fallback/dsp/pixel.h"

struct analysis_kernels {
    pixel_dsp pixel;
    mc_dsp mc;
};

int frame_analysis_init(frame_analysis *fa, int width, int height, const char *cpu_level)
{
    memset(fa, 0, sizeof(*fa));
    if (!(fa->kernels = malloc(sizeof(*fa->kernels))))
        return -1;
    /* An unknown level leaves the flags whole; the CPU backend reports it. */
    uint32_t flags;
    cpu_flags_limited(cpu_level, &flags);
    pixel_dsp_init(&fa->kernels->pixel, flags);
    mc_dsp_init(&fa->kernels->mc, flags);
    fa->width = ((width / 2) + 7) & ~7;
    fa->height = ((height / 2) + 7) & ~7;
    size_t size = (size_t)fa->width * (size_t)fa->height;
    fa->lowres[0] = malloc(size);
    fa->lowres[1] = malloc(size);
    if (!fa->lowres[0] || !fa->lowres[1]) {
        frame_analysis_free(fa);
        return -1;
    }
    return 0;
}

void frame_analysis_free(frame_analysis *fa)
{
    free(fa->lowres[0]);
    free(fa->lowres[1]);
    free(fa->kernels);
    memset(fa, 0, sizeof(*fa));
}

/* Rows y0 .. y1 - 1 of the 2x2 box downscale, replicating the last column
 * and row into the padding (the picture is even-sized, so a clamped pair
 * stays inside it). */
static void downscale_rows(const mc_dsp *mc, uint8_t *dst, int dw, int dh, const uint8_t *src, ptrdiff_t stride,
                           int w, int h, int y0, int y1)
{
    const int inner_w = dw < w / 2 ? dw : w / 2, inner_h = dh < h / 2 ? dh : h / 2;
    const int inner_end = y1 < inner_h ? y1 : inner_h;
    if (y0 < inner_end)
        mc->downscale_2x2(dst + y0 * dw, dw, src + 2 * y0 * stride, stride, inner_w, inner_end - y0);
    for (int y = y0 > inner_h ? y0 : inner_h; y < y1; y++)
        mc->downscale_2x2(dst + y * dw, dw, src + (h - 2) * stride, stride, inner_w, 1);
    for (int y = y0; y < y1; y++) {
        const int sy = 2 * y < h ? 2 * y : h - 2;
        const uint8_t *s0 = src + sy * stride, *s1 = s0 + stride;
        for (int x = inner_w; x < dw; x++)
            dst[y * dw + x] = (uint8_t)((s0[w - 2] + s0[w - 1] + s1[w - 2] + s1[w - 1] + 2) >> 2);
    }
}

/* SATD of the block against its rounded mean: the SAD against zeros is
 * the sum of the samples, and the SATD against a flat block of the mean is
 * the Hadamard cost of the residual. */
static int intra_cost_8x8(const pixel_dsp *dsp, const uint8_t *p, int stride)
{
    static const uint8_t zero[8 * 8];
    const int mean = (dsp->sad[PIXEL_8x8](p, stride, zero, 8) + 32) >> 6;
    uint8_t flat[8 * 8];
    memset(flat, mean, sizeof(flat));
    return dsp->satd[PIXEL_8x8](p, stride, flat, 8);
}

/* Diamond search of one block in the previous lowres frame; the four
 * neighbours go to one multi-candidate SAD away from the borders. */
static int inter_cost_8x8(const frame_analysis *fa, const pixel_dsp *dsp, const uint8_t *cur, const uint8_t *prev,
                          int bx, int by)
{
    static const int8_t dia[4][2] = { { 0, -1 }, { -1, 0 }, { 1, 0 }, { 0, 1 } };
    const int stride = fa->width;
    const uint8_t *src = cur + by * stride + bx;
    int mx = 0, my = 0;
    int best = dsp->sad[PIXEL_8x8](src, stride, prev + by * stride + bx, stride);
    for (int iter = 0; iter < 8; iter++) {
        const int cx = mx, cy = my;
        const uint8_t *c = prev + (by + cy) * stride + bx + cx;
        int sad[4];
        if (bx + cx >= 1 && by + cy >= 1 && bx + cx + 9 <= fa->width && by + cy + 9 <= fa->height) {
            dsp->sad_x4[PIXEL_8x8](src, stride, c - stride, c - 1, c + 1, c + stride, stride, sad);
        } else {
            for (int i = 0; i < 4; i++) {
                const int x = cx + dia[i][0], y = cy + dia[i][1];
                sad[i] = bx + x < 0 || by + y < 0 || bx + x + 8 > fa->width || by + y + 8 > fa->height
                             ? INT_MAX
                             : dsp->sad[PIXEL_8x8](src, stride, prev + (by + y) * stride + bx + x, stride);
            }
        }
        for (int i = 0; i < 4; i++)
            if (sad[i] < best) {
                best = sad[i];
                mx = cx + dia[i][0];
                my = cy + dia[i][1];
            }
        if (mx == cx && my == cy)
            break;
    }
    return best;
}

/* Bands of 8-pixel block rows that are analysed apart: each downscales its
 * own rows, reads the previous frame's complete lowres plane, and sums its
 * own costs, so the bands can run in any order or at once. */
#define ANALYSIS_BANDS 8

typedef struct analysis_job {
    frame_analysis *fa;
    const uint8_t *luma;
    ptrdiff_t stride;
    int width, height;
    int block_rows;
    frame_cost band[ANALYSIS_BANDS];
} analysis_job;

static void analyse_band(void *arg, int index)
{
    analysis_job *job = arg;
    frame_analysis *fa = job->fa;
    const pixel_dsp *dsp = &fa->kernels->pixel;
    uint8_t *cur = fa->lowres[fa->current], *prev = fa->lowres[fa->current ^ 1];
    const int y0 = 8 * (job->block_rows * index / ANALYSIS_BANDS);
    const int y1 = 8 * (job->block_rows * (index + 1) / ANALYSIS_BANDS);
    frame_cost *cost = &job->band[index];
    downscale_rows(&fa->kernels->mc, cur, fa->width, fa->height, job->luma, job->stride, job->width, job->height, y0,
                   y1);
    for (int by = y0; by < y1; by += 8) {
        for (int bx = 0; bx < fa->width; bx += 8) {
            int intra = intra_cost_8x8(dsp, cur + by * fa->width + bx, fa->width);
            int inter = fa->have_previous ? inter_cost_8x8(fa, dsp, cur, prev, bx, by) : INT_MAX;
            cost->intra += intra;
            cost->inter += inter < intra ? inter : intra;
            cost->blocks++;
        }
    }
}

void frame_analysis_run(frame_analysis *fa, const uint8_t *luma, ptrdiff_t stride, int width, int height,
                        analysis_parallel_fn parallel, void *parallel_ctx, frame_cost *cost)
{
    analysis_job job = { fa, luma, stride, width, height, fa->height / 8, { { 0, 0, 0 } } };
    if (parallel) {
        parallel(parallel_ctx, analyse_band, &job, ANALYSIS_BANDS);
    } else {
        for (int i = 0; i < ANALYSIS_BANDS; i++)
            analyse_band(&job, i);
    }
    memset(cost, 0, sizeof(*cost));
    for (int i = 0; i < ANALYSIS_BANDS; i++) {
        cost->intra += job.band[i].intra;
        cost->inter += job.band[i].inter;
        cost->blocks += job.band[i].blocks;
    }
    fa->current ^= 1;
    fa->have_previous = 1;
}
