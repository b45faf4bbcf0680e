/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Macroblock decision in B pictures: an exact early B_Skip test on the
 * spatial direct prediction, then B_Direct_16x16, a 16x16 search in each
 * list, the average of the two best (bi-prediction) and intra; the lowest
 * SATD + lambda * bits wins, and mb_encode() codes it.
 */
#include <limits.h>
#include <string.h>

#include "cpu_fallback/internal.h"
#include "cpu_fallback/me.h"

typedef struct list_choice {
    int ref, cost;
    int16_t mv[2], mvp[2];
} list_choice;

static int mvd_bits(const cpu_encoder *enc, const list_choice *c)
{
    const uint16_t *table = enc->bits.mvd + MVD_BITS_RANGE;
    return me_mvd_bits(table, c->mv[0] - c->mvp[0]) + me_mvd_bits(table, c->mv[1] - c->mvp[1]);
}

/* The best 16x16 vector of each reference of a list, starting from the
 * direct vector of that list when there is one. */
static void search_list(cpu_encoder *enc, mb_ctx *mb, int list, list_choice *best)
{
    const int16_t *hint = mb->direct_ref[list] >= 0 ? mb->direct_mv[list][0] : NULL;
    best->cost = INT_MAX;
    for (int ref = 0; ref < enc->num_refs[list]; ref++) {
        list_choice c = { .ref = ref };
        c.cost = mb_search(enc, mb, list, ref, 0, 0, 16, 16, PIXEL_16x16, hint, c.mv, c.mvp) +
                 mode_cost(mb->lambda, enc->bits.b_list[list]);
        if (c.cost < best->cost)
            *best = c;
    }
}

/* The cost of averaging the two lists' best predictions. */
static int bi_cost(cpu_encoder *enc, mb_ctx *mb, const list_choice l[2])
{
    uint8_t pred[2][16 * 16];
    for (int list = 0; list < 2; list++)
        mb_predict_luma(enc, mb, list, l[list].ref, l[list].mv, 0, 0, 16, 16, pred[list], 16);
    enc->mcf.pixel_avg(pred[0], 16, pred[0], 16, pred[1], 16, 16, 16);
    int bits = enc->bits.b_bi;
    for (int list = 0; list < 2; list++)
        bits += mvd_bits(enc, &l[list]) + enc->bits.ref_idx[list][l[list].ref];
    return enc->pixf.satd[PIXEL_16x16](mb->src[0], mb->src_stride[0], pred[0], 16) + mode_cost(mb->lambda, bits);
}

static void choose_16x16(mb_ctx *mb, int lists, const list_choice l[2])
{
    mb->type = MB_B_16x16;
    mb->num_parts = 1;
    mb->part_lists[0] = lists;
    for (int list = 0; list < 2; list++) {
        mb->part_ref[list][0] = l[list].ref;
        memcpy(mb->part_mv[list][0], l[list].mv, sizeof(l[list].mv));
        memcpy(mb->part_mvp[list][0], l[list].mvp, sizeof(l[list].mvp));
    }
}

void mb_analyse_b(cpu_encoder *enc, mb_ctx *mb)
{
    mvpred_direct_spatial(mb, enc->col_l1 + 4 * (mb->state - enc->mbs));
    int probe = mb_probe_skip_b(enc, mb);
    if (probe > 0)
        return;
    /* The probe left the direct luma prediction in the recon. */
    int direct_cost = INT_MAX;
    if (probe == 0)
        direct_cost = enc->pixf.satd[PIXEL_16x16](mb->src[0], mb->src_stride[0], mb->rec[0], mb->stride[0]) +
                      mode_cost(mb->lambda, enc->bits.b_direct);

    list_choice l[2];
    search_list(enc, mb, 0, &l[0]);
    search_list(enc, mb, 1, &l[1]);
    int cost_bi = bi_cost(enc, mb, l);
    int best_lists = l[1].cost < l[0].cost ? PRED_L1 : PRED_L0;
    int inter_cost = l[best_lists - 1].cost;
    if (cost_bi < inter_cost) {
        best_lists = PRED_BI;
        inter_cost = cost_bi;
    }
    if (direct_cost <= inter_cost) {
        best_lists = 0;
        inter_cost = direct_cost;
    }

    if (mb_try_intra(enc, mb, inter_cost, enc->bits.intra_in_b))
        return;
    if (best_lists) {
        mb->skip_pred = 0;
        choose_16x16(mb, best_lists, l);
    } else {
        mb->type = MB_B_DIRECT;
    }
    mb_store_motion(mb);
}
