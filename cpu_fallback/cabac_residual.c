/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * residual_block_cabac() (7.3.5.3.3) and residual() with CABAC: the
 * coded_block_flag contexts from the neighbouring blocks (9.3.3.1.1.9),
 * the significance map (9.3.3.1.3) and coeff_abs_level_minus1 with its
 * sign (UEG0, 9.3.3.1.3). The block writer is one template for the coder
 * and the bit estimate.
 */
#include <string.h>

#include "cabac_residual.h"
#include "internal.h"

#define CTX_CBF 85
#define CTX_SIG 105
#define CTX_LAST 166
#define CTX_ABS 227
#define CTX_SIG_8x8 402
#define CTX_LAST_8x8 417
#define CTX_ABS_8x8 426

/* ctxBlockCatOffset by category (Table 9-40), categories 0-4. */
static const uint8_t cbf_offset[5] = { 0, 4, 8, 12, 16 };
static const uint8_t sig_offset[5] = { 0, 15, 29, 44, 47 };
static const uint8_t abs_offset[5] = { 0, 10, 20, 30, 39 };
static const uint8_t coeff_count[6] = { 16, 15, 16, 4, 15, 64 };

/* Table 9-43, frame coded 8x8 blocks: ctxIdxInc of significant_coeff_flag
 * and last_significant_coeff_flag by scan position. */
static const uint8_t sig_inc_8x8[63] = {
    0, 1, 2, 3, 4, 5, 5, 4, 4, 3, 3, 4, 4, 4, 5, 5, 4, 4, 4, 4, 3, 3,
    6, 7, 7, 7, 8, 9, 10, 9, 8, 7, 7, 6, 11, 12, 13, 11, 6, 7, 8, 9,
    14, 10, 9, 8, 6, 11, 12, 13, 11, 6, 9, 14, 10, 9, 11, 12, 13, 11, 14, 10, 12,
};
static const uint8_t last_inc_8x8[63] = {
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4,
    4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8,
};

/* The bin sinks: the coder, or the estimate (whose bypass bins cost a bit
 * each). */
#define CODER_DECISION(s, ctx, bin) cabac_encode_decision(s, ctx, bin)
#define CODER_BYPASS(s, bin) cabac_encode_bypass(s, bin)
#define ESTIMATE_DECISION(s, ctx, bin) cabac_estimate_decision(s, ctx, bin)
#define ESTIMATE_BYPASS(s, bin) ((s)->bits += CABAC_COST_ONE_BIT, (void)(bin))

#define DEFINE_BLOCK_WRITER(name, sink_type, DECISION, BYPASS)                                                   \
    void name(sink_type *s, int cat, const int16_t *levels)                                                     \
    {                                                                                                            \
        const int n = coeff_count[cat];                                                                          \
        int last = n - 1;                                                                                        \
        while (!levels[last])                                                                                    \
            last--;                                                                                              \
        /* The significance map, up to the last level (the one at n - 1                                         \
         * is implied). */                                                                                       \
        for (int i = 0; i < n - 1; i++) {                                                                        \
            int sig_ctx, last_ctx;                                                                               \
            if (cat == CAT_LUMA_8x8) {                                                                           \
                sig_ctx = CTX_SIG_8x8 + sig_inc_8x8[i];                                                          \
                last_ctx = CTX_LAST_8x8 + last_inc_8x8[i];                                                       \
            } else {                                                                                             \
                const int inc = cat == CAT_CHROMA_DC ? (i < 2 ? i : 2) : i;                                      \
                sig_ctx = CTX_SIG + sig_offset[cat] + inc;                                                       \
                last_ctx = CTX_LAST + sig_offset[cat] + inc;                                                     \
            }                                                                                                    \
            const int sig = levels[i] != 0;                                                                      \
            DECISION(s, sig_ctx, sig);                                                                           \
            if (sig) {                                                                                           \
                DECISION(s, last_ctx, i == last);                                                                \
                if (i == last)                                                                                   \
                    break;                                                                                       \
            }                                                                                                    \
        }                                                                                                        \
        /* The levels, highest frequency first. */                                                               \
        const int base = cat == CAT_LUMA_8x8 ? CTX_ABS_8x8 : CTX_ABS + abs_offset[cat];                          \
        const int gt1_max = cat == CAT_CHROMA_DC ? 3 : 4;                                                        \
        int eq1 = 0, gt1 = 0;                                                                                    \
        for (int i = last; i >= 0; i--) {                                                                        \
            const int v = levels[i];                                                                             \
            if (!v)                                                                                              \
                continue;                                                                                        \
            const unsigned a1 = (unsigned)(v < 0 ? -v : v) - 1;                                                  \
            DECISION(s, base + (gt1 ? 0 : eq1 < 3 ? 1 + eq1 : 4), a1 > 0);                                       \
            if (a1) {                                                                                            \
                const int ctx = base + 5 + (gt1 < gt1_max ? gt1 : gt1_max);                                      \
                const unsigned prefix = a1 < 14 ? a1 : 14;                                                       \
                for (unsigned k = 1; k < prefix; k++)                                                            \
                    DECISION(s, ctx, 1);                                                                         \
                if (a1 < 14) {                                                                                   \
                    DECISION(s, ctx, 0);                                                                         \
                } else {                                                                                         \
                    /* UEG0 suffix of a1 - 14. */                                                                \
                    unsigned suffix = a1 - 14;                                                                   \
                    int k = 0;                                                                                   \
                    while (suffix >= 1u << k) {                                                                  \
                        BYPASS(s, 1);                                                                            \
                        suffix -= 1u << k;                                                                       \
                        k++;                                                                                     \
                    }                                                                                            \
                    BYPASS(s, 0);                                                                                \
                    while (k--)                                                                                  \
                        BYPASS(s, (suffix >> k) & 1);                                                            \
                }                                                                                                \
                gt1++;                                                                                           \
            } else {                                                                                             \
                eq1++;                                                                                           \
            }                                                                                                    \
            BYPASS(s, v < 0);                                                                                    \
        }                                                                                                        \
    }

