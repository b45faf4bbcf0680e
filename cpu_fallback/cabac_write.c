/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * macroblock_layer() (7.3.5) with CABAC: the binarisations of 9.3.2 and the
 * context selection of 9.3.3.1 for every syntax element the encoder emits.
 * The residual blocks are in cabac_residual.c. It records in the
 * macroblock's state what later macroblocks' contexts read: the coded block
 * pattern and flags, the chroma mode, the vector differences, and the
 * total coefficient counts the deblocking filter reads.
 */
#include <string.h>

#include "cpu_fallback/cabac.h"
#include "cpu_fallback/cabac_residual.h"
#include "cpu_fallback/internal.h"

/* ctxIdxOffset of each syntax element (Table 9-34). */
enum {
    CTX_MB_TYPE_I = 3,
    CTX_SKIP_P = 11,
    CTX_MB_TYPE_P = 14,
    CTX_MB_TYPE_P_INTRA = 17,
    CTX_SUB_MB_TYPE_P = 21,
    CTX_SKIP_B = 24,
    CTX_MB_TYPE_B = 27,
    CTX_MB_TYPE_B_INTRA = 32,
    CTX_MVD_X = 40,
    CTX_MVD_Y = 47,
    CTX_REF_IDX = 54,
    CTX_QP_DELTA = 60,
    CTX_CHROMA_PRED = 64,
    CTX_PREV_INTRA_PRED = 68,
    CTX_REM_INTRA_PRED = 69,
    CTX_CBP_LUMA = 73,
    CTX_CBP_CHROMA = 77,
    CTX_TRANSFORM_8x8 = 399,
};

static int is_skip(int type)
{
    return type == MB_P_SKIP || type == MB_B_SKIP;
}

void cabac_write_skip(cabac_enc *c, const mb_ctx *mb, int slice_type, int skip)
{
    /* condTermFlagN: N is available and not skipped. */
    int inc = (mb->left && !is_skip(mb->left->type)) + (mb->top && !is_skip(mb->top->type));
    cabac_encode_decision(c, (slice_type == H264_SLICE_B ? CTX_SKIP_B : CTX_SKIP_P) + inc, skip);
}

/* B mb_type's third bin takes context 27 + 5 after a second bin of 0
 * and 27 + 4 after a 1 (9.3.3.1.2), the rest 27 + 5. */

/* The Intra16x16 part of an I mb_type after its first bin (Table 9-36),
 * from context offset base: I slices (3) lay the contexts out one way,
 * the intra suffix of P and B slices (17, 32) another (9.3.3.1.2). */
static void write_i16x16_type(cabac_enc *c, const mb_ctx *mb, int base, int in_i_slice)
{
    cabac_encode_terminate(c, 0);
    cabac_encode_decision(c, base + (in_i_slice ? 3 : 1), mb->cbp_luma != 0);
    cabac_encode_decision(c, base + (in_i_slice ? 4 : 2), mb->cbp_chroma != 0);
    if (mb->cbp_chroma)
        cabac_encode_decision(c, base + (in_i_slice ? 5 : 2), mb->cbp_chroma == 2);
    cabac_encode_decision(c, base + (in_i_slice ? 6 : 3), mb->i16_mode >> 1);
    cabac_encode_decision(c, base + (in_i_slice ? 7 : 3), mb->i16_mode & 1);
}

/* mb_type of an intra macroblock: in I slices its first bin's context
 * depends on the neighbours (9.3.3.1.1.3); in P and B slices a prefix says
 * intra and the suffix has no neighbour context. type is MB_I4x4,
 * MB_I16x16 or MB_PCM; PCM's terminating 1 is the caller's. */
