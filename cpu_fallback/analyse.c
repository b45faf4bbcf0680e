/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Intra mode decision: SATD of the prediction error plus lambda times the
 * bits of the mode signalling. Intra 4x4 must be decided block by block on
 * the reconstruction of the previous blocks, so its evaluation also codes
 * the blocks; Intra 16x16 is re-coded over it when it wins.
 */
#include <limits.h>
#include <string.h>

#include "cpu_fallback/internal.h"

/* The extra header bits of Intra4x4 against Intra16x16 (16 mode fields and
 * a coded_block_pattern), as a lambda multiple. */
#define I4x4_OVERHEAD 24
/* The same for Intra8x8 (4 mode fields and a coded_block_pattern): 14
 * measured best of 4, 8, 14, 20 and 28 (city clip, superfast with 3 B
 * frames against x264 superfast: +0.17%, +0.20%, +0.08%, +0.11%, +0.17%). */
#define I8x8_OVERHEAD 14

static int i16x16_mode_allowed(int mode, int avail)
{
    const int top = avail & MB_TOP, left = avail & MB_LEFT;
    return mode == I16_DC || (mode == I16_VERTICAL && top) || (mode == I16_HORIZONTAL && left) ||
           (mode == I16_PLANE && top && left);
}

/* The fast presets pick the mode by SAD, V, H and DC fused into one pass,
 * and take the SATD of the winner only, as they do for sub-pel motion.
 * That SATD is at least half the SAD (each 4x4 Hadamard sum is at least
 * the block's SAD: the transform is 4 times an orthonormal one, and the
 * l1 norm of 16 values is at most 4 times their l2 norm), so a winner
 * whose half SAD already reaches limit is not worth its SATD: INT_MAX. */
static int intra16x16_cost_sad(cpu_encoder *enc, mb_ctx *mb, const uint8_t *edge, int limit)
{
    uint8_t pred[16 * 16];
    int sad[4];
    enc->predf.sad_x3_16x16(mb->src[0], mb->src_stride[0], edge, mb_i16x16_variant(I16_DC, mb->avail), sad);
    if (i16x16_mode_allowed(I16_PLANE, mb->avail)) {
        enc->predf.predict_16x16[I16_PLANE](pred, 16, edge);
        sad[I16_PLANE] = enc->pixf.sad[PIXEL_16x16](mb->src[0], mb->src_stride[0], pred, 16);
    }
    int best = INT_MAX;
    for (int mode = I16_VERTICAL; mode <= I16_PLANE; mode++) {
        if (!i16x16_mode_allowed(mode, mb->avail))
            continue;
        if (sad[mode] < best) {
            best = sad[mode];
            mb->i16_mode = mode;
        }
    }
    const int overhead = mb->lambda * 4;
    if ((best >> 1) >= limit - overhead)
        return INT_MAX;
    if (mb->i16_mode != I16_PLANE)
        enc->predf.predict_16x16[mb_i16x16_variant(mb->i16_mode, mb->avail)](pred, 16, edge);
    return enc->pixf.satd[PIXEL_16x16](mb->src[0], mb->src_stride[0], pred, 16) + overhead;
}

int mb_intra16x16_cost(cpu_encoder *enc, mb_ctx *mb, int limit)
{
    uint8_t edge_buf[48], pred[2][16 * 16];
    uint8_t *edge = edge_buf + 24;
    int best = INT_MAX, cur = 0;

    mb_build_edge(mb, 0, 16, edge);
    if (enc->opt.subpel_sad)
        return intra16x16_cost_sad(enc, mb, edge, limit);
    for (int mode = I16_VERTICAL; mode <= I16_PLANE; mode++) {
        if (!i16x16_mode_allowed(mode, mb->avail))
            continue;
        enc->predf.predict_16x16[mb_i16x16_variant(mode, mb->avail)](pred[cur], 16, edge);
        int cost = enc->pixf.satd[PIXEL_16x16](mb->src[0], mb->src_stride[0], pred[cur], 16) + mb->lambda * 4;
        if (cost < best) {
            best = cost;
            mb->i16_mode = mode;
            cur ^= 1; /* keep the winner's prediction */
        }
    }
    return best;
}

static int i4x4_mode_allowed(int mode, int has_top, int has_left)
{
    switch (mode) {
    case I4_VERTICAL:
    case I4_DIAG_DOWN_LEFT:
    case I4_VERTICAL_LEFT:
        return has_top;
    case I4_HORIZONTAL:
    case I4_HORIZONTAL_UP:
        return has_left;
    case I4_DC:
        return 1;
    default:
        return has_top && has_left;
    }
}