DEFINE_BLOCK_WRITER(cabac_write_block, cabac_enc, CODER_DECISION, CODER_BYPASS)
DEFINE_BLOCK_WRITER(cabac_estimate_block, cabac_estimate, ESTIMATE_DECISION, ESTIMATE_BYPASS)

static int count_nonzero(const int16_t *levels, int n)
{
    int count = 0;
    for (int i = 0; i < n; i++)
        count += levels[i] != 0;
    return count;
}

/* coded_block_flag of a neighbouring block (9.3.3.1.1.9): from a
 * neighbour macroblock's cbf bit, or, without one, 1 for intra
 * macroblocks and 0 for inter ones. */
static inline int neighbour_cbf(const mb_state *n, int bit, int intra)
{
    return n ? (int)((n->cbf >> bit) & 1) : intra;
}

/* Writes coded_block_flag and, when set, the block; returns the count of
 * levels and sets bit in *cbf. */
static int write_coded_block(cabac_enc *c, int cat, const int16_t *levels, int a, int b, uint32_t *cbf, int bit)
{
    const int count = count_nonzero(levels, coeff_count[cat]);
    cabac_encode_decision(c, CTX_CBF + cbf_offset[cat] + a + 2 * b, count != 0);
    if (count) {
        cabac_write_block(c, cat, levels);
        *cbf |= 1u << bit;
    }
    return count;
}

static void write_luma(cabac_enc *c, mb_ctx *mb, int intra, uint32_t *cbf)
{
    mb_state *st = mb->state;
    const int i16 = mb->type == MB_I16x16;
    if (i16) {
        int a = neighbour_cbf(mb->left, CBF_LUMA_DC, 1), b = neighbour_cbf(mb->top, CBF_LUMA_DC, 1);
        write_coded_block(c, CAT_LUMA_DC, mb->luma_dc, a, b, cbf, CBF_LUMA_DC);
    }
    for (int i8 = 0; i8 < 4; i8++) {
        if (!(mb->cbp_luma & (1 << i8)))
            continue;
        const int r0 = 8 * (i8 >> 1) + 2 * (i8 & 1);
        if (mb->transform_8x8) {
            /* No coded_block_flag for 8x8 blocks in 4:2:0: inferred 1. */
            cabac_write_block(c, CAT_LUMA_8x8, mb->luma8x8[i8]);
            const uint8_t count = (uint8_t)count_nonzero(mb->luma8x8[i8], 64);
            for (int k = 0; k < 4; k++)
                st->nnz[r0 + 4 * (k >> 1) + (k & 1)] = count;
            *cbf |= 0x33u << r0;
            continue;
        }
        for (int k = 0; k < 4; k++) {
            const int r = r0 + 4 * (k >> 1) + (k & 1);
            int a = r & 3 ? (int)((*cbf >> (r - 1)) & 1) : neighbour_cbf(mb->left, r + 3, intra);
            int b = r >= 4 ? (int)((*cbf >> (r - 4)) & 1) : neighbour_cbf(mb->top, r + 12, intra);
            const int16_t *levels = i16 ? mb->luma[r] + 1 : mb->luma[r];
            st->nnz[r] = (uint8_t)write_coded_block(c, i16 ? CAT_LUMA_AC : CAT_LUMA_4x4, levels, a, b, cbf, r);
        }
    }
}

static void write_chroma(cabac_enc *c, mb_ctx *mb, int intra, uint32_t *cbf)
{
    mb_state *st = mb->state;
    if (!mb->cbp_chroma)
        return;
    for (int p = 0; p < 2; p++) {
        int bit = CBF_CHROMA_DC + p;
        write_coded_block(c, CAT_CHROMA_DC, mb->chroma_dc[p], neighbour_cbf(mb->left, bit, intra),
                          neighbour_cbf(mb->top, bit, intra), cbf, bit);
    }
    if (mb->cbp_chroma != 2)
        return;
    for (int p = 0; p < 2; p++) {
        const int base = 16 + 4 * p;
        for (int b = 0; b < 4; b++) {
            int a = b & 1 ? (int)((*cbf >> (base + b - 1)) & 1) : neighbour_cbf(mb->left, base + b + 1, intra);
            int t = b & 2 ? (int)((*cbf >> (base + b - 2)) & 1) : neighbour_cbf(mb->top, base + b + 2, intra);
            st->nnz[base + b] =
                (uint8_t)write_coded_block(c, CAT_CHROMA_AC, mb->chroma_ac[p][b] + 1, a, t, cbf, base + b);
        }
    }
}

void cabac_write_residual(cabac_enc *c, mb_ctx *mb)
{
    const int intra = mb_type_is_intra(mb->type);
    uint32_t cbf = 0;
    memset(mb->state->nnz, 0, sizeof(mb->state->nnz));
    write_luma(c, mb, intra, &cbf);
    write_chroma(c, mb, intra, &cbf);
    mb->state->cbf = cbf;
}
