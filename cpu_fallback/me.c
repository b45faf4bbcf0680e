/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 */
#include <limits.h>
#include <stdlib.h>

#include "cpu_fallback/me.h"

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static const uint8_t *fullpel_ref(const me_search *m, int x, int y)
{
    return m->ref[0] + (ptrdiff_t)y * m->ref_stride + x;
}

/* Cost of an integer-pel position, given in full pels. */
static int fullpel_cost(const me_tools *t, const me_search *m, int x, int y)
{
    return t->pixf->sad[m->partition](m->src, m->src_stride, fullpel_ref(m, x, y), m->ref_stride) +
           mode_cost(m->lambda, me_mv_bits(m, 4 * x, 4 * y));
}

static int fullpel_valid(const me_search *m, int x, int y)
{
    return 4 * x >= m->mv_min[0] && 4 * x <= m->mv_max[0] && 4 * y >= m->mv_min[1] && 4 * y <= m->mv_max[1];
}

typedef struct search_point {
    int x, y, cost;
} search_point;

/* Moves best to the cheapest of the offsets around it; returns 1 if it moved.
 * The offsets go to the multi-candidate SAD in groups of group (3 or 4)
 * when the whole group lies inside the search limits; ties keep the
 * earlier offset either way. */
static int try_offsets(const me_tools *t, const me_search *m, search_point *best, const int8_t (*offsets)[2], int n,
                       int group, int radius)
{
    const search_point start = *best;
    /* radius bounds the offsets: away from the limits all are valid. */
    const int inside = fullpel_valid(m, start.x - radius, start.y - radius) &&
                       fullpel_valid(m, start.x + radius, start.y + radius);
    for (int i0 = 0; i0 < n; i0 += group) {
        int x[4], y[4], sad[4], all_valid = inside;
        for (int k = 0; k < group; k++) {
            x[k] = start.x + offsets[i0 + k][0];
            y[k] = start.y + offsets[i0 + k][1];
        }
        for (int k = 0; k < group && !inside; k++)
            all_valid &= fullpel_valid(m, x[k], y[k]);
        if (all_valid) {
            if (group == 4)
                t->pixf->sad_x4[m->partition](m->src, m->src_stride, fullpel_ref(m, x[0], y[0]),
                                              fullpel_ref(m, x[1], y[1]), fullpel_ref(m, x[2], y[2]),
                                              fullpel_ref(m, x[3], y[3]), m->ref_stride, sad);
            else
                t->pixf->sad_x3[m->partition](m->src, m->src_stride, fullpel_ref(m, x[0], y[0]),
                                              fullpel_ref(m, x[1], y[1]), fullpel_ref(m, x[2], y[2]),
                                              m->ref_stride, sad);
        }
        for (int k = 0; k < group; k++) {
            int cost;
            if (all_valid)
                cost = sad[k] + mode_cost(m->lambda, me_mv_bits(m, 4 * x[k], 4 * y[k]));
            else if (fullpel_valid(m, x[k], y[k]))
                cost = fullpel_cost(t, m, x[k], y[k]);
            else
                continue;
            if (cost < best->cost) {
                best->cost = cost;
                best->x = x[k];
                best->y = y[k];
            }
        }
    }
    return best->x != start.x || best->y != start.y;
}

static const int8_t diamond[4][2] = { { 0, -1 }, { -1, 0 }, { 1, 0 }, { 0, 1 } };
static const int8_t hexagon[6][2] = { { -2, 0 }, { -1, -2 }, { 1, -2 }, { 2, 0 }, { 1, 2 }, { -1, 2 } };
static const int8_t square[8][2] = { { -1, -1 }, { 0, -1 }, { 1, -1 }, { -1, 0 }, { 1, 0 }, { -1, 1 }, { 0, 1 }, { 1, 1 } };

/* Start from the cheapest predictor, rounded to full pels. Predictors
 * often coincide (the MVP is usually one of the neighbours' vectors), so
 * each distinct position is measured once, and in groups of up to four by
 * the multi-candidate SAD. Costs are compared in predictor order, so ties
 * keep the earlier predictor as before. */
