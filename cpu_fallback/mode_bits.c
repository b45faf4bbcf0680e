/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Syntax bits for the mode decisions, from CAVLC's codes or CABAC's
 * context states.
 */
#include <string.h>

#include "hw/h264/bitstream.h"
#include "cpu_fallback/mode_bits.h"


static int ref_idx_bits_cavlc(int ref, int num_refs)
{
    if (num_refs <= 1)
        return 0;
    return num_refs == 2 ? 1 : bs_size_ue((uint32_t)ref);
}

static void mode_bits_cavlc(mode_bits *b, const int num_refs[2])
{
    /* ue(v) of mb_type (Tables 7-13, 7-14) and, for P_8x8, four
     * sub_mb_type plus a typical coded_block_pattern. */
    const int one = MODE_BITS_SCALE;
    b->p16x16 = 1 * one;
    b->p16x8 = b->p8x16 = 3 * one;
    b->p8x8 = (5 + 4) * one;
    b->intra_in_p = 7 * one;
    b->b_direct = 1 * one;
    b->b_list[0] = b->b_list[1] = 3 * one;
    b->b_bi = 5 * one;
    b->intra_in_b = 9 * one;
    b->pred_mode_same = 1 * one;
    b->pred_mode_other = 4 * one;
    for (int m = 0; m < 4; m++)
        b->chroma_mode[m] = bs_size_ue((uint32_t)m) * one;
    for (int list = 0; list < 2; list++)
        for (int r = 0; r < H264_MAX_REFS; r++)
            b->ref_idx[list][r] = (uint16_t)(ref_idx_bits_cavlc(r, num_refs[list]) * one);
    for (int d = -MVD_BITS_RANGE; d <= MVD_BITS_RANGE; d++)
        b->mvd[d + MVD_BITS_RANGE] = (uint16_t)(bs_size_se(d) * one);
}

/* Bins against a set of context states. Neighbour-dependent first bins
 * take their middle context, but for mvd (below). */
typedef struct bins_cost {
    const cabac_cost *cost;
    const uint8_t *state;
} bins_cost;

static int bin(const bins_cost *c, int ctx, int value)
{
    return cabac_bin_cost(c->cost, c->state[ctx], value);
}

/* From 1/256 to 1/8 bits. */
static int to_bits(int cost)
{
    return (cost * MODE_BITS_SCALE + CABAC_COST_ONE_BIT / 2) / CABAC_COST_ONE_BIT;
}

/* Bypass bits of UEG3's suffix (with the sign) for |d| = a >= 9. */
static int mvd_suffix_bits(int a)
{
    unsigned suffix = (unsigned)(a - 9);
    int k = 3, bits = 1 + 1;
    while (suffix >= 1u << k) {
        suffix -= 1u << k;
        k++;
        bits++;
    }
    return bits + k;
}

/* UEG3 of one mvd component (9.3.2.3). The first bin takes the context of
 * small neighbouring differences, the common case. */
static int mvd_cost(const bins_cost *c, int a)
{
    const int base = 40;
    if (!a)
        return bin(c, base, 0);
    int cost = bin(c, base, 1) + CABAC_COST_ONE_BIT; /* and the sign */
    const int prefix = a < 9 ? a : 9;
    for (int i = 1; i < prefix; i++)
        cost += bin(c, base + (i < 4 ? 2 + i : 6), 1);
    if (a < 9)
        return cost + bin(c, base + (a < 4 ? 2 + a : 6), 0);
    /* The sign is already counted. */
    return cost + (mvd_suffix_bits(a) - 1) * CABAC_COST_ONE_BIT;
}