static void write_intra_type(cabac_enc *c, const mb_ctx *mb, int slice_type, int type)
{
    int base;
    if (slice_type == H264_SLICE_I) {
        base = CTX_MB_TYPE_I;
        int inc = (mb->left && mb->left->type != MB_I4x4) + (mb->top && mb->top->type != MB_I4x4);
        cabac_encode_decision(c, base + inc, type != MB_I4x4);
    } else {
        if (slice_type == H264_SLICE_P) {
            cabac_encode_decision(c, CTX_MB_TYPE_P, 1);
            base = CTX_MB_TYPE_P_INTRA;
        } else {
            /* B prefix 1 1 1 1 0 1 (Table 9-37). */
            int inc = (mb->left && mb->left->type != MB_B_SKIP && mb->left->type != MB_B_DIRECT) +
                      (mb->top && mb->top->type != MB_B_SKIP && mb->top->type != MB_B_DIRECT);
            cabac_encode_decision(c, CTX_MB_TYPE_B + inc, 1);
            cabac_encode_decision(c, CTX_MB_TYPE_B + 3, 1);
            cabac_encode_decision(c, CTX_MB_TYPE_B + 4, 1);
            cabac_encode_decision(c, CTX_MB_TYPE_B + 5, 1);
            cabac_encode_decision(c, CTX_MB_TYPE_B + 5, 0);
            cabac_encode_decision(c, CTX_MB_TYPE_B + 5, 1);
            base = CTX_MB_TYPE_B_INTRA;
        }
        cabac_encode_decision(c, base, type != MB_I4x4);
    }
    if (type == MB_I16x16)
        write_i16x16_type(c, mb, base, slice_type == H264_SLICE_I);
    else if (type == MB_PCM)
        cabac_encode_terminate(c, 1);
}

static void write_transform_8x8_flag(cabac_enc *c, const mb_ctx *mb)
{
    int inc = (mb->left && mb->left->transform_8x8) + (mb->top && mb->top->transform_8x8);
    cabac_encode_decision(c, CTX_TRANSFORM_8x8 + inc, mb->transform_8x8);
}

/* prev_intra4x4_pred_mode_flag / rem_intra4x4_pred_mode (three bins, least
 * significant first), and the same for 8x8 blocks. */
static void write_intra_mode(cabac_enc *c, int mode, int predicted)
{
    cabac_encode_decision(c, CTX_PREV_INTRA_PRED, mode == predicted);
    if (mode != predicted) {
        int rem = mode < predicted ? mode : mode - 1;
        for (int i = 0; i < 3; i++)
            cabac_encode_decision(c, CTX_REM_INTRA_PRED, (rem >> i) & 1);
    }
}

static void write_intra_modes(cabac_enc *c, const mb_ctx *mb)
{
    /* An 8x8 block's mode is predicted as its top-left 4x4 block's
     * (8.3.2.1: the left neighbour's 4x4 block 1, the upper one's 2);
     * every 4x4 entry of an 8x8 block holds its mode. */
    if (mb->transform_8x8) {
        for (int i8 = 0; i8 < 4; i8++) {
            int r = 8 * (i8 >> 1) + 2 * (i8 & 1);
            write_intra_mode(c, mb->state->intra4x4_mode[r], mb_predict_intra4x4_mode(mb, r));
        }
        return;
    }
    for (int i = 0; i < 16; i++) {
        int r = block_idx_to_raster[i];
        write_intra_mode(c, mb->state->intra4x4_mode[r], mb_predict_intra4x4_mode(mb, r));
    }
}

static void write_chroma_pred_mode(cabac_enc *c, const mb_ctx *mb)
{
    /* condTermFlagN: N is intra (not I_PCM) with a mode other than DC. */
    int a = mb->left && mb_type_is_intra(mb->left->type) && mb->left->type != MB_PCM && mb->left->chroma_mode;
    int b = mb->top && mb_type_is_intra(mb->top->type) && mb->top->type != MB_PCM && mb->top->chroma_mode;
    int mode = mb->chroma_mode;
    cabac_encode_decision(c, CTX_CHROMA_PRED + a + b, mode > 0);
    if (mode > 0) {
        cabac_encode_decision(c, CTX_CHROMA_PRED + 3, mode > 1);
        if (mode > 1)
            cabac_encode_decision(c, CTX_CHROMA_PRED + 3, mode > 2);
    }
}

/* The coded_block_pattern a neighbour shows to this macroblock's
 * contexts: unavailable and I_PCM count as all coded, skipped as none. */
static int neighbour_cbp(const mb_state *n)
{
    if (!n || n->type == MB_PCM)
        return 0x2f;
    return is_skip(n->type) ? 0 : n->cbp;
}

