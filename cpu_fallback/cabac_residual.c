/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * residual_block_cabac() (7.3.5.3.3) and residual() with CABAC: the
 * coded_block_flag contexts from the neighbouring blocks (9.3.3.1.1.9),
 * the significance map (9.3.3.1.3) and coeff_abs_level_minus1 with its
 * sign (UEG0, 9.3.3.1.3).
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cpu_fallback/cabac_residual.h"
#include "cpu_fallback/internal.h"

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

/*
 * Bit i set where levels[i] != 0, for the n (4, 15, 16 or 64) levels of a
 * category. SSE2 is part of x86-64: saturating packs keep nonzero words
 * nonzero and one compare and movemask give sixteen flags; the loads stay
 * within levels[0 .. n-1] (15 take two overlapping 8-word loads).
 */
static inline uint64_t nonzero_mask(const int16_t *levels, int n)
{
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    if (n == 4) {
        const __m128i v = _mm_loadl_epi64((const __m128i *)levels);
        return ~(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_packs_epi16(v, zero), zero)) & 0xfu;
    }
    if (n == 15) {
        const __m128i lo = _mm_loadu_si128((const __m128i *)levels);
        const __m128i hi = _mm_loadu_si128((const __m128i *)(levels + 7));
        const uint32_t z = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_packs_epi16(lo, hi), zero));
        const uint32_t nz = ~z & 0xffffu;
        return (nz & 0xffu) | ((nz >> 9) << 8);
    }
    uint64_t mask = 0;
    for (int i = 0; i < n; i += 16) {
        const __m128i lo = _mm_loadu_si128((const __m128i *)(levels + i));
        const __m128i hi = _mm_loadu_si128((const __m128i *)(levels + i + 8));
        const uint32_t z = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_packs_epi16(lo, hi), zero));
        mask |= (uint64_t)(~z & 0xffffu) << i;
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int i = 0; i < n; i++)
        mask |= (uint64_t)(levels[i] != 0) << i;
    return mask;
#endif
}

/* One block given its nonzero mask (not 0): the significance map up to
 * the last level (a level at n - 1 is implied), then the levels from the
 * last down, walking the mask's set bits. */
static void write_block(cabac_enc *c, int cat, const int16_t *levels, uint64_t mask)
{
    const int n = coeff_count[cat];
    const int last = 63 - __builtin_clzll(mask);
    for (int i = 0; i < n - 1; i++) {
        int sig_ctx, last_ctx;
        if (cat == CAT_LUMA_8x8) {
            sig_ctx = CTX_SIG_8x8 + sig_inc_8x8[i];
            last_ctx = CTX_LAST_8x8 + last_inc_8x8[i];
        } else {
            const int inc = cat == CAT_CHROMA_DC ? (i < 2 ? i : 2) : i;
            sig_ctx = CTX_SIG + sig_offset[cat] + inc;
            last_ctx = CTX_LAST + sig_offset[cat] + inc;
        }
        const int sig = (int)(mask >> i) & 1;
        cabac_encode_decision(c, sig_ctx, sig);
        if (sig) {
            cabac_encode_decision(c, last_ctx, i == last);
            if (i == last)
                break;
        }
    }
    const int base = cat == CAT_LUMA_8x8 ? CTX_ABS_8x8 : CTX_ABS + abs_offset[cat];
    const int gt1_max = cat == CAT_CHROMA_DC ? 3 : 4;
    int eq1 = 0, gt1 = 0;
    for (uint64_t m = mask; m;) {
        const int i = 63 - __builtin_clzll(m);
        m &= ~((uint64_t)1 << i);
        const int v = levels[i];
        const unsigned a1 = (unsigned)(v < 0 ? -v : v) - 1;
        cabac_encode_decision(c, base + (gt1 ? 0 : eq1 < 3 ? 1 + eq1 : 4), a1 > 0);
        if (a1) {
            const int ctx = base + 5 + (gt1 < gt1_max ? gt1 : gt1_max);
            const unsigned prefix = a1 < 14 ? a1 : 14;
            for (unsigned k = 1; k < prefix; k++)
                cabac_encode_decision(c, ctx, 1);
            if (a1 < 14) {
                cabac_encode_decision(c, ctx, 0);
            } else {
                /* UEG0 suffix of a1 - 14. */
                unsigned suffix = a1 - 14;
                int k = 0;
                while (suffix >= 1u << k) {
                    cabac_encode_bypass(c, 1);
                    suffix -= 1u << k;
                    k++;
                }
                cabac_encode_bypass(c, 0);
                while (k--)
                    cabac_encode_bypass(c, (suffix >> k) & 1);
            }
            gt1++;
        } else {
            eq1++;
        }
        cabac_encode_bypass(c, v < 0);
    }
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
    const uint64_t mask = nonzero_mask(levels, coeff_count[cat]);
    cabac_encode_decision(c, CTX_CBF + cbf_offset[cat] + a + 2 * b, mask != 0);
    if (!mask)
        return 0;
    write_block(c, cat, levels, mask);
    *cbf |= 1u << bit;
    return __builtin_popcountll(mask);
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
            const uint64_t mask = nonzero_mask(mb->luma8x8[i8], 64);
            write_block(c, CAT_LUMA_8x8, mb->luma8x8[i8], mask);
            const uint8_t count = (uint8_t)__builtin_popcountll(mask);
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
