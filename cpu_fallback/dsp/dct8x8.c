/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference of the 8x8 transform, its quantisation and SA8D.
 */
#include <stdlib.h>

#include "cpu_fallback/dsp/dct8x8.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/dct8x8.h"
#endif

/* Frame zigzag of 8x8 blocks (8.5.7, Table 8-13) as raster indices. */
const uint8_t zigzag_scan_8x8[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

/* Position classes of 8.5.13.1 by (y % 4, x % 4): v0 both multiples of 4,
 * v1 both odd, v2 both 2 mod 4, v3 one a multiple of 4 and one odd, v4 one
 * a multiple of 4 and one 2 mod 4, v5 the rest. */
static const uint8_t class_of_position[16] = { 0, 3, 4, 3, 3, 1, 5, 1, 4, 5, 2, 5, 3, 1, 5, 1 };

static const uint8_t norm_adjust_8x8[6][6] = {
    { 20, 18, 32, 19, 25, 24 }, { 22, 19, 35, 21, 28, 26 }, { 26, 23, 42, 24, 33, 31 },
    { 28, 25, 45, 26, 35, 33 }, { 32, 28, 51, 30, 40, 38 }, { 36, 32, 58, 34, 46, 43 },
};

/* The forward factors for qbits 16 + qp / 6. */
static const uint16_t mf_8x8[6][6] = {
    { 13107, 11428, 20972, 12222, 16777, 15481 }, { 11916, 10826, 19174, 11058, 14980, 14290 },
    { 10082, 8943, 15978, 9675, 12710, 11985 },   { 9362, 8228, 14913, 8931, 11984, 11259 },
    { 8192, 7346, 13159, 7740, 10486, 9777 },     { 7282, 6428, 11570, 6830, 9118, 8640 },
};

void quant8_tables_init(quant8_tables *t)
{
    for (int m = 0; m < 6; m++)
        for (int i = 0; i < 64; i++) {
            const int c = class_of_position[4 * ((i >> 3) & 3) + (i & 3)];
            t->mf[m][i] = mf_8x8[m][c];
            t->dequant[m][i] = norm_adjust_8x8[m][c];
        }
}

static inline uint8_t clip_pixel(int v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static inline int16_t clip_int16(int64_t v)
{
    return v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : (int16_t)v;
}

/* The forward 8-point integer transform whose inverse is 8.5.13.2's. */
static inline void fdct8_1d(int out[8], const int in[8])
{
    const int s07 = in[0] + in[7], s16 = in[1] + in[6], s25 = in[2] + in[5], s34 = in[3] + in[4];
    const int a0 = s07 + s34, a1 = s16 + s25, a2 = s07 - s34, a3 = s16 - s25;
    const int d07 = in[0] - in[7], d16 = in[1] - in[6], d25 = in[2] - in[5], d34 = in[3] - in[4];
    const int a4 = d16 + d25 + (d07 + (d07 >> 1));
    const int a5 = d07 - d34 - (d25 + (d25 >> 1));
    const int a6 = d07 + d34 - (d16 + (d16 >> 1));
    const int a7 = d16 - d25 + (d34 + (d34 >> 1));
    out[0] = a0 + a1;
    out[1] = a4 + (a7 >> 2);
    out[2] = a2 + (a3 >> 1);
    out[3] = a5 + (a6 >> 2);
    out[4] = a0 - a1;
    out[5] = a6 - (a5 >> 2);
    out[6] = (a2 >> 1) - a3;
    out[7] = (a4 >> 2) - a7;
}

static void sub8x8_dct8_c(int16_t dct[64], const uint8_t *src, ptrdiff_t src_stride, const uint8_t *pred,
                          ptrdiff_t pred_stride)
{
    int tmp[8][8];
    for (int y = 0; y < 8; y++, src += src_stride, pred += pred_stride) {
        int row[8];
        for (int x = 0; x < 8; x++)
            row[x] = src[x] - pred[x];
        fdct8_1d(tmp[y], row);
    }
    for (int x = 0; x < 8; x++) {
        int col[8], out[8];
        for (int y = 0; y < 8; y++)
            col[y] = tmp[y][x];
        fdct8_1d(out, col);
        for (int y = 0; y < 8; y++)
            dct[8 * y + x] = (int16_t)out[y];
    }
}

/* 8.5.13.2, one pass (8-349..8-372). */
static inline void idct8_1d(int g[8], const int d[8])
{
    const int e0 = d[0] + d[4];
    const int e1 = -d[3] + d[5] - d[7] - (d[7] >> 1);
    const int e2 = d[0] - d[4];
    const int e3 = d[1] + d[7] - d[3] - (d[3] >> 1);
    const int e4 = (d[2] >> 1) - d[6];
    const int e5 = -d[1] + d[7] + d[5] + (d[5] >> 1);
    const int e6 = d[2] + (d[6] >> 1);
    const int e7 = d[3] + d[5] + d[1] + (d[1] >> 1);
    const int f0 = e0 + e6, f1 = e1 + (e7 >> 2), f2 = e2 + e4, f3 = e3 + (e5 >> 2);
    const int f4 = e2 - e4, f5 = (e3 >> 2) - e5, f6 = e0 - e6, f7 = e7 - (e1 >> 2);
    g[0] = f0 + f7;
    g[1] = f2 + f5;
    g[2] = f4 + f3;
    g[3] = f6 + f1;
    g[4] = f6 - f1;
    g[5] = f4 - f3;
    g[6] = f2 - f5;
    g[7] = f0 - f7;
}

static void add8x8_idct8_c(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[64])
{
    int rows[8][8];
    /* Rows first (horizontal), then columns, as 8.5.13.2 orders them. */
    for (int i = 0; i < 8; i++) {
        int d[8];
        for (int j = 0; j < 8; j++)
            d[j] = dct[8 * i + j];
        idct8_1d(rows[i], d);
    }
    for (int j = 0; j < 8; j++) {
        int col[8], h[8];
        for (int i = 0; i < 8; i++)
            col[i] = rows[i][j];
        idct8_1d(h, col);
        for (int i = 0; i < 8; i++)
            dst[i * dst_stride + j] = clip_pixel(dst[i * dst_stride + j] + ((h[i] + 32) >> 6));
    }
}

static void zigzag_scan_8x8_c(int16_t out[64], const int16_t in[64])
{
    for (int i = 0; i < 64; i++)
        out[i] = in[zigzag_scan_8x8[i]];
}

static int quant_8x8_c(int16_t dct[64], const uint16_t mf[64], uint32_t bias, int qbits)
{
    int nz = 0;
    for (int i = 0; i < 64; i++) {
        const int c = dct[i];
        const uint64_t mag = (uint64_t)(c < 0 ? -c : c);
        const int64_t level = (int64_t)((mag * mf[i] + bias) >> qbits);
        dct[i] = clip_int16(c < 0 ? -level : level);
        nz |= dct[i];
    }
    return nz != 0;
}

/* 8.5.13.1 with LevelScale8x8 = 16 * v: qp >= 36: (c * 16v) << (qp/6 - 6)
 * = c * v << (qp/6 - 2); below: (c * 16v + 2^(5 - qp/6)) >> (6 - qp/6). */
static void dequant_8x8_c(int16_t dct[64], const uint8_t dequant[64], int qp)
{
    const int shift = qp / 6;
    for (int i = 0; i < 64; i++) {
        const int64_t scaled = (int64_t)dct[i] * 16 * dequant[i];
        dct[i] = clip_int16(shift >= 6 ? scaled * (1 << (shift - 6))
                                       : (scaled + (1 << (5 - shift))) >> (6 - shift));
    }
}

static inline void hadamard8_1d(int v[8])
{
    for (int step = 1; step < 8; step <<= 1)
        for (int i = 0; i < 8; i += 2 * step)
            for (int k = i; k < i + step; k++) {
                const int a = v[k], b = v[k + step];
                v[k] = a + b;
                v[k + step] = a - b;
            }
}

static int sa8d_8x8_c(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride)
{
    int m[8][8];
    for (int y = 0; y < 8; y++, a += a_stride, b += b_stride) {
        for (int x = 0; x < 8; x++)
            m[y][x] = a[x] - b[x];
        hadamard8_1d(m[y]);
    }
    int sum = 0;
    for (int x = 0; x < 8; x++) {
        int col[8];
        for (int y = 0; y < 8; y++)
            col[y] = m[y][x];
        hadamard8_1d(col);
        for (int y = 0; y < 8; y++)
            sum += abs(col[y]);
    }
    return (sum + 2) >> 2;
}

void dct8_dsp_init(dct8_dsp *dsp, uint32_t cpu_flags)
{
    dsp->sub8x8_dct8 = sub8x8_dct8_c;
    dsp->add8x8_idct8 = add8x8_idct8_c;
    dsp->zigzag_scan_8x8 = zigzag_scan_8x8_c;
    dsp->quant_8x8 = quant_8x8_c;
    dsp->dequant_8x8 = dequant_8x8_c;
    dsp->sa8d_8x8 = sa8d_8x8_c;
#if HWENC_ARCH_X86
    dct8_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
