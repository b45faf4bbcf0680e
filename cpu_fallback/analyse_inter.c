/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Macroblock decision in P pictures: an exact early P_Skip test, motion
 * search of 16x16 in every reference, then of 16x8, 8x16 and 8x8 in the
 * best one when the preset allows, then intra; the lowest SATD + lambda *
 * bits wins, and mb_encode() codes it.
 */
#include <limits.h>
#include <string.h>

#include "cpu_fallback/internal.h"
#include "cpu_fallback/me.h"

typedef struct partition_geometry {
    int count;
    uint8_t x[4], y[4], w, h;
    int pixel_partition;
} partition_geometry;

static const partition_geometry geometry[] = {
    [MB_P_16x16] = { 1, { 0 }, { 0 }, 16, 16, PIXEL_16x16 },
    [MB_P_16x8] = { 2, { 0, 0 }, { 0, 8 }, 16, 8, PIXEL_16x8 },
    [MB_P_8x16] = { 2, { 0, 8 }, { 0, 0 }, 8, 16, PIXEL_8x16 },
    [MB_P_8x8] = { 4, { 0, 8, 0, 8 }, { 0, 0, 8, 8 }, 8, 8, PIXEL_8x8 },
};

static void setup_search(const cpu_encoder *enc, const mb_ctx *mb, int list, int ref, int px, int py, int w, int h,
                         int pixel_partition, me_search *m)
{
    const cpu_frame *f = enc->refs[list][ref];
    int x = mb->x * 16 + px, y = mb->y * 16 + py;
    ptrdiff_t off = (ptrdiff_t)y * f->stride[0] + x;
    int reach = MC_MV_REACH(FRAME_PAD_LUMA);

    /* Every input is set here and the results by the search: no memset
     * of the whole struct (its candidate array) per search. */
    m->num_candidates = 0;
    m->src = mb->src[0] + py * mb->src_stride[0] + px;
    m->src_stride = mb->src_stride[0];
    m->partition = pixel_partition;
    m->width = w;
    m->height = h;
    m->ref[0] = f->plane[0] + off;
    for (int i = 0; i < 3; i++)
        m->ref[i + 1] = f->hpel[i] + off;
    m->ref_stride = f->stride[0];
    m->mv_min[0] = 4 * (-x - reach);
    m->mv_min[1] = 4 * (-y - reach);
    m->mv_max[0] = 4 * (f->width[0] - x - w + reach);
    m->mv_max[1] = 4 * (f->height[0] - y - h + reach);
    m->lambda = mb->lambda;
    m->mvd_bits = enc->bits.mvd + MVD_BITS_RANGE;
    mvpred_predict(mb, list, px, py, w, h, ref, m->mvp);
}

static void add_candidate(me_search *m, const int16_t mv[2])
{
    if (m->num_candidates < ME_MAX_CANDIDATES) {
        m->candidates[m->num_candidates][0] = mv[0];
        m->candidates[m->num_candidates][1] = mv[1];
        m->num_candidates++;
    }
}

/* The neighbours' vectors of the list searched, and the previous picture's
 * co-located one of either list. */
static void add_neighbour_candidates(const cpu_encoder *enc, const mb_ctx *mb, me_search *m, int list, int raster)
{
    static const int16_t zero[2] = { 0, 0 };
    add_candidate(m, zero);
    if (mb->left && mb->left->ref[list][(raster >> 3) * 2 + 1] >= 0)
        add_candidate(m, mb->left->mv[list][raster | 3]);
    if (mb->top && mb->top->ref[list][2 + ((raster & 3) >> 1)] >= 0)
        add_candidate(m, mb->top->mv[list][12 + (raster & 3)]);
    if (mb->topright && mb->topright->ref[list][2] >= 0)
        add_candidate(m, mb->topright->mv[list][12]);
    const mb_state *col = enc->mbs_prev + (mb->state - enc->mbs);
    if (!mb_type_is_intra(col->type))
        add_candidate(m, col->mv[col->ref[0][0] < 0][raster]);
}