static int i4x4_dc_variant(int has_top, int has_left)
{
    return has_top && has_left ? I4_DC : has_left ? I4_DC_LEFT : has_top ? I4_DC_TOP : I4_DC_128;
}

/* Codes the macroblock as Intra4x4 and returns its cost, or INT_MAX as soon
 * as it exceeds limit (the recon is then incomplete). */
int mb_intra4x4_code(cpu_encoder *enc, mb_ctx *mb, int limit)
{
    uint8_t edge_buf[24], pred[4 * 4];
    uint8_t *edge = edge_buf + 8;
    int total = mb->lambda * I4x4_OVERHEAD;

    mb->transform_8x8 = 0;
    mb->cbp_luma = 0;
    for (int i = 0; i < 16; i++) {
        int r = block_idx_to_raster[i];
        int has_top, has_left;
        int predicted = mb_predict_intra4x4_mode(mb, r);
        int best = INT_MAX, best_mode = I4_DC;

        mb_build_edge_4x4(mb, r, edge, &has_top, &has_left);
        for (int mode = 0; mode <= I4_HORIZONTAL_UP; mode++) {
            if (!i4x4_mode_allowed(mode, has_top, has_left))
                continue;
            int variant = mode == I4_DC ? i4x4_dc_variant(has_top, has_left) : mode;
            enc->predf.predict_4x4[variant](pred, 4, edge);
            int cost = enc->pixf.satd[PIXEL_4x4](mb_src_4x4(mb, r), mb->src_stride[0], pred, 4) +
                       mode_cost(mb->lambda, mode == predicted ? enc->bits.pred_mode_same : enc->bits.pred_mode_other);
            if (cost < best) {
                best = cost;
                best_mode = mode;
            }
        }
        mb->state->intra4x4_mode[r] = (int8_t)best_mode;
        int variant = best_mode == I4_DC ? i4x4_dc_variant(has_top, has_left) : best_mode;
        if (mb_encode_i4x4_block(enc, mb, r, variant))
            mb->cbp_luma |= 1 << (i >> 2);
        total += best;
        if (total > limit)
            return INT_MAX;
    }
    return total;
}

/* Intra 8x8: the same decision per 8x8 block on the filtered edge. */
int mb_intra8x8_code(cpu_encoder *enc, mb_ctx *mb, int limit)
{
    uint8_t edge_buf[32], filtered_buf[32], pred[8 * 8];
    uint8_t *edge = edge_buf + 8, *filtered = filtered_buf + 8;
    int total = mb->lambda * I8x8_OVERHEAD;

    mb->transform_8x8 = 1;
    mb->cbp_luma = 0;
    for (int i8 = 0; i8 < 4; i8++) {
        const int r = 8 * (i8 >> 1) + 2 * (i8 & 1);
        const uint8_t *src = mb->src[0] + 8 * (i8 >> 1) * mb->src_stride[0] + 8 * (i8 & 1);
        int avail;
        const int predicted = mb_predict_intra4x4_mode(mb, r);
        int best = INT_MAX, best_mode = I4_DC;

        mb_build_edge_8x8(mb, i8, edge, &avail);
        enc->p8f.filter(filtered, edge, avail);
        const int has_top = !!(avail & EDGE8_TOP), has_left = !!(avail & EDGE8_LEFT);
        for (int mode = 0; mode <= I4_HORIZONTAL_UP; mode++) {
            if (!i4x4_mode_allowed(mode, has_top, has_left))
                continue;
            int variant = mode == I4_DC ? i4x4_dc_variant(has_top, has_left) : mode;
            enc->p8f.predict[variant](pred, 8, filtered);
            int cost = enc->pixf.satd[PIXEL_8x8](src, mb->src_stride[0], pred, 8) +
                       mode_cost(mb->lambda, mode == predicted ? enc->bits.pred_mode_same : enc->bits.pred_mode_other);
            if (cost < best) {
                best = cost;
                best_mode = mode;
            }
        }
        /* Every 4x4 entry of the block holds its mode, for the prediction
         * of later modes (8.3.1.1 and 8.3.2.1 read them alike). */
        for (int k = 0; k < 4; k++)
            mb->state->intra4x4_mode[r + 4 * (k >> 1) + (k & 1)] = (int8_t)best_mode;
        int variant = best_mode == I4_DC ? i4x4_dc_variant(has_top, has_left) : best_mode;
        int nz = mb_encode_i8x8_block(enc, mb, i8, variant, filtered);
        if (nz < 0)
            return INT_MAX;
        if (nz)
            mb->cbp_luma |= 1 << i8;
        total += best;
        if (total > limit)
            return INT_MAX;
    }
    return total;
}

