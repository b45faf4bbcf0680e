/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference transforms. All 1-D passes work in int; results are stored
 * back into int16_t, which holds every value a conforming stream produces.
 */
#include "cpu_fallback/dsp/dct.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/dct.h"
#endif

/* Frame zigzag (8.5.6, Table 8-13) as raster indices. */
const uint8_t zigzag_scan_4x4[16] = {
    0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15,
};

static inline uint8_t clip_pixel(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static inline int16_t clip_int16(int v)
{
    return v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : (int16_t)v;
}

/* One forward core transform pass: rows of Cf = [1 1 1 1; 2 1 -1 -2;
 * 1 -1 -1 1; 1 -2 2 -1] applied to four values. */
static inline void fdct4_1d(int out[4], int x0, int x1, int x2, int x3)
{
    const int a0 = x0 + x3, a3 = x0 - x3;
    const int a1 = x1 + x2, a2 = x1 - x2;
    out[0] = a0 + a1;
    out[1] = 2 * a3 + a2;
    out[2] = a0 - a1;
    out[3] = a3 - 2 * a2;
}

static void sub4x4_dct_c(int16_t dct[16], const uint8_t *src, ptrdiff_t src_stride,
                         const uint8_t *pred, ptrdiff_t pred_stride)
{
    int tmp[4][4];
    for (int y = 0; y < 4; y++, src += src_stride, pred += pred_stride)
        fdct4_1d(tmp[y], src[0] - pred[0], src[1] - pred[1],
                 src[2] - pred[2], src[3] - pred[3]);
    for (int x = 0; x < 4; x++) {
        int col[4];
        fdct4_1d(col, tmp[0][x], tmp[1][x], tmp[2][x], tmp[3][x]);
        for (int y = 0; y < 4; y++)
            dct[4 * y + x] = (int16_t)col[y];
    }
}

/* One normative inverse pass (8-338..8-345); the >> 1 on the odd inputs
 * is what makes the order (rows first, then columns) matter. */
static inline void idct4_1d(int out[4], int d0, int d1, int d2, int d3)
{
    const int e0 = d0 + d2, e1 = d0 - d2;
    const int e2 = (d1 >> 1) - d3, e3 = d1 + (d3 >> 1);
    out[0] = e0 + e3;
    out[1] = e1 + e2;
    out[2] = e1 - e2;
    out[3] = e0 - e3;
}

static void add4x4_idct_c(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[16])
{
    int f[4][4];
    for (int i = 0; i < 4; i++)
        idct4_1d(f[i], dct[4 * i], dct[4 * i + 1], dct[4 * i + 2], dct[4 * i + 3]);
    for (int j = 0; j < 4; j++) {
        int h[4];
        idct4_1d(h, f[0][j], f[1][j], f[2][j], f[3][j]);
        for (int i = 0; i < 4; i++)
            dst[i * dst_stride + j] = clip_pixel(dst[i * dst_stride + j] + ((h[i] + 32) >> 6));
    }
}

static void sub8x8_dct_c(int16_t dct[4][16], const uint8_t *src, ptrdiff_t src_stride,
                         const uint8_t *pred, ptrdiff_t pred_stride)
{
    for (int b = 0; b < 4; b++)
        sub4x4_dct_c(dct[b], src + 4 * (b >> 1) * src_stride + 4 * (b & 1), src_stride,
                     pred + 4 * (b >> 1) * pred_stride + 4 * (b & 1), pred_stride);
}

static void add8x8_idct_c(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[4][16])
{
    for (int b = 0; b < 4; b++)
        add4x4_idct_c(dst + 4 * (b >> 1) * dst_stride + 4 * (b & 1), dst_stride, dct[b]);
}

/* 4-point Hadamard with rows [1 1 1 1; 1 1 -1 -1; 1 -1 -1 1; 1 -1 1 -1],
 * the matrix of 8.5.10. It is its own inverse up to a factor 4. */
static inline void hadamard4_1d(int out[4], int x0, int x1, int x2, int x3)
{
    const int s01 = x0 + x1, m01 = x0 - x1;
    const int s23 = x2 + x3, m23 = x2 - x3;
    out[0] = s01 + s23;
    out[1] = s01 - s23;
    out[2] = m01 - m23;
    out[3] = m01 + m23;
}

static void hadamard4x4(int out[16], const int16_t in[16])
{
    int tmp[4][4];
    for (int i = 0; i < 4; i++)
        hadamard4_1d(tmp[i], in[4 * i], in[4 * i + 1], in[4 * i + 2], in[4 * i + 3]);
    for (int j = 0; j < 4; j++) {
        int col[4];
        hadamard4_1d(col, tmp[0][j], tmp[1][j], tmp[2][j], tmp[3][j]);
        for (int i = 0; i < 4; i++)
            out[4 * i + j] = col[i];
    }
}

static void dct4x4dc_c(int16_t dc[16])
{
    int out[16];
    hadamard4x4(out, dc);
    /* Halving keeps 16 DC terms of up to 16 * 255 within int16. */
    for (int i = 0; i < 16; i++)
        dc[i] = clip_int16((out[i] + 1) >> 1);
}

static void idct4x4dc_c(int16_t dc[16])
{
    int out[16];
    hadamard4x4(out, dc);
    for (int i = 0; i < 16; i++)
        dc[i] = clip_int16(out[i]);
}

/* [1 1; 1 -1] c [1 1; 1 -1] on raster c = {c00, c01, c10, c11} (8-328). */
static void idct2x2dc_c(int16_t dc[4])
{
    const int s0 = dc[0] + dc[1], m0 = dc[0] - dc[1];
    const int s1 = dc[2] + dc[3], m1 = dc[2] - dc[3];
    dc[0] = clip_int16(s0 + s1);
    dc[1] = clip_int16(m0 + m1);
    dc[2] = clip_int16(s0 - s1);
    dc[3] = clip_int16(m0 - m1);
}

static void zigzag_scan_4x4_c(int16_t out[16], const int16_t in[16])
{
    for (int i = 0; i < 16; i++)
        out[i] = in[zigzag_scan_4x4[i]];
}

void dct_dsp_init(dct_dsp *dsp, uint32_t cpu_flags)
{
    dsp->sub4x4_dct = sub4x4_dct_c;
    dsp->add4x4_idct = add4x4_idct_c;
    dsp->sub8x8_dct = sub8x8_dct_c;
    dsp->add8x8_idct = add8x8_idct_c;
    dsp->dct4x4dc = dct4x4dc_c;
    dsp->idct4x4dc = idct4x4dc_c;
    dsp->idct2x2dc = idct2x2dc_c;
    dsp->zigzag_scan_4x4 = zigzag_scan_4x4_c;
#if HWENC_ARCH_X86
    dct_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