int mb_search(cpu_encoder *enc, mb_ctx *mb, int list, int ref, int px, int py, int w, int h, int pixel_partition,
              const int16_t *extra, int16_t mv[2], int16_t mvp[2])
{
    me_tools tools = { &enc->pixf, &enc->mcf };
    me_search m;
    setup_search(enc, mb, list, ref, px, py, w, h, pixel_partition, &m);
    if (extra)
        add_candidate(&m, extra);
    add_neighbour_candidates(enc, mb, &m, list, (py >> 2) * 4 + (px >> 2));
    const me_settings settings = { enc->opt.me_method, enc->opt.me_range, enc->opt.subpel_iterations,
                                   enc->opt.subpel_sad };
    me_search_partition(&tools, &m, &settings);
    mv[0] = m.mv[0];
    mv[1] = m.mv[1];
    mvp[0] = m.mvp[0];
    mvp[1] = m.mvp[1];
    return m.cost + mode_cost(mb->lambda, enc->bits.ref_idx[list][ref]);
}

/* Searches every partition of type in reference ref; partitions after the
 * first see the earlier ones through the state, as the decoder does. */
static int search_partitions(cpu_encoder *enc, mb_ctx *mb, int type, int ref, const int16_t *hint)
{
    const partition_geometry *g = &geometry[type];
    int cost = 0;
    mb->type = type;
    mb->num_parts = g->count;
    /* Partitions not searched yet are stored too (the decoder-order rules
     * of MV prediction ignore them): give them defined values. */
    for (int p = 0; p < g->count; p++) {
        mb->part_lists[p] = PRED_L0;
        mb->part_ref[0][p] = ref;
        mb->part_mv[0][p][0] = mb->part_mv[0][p][1] = 0;
    }
    for (int p = 0; p < g->count; p++) {
        cost += mb_search(enc, mb, 0, ref, g->x[p], g->y[p], g->w, g->h, g->pixel_partition, hint,
                          mb->part_mv[0][p], mb->part_mvp[0][p]);
        mb_store_motion(mb);
    }
    return cost;
}

typedef struct inter_choice {
    int type, num_parts, cost;
    int part_ref[4];
    int16_t part_mv[4][2], part_mvp[4][2];
} inter_choice;

/* P macroblocks use list 0 only: the choice keeps that. */

static void save_choice(const mb_ctx *mb, int cost, inter_choice *c)
{
    c->type = mb->type;
    c->num_parts = mb->num_parts;
    c->cost = cost;
    memcpy(c->part_ref, mb->part_ref[0], sizeof(c->part_ref));
    memcpy(c->part_mv, mb->part_mv[0], sizeof(c->part_mv));
    memcpy(c->part_mvp, mb->part_mvp[0], sizeof(c->part_mvp));
}

static void load_choice(mb_ctx *mb, const inter_choice *c)
{
    mb->type = c->type;
    mb->num_parts = c->num_parts;
    for (int p = 0; p < 4; p++)
        mb->part_lists[p] = PRED_L0;
    memcpy(mb->part_ref[0], c->part_ref, sizeof(c->part_ref));
    memcpy(mb->part_mv[0], c->part_mv, sizeof(c->part_mv));
    memcpy(mb->part_mvp[0], c->part_mvp, sizeof(c->part_mvp));
    mb_store_motion(mb);
}

static void analyse_inter(cpu_encoder *enc, mb_ctx *mb, inter_choice *best)
{
    best->cost = INT_MAX;
    for (int ref = 0; ref < enc->num_refs[0]; ref++) {
        int cost = search_partitions(enc, mb, MB_P_16x16, ref, ref == 0 ? mb->skip_mv : NULL) +
                   mode_cost(mb->lambda, enc->bits.p16x16);
        if (cost < best->cost)
            save_choice(mb, cost, best);
    }
    if (!enc->opt.inter_partitions)
        return;
    int ref = best->part_ref[0];
    const int16_t *hint = best->part_mv[0];
    int16_t hint16[2] = { hint[0], hint[1] };
    static const int types[3] = { MB_P_16x8, MB_P_8x16, MB_P_8x8 };
    const int type_bits[3] = { enc->bits.p16x8, enc->bits.p8x16, enc->bits.p8x8 };
    for (int i = 0; i < 3; i++) {
        int cost = search_partitions(enc, mb, types[i], ref, hint16) + mode_cost(mb->lambda, type_bits[i]);
        if (cost < best->cost)
            save_choice(mb, cost, best);
    }
}

void mb_analyse_p(cpu_encoder *enc, mb_ctx *mb)
{
    mvpred_skip(mb, mb->skip_mv);
    if (mb_probe_skip(enc, mb)) {
        mb->type = MB_P_SKIP;
        return;
    }

    inter_choice inter = { 0 };
    analyse_inter(enc, mb, &inter);

    if (mb_try_intra(enc, mb, inter.cost, enc->bits.intra_in_p))
        return;
    load_choice(mb, &inter);
}
