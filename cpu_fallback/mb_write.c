/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * macroblock_layer() (7.3.5) with CAVLC: mb_type, prediction modes,
 * coded_block_pattern, mb_qp_delta and the residual blocks. It also records
 * each block's total_coeff, which later blocks need for nC.
 */
#include <string.h>

#include "cpu_fallback/cavlc.h"
#include "cpu_fallback/internal.h"

/* Table 9-4, chroma_format_idc 1 or 2: coded_block_pattern to codeNum for
 * Intra4x4 macroblocks. */
static const uint8_t intra_cbp_to_code[48] = {
    3, 29, 30, 17, 31, 18, 37, 8, 32, 38, 19, 9, 20, 10, 11, 2,
    16, 33, 34, 21, 35, 22, 39, 4, 36, 40, 23, 5, 24, 6, 7, 1,
    41, 42, 43, 25, 44, 26, 46, 12, 45, 47, 27, 13, 28, 14, 15, 0,
};

/* The same for inter macroblocks. */
static const uint8_t inter_cbp_to_code[48] = {
    0, 2, 3, 7, 4, 8, 17, 13, 5, 18, 9, 14, 10, 15, 16, 11,
    1, 32, 33, 36, 34, 37, 44, 40, 35, 45, 38, 41, 39, 42, 43, 19,
    6, 24, 25, 20, 26, 21, 46, 28, 27, 47, 22, 29, 23, 30, 31, 12,
};

#define MB_TYPE_I16x16_BASE 1
#define MB_TYPE_I_PCM 25
#define MB_TYPE_P_INTRA_OFFSET 5
#define MB_TYPE_B_INTRA_OFFSET 23

/* Intra mb_type values follow the inter ones in P and B slices. */
static int intra_type_offset(int slice_type)
{
    return slice_type == H264_SLICE_P ? MB_TYPE_P_INTRA_OFFSET
           : slice_type == H264_SLICE_B ? MB_TYPE_B_INTRA_OFFSET
                                        : 0;
}

static int luma_nc(const mb_ctx *mb, int r)
{
    int bx = r & 3, by = r >> 2;
    int left_avail = 1, left = 0, top_avail = 1, top = 0;
    if (bx > 0)
        left = mb->state->nnz[r - 1];
    else if (mb->left)
        left = mb->left->nnz[r + 3];
    else
        left_avail = 0;
    if (by > 0)
        top = mb->state->nnz[r - 4];
    else if (mb->top)
        top = mb->top->nnz[r + 12];
    else
        top_avail = 0;
    return cavlc_predict_nc(left_avail, left, top_avail, top);
}

static int chroma_nc(const mb_ctx *mb, int plane, int b)
{
    int base = 16 + 4 * plane;
    int left_avail = 1, left = 0, top_avail = 1, top = 0;
    if (b & 1)
        left = mb->state->nnz[base + b - 1];
    else if (mb->left)
        left = mb->left->nnz[base + b + 1];
    else
        left_avail = 0;
    if (b & 2)
        top = mb->state->nnz[base + b - 2];
    else if (mb->top)
        top = mb->top->nnz[base + b + 2];
    else
        top_avail = 0;
    return cavlc_predict_nc(left_avail, left, top_avail, top);
}

static void write_intra_modes(h264_bitstream *bs, const mb_ctx *mb)
{
    /* prev_intra8x8_pred_mode_flag and rem_intra8x8_pred_mode: an 8x8
     * block's mode is predicted as its top-left 4x4 block's (8.3.2.1), and
     * every 4x4 entry of the block holds it. */
    const int step = mb->transform_8x8 ? 4 : 1;
    for (int i = 0; i < 16; i += step) {
        int r = block_idx_to_raster[i];
        int mode = mb->state->intra4x4_mode[r];
        int predicted = mb_predict_intra4x4_mode(mb, r);
        if (mode == predicted) {
            bs_write_flag(bs, 1);
        } else {
            bs_write_flag(bs, 0);
            bs_write_bits(bs, 3, (uint32_t)(mode < predicted ? mode : mode - 1));
        }
    }
}

static void write_qp_delta(h264_bitstream *bs, const mb_ctx *mb, int *last_qp)
{
    bs_write_se(bs, mb->qp - *last_qp);
    *last_qp = mb->qp;
}

