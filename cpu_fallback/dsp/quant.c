/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * C reference quantisation and flat-matrix dequantisation.
 */
#include "cpu_fallback/dsp/quant.h"
#if HWENC_ARCH_X86
#include "cpu_fallback/dsp/x86/quant.h"
#endif

/* Per qp % 6: values for positions with both coordinates even, both odd,
 * and mixed. MF is the reference encoder's forward factor; v is the
 * normative dequantisation factor (8-315, LevelScale = 16 * v when flat). */
static const uint16_t mf_classes[6][3] = {
    { 13107, 5243, 8066 }, { 11916, 4660, 7490 }, { 10082, 4194, 6554 },
    { 9362, 3647, 5825 }, { 8192, 3355, 5243 }, { 7282, 2893, 4559 },
};

static const uint8_t v_classes[6][3] = {
    { 10, 16, 13 }, { 11, 18, 14 }, { 13, 20, 16 },
    { 14, 23, 18 }, { 16, 25, 20 }, { 18, 29, 23 },
};

static int position_class(int i)
{
    const int row = i >> 2, col = i & 3;
    if (!(row & 1) && !(col & 1))
        return 0;
    if ((row & 1) && (col & 1))
        return 1;
    return 2;
}

/* Decimation score of the levels in the n low bits of mask, with zeros_below
 * zeros under bit 0. */
static int decimate_score_of_bits(uint32_t mask, int n, int zeros_below)
{
    static const uint8_t score_of_run[6] = { 3, 2, 2, 1, 1, 1 };
    int score = 0, run = zeros_below;
    for (int i = 0; i < n; i++) {
        if (mask & (1u << i)) {
            score += run < 6 ? score_of_run[run] : 0;
            run = 0;
        } else {
            run++;
        }
    }
    return score;
}

static int top_zeros_of_byte(uint32_t byte)
{
    int zeros = 0;
    for (int i = 7; i >= 0 && !(byte & (1u << i)); i--)
        zeros++;
    return zeros;
}

void quant_tables_init(quant_tables *t)
{
    for (uint32_t b = 0; b < 256; b++) {
        const int zeros = top_zeros_of_byte(b);
        t->decimate_low[b] = (uint8_t)(decimate_score_of_bits(b, 8, 0) | (zeros < 6 ? zeros : 6) << 5);
        for (int below = 0; below <= 6; below++)
            t->decimate_high[below][b] = (uint8_t)decimate_score_of_bits(b, 8, below);
    }
    for (int m = 0; m < 6; m++)
        for (int i = 0; i < 16; i++) {
            const int c = position_class(i);
            t->mf[m][i] = mf_classes[m][c];
            t->mf_ac[m][i] = i ? mf_classes[m][c] : 0;
            t->dequant[m][i] = v_classes[m][c];
        }
}

static inline int16_t clip_int16(int64_t v)
{
    return v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : (int16_t)v;
}

/* 64-bit so any int16 input, MF and bias are safe; the magnitude is
 * quantised and the sign restored, giving the dead zone around 0. */
static inline int16_t quant_one(int coef, uint32_t mf, uint32_t bias, int qbits)
{
    const uint64_t mag = (uint64_t)(coef < 0 ? -coef : coef);
    const int64_t level = (int64_t)((mag * mf + bias) >> qbits);
    return clip_int16(coef < 0 ? -level : level);
}

static int quant_4x4_c(int16_t dct[16], const uint16_t mf[16], uint32_t bias, int qbits)
{
    int nz = 0;
    for (int i = 0; i < 16; i++) {
        dct[i] = quant_one(dct[i], mf[i], bias, qbits);
        nz |= dct[i];
    }
    return nz != 0;
}

static int quant_4x4x4_c(int16_t dct[4][16], const uint16_t mf[16], uint32_t bias, int qbits)
{
    int mask = 0;
    for (int b = 0; b < 4; b++)
        mask |= quant_4x4_c(dct[b], mf, bias, qbits) << b;
    return mask;
}