static search_point best_predictor(const me_tools *t, const me_search *m)
{
    int xs[ME_MAX_CANDIDATES + 1], ys[ME_MAX_CANDIDATES + 1], n = 0;
    const int xmin = (m->mv_min[0] + 3) / 4, xmax = m->mv_max[0] / 4;
    const int ymin = (m->mv_min[1] + 3) / 4, ymax = m->mv_max[1] / 4;
    for (int i = -1; i < m->num_candidates; i++) {
        const int16_t *c = i < 0 ? m->mvp : m->candidates[i];
        int x = clamp((c[0] + 2) >> 2, xmin, xmax);
        int y = clamp((c[1] + 2) >> 2, ymin, ymax);
        int dup = 0;
        for (int k = 0; k < n; k++)
            dup |= xs[k] == x && ys[k] == y;
        if (!dup) {
            xs[n] = x;
            ys[n] = y;
            n++;
        }
    }
    search_point best = { 0, 0, INT_MAX };
    for (int i0 = 0; i0 < n; i0 += 4) {
        int sad[4], group = n - i0 < 4 ? n - i0 : 4;
        const int *x = xs + i0, *y = ys + i0;
        if (group == 4)
            t->pixf->sad_x4[m->partition](m->src, m->src_stride, fullpel_ref(m, x[0], y[0]),
                                          fullpel_ref(m, x[1], y[1]), fullpel_ref(m, x[2], y[2]),
                                          fullpel_ref(m, x[3], y[3]), m->ref_stride, sad);
        else if (group == 3)
            t->pixf->sad_x3[m->partition](m->src, m->src_stride, fullpel_ref(m, x[0], y[0]),
                                          fullpel_ref(m, x[1], y[1]), fullpel_ref(m, x[2], y[2]), m->ref_stride,
                                          sad);
        else
            for (int k = 0; k < group; k++)
                sad[k] = t->pixf->sad[m->partition](m->src, m->src_stride, fullpel_ref(m, x[k], y[k]),
                                                    m->ref_stride);
        for (int k = 0; k < group; k++) {
            int cost = sad[k] + mode_cost(m->lambda, me_mv_bits(m, 4 * x[k], 4 * y[k]));
            if (cost < best.cost)
                best = (search_point){ x[k], y[k], cost };
        }
    }
    return best;
}

static search_point search_fullpel(const me_tools *t, const me_search *m, int method, int range)
{
    search_point best = best_predictor(t, m);
    search_point origin = best;
    for (int i = 0; i < range; i++) {
        int moved = method == ME_HEXAGON ? try_offsets(t, m, &best, hexagon, 6, 3, 2)
                                         : try_offsets(t, m, &best, diamond, 4, 4, 1);
        if (!moved || abs(best.x - origin.x) > range || abs(best.y - origin.y) > range)
            break;
    }
    if (method == ME_HEXAGON)
        try_offsets(t, m, &best, square, 8, 4, 1);
    return best;
}

static int subpel_satd(const me_tools *t, const me_search *m, int mvx, int mvy, uint8_t *pred)
{
    ptrdiff_t stride;
    const uint8_t *p = mc_get_ref(t->mcf, pred, 16, &stride, m->ref, m->ref_stride, mvx, mvy, m->width, m->height);
    return t->pixf->satd[m->partition](m->src, m->src_stride, p, stride) +
           mode_cost(m->lambda, me_mv_bits(m, mvx, mvy));
}

/* SATD refinement over the square around the best position, at step 2
 * (half pel) then 1 (quarter pel). */
