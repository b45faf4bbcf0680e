/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Macroblock coding: prediction, transform, quantisation and
 * reconstruction into the recon frame, so later blocks predict from exactly
 * what the decoder will see.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cpu_fallback/cavlc.h"
#include "cpu_fallback/internal.h"

const uint8_t block_idx_to_raster[16] = { 0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15 };
static const uint8_t raster_to_block_idx[16] = { 0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15 };

/* Table 8-15: QPc as a function of qPi for qPi >= 30. */
static const uint8_t chroma_qp_table[22] = {
    29, 30, 31, 32, 32, 33, 34, 34, 35, 35, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39, 39, 39,
};

int chroma_qp_for(int qp, int chroma_qp_index_offset)
{
    int qpi = qp + chroma_qp_index_offset;
    qpi = qpi < 0 ? 0 : qpi > QP_MAX ? QP_MAX : qpi;
    return qpi < 30 ? qpi : chroma_qp_table[qpi - 30];
}

void mb_build_edge(const mb_ctx *mb, int plane, int size, uint8_t *edge)
{
    const uint8_t *p = mb->rec[plane];
    ptrdiff_t s = mb->stride[plane];
    if (mb->avail & MB_TOP)
        memcpy(edge + 1, p - s, (size_t)size);
    if (mb->avail & MB_LEFT)
        for (int y = 0; y < size; y++)
            edge[-1 - y] = p[y * s - 1];
    if (mb->avail & MB_TOPLEFT)
        edge[0] = p[-s - 1];
}

void mb_build_edge_4x4(const mb_ctx *mb, int raster, uint8_t *edge, int *has_top, int *has_left)
{
    int bx = raster & 3, by = raster >> 2;
    ptrdiff_t s = mb->stride[0];
    const uint8_t *p = mb->rec[0] + 4 * by * s + 4 * bx;
    int top = by > 0 || (mb->avail & MB_TOP);
    int left = bx > 0 || (mb->avail & MB_LEFT);
    int topright;
    if (by == 0)
        topright = bx < 3 ? !!(mb->avail & MB_TOP) : !!(mb->avail & MB_TOPRIGHT);
    else
        topright = bx < 3 && raster_to_block_idx[raster - 3] < raster_to_block_idx[raster];
    if (top) {
        memcpy(edge + 1, p - s, 4);
        if (topright)
            memcpy(edge + 5, p - s + 4, 4);
        else
            memset(edge + 5, p[-s + 3], 4);
    }
    if (left)
        for (int y = 0; y < 4; y++)
            edge[-1 - y] = p[y * s - 1];
    if (top && left)
        edge[0] = p[-s - 1];
    *has_top = top;
    *has_left = left;
}

int mb_predict_intra4x4_mode(const mb_ctx *mb, int raster)
{
    int bx = raster & 3, by = raster >> 2;
    int a, b;
    if (bx > 0)
        a = mb->state->intra4x4_mode[raster - 1];
    else if (mb->left)
        a = mb->left->type == MB_I4x4 ? mb->left->intra4x4_mode[raster + 3] : I4_DC;
    else
        return I4_DC;
    if (by > 0)
        b = mb->state->intra4x4_mode[raster - 4];
    else if (mb->top)
        b = mb->top->type == MB_I4x4 ? mb->top->intra4x4_mode[raster + 12] : I4_DC;
    else
        return I4_DC;
    return a < b ? a : b;
}

static int levels_overflow(const int16_t *levels, int n)
{
    for (int i = 0; i < n; i++)
        if (abs(levels[i]) > CAVLC_LEVEL_MAX)
            return 1;
    return 0;
}

/* Chooses the DC predictor variant that reads only available neighbours. */
int mb_i16x16_variant(int mode, int avail)
{
    if (mode != I16_DC)
        return mode;
    int top = avail & MB_TOP, left = avail & MB_LEFT;
    return top && left ? I16_DC : left ? I16_DC_LEFT : top ? I16_DC_TOP : I16_DC_128;
}

int mb_chroma_variant(int mode, int avail)
{
    if (mode != ICHROMA_DC)
        return mode;
    int top = avail & MB_TOP, left = avail & MB_LEFT;
    return top && left ? ICHROMA_DC : left ? ICHROMA_DC_LEFT : top ? ICHROMA_DC_TOP : ICHROMA_DC_128;
}

