/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Macroblock coding with the 8x8 transform: Intra 8x8 blocks (prediction
 * from the filtered edge, transform, quantisation, reconstruction) and the
 * inter luma residual in 8x8 blocks, and the choice between 4x4 and 8x8
 * transforms for inter macroblocks.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/cavlc.h"
#include "cpu_fallback/internal.h"

void mb_build_edge_8x8(const mb_ctx *mb, int i8, uint8_t *edge, int *avail)
{
    const int bx = i8 & 1, by = i8 >> 1;
    const ptrdiff_t s = mb->stride[0];
    const uint8_t *p = mb->rec[0] + 8 * by * s + 8 * bx;
    const int top = by || (mb->avail & MB_TOP), left = bx || (mb->avail & MB_LEFT);
    /* The block above-right is coded before only for block 2 (block 1)
     * and, across the macroblock edge, for blocks 0 and 1. */
    const int topright = i8 == 0 ? !!(mb->avail & MB_TOP) : i8 == 1 ? !!(mb->avail & MB_TOPRIGHT) : i8 == 2;
    const int topleft = i8 == 0 ? !!(mb->avail & MB_TOPLEFT) : i8 == 1 ? !!(mb->avail & MB_TOP)
                                                             : i8 == 2 ? !!(mb->avail & MB_LEFT) : 1;
    if (top) {
        memcpy(edge + 1, p - s, 8);
        if (topright)
            memcpy(edge + 9, p - s + 8, 8);
        else
            memset(edge + 9, p[-s + 7], 8);
    }
    if (left)
        for (int y = 0; y < 8; y++)
            edge[-1 - y] = p[y * s - 1];
    if (topleft)
        edge[0] = p[-s - 1];
    *avail = (left ? EDGE8_LEFT : 0) | (top ? EDGE8_TOP : 0) | (topleft ? EDGE8_TOPLEFT : 0);
}

/* In CAVLC the levels of an 8x8 block go out as four 4x4 blocks of at
 * most CAVLC_LEVEL_MAX; the caller codes 4x4 transforms where one is beyond. */
static int levels_fit(const cpu_encoder *enc, const int16_t *levels)
{
    if (enc->pps.entropy_coding_mode)
        return 1;
    for (int i = 0; i < 64; i++)
        if (abs(levels[i]) > CAVLC_LEVEL_MAX)
            return 0;
    return 1;
}

int mb_encode_i8x8_block(cpu_encoder *enc, mb_ctx *mb, int i8, int variant, const uint8_t *filtered_edge)
{
    const ptrdiff_t s = mb->stride[0];
    const ptrdiff_t off = 8 * (i8 >> 1) * s + 8 * (i8 & 1);
    const ptrdiff_t src_off = 8 * (i8 >> 1) * mb->src_stride[0] + 8 * (i8 & 1);
    const int qp = mb->qp, q6 = qp % 6, qbits = 16 + qp / 6;
    int16_t dct[64];

    enc->p8f.predict[variant](mb->rec[0] + off, s, filtered_edge);
    enc->d8f.sub8x8_dct8(dct, mb->src[0] + src_off, mb->src_stride[0], mb->rec[0] + off, s);
    const int nz = enc->d8f.quant_8x8(dct, enc->qt8.mf[q6], quant_bias(qbits, 1), qbits);
    enc->d8f.zigzag_scan_8x8(mb->luma8x8[i8], dct);
    if (!levels_fit(enc, mb->luma8x8[i8]))
        return -1;
    if (nz) {
        enc->d8f.dequant_8x8(dct, enc->qt8.dequant[q6], qp);
        enc->d8f.add8x8_idct8(mb->rec[0] + off, s, dct);
    }
    return nz;
}

/* The decimation score of an 8x8 block's levels in scan order: 9 for any
 * level beyond +-1, else as quant_decimate_score() over 64 positions. */
static int decimate_score_64(const int16_t *levels)
{
    static const uint8_t score_of_run[6] = { 3, 2, 2, 1, 1, 1 };
    int score = 0, run = 0;
    for (int i = 0; i < 64; i++) {
        if (!levels[i]) {
            run++;
            continue;
        }
        if (abs(levels[i]) > 1)
            return 9;
        score += run < 6 ? score_of_run[run] : 0;
        run = 0;
    }
    return score;
}

int mb_encode_inter_luma_8x8(cpu_encoder *enc, mb_ctx *mb)
{
    const ptrdiff_t s = mb->stride[0];
    const int qp = mb->qp, q6 = qp % 6, qbits = 16 + qp / 6;
    const uint32_t bias = quant_bias(qbits, 0);
    int16_t dct[4][64];
    int score8[4] = { 0 };

    mb->cbp_luma = 0;
    for (int i8 = 0; i8 < 4; i8++) {
        const ptrdiff_t off = 8 * (i8 >> 1) * s + 8 * (i8 & 1);
        const ptrdiff_t src_off = 8 * (i8 >> 1) * mb->src_stride[0] + 8 * (i8 & 1);
        enc->d8f.sub8x8_dct8(dct[i8], mb->src[0] + src_off, mb->src_stride[0], mb->rec[0] + off, s);
        if (!enc->d8f.quant_8x8(dct[i8], enc->qt8.mf[q6], bias, qbits))
            continue;
        enc->d8f.zigzag_scan_8x8(mb->luma8x8[i8], dct[i8]);
        if (!levels_fit(enc, mb->luma8x8[i8]))
            return -1;
        score8[i8] = enc->opt.decimate ? decimate_score_64(mb->luma8x8[i8]) : 9;
        mb->cbp_luma |= 1 << i8;
    }
    if (enc->opt.decimate)
        mb->cbp_luma &= quant_decimate_keep(score8);
    for (int i8 = 0; i8 < 4; i8++) {
        if (!(mb->cbp_luma & (1 << i8)))
            continue;
        enc->d8f.dequant_8x8(dct[i8], enc->qt8.dequant[q6], qp);
        enc->d8f.add8x8_idct8(mb->rec[0] + 8 * (i8 >> 1) * s + 8 * (i8 & 1), s, dct[i8]);
    }
    return 0;
}

int mb_inter_prefers_8x8(const cpu_encoder *enc, const mb_ctx *mb)
{
    /* x264's choice: the 8x8 Hadamard cost of the residual against the
     * 4x4 one (both on the same scale). */
    int sa8d = 0, satd = 0;
    for (int i8 = 0; i8 < 4; i8++) {
        const uint8_t *src = mb->src[0] + 8 * (i8 >> 1) * mb->src_stride[0] + 8 * (i8 & 1);
        const uint8_t *rec = mb->rec[0] + 8 * (i8 >> 1) * mb->stride[0] + 8 * (i8 & 1);
        sa8d += enc->d8f.sa8d_8x8(src, mb->src_stride[0], rec, mb->stride[0]);
        satd += enc->pixf.satd[PIXEL_8x8](src, mb->src_stride[0], rec, mb->stride[0]);
    }
    return sa8d < satd;
}