/* An 8x8 block goes out as four 4x4 blocks of every fourth coefficient
 * (7.3.5.3.1: 4x4 block k takes positions 4i + k of the 8x8 scan), each
 * with its own total_coeff for nC. */
static void write_luma_8x8_residual(h264_bitstream *bs, mb_ctx *mb)
{
    for (int i8 = 0; i8 < 4; i8++) {
        if (!(mb->cbp_luma & (1 << i8)))
            continue;
        for (int k = 0; k < 4; k++) {
            const int r = 8 * (i8 >> 1) + 2 * (i8 & 1) + 4 * (k >> 1) + (k & 1);
            int16_t levels[16];
            for (int i = 0; i < 16; i++)
                levels[i] = mb->luma8x8[i8][4 * i + k];
            mb->state->nnz[r] = (uint8_t)cavlc_write_residual_block(bs, levels, 16, luma_nc(mb, r));
        }
    }
}

static void write_luma_4x4_residual(h264_bitstream *bs, mb_ctx *mb)
{
    if (mb->transform_8x8) {
        write_luma_8x8_residual(bs, mb);
        return;
    }
    for (int i = 0; i < 16; i++) {
        int r = block_idx_to_raster[i];
        if (mb->cbp_luma & (1 << (i >> 2)))
            mb->state->nnz[r] = (uint8_t)cavlc_write_residual_block(bs, mb->luma[r], 16, luma_nc(mb, r));
    }
}

static void write_chroma_residual(h264_bitstream *bs, mb_ctx *mb)
{
    if (mb->cbp_chroma)
        for (int p = 0; p < 2; p++)
            cavlc_write_residual_block(bs, mb->chroma_dc[p], 4, CAVLC_NC_CHROMA_DC);
    if (mb->cbp_chroma == 2)
        for (int p = 0; p < 2; p++)
            for (int b = 0; b < 4; b++)
                mb->state->nnz[16 + 4 * p + b] =
                    (uint8_t)cavlc_write_residual_block(bs, mb->chroma_ac[p][b] + 1, 15, chroma_nc(mb, p, b));
}

void mb_write_intra(h264_bitstream *bs, const cpu_encoder *enc, mb_ctx *mb, int slice_type, int *last_qp)
{
    int type_offset = intra_type_offset(slice_type);
    memset(mb->state->nnz, 0, sizeof(mb->state->nnz));
    mb->state->type = (uint8_t)mb->type;

    mb->state->transform_8x8 = (uint8_t)mb->transform_8x8;
    if (mb->type == MB_I4x4) {
        bs_write_ue(bs, (uint32_t)type_offset);
        if (enc->pps.transform_8x8_mode)
            bs_write_flag(bs, mb->transform_8x8);
        write_intra_modes(bs, mb);
        bs_write_ue(bs, (uint32_t)mb->chroma_mode);
        int cbp = mb->cbp_luma | mb->cbp_chroma << 4;
        bs_write_ue(bs, intra_cbp_to_code[cbp]);
        if (cbp)
            write_qp_delta(bs, mb, last_qp);
        write_luma_4x4_residual(bs, mb);
    } else {
        int mb_type = MB_TYPE_I16x16_BASE + mb->i16_mode + 4 * mb->cbp_chroma + (mb->cbp_luma ? 12 : 0);
        bs_write_ue(bs, (uint32_t)(type_offset + mb_type));
        bs_write_ue(bs, (uint32_t)mb->chroma_mode);
        write_qp_delta(bs, mb, last_qp);
        cavlc_write_residual_block(bs, mb->luma_dc, 16, luma_nc(mb, 0));
        if (mb->cbp_luma)
            for (int i = 0; i < 16; i++) {
                int r = block_idx_to_raster[i];
                mb->state->nnz[r] = (uint8_t)cavlc_write_residual_block(bs, mb->luma[r] + 1, 15, luma_nc(mb, r));
            }
    }
    write_chroma_residual(bs, mb);
    /* Without mb_qp_delta the macroblock keeps the predicted QP. */
    mb->state->qp = (int8_t)*last_qp;
}

static void write_ref_idx(h264_bitstream *bs, int ref, int num_ref_idx_active)
{
    if (num_ref_idx_active == 2)
        bs_write_flag(bs, !ref); /* te(v) with a range of 1 is one inverted bit */
    else if (num_ref_idx_active > 2)
        bs_write_ue(bs, (uint32_t)ref);
}