int mb_encode_i16x16(cpu_encoder *enc, mb_ctx *mb)
{
    uint8_t edge_buf[48];
    uint8_t *edge = edge_buf + 24;
    ptrdiff_t s = mb->stride[0];
    int qp = mb->qp, q6 = qp % 6;
    int16_t dct[16][16], dc[16];

    mb_build_edge(mb, 0, 16, edge);
    enc->predf.predict_16x16[mb_i16x16_variant(mb->i16_mode, mb->avail)](mb->rec[0], s, edge);
    for (int r = 0; r < 16; r++) {
        int off = 4 * (r >> 2) * (int)s + 4 * (r & 3);
        enc->dctf.sub4x4_dct(dct[r], mb_src_4x4(mb, r), mb->src_stride[0], mb->rec[0] + off, s);
        dc[r] = dct[r][0];
    }
    enc->dctf.dct4x4dc(dc);
    int dc_qbits = 16 + qp / 6;
    enc->quantf.quant_4x4_dc(dc, enc->qt.mf[q6][0], quant_bias(dc_qbits, 1), dc_qbits);
    if (levels_overflow(dc, 16))
        return -1;
    enc->dctf.zigzag_scan_4x4(mb->luma_dc, dc);

    int ac_qbits = 15 + qp / 6, any_ac = 0;
    for (int r = 0; r < 16; r += 4)
        any_ac |= enc->quantf.quant_4x4x4(dct + r, enc->qt.mf_ac[q6], quant_bias(ac_qbits, 1), ac_qbits);
    for (int r = 0; r < 16; r++)
        enc->dctf.zigzag_scan_4x4(mb->luma[r], dct[r]);
    mb->cbp_luma = any_ac ? 15 : 0;

    enc->dctf.idct4x4dc(dc);
    enc->quantf.dequant_4x4_dc(dc, enc->qt.dequant[q6][0], qp);
    for (int r = 0; r < 16; r++) {
        int off = 4 * (r >> 2) * (int)s + 4 * (r & 3);
        if (any_ac)
            enc->quantf.dequant_4x4(dct[r], enc->qt.dequant[q6], qp);
        else
            memset(dct[r], 0, sizeof(dct[r]));
        dct[r][0] = dc[r];
        enc->dctf.add4x4_idct(mb->rec[0] + off, s, dct[r]);
    }
    return 0;
}

int mb_encode_i4x4_block(cpu_encoder *enc, mb_ctx *mb, int raster, int mode)
{
    uint8_t edge_buf[24];
    uint8_t *edge = edge_buf + 8;
    int has_top, has_left;
    ptrdiff_t s = mb->stride[0];
    int off = 4 * (raster >> 2) * (int)s + 4 * (raster & 3);
    int qp = mb->qp, q6 = qp % 6, qbits = 15 + qp / 6;
    int16_t dct[16];

    mb_build_edge_4x4(mb, raster, edge, &has_top, &has_left);
    enc->predf.predict_4x4[mode](mb->rec[0] + off, s, edge);
    enc->dctf.sub4x4_dct(dct, mb_src_4x4(mb, raster), mb->src_stride[0], mb->rec[0] + off, s);
    int nz = enc->quantf.quant_4x4(dct, enc->qt.mf[q6], quant_bias(qbits, 1), qbits);
    enc->dctf.zigzag_scan_4x4(mb->luma[raster], dct);
    if (nz) {
        enc->quantf.dequant_4x4(dct, enc->qt.dequant[q6], qp);
        enc->dctf.add4x4_idct(mb->rec[0] + off, s, dct);
    }
    return nz;
}

int mb_encode_chroma(cpu_encoder *enc, mb_ctx *mb)
{
    uint8_t edge_buf[32];
    uint8_t *edge = edge_buf + 16;
    for (int p = 0; p < 2; p++) {
        mb_build_edge(mb, p + 1, 8, edge);
        enc->predf.predict_chroma[mb_chroma_variant(mb->chroma_mode, mb->avail)](mb->rec[p + 1], mb->stride[p + 1],
                                                                                 edge);
    }
    return mb_encode_chroma_residual(enc, mb, 1);
}

