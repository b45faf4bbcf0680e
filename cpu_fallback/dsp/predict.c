/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference intra predictors (8.3.1.2, 8.3.3, 8.3.4) for 8-bit 4:2:0.
 * Edge layout: see predict.h (edge[0] top-left, edge[1 + x] top,
 * edge[-1 - y] left).
 */
#include <string.h>

#include "cpu_fallback/dsp/pixel.h"
#include "cpu_fallback/dsp/predict.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/predict.h"
#endif

#define TOP(x)  edge[1 + (x)]
#define LEFT(y) edge[-1 - (y)]

static inline uint8_t clip_pixel(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static inline uint8_t avg2(int a, int b)
{
    return (uint8_t)((a + b + 1) >> 1);
}

static inline uint8_t avg3(int a, int b, int c)
{
    return (uint8_t)((a + 2 * b + c + 2) >> 2);
}

static inline void fill_block(uint8_t *dst, ptrdiff_t stride, int w, int h, uint8_t v)
{
    for (int y = 0; y < h; y++, dst += stride)
        memset(dst, v, (size_t)w);
}

static inline int sum_top(const uint8_t *edge, int from, int n)
{
    int s = 0;
    for (int x = from; x < from + n; x++)
        s += TOP(x);
    return s;
}

static inline int sum_left(const uint8_t *edge, int from, int n)
{
    int s = 0;
    for (int y = from; y < from + n; y++)
        s += LEFT(y);
    return s;
}

static inline void pred_vertical(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge,
                                 int w, int h)
{
    for (int y = 0; y < h; y++, dst += stride)
        memcpy(dst, &TOP(0), (size_t)w);
}

static inline void pred_horizontal(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge,
                                   int w, int h)
{
    for (int y = 0; y < h; y++, dst += stride)
        memset(dst, LEFT(y), (size_t)w);
}

/* ---- 4x4 (8.3.1.2) ---- */

static void pred4x4_v(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    pred_vertical(dst, stride, edge, 4, 4);
}

static void pred4x4_h(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    pred_horizontal(dst, stride, edge, 4, 4);
}

static void pred4x4_dc(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    fill_block(dst, stride, 4, 4, (uint8_t)((sum_top(edge, 0, 4) + sum_left(edge, 0, 4) + 4) >> 3));
}

static void pred4x4_dc_left(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    fill_block(dst, stride, 4, 4, (uint8_t)((sum_left(edge, 0, 4) + 2) >> 2));
}

static void pred4x4_dc_top(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    fill_block(dst, stride, 4, 4, (uint8_t)((sum_top(edge, 0, 4) + 2) >> 2));
}

static void pred4x4_dc_128(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    (void)edge;
    fill_block(dst, stride, 4, 4, 128);
}

static void pred4x4_ddl(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    /* Repeating p[7,-1] once makes the (p6 + 3 * p7) corner the same 3-tap. */
    int t[9];
    for (int k = 0; k < 8; k++)
        t[k] = TOP(k);
    t[8] = t[7];
    for (int y = 0; y < 4; y++, dst += stride)
        for (int x = 0; x < 4; x++)
            dst[x] = avg3(t[x + y], t[x + y + 1], t[x + y + 2]);
}

static void pred4x4_vl(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 4; y++, dst += stride)
        for (int x = 0; x < 4; x++) {
            const int k = x + (y >> 1);
            dst[x] = (y & 1) ? avg3(TOP(k), TOP(k + 1), TOP(k + 2))
                             : avg2(TOP(k), TOP(k + 1));
        }
}

static void pred4x4_hu(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    /* Extending p[-1,3] downwards turns the zHU = 5 and zHU > 5 special
     * cases into the generic 2- and 3-tap filters. */
    int l[7];
    for (int k = 0; k < 4; k++)
        l[k] = LEFT(k);
    for (int k = 4; k < 7; k++)
        l[k] = l[3];
    for (int y = 0; y < 4; y++, dst += stride)
        for (int x = 0; x < 4; x++) {
            const int k = y + (x >> 1);
            dst[x] = (x & 1) ? avg3(l[k], l[k + 1], l[k + 2]) : avg2(l[k], l[k + 1]);
        }
}

/* DDR, VR and HD walk the L-shaped edge as one line running from
 * p[-1,3] up to the corner and along to p[3,-1]:
 *   s[0..3] = p[-1,3..0], s[4] = p[-1,-1], s[5..8] = p[0..3,-1]. */
static void build_corner_line(int s[9], const uint8_t *edge)
{
    for (int k = 0; k < 9; k++)
        s[k] = edge[k - 4];
}

