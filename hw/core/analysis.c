/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

int frame_analysis_init(frame_analysis *fa, int width, int height)
{
    memset(fa, 0, sizeof(*fa));
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
    memset(fa, 0, sizeof(*fa));
}

/* 2x2 box downscale, replicating the last column and row into the padding. */
static void downscale(uint8_t *dst, int dw, int dh, const uint8_t *src, ptrdiff_t stride, int w, int h)
{
    for (int y = 0; y < dh; y++) {
        int y0 = 2 * y < h ? 2 * y : h - 2, y1 = y0 + 1;
        for (int x = 0; x < dw; x++) {
            int x0 = 2 * x < w ? 2 * x : w - 2, x1 = x0 + 1;
            dst[y * dw + x] = (uint8_t)((src[y0 * stride + x0] + src[y0 * stride + x1] + src[y1 * stride + x0] +
                                         src[y1 * stride + x1] + 2) >> 2);
        }
    }
}

static int intra_cost_8x8(const uint8_t *p, int stride)
{
    int sum = 0;
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            sum += p[y * stride + x];
    int mean = (sum + 32) >> 6, cost = 0;
    /* SATD of the 4x4 quarters against the mean: a Hadamard of the residual. */
    for (int by = 0; by < 8; by += 4)
        for (int bx = 0; bx < 8; bx += 4) {
            int d[16], t[16];
            for (int i = 0; i < 16; i++)
                d[i] = p[(by + i / 4) * stride + bx + i % 4] - mean;
            for (int i = 0; i < 4; i++) {
                int a = d[i * 4], b = d[i * 4 + 1], c = d[i * 4 + 2], e = d[i * 4 + 3];
                t[i * 4] = a + b + c + e;
                t[i * 4 + 1] = a - b + c - e;
                t[i * 4 + 2] = a + b - c - e;
                t[i * 4 + 3] = a - b - c + e;
            }
            for (int i = 0; i < 4; i++) {
                int a = t[i], b = t[4 + i], c = t[8 + i], e = t[12 + i];
                cost += abs(a + b + c + e) + abs(a - b + c - e) + abs(a + b - c - e) + abs(a - b - c + e);
            }
        }
    return cost / 2;
}

static int sad_8x8(const uint8_t *a, const uint8_t *b, int stride)
{
    int sad = 0;
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            sad += abs(a[y * stride + x] - b[y * stride + x]);
    return sad;
}

/* Diamond search of one block in the previous lowres frame. */
static int inter_cost_8x8(const frame_analysis *fa, const uint8_t *cur, const uint8_t *prev, int bx, int by)
{
    static const int8_t dia[4][2] = { { 0, -1 }, { -1, 0 }, { 1, 0 }, { 0, 1 } };
    int mx = 0, my = 0;
    int best = sad_8x8(cur + by * fa->width + bx, prev + by * fa->width + bx, fa->width);
    for (int iter = 0; iter < 8; iter++) {
        int cx = mx, cy = my;
        for (int i = 0; i < 4; i++) {
            int x = cx + dia[i][0], y = cy + dia[i][1];
            if (bx + x < 0 || by + y < 0 || bx + x + 8 > fa->width || by + y + 8 > fa->height)
                continue;
            int c = sad_8x8(cur + by * fa->width + bx, prev + (by + y) * fa->width + bx + x, fa->width);
            if (c < best) {
                best = c;
                mx = x;
                my = y;
            }
        }
        if (mx == cx && my == cy)
            break;
    }
    return best;
}

void frame_analysis_run(frame_analysis *fa, const uint8_t *luma, ptrdiff_t stride, int width, int height,
                        frame_cost *cost)
{
    uint8_t *cur = fa->lowres[fa->current], *prev = fa->lowres[fa->current ^ 1];
    downscale(cur, fa->width, fa->height, luma, stride, width, height);
    memset(cost, 0, sizeof(*cost));
    for (int by = 0; by < fa->height; by += 8) {
        for (int bx = 0; bx < fa->width; bx += 8) {
            int intra = intra_cost_8x8(cur + by * fa->width + bx, fa->width);
            int inter = fa->have_previous ? inter_cost_8x8(fa, cur, prev, bx, by) : INT_MAX;
            cost->intra += intra;
            cost->inter += inter < intra ? inter : intra;
            cost->blocks++;
        }
    }
    fa->current ^= 1;
    fa->have_previous = 1;
}