int mb_encode_chroma_residual(cpu_encoder *enc, mb_ctx *mb, int intra)
{
    int qpc = mb->qpc, q6 = qpc % 6;
    int dc_qbits = 16 + qpc / 6, ac_qbits = 15 + qpc / 6;
    const uint32_t ac_bias = quant_bias(ac_qbits, intra);
    int16_t dct[2][4][16];
    int any_dc = 0, any_ac = 0;

    for (int p = 0; p < 2; p++) {
        ptrdiff_t s = mb->stride[p + 1];
        int16_t *dc = mb->chroma_dc[p];
        enc->dctf.sub8x8_dct(dct[p], mb->src[p + 1], mb->src_stride[p + 1], mb->rec[p + 1], s);
        any_dc |= enc->quantf.quant_chroma_dc(dc, (const int16_t(*)[16])dct[p], enc->qt.mf[q6][0],
                                              quant_bias(dc_qbits, intra), dc_qbits);
        if (levels_overflow(dc, 4))
            return -1;
        const int nz_mask = enc->quantf.quant_4x4x4(dct[p], enc->qt.mf_ac[q6], ac_bias, ac_qbits);
        for (int b = 0; b < 4; b++) {
            if (nz_mask & (1 << b)) {
                any_ac = 1;
                enc->dctf.zigzag_scan_4x4(mb->chroma_ac[p][b], dct[p][b]);
            } else {
                memset(mb->chroma_ac[p][b], 0, sizeof(mb->chroma_ac[p][b]));
            }
        }
    }
    mb->cbp_chroma = any_ac ? 2 : any_dc ? 1 : 0;
    if (!mb->cbp_chroma)
        return 0;

    for (int p = 0; p < 2; p++) {
        ptrdiff_t s = mb->stride[p + 1];
        int16_t dc[4];
        memcpy(dc, mb->chroma_dc[p], sizeof(dc));
        enc->dctf.idct2x2dc(dc);
        enc->quantf.dequant_2x2_dc(dc, enc->qt.dequant[q6][0], qpc);
        for (int b = 0; b < 4; b++) {
            if (any_ac)
                enc->quantf.dequant_4x4(dct[p][b], enc->qt.dequant[q6], qpc);
            else
                memset(dct[p][b], 0, sizeof(dct[p][b]));
            dct[p][b][0] = dc[b];
        }
        enc->dctf.add8x8_idct(mb->rec[p + 1], s, (const int16_t(*)[16])dct[p]);
    }
    return 0;
}

void mb_encode_pcm(cpu_encoder *enc, mb_ctx *mb)
{
    (void)enc;
    for (int p = 0; p < 3; p++) {
        int n = p ? 8 : 16;
        for (int y = 0; y < n; y++)
            memcpy(mb->rec[p] + y * mb->stride[p], mb->src[p] + y * mb->src_stride[p], (size_t)n);
    }
    mb->type = MB_PCM;
}

/* A vector as one 32-bit word, to fill the state a row of blocks at a time. */
static inline uint32_t pack_mv(int ref, const int16_t mv[2])
{
    uint32_t word = 0;
    if (ref >= 0)
        memcpy(&word, mv, sizeof(word));
    return word;
}

static inline void fill_mvs(int16_t (*dst)[2], uint32_t word, int count)
{
    for (int i = 0; i < count; i++)
        memcpy(dst[i], &word, sizeof(word));
}

/* One reference and vector for a whole list of the macroblock. */
static void store_list(mb_state *st, int list, int ref, const int16_t mv[2])
{
    memset(st->ref[list], ref, sizeof(st->ref[list]));
    fill_mvs(st->mv[list], pack_mv(ref, mv), 16);
}

static void store_quadrant(mb_state *st, int q, int list, int ref, const int16_t mv[2])
{
    int16_t (*row)[2] = st->mv[list] + (q >> 1) * 8 + (q & 1) * 2;
    uint32_t word = pack_mv(ref, mv);
    fill_mvs(row, word, 2);
    fill_mvs(row + 4, word, 2);
    st->ref[list][q] = (int8_t)ref;
}

void mb_clear_motion(mb_state *st)
{
    memset(st->ref, -1, sizeof(st->ref));
    memset(st->mv, 0, sizeof(st->mv));
}