static void pred4x4_ddr(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    int s[9];
    build_corner_line(s, edge);
    for (int y = 0; y < 4; y++, dst += stride)
        for (int x = 0; x < 4; x++) {
            const int k = 4 + x - y;
            dst[x] = avg3(s[k - 1], s[k], s[k + 1]);
        }
}

static void pred4x4_vr(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    int s[9];
    build_corner_line(s, edge);
    for (int y = 0; y < 4; y++, dst += stride)
        for (int x = 0; x < 4; x++) {
            const int z = 2 * x - y;
            const int k = 4 + x - (y >> 1);
            if (z >= 0 && !(z & 1))
                dst[x] = avg2(s[k], s[k + 1]);
            else if (z >= -1)
                dst[x] = avg3(s[k - 1], s[k], s[k + 1]);
            else /* Left column only: centred on p[-1,y-2]. */
                dst[x] = avg3(s[4 - y], s[5 - y], s[6 - y]);
        }
}

static void pred4x4_hd(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    int s[9];
    build_corner_line(s, edge);
    for (int y = 0; y < 4; y++, dst += stride)
        for (int x = 0; x < 4; x++) {
            const int z = 2 * y - x;
            const int k = 3 - y + (x >> 1);
            if (z >= 0 && !(z & 1))
                dst[x] = avg2(s[k], s[k + 1]);
            else if (z >= -1)
                dst[x] = avg3(s[k], s[k + 1], s[k + 2]);
            else /* Top row only: centred on p[x-2,-1]. */
                dst[x] = avg3(s[2 + x], s[3 + x], s[4 + x]);
        }
}

/* ---- 16x16 (8.3.3) ---- */

static void pred16x16_v(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    pred_vertical(dst, stride, edge, 16, 16);
}

static void pred16x16_h(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    pred_horizontal(dst, stride, edge, 16, 16);
}

static void pred16x16_dc(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    fill_block(dst, stride, 16, 16,
               (uint8_t)((sum_top(edge, 0, 16) + sum_left(edge, 0, 16) + 16) >> 5));
}

static void pred16x16_dc_left(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    fill_block(dst, stride, 16, 16, (uint8_t)((sum_left(edge, 0, 16) + 8) >> 4));
}

static void pred16x16_dc_top(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    fill_block(dst, stride, 16, 16, (uint8_t)((sum_top(edge, 0, 16) + 8) >> 4));
}

static void pred16x16_dc_128(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    (void)edge;
    fill_block(dst, stride, 16, 16, 128);
}

/* Plane prediction for a w x h block (luma: 16x16; 4:2:0 chroma: 8x8).
 * The gradients are weighted sums of differences mirrored around the
 * edge centre; for the outermost term the mirror sample is the corner
 * p[-1,-1], which TOP(-1) and LEFT(-1) both address. */
static inline void pred_plane(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge,
                              int w, int h, int mul_b, int mul_c)
{
    int gh = 0, gv = 0;
    for (int i = 0; i < w / 2; i++)
        gh += (i + 1) * (TOP(w / 2 + i) - TOP(w / 2 - 2 - i));
    for (int i = 0; i < h / 2; i++)
        gv += (i + 1) * (LEFT(h / 2 + i) - LEFT(h / 2 - 2 - i));
    const int a = 16 * (LEFT(h - 1) + TOP(w - 1));
    const int b = (mul_b * gh + 32) >> 6;
    const int c = (mul_c * gv + 32) >> 6;
    for (int y = 0; y < h; y++, dst += stride) {
        int acc = a + c * (y - (h / 2 - 1)) - b * (w / 2 - 1) + 16;
        for (int x = 0; x < w; x++, acc += b)
            dst[x] = clip_pixel(acc >> 5);
    }
}

static void pred16x16_plane(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    pred_plane(dst, stride, edge, 16, 16, 5, 5);
}

/* ---- chroma 8x8, 4:2:0 (8.3.4) ---- */

static void predc_v(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    pred_vertical(dst, stride, edge, 8, 8);
}

static void predc_h(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    pred_horizontal(dst, stride, edge, 8, 8);
}

static void predc_plane(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    /* 4:2:0: xCF = yCF = 0, both gradient multipliers are 34. */
    pred_plane(dst, stride, edge, 8, 8, 34, 34);
}

/* Fill the four 4x4 quadrants, raster order, with dc[0..3]. */
static void fill_quadrants(uint8_t *dst, ptrdiff_t stride, const int dc[4])
{
    for (int q = 0; q < 4; q++)
        fill_block(dst + (q >> 1) * 4 * stride + (q & 1) * 4, stride, 4, 4, (uint8_t)dc[q]);
}

/* Both neighbours available: the corner quadrants (0 and 3) average both
 * edges; the off-diagonal ones use only the edge they touch (8.3.4.1-3). */