static int quant_4x4_dc_c(int16_t dc[16], uint16_t mf, uint32_t bias, int qbits)
{
    int nz = 0;
    for (int i = 0; i < 16; i++) {
        dc[i] = quant_one(dc[i], mf, bias, qbits);
        nz |= dc[i];
    }
    return nz != 0;
}

static int quant_chroma_dc_c(int16_t dc[4], const int16_t dct[4][16], uint16_t mf, uint32_t bias, int qbits)
{
    const int s0 = dct[0][0] + dct[1][0], d0 = dct[0][0] - dct[1][0];
    const int s1 = dct[2][0] + dct[3][0], d1 = dct[2][0] - dct[3][0];
    const int transformed[4] = { s0 + s1, d0 + d1, s0 - s1, d0 - d1 };
    int nz = 0;
    for (int i = 0; i < 4; i++) {
        dc[i] = quant_one(transformed[i], mf, bias, qbits);
        nz |= dc[i];
    }
    return nz != 0;
}

/*
 * With LevelScale = 16 * v the normative formulas simplify exactly:
 *   8.5.12.1: qp >= 24: (c * 16v) << (qp/6 - 4) = c * v << qp/6;
 *             qp <  24: (c * 16v + 2^(3 - qp/6)) >> (4 - qp/6)
 *                     = floor((16 * c * v * 2^(qp/6) + 8) / 16) = c * v << qp/6.
 *   8.5.10:   both branches equal (f * v * 2^(qp/6) + 2) >> 2 (for qp >= 36
 *             the dividend is a multiple of 4, so the + 2 vanishes).
 *   8.5.11.2: ((f * 16v) << qp/6) >> 5 = (f * v * 2^(qp/6)) >> 1.
 * Shifting the scale (not the signed product) avoids shifting negatives
 * left; right shifts of negatives are arithmetic, as the standard means.
 */
static void dequant_4x4_c(int16_t dct[16], const uint8_t dequant[16], int qp)
{
    const int32_t scale_shift = qp / 6;
    for (int i = 0; i < 16; i++)
        dct[i] = clip_int16((int64_t)dct[i] * (dequant[i] << scale_shift));
}

static void dequant_4x4_dc_c(int16_t dc[16], int dequant0, int qp)
{
    const int64_t scale = (int64_t)dequant0 << (qp / 6);
    for (int i = 0; i < 16; i++)
        dc[i] = clip_int16((dc[i] * scale + 2) >> 2);
}

static void dequant_2x2_dc_c(int16_t dc[4], int dequant0, int qp)
{
    const int64_t scale = (int64_t)dequant0 << (qp / 6);
    for (int i = 0; i < 4; i++)
        dc[i] = clip_int16((dc[i] * scale) >> 1);
}

static int coeff_last_16_c(const int16_t coeffs[16])
{
    int last = 15;
    while (last >= 0 && !coeffs[last])
        last--;
    return last;
}

static int count_nonzero_16_c(const int16_t coeffs[16])
{
    int n = 0;
    for (int i = 0; i < 16; i++)
        n += coeffs[i] != 0;
    return n;
}

void quant_dsp_init(quant_dsp *dsp, uint32_t cpu_flags)
{
    dsp->quant_4x4 = quant_4x4_c;
    dsp->quant_4x4x4 = quant_4x4x4_c;
    dsp->quant_4x4_dc = quant_4x4_dc_c;
    dsp->quant_chroma_dc = quant_chroma_dc_c;
    dsp->dequant_4x4 = dequant_4x4_c;
    dsp->dequant_4x4_dc = dequant_4x4_dc_c;
    dsp->dequant_2x2_dc = dequant_2x2_dc_c;
    dsp->coeff_last_16 = coeff_last_16_c;
    dsp->count_nonzero_16 = count_nonzero_16_c;
#if HWENC_ARCH_X86
    quant_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}