void mb_store_motion(mb_ctx *mb)
{
    mb_state *st = mb->state;
    st->type = (uint8_t)mb->type;
    if (mb->type == MB_P_SKIP) {
        store_list(st, 0, 0, mb->skip_mv);
        store_list(st, 1, -1, mb->skip_mv);
        return;
    }
    if (mb->type == MB_B_SKIP || mb->type == MB_B_DIRECT) {
        for (int list = 0; list < 2; list++)
            for (int q = 0; q < 4; q++)
                store_quadrant(st, q, list, mb->direct_ref[list], mb->direct_mv[list][q]);
        return;
    }
    for (int list = 0; list < 2; list++) {
        if (mb->num_parts == 1) {
            store_list(st, list, mb->part_lists[0] & (1 << list) ? mb->part_ref[list][0] : -1, mb->part_mv[list][0]);
            continue;
        }
        /* Each 8x8 quadrant takes the vectors and references of the
         * partition covering it, in the lists that partition uses. */
        for (int q = 0; q < 4; q++) {
            int p = mb->type == MB_P_16x8 ? q >> 1 : mb->type == MB_P_8x16 ? q & 1 : q;
            store_quadrant(st, q, list, mb->part_lists[p] & (1 << list) ? mb->part_ref[list][p] : -1,
                           mb->part_mv[list][p]);
        }
    }
}

void mb_predict_luma(const cpu_encoder *enc, const mb_ctx *mb, int list, int ref, const int16_t mv[2], int x, int y,
                     int w, int h, uint8_t *dst, ptrdiff_t dst_stride)
{
    const cpu_frame *f = enc->refs[list][ref];
    int fx = mb->x * 16 + x, fy = mb->y * 16 + y;
    ptrdiff_t off = (ptrdiff_t)fy * f->stride[0] + fx;
    const uint8_t *planes[4] = { f->plane[0] + off, f->hpel[0] + off, f->hpel[1] + off, f->hpel[2] + off };
    enc->mcf.get_luma(dst, dst_stride, planes, f->stride[0], mv[0], mv[1], w, h);
}

/* Luma motion compensation of one block into the recon. */
static void predict_luma(cpu_encoder *enc, mb_ctx *mb, int list, int ref, const int16_t mv[2], int x, int y, int w,
                         int h)
{
    mb_predict_luma(enc, mb, list, ref, mv, x, y, w, h, mb->rec[0] + y * mb->stride[0] + x, mb->stride[0]);
}

/* The same for both chroma planes; x, y, w, h in luma samples; dst[p - 1]
 * with stride dst_stride, or the recon when dst is NULL. */
static void predict_chroma_to(cpu_encoder *enc, mb_ctx *mb, int list, int ref, const int16_t mv[2], int x, int y,
                              int w, int h, uint8_t *const *dst, ptrdiff_t dst_stride)
{
    const cpu_frame *f = enc->refs[list][ref];
    int fx = mb->x * 16 + x, fy = mb->y * 16 + y;
    for (int p = 1; p < 3; p++) {
        ptrdiff_t coff = (ptrdiff_t)(fy / 2) * f->stride[p] + fx / 2;
        uint8_t *d = dst ? dst[p - 1] : mb->rec[p] + (y / 2) * mb->stride[p] + x / 2;
        enc->mcf.mc_chroma(d, dst ? dst_stride : mb->stride[p], f->plane[p] + coff, f->stride[p], mv[0], mv[1],
                           w / 2, h / 2);
    }
}

static void predict_chroma(cpu_encoder *enc, mb_ctx *mb, int list, int ref, const int16_t mv[2], int x, int y, int w,
                           int h)
{
    predict_chroma_to(enc, mb, list, ref, mv, x, y, w, h, NULL, 0);
}

/*
 * A block predicted from list 0, list 1 or both (the rounded average of
 * 8.4.2.3.1 without weights). The list 1 prediction of a bi-predicted block
 * goes to a buffer and is averaged into the list 0 prediction in the recon.
 */
