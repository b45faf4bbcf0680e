/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * Motion vector prediction (8.4.1.1, 8.4.1.3): the neighbours A (left),
 * B (above), C (above right, or D above left when C is unavailable), the
 * directional rules of 16x8 and 8x16 partitions, and the median; and the
 * spatial direct prediction of B macroblocks (8.4.1.2.2).
 */
#include "cpu_fallback/internal.h"

typedef struct mv_neighbour {
    int available;
    int ref;                     /* -1 for intra or unavailable */
    int16_t mv[2];
} mv_neighbour;

static const uint8_t raster_to_decode_order[16] = { 0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15 };

static void from_state(const mb_state *s, int list, int bx, int by, mv_neighbour *n)
{
    n->available = 1;
    n->ref = mb_type_is_intra(s->type) ? -1 : s->ref[list][(by >> 1) * 2 + (bx >> 1)];
    if (n->ref < 0) {
        n->mv[0] = n->mv[1] = 0;
        return;
    }
    n->mv[0] = s->mv[list][by * 4 + bx][0];
    n->mv[1] = s->mv[list][by * 4 + bx][1];
}

/* The neighbour at 4x4 position (bx, by) relative to the macroblock, which
 * may lie one block outside it; first is the raster index of the first
 * block of the partition being predicted. */
static void neighbour(const mb_ctx *mb, int list, int bx, int by, int first, mv_neighbour *n)
{
    const mb_state *s = NULL;
    n->available = 0;
    n->ref = -1;
    n->mv[0] = n->mv[1] = 0;
    if (by < 0) {
        s = bx < 0 ? mb->topleft : bx > 3 ? mb->topright : mb->top;
        by = 3;
        bx &= 3;
    } else if (bx < 0) {
        s = mb->left;
        bx = 3;
    } else if (bx > 3) {
        return; /* the macroblock to the right is not coded yet */
    } else {
        /* Inside this macroblock: only partitions coded earlier count. */
        if (raster_to_decode_order[by * 4 + bx] >= raster_to_decode_order[first])
            return;
        s = mb->state;
    }
    if (s)
        from_state(s, list, bx, by, n);
}

static int16_t median3(int a, int b, int c)
{
    int lo = a < b ? a : b, hi = a < b ? b : a;
    return (int16_t)(c < lo ? lo : c > hi ? hi : c);
}

/* A, B and C (or D) of a partition (8.4.1.3.2). */
static void neighbours_abc(const mb_ctx *mb, int list, int x, int y, int w, mv_neighbour *a, mv_neighbour *b,
                           mv_neighbour *c)
{
    int bx = x >> 2, by = y >> 2, bw = w >> 2;
    int first = by * 4 + bx;
    neighbour(mb, list, bx - 1, by, first, a);
    neighbour(mb, list, bx, by - 1, first, b);
    neighbour(mb, list, bx + bw, by - 1, first, c);
    if (!c->available)
        neighbour(mb, list, bx - 1, by - 1, first, c);
}

void mvpred_predict(const mb_ctx *mb, int list, int x, int y, int w, int h, int ref, int16_t mvp[2])
{
    mv_neighbour a, b, c;
    neighbours_abc(mb, list, x, y, w, &a, &b, &c);

    if (!b.available && !c.available && a.available) {
        b = a;
        c = a;
    }
    /* Directional prediction of 16x8 and 8x16 partitions (8.4.1.3). */
    const mv_neighbour *dir = NULL;
    if (w == 16 && h == 8)
        dir = y == 0 ? &b : &a;
    else if (w == 8 && h == 16)
        dir = x == 0 ? &a : &c;
    if (dir && dir->ref == ref) {
        mvp[0] = dir->mv[0];
        mvp[1] = dir->mv[1];
        return;
    }
    int matches = (a.ref == ref) + (b.ref == ref) + (c.ref == ref);
    if (matches == 1) {
        const mv_neighbour *m = a.ref == ref ? &a : b.ref == ref ? &b : &c;
        mvp[0] = m->mv[0];
        mvp[1] = m->mv[1];
        return;
    }
    mvp[0] = median3(a.mv[0], b.mv[0], c.mv[0]);
    mvp[1] = median3(a.mv[1], b.mv[1], c.mv[1]);
}

void mvpred_skip(const mb_ctx *mb, int16_t mv[2])
{
    mv_neighbour a, b;
    neighbour(mb, 0, -1, 0, 0, &a);
    neighbour(mb, 0, 0, -1, 0, &b);
    mv[0] = mv[1] = 0;
    if (!a.available || !b.available)
        return;
    if ((a.ref == 0 && !a.mv[0] && !a.mv[1]) || (b.ref == 0 && !b.mv[0] && !b.mv[1]))
        return;
    mvpred_predict(mb, 0, 0, 0, 16, 16, 0, mv);
}

/* MinPositive() of 8.4.1.2.2. */
static int min_positive(int x, int y)
{
    return x >= 0 && y >= 0 ? (x < y ? x : y) : (x > y ? x : y);
}

void mvpred_direct_spatial(mb_ctx *mb, const col_motion col[4])
{
    int16_t mvp[2][2] = { { 0, 0 }, { 0, 0 } };
    for (int list = 0; list < 2; list++) {
        mv_neighbour a, b, c;
        neighbours_abc(mb, list, 0, 0, 16, &a, &b, &c);
        mb->direct_ref[list] = min_positive(a.ref, min_positive(b.ref, c.ref));
    }
    /* Neither list used by any neighbour: both lists, zero vectors. */
    int zero = mb->direct_ref[0] < 0 && mb->direct_ref[1] < 0;
    if (zero)
        mb->direct_ref[0] = mb->direct_ref[1] = 0;
    for (int list = 0; list < 2; list++)
        if (!zero && mb->direct_ref[list] >= 0)
            mvpred_predict(mb, list, 0, 0, 16, 16, mb->direct_ref[list], mvp[list]);
    /* A still co-located block (colZeroFlag; RefPicList1[0] is always a
     * short-term picture here) zeroes the vector of a list whose
     * reference is its index 0. */
    for (int q = 0; q < 4; q++) {
        int col_zero = col[q].ref == 0 && col[q].mv[0] >= -1 && col[q].mv[0] <= 1 && col[q].mv[1] >= -1 &&
                       col[q].mv[1] <= 1;
        for (int list = 0; list < 2; list++) {
            int ref = mb->direct_ref[list];
            int keep = !zero && ref >= 0 && !(ref == 0 && col_zero);
            mb->direct_mv[list][q][0] = keep ? mvp[list][0] : 0;
            mb->direct_mv[list][q][1] = keep ? mvp[list][1] : 0;
        }
    }
}