static void mode_bits_cabac(mode_bits *b, const cabac_cost *cost, const int num_refs[2], int slice_type,
                            int slice_qp, int cabac_init_idc, const uint8_t *learned)
{
    uint8_t state[CABAC_CONTEXTS];
    cabac_init_contexts(state, slice_type == H264_SLICE_I ? 0 : 1 + cabac_init_idc, slice_qp);
    if (learned)
        memcpy(state, learned, sizeof(state));
    const bins_cost c = { cost, state };

    /* mb_type bins of Tables 9-36 and 9-37 with their contexts. */
    b->p16x16 = to_bits(bin(&c, 14, 0) + bin(&c, 15, 0) + bin(&c, 16, 0));
    b->p16x8 = to_bits(bin(&c, 14, 0) + bin(&c, 15, 1) + bin(&c, 17, 1));
    b->p8x16 = to_bits(bin(&c, 14, 0) + bin(&c, 15, 1) + bin(&c, 17, 0));
    /* As with CAVLC, P_8x8 pays for the coded_block_pattern its four
     * partitions' residuals tend to bring: 4 bits. */
    b->p8x8 = to_bits(bin(&c, 14, 0) + bin(&c, 15, 0) + bin(&c, 16, 1) + 4 * bin(&c, 21, 1) + 4 * CABAC_COST_ONE_BIT);
    b->intra_in_p = to_bits(bin(&c, 14, 1) + bin(&c, 17, 1) + 4 * CABAC_COST_ONE_BIT);
    b->b_direct = to_bits(bin(&c, 28, 0));
    b->b_list[0] = to_bits(bin(&c, 28, 1) + bin(&c, 30, 0) + bin(&c, 32, 0));
    b->b_list[1] = to_bits(bin(&c, 28, 1) + bin(&c, 30, 0) + bin(&c, 32, 1));
    b->b_bi = to_bits(bin(&c, 28, 1) + bin(&c, 30, 1) + bin(&c, 31, 0) + 3 * bin(&c, 32, 0));
    b->intra_in_b = to_bits(bin(&c, 28, 1) + bin(&c, 30, 1) + bin(&c, 31, 1) + 2 * bin(&c, 32, 1) +
                            bin(&c, 32, 0) + bin(&c, 32, 1) + 4 * CABAC_COST_ONE_BIT);
    b->pred_mode_same = to_bits(bin(&c, 68, 1));
    b->pred_mode_other = to_bits(bin(&c, 68, 0) + bin(&c, 69, 0) + bin(&c, 69, 1) + bin(&c, 69, 0));
    b->chroma_mode[0] = to_bits(bin(&c, 65, 0));
    b->chroma_mode[1] = to_bits(bin(&c, 65, 1) + bin(&c, 67, 0));
    b->chroma_mode[2] = to_bits(bin(&c, 65, 1) + bin(&c, 67, 1) + bin(&c, 67, 0));
    b->chroma_mode[3] = to_bits(bin(&c, 65, 1) + bin(&c, 67, 1) + bin(&c, 67, 1));
    for (int list = 0; list < 2; list++)
        for (int r = 0; r < H264_MAX_REFS; r++) {
            int bits = 0;
            if (num_refs[list] > 1) {
                /* Unary: contexts 54 + 0 (first), 58, then 59. */
                for (int i = 0; i <= r; i++)
                    bits += bin(&c, i == 0 ? 54 : i == 1 ? 58 : 59, i < r);
            }
            b->ref_idx[list][r] = (uint16_t)to_bits(bits);
        }
    /* The context-coded part ends at |d| = 9; beyond, each suffix bit is
     * a bypass bit. Fill one half and mirror it. */
    int prefix[10];
    for (int a = 0; a < 10; a++)
        prefix[a] = mvd_cost(&c, a);
    for (int a = 0; a <= MVD_BITS_RANGE; a++) {
        const int bits = to_bits(a < 10 ? prefix[a] : prefix[9] + (mvd_suffix_bits(a) - mvd_suffix_bits(9)) *
                                                                       CABAC_COST_ONE_BIT);
        b->mvd[MVD_BITS_RANGE + a] = b->mvd[MVD_BITS_RANGE - a] = (uint16_t)bits;
    }
}

void mode_bits_for_picture(mode_bits *b, const cabac_cost *cost, const int num_refs[2], int slice_type,
                           int slice_qp, int cabac_init_idc, const uint8_t *learned)
{
    /* CAVLC's lengths depend only on the active references. */
    const int key[5] = { cost ? slice_type : -1, cost ? slice_qp : -1, cost ? cabac_init_idc : -1, num_refs[0],
                         num_refs[1] };
    if (!learned && !memcmp(key, b->key, sizeof(key)))
        return;
    memcpy(b->key, key, sizeof(key));
    if (cost)
        mode_bits_cabac(b, cost, num_refs, slice_type, slice_qp, cabac_init_idc, learned);
    else
        mode_bits_cavlc(b, num_refs);
}