static void predict_block(cpu_encoder *enc, mb_ctx *mb, int lists, const int ref[2], const int16_t (*mv)[2], int x,
                          int y, int w, int h, int luma, int chroma)
{
    if (lists != PRED_BI) {
        int list = lists == PRED_L1;
        if (luma)
            predict_luma(enc, mb, list, ref[list], mv[list], x, y, w, h);
        if (chroma)
            predict_chroma(enc, mb, list, ref[list], mv[list], x, y, w, h);
        return;
    }
    uint8_t buf[16 * 16 + 2 * 8 * 16];
    if (luma) {
        uint8_t *rec = mb->rec[0] + y * mb->stride[0] + x;
        predict_luma(enc, mb, 0, ref[0], mv[0], x, y, w, h);
        mb_predict_luma(enc, mb, 1, ref[1], mv[1], x, y, w, h, buf, 16);
        enc->mcf.pixel_avg(rec, mb->stride[0], rec, mb->stride[0], buf, 16, w, h);
    }
    if (chroma) {
        uint8_t *const cbuf[2] = { buf + 16 * 16, buf + 16 * 16 + 8 * 16 };
        predict_chroma(enc, mb, 0, ref[0], mv[0], x, y, w, h);
        predict_chroma_to(enc, mb, 1, ref[1], mv[1], x, y, w, h, cbuf, 16);
        for (int p = 1; p < 3; p++) {
            uint8_t *rec = mb->rec[p] + (y / 2) * mb->stride[p] + x / 2;
            enc->mcf.pixel_avg(rec, mb->stride[p], rec, mb->stride[p], cbuf[p - 1], 16, w / 2, h / 2);
        }
    }
}

/* B_Skip and B_Direct_16x16: the direct prediction, luma, chroma or both. */
static void predict_direct(cpu_encoder *enc, mb_ctx *mb, int luma, int chroma)
{
    int lists = (mb->direct_ref[0] >= 0 ? PRED_L0 : 0) | (mb->direct_ref[1] >= 0 ? PRED_L1 : 0);
    int uniform = 1;
    for (int q = 1; q < 4; q++)
        for (int list = 0; list < 2; list++)
            uniform &= mb->direct_mv[list][q][0] == mb->direct_mv[list][0][0] &&
                       mb->direct_mv[list][q][1] == mb->direct_mv[list][0][1];
    /* Co-located still blocks may zero some quadrants' vectors. */
    for (int q = 0; q < (uniform ? 1 : 4); q++) {
        const int16_t mv[2][2] = { { mb->direct_mv[0][q][0], mb->direct_mv[0][q][1] },
                                   { mb->direct_mv[1][q][0], mb->direct_mv[1][q][1] } };
        int size = uniform ? 16 : 8;
        predict_block(enc, mb, lists, mb->direct_ref, mv, 8 * (q & 1), 8 * (q >> 1), size, size, luma, chroma);
    }
}

/* The prediction of the picture type's skip macroblock (P_Skip's vector,
 * or B_Skip's direct prediction) into the recon: luma, chroma or both. */
static void predict_skip(cpu_encoder *enc, mb_ctx *mb, int b_picture, int luma, int chroma)
{
    if (b_picture) {
        predict_direct(enc, mb, luma, chroma);
        return;
    }
    if (luma)
        predict_luma(enc, mb, 0, 0, mb->skip_mv, 0, 0, 16, 16);
    if (chroma)
        predict_chroma(enc, mb, 0, 0, mb->skip_mv, 0, 0, 16, 16);
}

/* P_Skip and a 16x16 partition that landed on the skip vector predict
 * the same samples, as B_Skip and B_Direct_16x16 do: what the skip probe
 * left (prediction, transform) serves the decision too. */
static int mb_predicts_as_skip(const mb_ctx *mb)
{
    return mb->type == MB_B_SKIP || mb->type == MB_B_DIRECT || mb->type == MB_P_SKIP ||
           (mb->type == MB_P_16x16 && mb->part_ref[0][0] == 0 && mb->part_mv[0][0][0] == mb->skip_mv[0] &&
            mb->part_mv[0][0][1] == mb->skip_mv[1]);
}

void mb_predict_inter(cpu_encoder *enc, mb_ctx *mb)
{
    if (mb_predicts_as_skip(mb)) {
        const int b_picture = mb->type == MB_B_SKIP || mb->type == MB_B_DIRECT;
        predict_skip(enc, mb, b_picture, !(mb->skip_pred & SKIP_PRED_LUMA), !(mb->skip_pred & SKIP_PRED_CHROMA));
        return;
    }
    for (int p = 0; p < mb->num_parts; p++) {
        int x = 0, y = 0, w = 16, h = 16;
        if (mb->type == MB_P_16x8) {
            y = 8 * p;
            h = 8;
        } else if (mb->type == MB_P_8x16) {
            x = 8 * p;
            w = 8;
        } else if (mb->type == MB_P_8x8) {
            x = 8 * (p & 1);
            y = 8 * (p >> 1);
            w = h = 8;
        }
        const int ref[2] = { mb->part_ref[0][p], mb->part_ref[1][p] };
        const int16_t mv[2][2] = { { mb->part_mv[0][p][0], mb->part_mv[0][p][1] },
                                   { mb->part_mv[1][p][0], mb->part_mv[1][p][1] } };
        predict_block(enc, mb, mb->part_lists[p], ref, mv, x, y, w, h, 1, 1);
    }
}