static void analyse_chroma(cpu_encoder *enc, mb_ctx *mb)
{
    uint8_t edge_buf[2][32], pred[2][8 * 8];
    int top = mb->avail & MB_TOP, left = mb->avail & MB_LEFT;
    int best = INT_MAX;

    for (int p = 0; p < 2; p++)
        mb_build_edge(mb, p + 1, 8, edge_buf[p] + 16);
    for (int mode = ICHROMA_DC; mode <= ICHROMA_PLANE; mode++) {
        if ((mode == ICHROMA_VERTICAL && !top) || (mode == ICHROMA_HORIZONTAL && !left) ||
            (mode == ICHROMA_PLANE && !(top && left)))
            continue;
        int cost = mode_cost(mb->lambda, enc->bits.chroma_mode[mode]);
        for (int p = 0; p < 2; p++) {
            enc->predf.predict_chroma[mb_chroma_variant(mode, mb->avail)](pred[p], 8, edge_buf[p] + 16);
            cost += enc->pixf.satd[PIXEL_8x8](mb->src[p + 1], mb->src_stride[p + 1], pred[p], 8);
        }
        if (cost < best) {
            best = cost;
            mb->chroma_mode = mode;
        }
    }
}

/* The winner among 16x16, 8x8 and 4x4, and the chroma mode. The recon
 * holds the Intra4x4 coding when cost4 is a cost (it was coded last), and
 * mb_encode() then keeps it; it codes any other winner. */
void mb_intra_decide(cpu_encoder *enc, mb_ctx *mb, int cost16, int cost4, int cost8)
{
    mb->type = MB_I4x4;
    mb->luma_coded = 0;
    if (cost16 <= cost4 && cost16 <= cost8) {
        mb->type = MB_I16x16;
        mb->transform_8x8 = 0;
    } else if (cost8 < cost4) {
        mb->transform_8x8 = 1;
    } else {
        mb->transform_8x8 = 0;
        mb->luma_coded = cost4 != INT_MAX;
    }
    analyse_chroma(enc, mb);
}

int mb_try_intra(cpu_encoder *enc, mb_ctx *mb, int inter_cost, int type_bits)
{
    /* Beyond this Intra16x16 loses and Intra4x4 is not tried. */
    const int64_t reach = enc->opt.intra4x4_in_p ? 2 * (int64_t)inter_cost : inter_cost;
    const int limit = (int)(reach > INT_MAX ? INT_MAX : reach) - mode_cost(mb->lambda, type_bits);
    int cost16 = mb_intra16x16_cost(enc, mb, limit);
    if (cost16 == INT_MAX)
        return 0;
    cost16 += mode_cost(mb->lambda, type_bits);
    int cost4 = INT_MAX, cost8 = INT_MAX;
    if (enc->opt.intra4x4_in_p && cost16 < reach) {
        int limit4 = inter_cost < cost16 ? inter_cost : cost16;
        if (enc->pps.transform_8x8_mode) {
            cost8 = mb_intra8x8_code(enc, mb, limit4);
            limit4 = cost8 < limit4 ? cost8 : limit4;
        }
        cost4 = mb_intra4x4_code(enc, mb, limit4);
        mb->skip_pred = 0; /* the recon now holds intra blocks */
    }
    if (cost16 >= inter_cost && cost4 >= inter_cost && cost8 >= inter_cost)
        return 0;
    mb_clear_motion(mb->state);
    mb_intra_decide(enc, mb, cost16, cost4, cost8);
    return 1;
}

void mb_analyse_intra(cpu_encoder *enc, mb_ctx *mb)
{
    int cost16 = mb_intra16x16_cost(enc, mb, INT_MAX), limit4 = cost16, cost8 = INT_MAX;
    if (enc->pps.transform_8x8_mode) {
        cost8 = mb_intra8x8_code(enc, mb, cost16);
        limit4 = cost8 < limit4 ? cost8 : limit4;
    }
    mb_intra_decide(enc, mb, cost16, mb_intra4x4_code(enc, mb, limit4), cost8);
}