static void refine_subpel_satd(const me_tools *t, me_search *m, int iterations)
{
    uint8_t pred[16 * 16];
    int bx = m->mv[0], by = m->mv[1];
    int best = subpel_satd(t, m, bx, by, pred);
    for (int step = 2; step >= 1; step--) {
        for (int it = 0; it < iterations; it++) {
            int cx = bx, cy = by;
            for (int i = 0; i < 8; i++) {
                int x = cx + square[i][0] * step, y = cy + square[i][1] * step;
                if (x < m->mv_min[0] || x > m->mv_max[0] || y < m->mv_min[1] || y > m->mv_max[1])
                    continue;
                int cost = subpel_satd(t, m, x, y, pred);
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

/* SADs of four sub-pel positions. Quarter-pel averages are formed inside
 * the SAD kernel rather than written out first; the half-pel step, whose
 * positions all lie on one plane each, needs no averages at all. */
static void subpel_sad_x4(const me_tools *t, const me_search *m, const int (*mv)[2], int sad[4])
{
    const uint8_t *a[4], *b[4];
    int averaged = 0;
    for (int k = 0; k < 4; k++)
        averaged |= mc_qpel_sources(m->ref, m->ref_stride, mv[k][0], mv[k][1], &a[k], &b[k]);
    if (averaged)
        t->pixf->sad_avg_x4[m->partition](m->src, m->src_stride, a, b, m->ref_stride, sad);
    else
        t->pixf->sad_x4[m->partition](m->src, m->src_stride, a[0], a[1], a[2], a[3], m->ref_stride, sad);
}

/*
 * x264's subme 1 idea with the square of the SATD search: the steps compare
 * SAD, which costs a fraction of an SATD, and only the winner gets its SATD
 * for the mode decision. fpel_cost is the SAD cost of the start position.
 */
static void refine_subpel_sad(const me_tools *t, me_search *m, int iterations, int fpel_cost)
{
    uint8_t pred[16 * 16];
    int bx = m->mv[0], by = m->mv[1];
    int best = fpel_cost;
    for (int step = 2; step >= 1; step--) {
        for (int it = 0; it < iterations; it++) {
            const int cx = bx, cy = by;
            /* Away from the limits (nearly always) the whole square is valid. */
            const int inside = cx - step >= m->mv_min[0] && cx + step <= m->mv_max[0] && cy - step >= m->mv_min[1] &&
                               cy + step <= m->mv_max[1];
            for (int i0 = 0; i0 < 8; i0 += 4) {
                int mv[4][2], sad[4];
                for (int k = 0; k < 4; k++) {
                    mv[k][0] = cx + square[i0 + k][0] * step;
                    mv[k][1] = cy + square[i0 + k][1] * step;
                }
                /* Near the limits, clamped copies keep the reads inside; their
                 * costs are ignored. */
                for (int k = 0; k < 4 && !inside; k++) {
                    mv[k][0] = clamp(mv[k][0], m->mv_min[0], m->mv_max[0]);
                    mv[k][1] = clamp(mv[k][1], m->mv_min[1], m->mv_max[1]);
                }
                subpel_sad_x4(t, m, mv, sad);
                for (int k = 0; k < 4; k++) {
                    if (!inside && (mv[k][0] != cx + square[i0 + k][0] * step ||
                                    mv[k][1] != cy + square[i0 + k][1] * step))
                        continue;
                    int cost = sad[k] + mode_cost(m->lambda, me_mv_bits(m, mv[k][0], mv[k][1]));
                    if (cost < best) {
                        best = cost;
                        bx = mv[k][0];
                        by = mv[k][1];
                    }
                }
            }
            if (bx == cx && by == cy)
                break;
        }
    }
    m->mv[0] = (int16_t)bx;
    m->mv[1] = (int16_t)by;
    m->cost = subpel_satd(t, m, bx, by, pred);
}

void me_search_partition(const me_tools *t, me_search *m, const me_settings *s)
{
    search_point p = search_fullpel(t, m, s->method, s->range);
    m->mv[0] = (int16_t)(4 * p.x);
    m->mv[1] = (int16_t)(4 * p.y);
    if (s->subpel_iterations > 0 && s->subpel_sad) {
        refine_subpel_sad(t, m, s->subpel_iterations, p.cost);
    } else if (s->subpel_iterations > 0) {
        refine_subpel_satd(t, m, s->subpel_iterations);
    } else {
        uint8_t pred[16 * 16];
        m->cost = subpel_satd(t, m, m->mv[0], m->mv[1], pred);
    }
}