static void write_cbp(cabac_enc *c, const mb_ctx *mb)
{
    const int left = neighbour_cbp(mb->left), top = neighbour_cbp(mb->top);
    const int cbp = mb->cbp_luma;
    for (int b8 = 0; b8 < 4; b8++) {
        /* condTermFlagN = 1 where the neighbouring 8x8 block is not coded. */
        int a = b8 & 1 ? !((cbp >> (b8 - 1)) & 1) : !((left >> (b8 + 1)) & 1);
        int b = b8 & 2 ? !((cbp >> (b8 - 2)) & 1) : !((top >> (b8 + 2)) & 1);
        cabac_encode_decision(c, CTX_CBP_LUMA + a + 2 * b, (cbp >> b8) & 1);
    }
    /* Chroma: unavailable neighbours count as 0 here, I_PCM as 2. */
    const int lc = mb->left ? neighbour_cbp(mb->left) >> 4 : 0, tc = mb->top ? neighbour_cbp(mb->top) >> 4 : 0;
    cabac_encode_decision(c, CTX_CBP_CHROMA + (lc != 0) + 2 * (tc != 0), mb->cbp_chroma != 0);
    if (mb->cbp_chroma)
        cabac_encode_decision(c, CTX_CBP_CHROMA + 4 + (lc == 2) + 2 * (tc == 2), mb->cbp_chroma == 2);
}

/* mb_qp_delta: mapped to codeNum (Table 9-3) in unary bins. */
static void write_qp_delta(cabac_enc *c, mb_ctx *mb, int *last_qp, int *last_dqp)
{
    int dqp = mb->qp - *last_qp;
    /* Differences wrap within -26..25 (7.4.5). */
    if (dqp > 25)
        dqp -= 52;
    else if (dqp < -26)
        dqp += 52;
    unsigned code = dqp > 0 ? 2u * (unsigned)dqp - 1 : 2u * (unsigned)-dqp;
    cabac_encode_decision(c, CTX_QP_DELTA + (*last_dqp != 0), code > 0);
    for (unsigned i = 1; i <= code; i++)
        cabac_encode_decision(c, CTX_QP_DELTA + (i == 1 ? 2 : 3), i < code);
    *last_dqp = dqp;
    *last_qp = mb->qp;
}

/* ref_idx in unary bins; its first context counts neighbours with an index
 * above 0 that were not predicted by direct mode (9.3.3.1.1.6). */
static int ref_above_zero(const mb_state *n, int list, int q)
{
    return n && !mb_type_is_intra(n->type) && n->type != MB_B_SKIP && n->type != MB_B_DIRECT &&
           n->ref[list][q] > 0;
}

static void write_ref_idx(cabac_enc *c, const mb_ctx *mb, int list, int q, int ref)
{
    const mb_state *st = mb->state;
    int a = q & 1 ? st->ref[list][q - 1] > 0 : ref_above_zero(mb->left, list, q + 1);
    int b = q & 2 ? st->ref[list][q - 2] > 0 : ref_above_zero(mb->top, list, q + 2);
    int ctx = CTX_REF_IDX + a + 2 * b;
    for (int i = 0; i < ref; i++) {
        cabac_encode_decision(c, ctx, 1);
        ctx = CTX_REF_IDX + (i == 0 ? 4 : 5);
    }
    cabac_encode_decision(c, ctx, 0);
}

/* One mvd component: a unary prefix of up to 9 bins, the rest as a
 * 3rd-order exp-Golomb suffix, and the sign (UEG3, 9.3.2.3). The first
 * prefix bin's context is chosen by the neighbours' sum (9.3.3.1.1.7). */
static void write_mvd(cabac_enc *c, int base, int sum, int mvd)
{
    const unsigned a = (unsigned)(mvd < 0 ? -mvd : mvd);
    int ctx = base + (sum < 3 ? 0 : sum > 32 ? 2 : 1);
    if (!a) {
        cabac_encode_decision(c, ctx, 0);
        return;
    }
    cabac_encode_decision(c, ctx, 1);
    const unsigned prefix = a < 9 ? a : 9;
    for (unsigned i = 1; i < prefix; i++)
        cabac_encode_decision(c, base + (i < 4 ? 2 + (int)i : 6), 1);
    if (a < 9) {
        cabac_encode_decision(c, base + (a < 4 ? 2 + (int)a : 6), 0);
    } else {
        unsigned suffix = a - 9;
        int k = 3;
        while (suffix >= 1u << k) {
            cabac_encode_bypass(c, 1);
            suffix -= 1u << k;
            k++;
        }
        cabac_encode_bypass(c, 0);
        cabac_encode_bypass_bits(c, k, suffix);
    }
    cabac_encode_bypass(c, mvd < 0);
}

/* The partitions of the macroblock type: top-left 4x4 block and size in
 * 4x4 blocks. */