static void predc_dc(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    const int t0 = sum_top(edge, 0, 4), t1 = sum_top(edge, 4, 4);
    const int l0 = sum_left(edge, 0, 4), l1 = sum_left(edge, 4, 4);
    const int dc[4] = {
        (t0 + l0 + 4) >> 3, (t1 + 2) >> 2,
        (l1 + 2) >> 2,      (t1 + l1 + 4) >> 3,
    };
    fill_quadrants(dst, stride, dc);
}

/* Only the left column: each row of quadrants uses its own 4 left samples. */
static void predc_dc_left(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    const int l0 = (sum_left(edge, 0, 4) + 2) >> 2;
    const int l1 = (sum_left(edge, 4, 4) + 2) >> 2;
    const int dc[4] = { l0, l0, l1, l1 };
    fill_quadrants(dst, stride, dc);
}

/* Only the top row: each column of quadrants uses its own 4 top samples. */
static void predc_dc_top(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    const int t0 = (sum_top(edge, 0, 4) + 2) >> 2;
    const int t1 = (sum_top(edge, 4, 4) + 2) >> 2;
    const int dc[4] = { t0, t1, t0, t1 };
    fill_quadrants(dst, stride, dc);
}

static void predc_dc_128(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    (void)edge;
    fill_block(dst, stride, 8, 8, 128);
}

/* The reference is the definition: each prediction written out, then its SAD. */
static void sad_x3_16x16_c(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *edge, int dc_mode,
                           int scores[3])
{
    static const predict_fn dc[I16_MODE_COUNT] = {
        [I16_DC] = pred16x16_dc, [I16_DC_LEFT] = pred16x16_dc_left, [I16_DC_TOP] = pred16x16_dc_top,
        [I16_DC_128] = pred16x16_dc_128,
    };
    uint8_t pred[16 * 16];
    pred16x16_v(pred, 16, edge);
    scores[0] = pixel_sad_wxh(src, src_stride, pred, 16, 16, 16);
    pred16x16_h(pred, 16, edge);
    scores[1] = pixel_sad_wxh(src, src_stride, pred, 16, 16, 16);
    dc[dc_mode](pred, 16, edge);
    scores[2] = pixel_sad_wxh(src, src_stride, pred, 16, 16, 16);
}

void predict_dsp_init(predict_dsp *dsp, uint32_t cpu_flags)
{
    dsp->predict_4x4[I4_VERTICAL] = pred4x4_v;
    dsp->predict_4x4[I4_HORIZONTAL] = pred4x4_h;
    dsp->predict_4x4[I4_DC] = pred4x4_dc;
    dsp->predict_4x4[I4_DIAG_DOWN_LEFT] = pred4x4_ddl;
    dsp->predict_4x4[I4_DIAG_DOWN_RIGHT] = pred4x4_ddr;
    dsp->predict_4x4[I4_VERTICAL_RIGHT] = pred4x4_vr;
    dsp->predict_4x4[I4_HORIZONTAL_DOWN] = pred4x4_hd;
    dsp->predict_4x4[I4_VERTICAL_LEFT] = pred4x4_vl;
    dsp->predict_4x4[I4_HORIZONTAL_UP] = pred4x4_hu;
    dsp->predict_4x4[I4_DC_LEFT] = pred4x4_dc_left;
    dsp->predict_4x4[I4_DC_TOP] = pred4x4_dc_top;
    dsp->predict_4x4[I4_DC_128] = pred4x4_dc_128;

    dsp->predict_16x16[I16_VERTICAL] = pred16x16_v;
    dsp->predict_16x16[I16_HORIZONTAL] = pred16x16_h;
    dsp->predict_16x16[I16_DC] = pred16x16_dc;
    dsp->predict_16x16[I16_PLANE] = pred16x16_plane;
    dsp->predict_16x16[I16_DC_LEFT] = pred16x16_dc_left;
    dsp->predict_16x16[I16_DC_TOP] = pred16x16_dc_top;
    dsp->predict_16x16[I16_DC_128] = pred16x16_dc_128;

    dsp->predict_chroma[ICHROMA_DC] = predc_dc;
    dsp->predict_chroma[ICHROMA_HORIZONTAL] = predc_h;
    dsp->predict_chroma[ICHROMA_VERTICAL] = predc_v;
    dsp->predict_chroma[ICHROMA_PLANE] = predc_plane;
    dsp->predict_chroma[ICHROMA_DC_LEFT] = predc_dc_left;
    dsp->predict_chroma[ICHROMA_DC_TOP] = predc_dc_top;
    dsp->predict_chroma[ICHROMA_DC_128] = predc_dc_128;
    dsp->sad_x3_16x16 = sad_x3_16x16_c;
#if HWENC_ARCH_X86
    predict_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
