/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
/* The HAL reuses the CPU encoder's block kernels (SAD, SATD, downscale). */
#include "cpu.h"
#include "mc.h"
#include "pixel.h"

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

/* 2x2 box downscale, replicating the last column and row into the padding
 * (the picture is even-sized, so a clamped pair stays inside it). */
static void downscale(const mc_dsp *mc, uint8_t *dst, int dw, int dh, const uint8_t *src, ptrdiff_t stride, int w,
                      int h)
{
    const int inner_w = dw < w / 2 ? dw : w / 2, inner_h = dh < h / 2 ? dh : h / 2;
    mc->downscale_2x2(dst, dw, src, stride, inner_w, inner_h);
    for (int y = inner_h; y < dh; y++)
        mc->downscale_2x2(dst + y * dw, dw, src + (h - 2) * stride, stride, inner_w, 1);
    for (int y = 0; y < dh; y++) {
        const int y0 = 2 * y < h ? 2 * y : h - 2;
        const uint8_t *s0 = src + y0 * stride, *s1 = s0 + stride;
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

void frame_analysis_run(frame_analysis *fa, const uint8_t *luma, ptrdiff_t stride, int width, int height,
                        frame_cost *cost)
{
    const pixel_dsp *dsp = &fa->kernels->pixel;
    uint8_t *cur = fa->lowres[fa->current], *prev = fa->lowres[fa->current ^ 1];
    downscale(&fa->kernels->mc, cur, fa->width, fa->height, luma, stride, width, height);
    memset(cost, 0, sizeof(*cost));
    for (int by = 0; by < fa->height; by += 8) {
        for (int bx = 0; bx < fa->width; bx += 8) {
            int intra = intra_cost_8x8(dsp, cur + by * fa->width + bx, fa->width);
            int inter = fa->have_previous ? inter_cost_8x8(fa, dsp, cur, prev, bx, by) : INT_MAX;
            cost->intra += intra;
            cost->inter += inter < intra ? inter : intra;
            cost->blocks++;
        }
    }
    fa->current ^= 1;
    fa->have_previous = 1;
}