static void partition_blocks(int type, int p, int *x4, int *y4, int *w4, int *h4)
{
    *x4 = *y4 = 0;
    *w4 = *h4 = 4;
    if (type == MB_P_16x8) {
        *y4 = 2 * p;
        *h4 = 2;
    } else if (type == MB_P_8x16) {
        *x4 = 2 * p;
        *w4 = 2;
    } else if (type == MB_P_8x8) {
        *x4 = 2 * (p & 1);
        *y4 = 2 * (p >> 1);
        *w4 = *h4 = 2;
    }
}

static int clamp_mvd(int v)
{
    v = v < 0 ? -v : v;
    return v > 64 ? 64 : v;
}

/* The vector differences of list for every partition, each with the
 * neighbours' stored differences (a neighbour in this macroblock is a
 * partition written before). */
static void write_mvds(cabac_enc *c, mb_ctx *mb, int list)
{
    mb_state *st = mb->state;
    for (int p = 0; p < mb->num_parts; p++) {
        if (!(mb->part_lists[p] & (1 << list)))
            continue;
        int x4, y4, w4, h4;
        partition_blocks(mb->type, p, &x4, &y4, &w4, &h4);
        const int r = 4 * y4 + x4;
        const uint8_t *a = x4 ? st->mvd[list][r - 1] : mb->left ? mb->left->mvd[list][r + 3] : NULL;
        const uint8_t *b = y4 ? st->mvd[list][r - 4] : mb->top ? mb->top->mvd[list][r + 12] : NULL;
        int d[2];
        for (int comp = 0; comp < 2; comp++) {
            d[comp] = mb->part_mv[list][p][comp] - mb->part_mvp[list][p][comp];
            int sum = (a ? a[comp] : 0) + (b ? b[comp] : 0);
            write_mvd(c, comp ? CTX_MVD_Y : CTX_MVD_X, sum, d[comp]);
        }
        const uint8_t v[2] = { (uint8_t)clamp_mvd(d[0]), (uint8_t)clamp_mvd(d[1]) };
        for (int y = y4; y < y4 + h4; y++)
            for (int x = x4; x < x4 + w4; x++)
                memcpy(st->mvd[list][4 * y + x], v, 2);
    }
}

static void write_inter_prediction(cabac_enc *c, const cpu_encoder *enc, mb_ctx *mb)
{
    for (int list = 0; list < 2; list++)
        if (enc->num_refs[list] > 1)
            for (int p = 0; p < mb->num_parts; p++)
                if (mb->part_lists[p] & (1 << list)) {
                    /* The 8x8 quadrant at the partition's top-left. */
                    int x4, y4, w4, h4;
                    partition_blocks(mb->type, p, &x4, &y4, &w4, &h4);
                    write_ref_idx(c, mb, list, (y4 >> 1) * 2 + (x4 >> 1), mb->part_ref[list][p]);
                }
    for (int list = 0; list < 2; list++)
        write_mvds(c, mb, list);
}

static void write_inter_type(cabac_enc *c, const mb_ctx *mb, int slice_type)
{
    if (slice_type == H264_SLICE_P) {
        /* Table 9-37: P_L0_16x16 000, P_L0_L0_16x8 011, P_L0_L0_8x16 010,
         * P_8x8 001; the third bin's context depends on the second. */
        static const uint8_t bins[][2] = { [MB_P_16x16] = { 0, 0 }, [MB_P_16x8] = { 1, 1 }, [MB_P_8x16] = { 1, 0 },
                                           [MB_P_8x8] = { 0, 1 } };
        cabac_encode_decision(c, CTX_MB_TYPE_P, 0);
        cabac_encode_decision(c, CTX_MB_TYPE_P + 1, bins[mb->type][0]);
        cabac_encode_decision(c, CTX_MB_TYPE_P + (bins[mb->type][0] ? 3 : 2), bins[mb->type][1]);
        if (mb->type == MB_P_8x8)
            for (int p = 0; p < 4; p++)
                cabac_encode_decision(c, CTX_SUB_MB_TYPE_P, 1); /* P_L0_8x8 */
        return;
    }
    int inc = (mb->left && mb->left->type != MB_B_SKIP && mb->left->type != MB_B_DIRECT) +
              (mb->top && mb->top->type != MB_B_SKIP && mb->top->type != MB_B_DIRECT);
    if (mb->type == MB_B_DIRECT) {
        cabac_encode_decision(c, CTX_MB_TYPE_B + inc, 0);
        return;
    }
    cabac_encode_decision(c, CTX_MB_TYPE_B + inc, 1);
    if (mb->part_lists[0] == PRED_BI) {
        /* B_Bi_16x16: 1 1 0 0 0 0. */
        cabac_encode_decision(c, CTX_MB_TYPE_B + 3, 1);
        cabac_encode_decision(c, CTX_MB_TYPE_B + 4, 0);
        for (int i = 0; i < 3; i++)
            cabac_encode_decision(c, CTX_MB_TYPE_B + 5, 0);
    } else {
        /* B_L0_16x16 1 0 0, B_L1_16x16 1 0 1. */
        cabac_encode_decision(c, CTX_MB_TYPE_B + 3, 0);
        cabac_encode_decision(c, CTX_MB_TYPE_B + 5, mb->part_lists[0] == PRED_L1);
    }
}