/* Bit i set where levels[i] != 0, and bit i of *big where |levels[i]| > 1. */
static inline uint32_t level_masks(const int16_t levels[16], uint32_t *big)
{
#if defined(__SSE2__)
    const __m128i lo = _mm_loadu_si128((const __m128i *)levels);
    const __m128i hi = _mm_loadu_si128((const __m128i *)(levels + 8));
    const __m128i zero = _mm_setzero_si128(), one = _mm_set1_epi16(1), minus_one = _mm_set1_epi16(-1);
    const uint32_t z = (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(_mm_cmpeq_epi16(lo, zero),
                                                                   _mm_cmpeq_epi16(hi, zero)));
    /* |l| > 1 is l > 1 or l < -1. */
    const __m128i big_lo = _mm_or_si128(_mm_cmpgt_epi16(lo, one), _mm_cmplt_epi16(lo, minus_one));
    const __m128i big_hi = _mm_or_si128(_mm_cmpgt_epi16(hi, one), _mm_cmplt_epi16(hi, minus_one));
    *big = (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(big_lo, big_hi));
    return ~z & 0xffffu;
#else
    uint32_t nz = 0, b = 0;
    for (int i = 0; i < 16; i++) {
        nz |= (uint32_t)(levels[i] != 0) << i;
        b |= (uint32_t)(abs(levels[i]) > 1) << i;
    }
    *big = b;
    return nz;
#endif
}

/* The decimation score of a 4x4 block in scan order: 9 (keep it) for
 * any level beyond +-1, else quant_decimate_score() of its mask. */
static int decimate_score(const cpu_encoder *enc, const int16_t levels[16])
{
    uint32_t big, nz = level_masks(levels, &big);
    return big ? 9 : quant_decimate_score(&enc->qt, nz);
}

/* Raster 4x4 position of block b (raster within the 8x8) of 8x8 block i8. */
static inline int raster_of(int i8, int b)
{
    return 8 * (i8 >> 1) + 2 * (i8 & 1) + 4 * (b >> 1) + (b & 1);
}

/* Offset of 8x8 block i8 of a plane with stride s. */
static inline ptrdiff_t offset_8x8(int i8, ptrdiff_t s)
{
    return 8 * (i8 >> 1) * s + 8 * (i8 & 1);
}

/*
 * One pass per 8x8 block: transform, quantise, scan, and the decimation
 * score; then, for the 8x8 blocks that stay coded, dequantisation and the
 * inverse transform of all four 4x4 blocks (zero blocks add nothing).
 */
