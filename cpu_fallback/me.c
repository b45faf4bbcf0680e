/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stdlib.h>

#include "me.h"

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Cost of an integer-pel position, given in full pels. */
static int fullpel_cost(const me_tools *t, const me_search *m, int x, int y)
{
    const uint8_t *ref = m->ref[0] + (ptrdiff_t)y * m->ref_stride + x;
    return t->pixf->sad[m->partition](m->src, m->src_stride, ref, m->ref_stride) +
           m->lambda * me_mv_bits(m, 4 * x, 4 * y);
}

static int fullpel_valid(const me_search *m, int x, int y)
{
    return 4 * x >= m->mv_min[0] && 4 * x <= m->mv_max[0] && 4 * y >= m->mv_min[1] && 4 * y <= m->mv_max[1];
}

typedef struct search_point {
    int x, y, cost;
} search_point;

/* Moves best to the cheapest of the offsets around it; returns 1 if it moved. */
static int try_offsets(const me_tools *t, const me_search *m, search_point *best, const int8_t (*offsets)[2], int n)
{
    search_point start = *best;
    for (int i = 0; i < n; i++) {
        int x = start.x + offsets[i][0], y = start.y + offsets[i][1];
        if (!fullpel_valid(m, x, y))
            continue;
        int cost = fullpel_cost(t, m, x, y);
        if (cost < best->cost) {
            best->cost = cost;
            best->x = x;
            best->y = y;
        }
    }
    return best->x != start.x || best->y != start.y;
}

static const int8_t diamond[4][2] = { { 0, -1 }, { -1, 0 }, { 1, 0 }, { 0, 1 } };
static const int8_t hexagon[6][2] = { { -2, 0 }, { -1, -2 }, { 1, -2 }, { 2, 0 }, { 1, 2 }, { -1, 2 } };
static const int8_t square[8][2] = { { -1, -1 }, { 0, -1 }, { 1, -1 }, { -1, 0 }, { 1, 0 }, { -1, 1 }, { 0, 1 }, { 1, 1 } };

static search_point search_fullpel(const me_tools *t, const me_search *m, int method, int range)
{
    search_point best = { 0, 0, INT_MAX };
    /* Start from the cheapest predictor, rounded to full pels. */
    for (int i = -1; i < m->num_candidates; i++) {
        const int16_t *c = i < 0 ? m->mvp : m->candidates[i];
        int x = clamp((c[0] + 2) >> 2, (m->mv_min[0] + 3) / 4, m->mv_max[0] / 4);
        int y = clamp((c[1] + 2) >> 2, (m->mv_min[1] + 3) / 4, m->mv_max[1] / 4);
        int cost = fullpel_cost(t, m, x, y);
        if (cost < best.cost)
            best = (search_point){ x, y, cost };
    }
    search_point origin = best;
    for (int i = 0; i < range; i++) {
        int moved = method == ME_HEXAGON ? try_offsets(t, m, &best, hexagon, 6) : try_offsets(t, m, &best, diamond, 4);
        if (!moved || abs(best.x - origin.x) > range || abs(best.y - origin.y) > range)
            break;
    }
    if (method == ME_HEXAGON)
        try_offsets(t, m, &best, square, 8);
    return best;
}

static int subpel_cost(const me_tools *t, const me_search *m, int mvx, int mvy, uint8_t *pred)
{
    t->mcf->get_luma(pred, 16, m->ref, m->ref_stride, mvx, mvy, m->width, m->height);
    return t->pixf->satd[m->partition](m->src, m->src_stride, pred, 16) + m->lambda * me_mv_bits(m, mvx, mvy);
}

/* Square refinement at step 2 (half pel) then 1 (quarter pel). */
static void refine_subpel(const me_tools *t, me_search *m, int iterations)
{
    uint8_t pred[16 * 16];
    int bx = m->mv[0], by = m->mv[1];
    int best = subpel_cost(t, m, bx, by, pred);
    for (int step = 2; step >= 1; step--) {
        for (int it = 0; it < iterations; it++) {
            int cx = bx, cy = by;
            for (int i = 0; i < 8; i++) {
                int x = cx + square[i][0] * step, y = cy + square[i][1] * step;
                if (x < m->mv_min[0] || x > m->mv_max[0] || y < m->mv_min[1] || y > m->mv_max[1])
                    continue;
                int cost = subpel_cost(t, m, x, y, pred);
                if (cost < best) {
                    best = cost;
                    bx = x;
                    by = y;
                }
            }
            if (bx == cx && by == cy)
                break;
        }
    }
    m->mv[0] = (int16_t)bx;
    m->mv[1] = (int16_t)by;
    m->cost = best;
}

void me_search_partition(const me_tools *t, me_search *m, int method, int range, int subpel_iterations)
{
    search_point p = search_fullpel(t, m, method, range);
    m->mv[0] = (int16_t)(4 * p.x);
    m->mv[1] = (int16_t)(4 * p.y);
    if (subpel_iterations > 0) {
        refine_subpel(t, m, subpel_iterations);
    } else {
        uint8_t pred[16 * 16];
        m->cost = subpel_cost(t, m, m->mv[0], m->mv[1], pred);
    }
}