/* transform_size_8x8_flag after coded_block_pattern: inter macroblocks
 * with luma coefficients, when the picture allows the 8x8 transform
 * (every partition here is 8x8 or larger, and direct prediction uses
 * direct_8x8_inference). */
static int inter_transform_flag_present(const cpu_encoder *enc, const mb_ctx *mb)
{
    return enc->pps.transform_8x8_mode && mb->cbp_luma && enc->sps.direct_8x8_inference;
}

void cabac_write_mb(cabac_enc *c, const cpu_encoder *enc, mb_ctx *mb, int slice_type, int *last_qp, int *last_dqp)
{
    mb_state *st = mb->state;
    const int intra = mb_type_is_intra(mb->type);
    st->type = (uint8_t)mb->type;
    st->transform_8x8 = (uint8_t)mb->transform_8x8;
    st->chroma_mode = (uint8_t)(intra ? mb->chroma_mode : 0);
    if (intra) {
        write_intra_type(c, mb, slice_type, mb->type);
        memset(st->mvd, 0, sizeof(st->mvd));
        if (mb->type == MB_I4x4) {
            if (enc->pps.transform_8x8_mode)
                write_transform_8x8_flag(c, mb);
            write_intra_modes(c, mb);
        }
        write_chroma_pred_mode(c, mb);
    } else {
        write_inter_type(c, mb, slice_type);
        memset(st->mvd, 0, sizeof(st->mvd));
        if (mb->type != MB_B_DIRECT)
            write_inter_prediction(c, enc, mb);
    }
    if (mb->type != MB_I16x16) {
        write_cbp(c, mb);
        if (!intra && inter_transform_flag_present(enc, mb))
            write_transform_8x8_flag(c, mb);
    }
    st->cbp = (uint8_t)(mb->cbp_luma | mb->cbp_chroma << 4);
    /* Inter macroblocks without luma levels carry no flag: 4x4. */
    if (!mb->cbp_luma && mb->type != MB_I4x4)
        st->transform_8x8 = 0;
    if (mb->type == MB_I16x16 || st->cbp) {
        write_qp_delta(c, mb, last_qp, last_dqp);
        cabac_write_residual(c, mb);
    } else {
        *last_dqp = 0;
        memset(st->nnz, 0, sizeof(st->nnz));
        st->cbf = 0;
    }
    /* Without mb_qp_delta the macroblock keeps the predicted QP. */
    st->qp = (int8_t)*last_qp;
}

void cabac_write_pcm(cabac_enc *c, mb_ctx *mb, int slice_type)
{
    write_intra_type(c, mb, slice_type, MB_PCM);
    cabac_flush(c);
    /* pcm_alignment_zero_bits: the flush ends on a byte. */
    for (int p = 0; p < 3; p++) {
        int n = p ? 8 : 16;
        for (int y = 0; y < n; y++) {
            if (c->end - c->p < n) {
                c->overflow = 1;
                return;
            }
            memcpy(c->p, mb->src[p] + y * mb->src_stride[p], (size_t)n);
            c->p += n;
        }
    }
    cabac_restart(c);
    mb_state *st = mb->state;
    memset(st->nnz, 16, sizeof(st->nnz));
    st->type = MB_PCM;
    st->qp = (int8_t)mb->qp;
    st->cbp = 0x2f;
    st->cbf = ~0u;
    st->transform_8x8 = 0;
    st->chroma_mode = 0;
    memset(st->mvd, 0, sizeof(st->mvd));
    memset(st->intra4x4_mode, I4_DC, sizeof(st->intra4x4_mode));
}