int mb_encode_inter(cpu_encoder *enc, mb_ctx *mb)
{
    const ptrdiff_t s = mb->stride[0];
    const int qp = mb->qp, q6 = qp % 6, qbits = 15 + qp / 6;
    const uint32_t bias = quant_bias(qbits, 0);
    int16_t own_dct[4][4][16];
    int16_t(*dct[4])[16];
    int nz_mask[4], score8[4] = { 0 };
    const int probed = mb_predicts_as_skip(mb) ? mb->probe_blocks : 0;

    mb->transform_8x8 = 0;
    if (enc->pps.transform_8x8_mode && mb_inter_prefers_8x8(enc, mb)) {
        mb->transform_8x8 = 1;
        if (mb_encode_inter_luma_8x8(enc, mb) == 0)
            return mb_encode_chroma_residual(enc, mb, 0);
        mb->transform_8x8 = 0;
    }
    mb->cbp_luma = 0;
    for (int i8 = 0; i8 < 4; i8++) {
        if (i8 < probed) {
            dct[i8] = mb->probe_dct[i8];
            nz_mask[i8] = mb->probe_nz[i8];
        } else {
            dct[i8] = own_dct[i8];
            enc->dctf.sub8x8_dct(dct[i8], mb->src[0] + offset_8x8(i8, mb->src_stride[0]), mb->src_stride[0],
                                 mb->rec[0] + offset_8x8(i8, s), s);
            nz_mask[i8] = enc->quantf.quant_4x4x4(dct[i8], enc->qt.mf[q6], bias, qbits);
        }
        /* The levels of 8x8 blocks left out of the coded block pattern are
         * never read. Within one that has some, zero blocks scan to zeros
         * and score 0: no test per block, whose outcome the branch
         * predictor cannot know. */
        if (!nz_mask[i8])
            continue;
        for (int b = 0; b < 4; b++) {
            int16_t *levels = mb->luma[raster_of(i8, b)];
            enc->dctf.zigzag_scan_4x4(levels, dct[i8][b]);
            if (enc->opt.decimate)
                score8[i8] += decimate_score(enc, levels);
        }
        mb->cbp_luma |= 1 << i8;
    }
    if (enc->opt.decimate)
        mb->cbp_luma &= quant_decimate_keep(score8);
    for (int i8 = 0; i8 < 4; i8++) {
        if (!(mb->cbp_luma & (1 << i8)))
            continue;
        /* Zero blocks dequantise to zeros. */
        for (int b = 0; b < 4; b++)
            enc->quantf.dequant_4x4(dct[i8][b], enc->qt.dequant[q6], qp);
        enc->dctf.add8x8_idct(mb->rec[0] + offset_8x8(i8, s), s, (const int16_t(*)[16])dct[i8]);
    }
    return mb_encode_chroma_residual(enc, mb, 0);
}

/*
 * 1 if the luma prediction in the recon leaves nothing to code. With
 * decimation, a residual that mb_encode_inter would drop entirely is as
 * good as none: the luma codes nothing when the scores of its 8x8 blocks
 * total under 6 or each is under 4. Any level above 1 scores 9 and ends
 * the test at once.
 */
static int luma_residual_is_zero(cpu_encoder *enc, mb_ctx *mb)
{
    const ptrdiff_t s = mb->stride[0];
    const int qp = mb->qp, q6 = qp % 6, qbits = 15 + qp / 6;
    const uint32_t bias = quant_bias(qbits, 0);
    int total = 0, strong = 0;
    for (int i8 = 0; i8 < 4; i8++) {
        int16_t(*dct)[16] = mb->probe_dct[i8], levels[16];
        enc->dctf.sub8x8_dct(dct, mb->src[0] + offset_8x8(i8, mb->src_stride[0]), mb->src_stride[0],
                             mb->rec[0] + offset_8x8(i8, s), s);
        const int nz_mask = enc->quantf.quant_4x4x4(dct, enc->qt.mf[q6], bias, qbits);
        mb->probe_nz[i8] = (uint8_t)nz_mask;
        mb->probe_blocks = i8 + 1;
        if (!nz_mask)
            continue;
        if (!enc->opt.decimate)
            return 0;
        /* As in mb_encode_inter, zero blocks are scored (0), not tested. */
        int score8 = 0;
        for (int b = 0; b < 4; b++) {
            enc->dctf.zigzag_scan_4x4(levels, dct[b]);
            score8 += decimate_score(enc, levels);
        }
        total += score8;
        strong |= score8 >= 4;
        if (total >= 6 && strong)
            return 0;
    }
    return 1;
}

/* 1 if the chroma prediction in the recon leaves no coefficient. */
static int chroma_residual_is_zero(cpu_encoder *enc, mb_ctx *mb)
{
    int qpc = mb->qpc, c6 = qpc % 6, dc_qbits = 16 + qpc / 6, ac_qbits = 15 + qpc / 6;
    int16_t dct[4][16];
    for (int p = 1; p < 3; p++) {
        int16_t dc[4];
        enc->dctf.sub8x8_dct(dct, mb->src[p], mb->src_stride[p], mb->rec[p], mb->stride[p]);
        if (enc->quantf.quant_chroma_dc(dc, (const int16_t(*)[16])dct, enc->qt.mf[c6][0], quant_bias(dc_qbits, 0),
                                        dc_qbits))
            return 0;
        if (enc->quantf.quant_4x4x4(dct, enc->qt.mf_ac[c6], quant_bias(ac_qbits, 0), ac_qbits))
            return 0;
    }
    return 1;
}

/* 1 if a 16x16 block at vector mv stays within what motion compensation
 * can read (predicted vectors may point further out than searched ones). */