/* mb_pred() of the inter partitions (7.3.5.1): the reference indices of
 * list 0, then of list 1, then the vector differences in the same order. */
static void write_inter_prediction(h264_bitstream *bs, const cpu_encoder *enc, const mb_ctx *mb)
{
    for (int list = 0; list < 2; list++)
        for (int p = 0; p < mb->num_parts; p++)
            if (mb->part_lists[p] & (1 << list))
                write_ref_idx(bs, mb->part_ref[list][p], enc->num_refs[list]);
    for (int list = 0; list < 2; list++)
        for (int p = 0; p < mb->num_parts; p++)
            if (mb->part_lists[p] & (1 << list)) {
                bs_write_se(bs, mb->part_mv[list][p][0] - mb->part_mvp[list][p][0]);
                bs_write_se(bs, mb->part_mv[list][p][1] - mb->part_mvp[list][p][1]);
            }
}

void mb_write_inter(h264_bitstream *bs, const cpu_encoder *enc, mb_ctx *mb, int *last_qp)
{
    static const uint8_t p_mb_type[] = { [MB_P_16x16] = 0, [MB_P_16x8] = 1, [MB_P_8x16] = 2, [MB_P_8x8] = 3 };
    memset(mb->state->nnz, 0, sizeof(mb->state->nnz));
    if (mb->type == MB_B_DIRECT) {
        bs_write_ue(bs, 0); /* B_Direct_16x16: no prediction syntax */
    } else if (mb->type == MB_B_16x16) {
        bs_write_ue(bs, (uint32_t)mb->part_lists[0]); /* B_L0_16x16 1, B_L1_16x16 2, B_Bi_16x16 3 */
        write_inter_prediction(bs, enc, mb);
    } else {
        bs_write_ue(bs, p_mb_type[mb->type]);
        if (mb->type == MB_P_8x8)
            for (int p = 0; p < 4; p++)
                bs_write_ue(bs, 0); /* sub_mb_type: P_L0_8x8 */
        write_inter_prediction(bs, enc, mb);
    }
    int cbp = mb->cbp_luma | mb->cbp_chroma << 4;
    bs_write_ue(bs, inter_cbp_to_code[cbp]);
    /* Every partition is 8x8 or larger, and direct prediction uses
     * direct_8x8_inference: the flag follows any luma levels. */
    if (mb->cbp_luma && enc->pps.transform_8x8_mode)
        bs_write_flag(bs, mb->transform_8x8);
    mb->state->transform_8x8 = (uint8_t)(mb->cbp_luma && mb->transform_8x8);
    if (cbp)
        write_qp_delta(bs, mb, last_qp);
    write_luma_4x4_residual(bs, mb);
    write_chroma_residual(bs, mb);
    mb->state->qp = (int8_t)*last_qp;
}

void mb_record_skip(mb_ctx *mb, int last_qp)
{
    mb_state *st = mb->state;
    memset(st->nnz, 0, sizeof(st->nnz));
    st->transform_8x8 = 0;
    st->cbp = 0;
    st->chroma_mode = 0;
    st->cbf = 0;
    memset(st->mvd, 0, sizeof(st->mvd));
    mb->state->qp = (int8_t)last_qp;
    mb_store_motion(mb);
}

void mb_write_pcm(h264_bitstream *bs, mb_ctx *mb, int slice_type)
{
    bs_write_ue(bs, (uint32_t)(intra_type_offset(slice_type) + MB_TYPE_I_PCM));
    bs_align_zero(bs);
    for (int p = 0; p < 3; p++) {
        int n = p ? 8 : 16;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                bs_write_bits(bs, 8, mb->src[p][y * mb->src_stride[p] + x]);
    }
    /* An I_PCM macroblock counts as 16 coefficients in every block for nC. */
    memset(mb->state->nnz, 16, sizeof(mb->state->nnz));
    mb->state->type = MB_PCM;
    mb->state->transform_8x8 = 0;
    mb->state->qp = (int8_t)mb->qp;
    memset(mb->state->intra4x4_mode, I4_DC, sizeof(mb->state->intra4x4_mode));
}