static int mv_in_reach(const cpu_encoder *enc, const mb_ctx *mb, const int16_t mv[2])
{
    int reach = MC_MV_REACH(FRAME_PAD_LUMA);
    int x0 = mb->x * 16 + (mv[0] >> 2), y0 = mb->y * 16 + (mv[1] >> 2);
    return x0 >= -reach && y0 >= -reach && x0 + 16 <= enc->mb_width * 16 + reach &&
           y0 + 16 <= enc->mb_height * 16 + reach;
}

/* Predicts the skip macroblock luma first (most probes fail there, before
 * chroma needs predicting) and takes it when neither residual codes
 * anything; skip_pred says how far the recon holds the prediction. */
static int probe_skip(cpu_encoder *enc, mb_ctx *mb, int b_picture)
{
    predict_skip(enc, mb, b_picture, 1, 0);
    mb->skip_pred = SKIP_PRED_LUMA;
    if (!luma_residual_is_zero(enc, mb))
        return 0;
    predict_skip(enc, mb, b_picture, 0, 1);
    mb->skip_pred |= SKIP_PRED_CHROMA;
    if (!chroma_residual_is_zero(enc, mb))
        return 0;
    mb->type = b_picture ? MB_B_SKIP : MB_P_SKIP;
    mb->cbp_luma = mb->cbp_chroma = 0;
    mb_store_motion(mb);
    return 1;
}

int mb_probe_skip(cpu_encoder *enc, mb_ctx *mb)
{
    mb->skip_pred = 0;
    mb->probe_blocks = 0;
    return mv_in_reach(enc, mb, mb->skip_mv) && probe_skip(enc, mb, 0);
}

int mb_probe_skip_b(cpu_encoder *enc, mb_ctx *mb)
{
    mb->skip_pred = 0;
    mb->probe_blocks = 0;
    for (int q = 0; q < 4; q++)
        for (int list = 0; list < 2; list++)
            if (mb->direct_ref[list] >= 0 && !mv_in_reach(enc, mb, mb->direct_mv[list][q]))
                return -1;
    return probe_skip(enc, mb, 1);
}

/* ---- the coding of a decision ---- */

/* The luma of an intra decision unless the recon already holds it, then
 * the chroma; I_PCM where the chroma levels do not fit. */
static void encode_intra(cpu_encoder *enc, mb_ctx *mb)
{
    if (mb->type == MB_I16x16) {
        if (mb_encode_i16x16(enc, mb) < 0) {
            /* The DC levels do not fit CAVLC at this QP: Intra4x4 always does. */
            mb->type = MB_I4x4;
            mb_intra4x4_code(enc, mb, INT_MAX);
        }
    } else if (!mb->luma_coded) {
        if (mb->transform_8x8)
            mb_intra8x8_code(enc, mb, INT_MAX);
        else
            mb_intra4x4_code(enc, mb, INT_MAX);
    }
    if (mb->type == MB_I16x16)
        memset(mb->state->intra4x4_mode, I4_DC, sizeof(mb->state->intra4x4_mode));
    if (mb_encode_chroma(enc, mb) < 0)
        mb_encode_pcm(enc, mb);
}

static void encode_inter(cpu_encoder *enc, mb_ctx *mb)
{
    mb_predict_inter(enc, mb);
    if (mb_encode_inter(enc, mb) < 0) {
        mb_encode_pcm(enc, mb);
        return;
    }
    /* A 16x16 macroblock with nothing to code that moves like a skip is
     * one, and so is direct prediction with nothing to code. */
    if (!mb->cbp_luma && !mb->cbp_chroma) {
        if (mb->type == MB_P_16x16 && mb->part_ref[0][0] == 0 && mb->part_mv[0][0][0] == mb->skip_mv[0] &&
            mb->part_mv[0][0][1] == mb->skip_mv[1])
            mb->type = MB_P_SKIP;
        else if (mb->type == MB_B_DIRECT)
            mb->type = MB_B_SKIP;
    }
}

void mb_encode(cpu_encoder *enc, mb_ctx *mb)
{
    /* A skip decision comes from the skip probe, which left its recon. */
    if (mb->type == MB_P_SKIP || mb->type == MB_B_SKIP)
        return;
    if (mb_type_is_intra(mb->type))
        encode_intra(enc, mb);
    else
        encode_inter(enc, mb);
}
