/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The in-loop deblocking filter (8.7): boundary strengths (8.7.2.1),
 * thresholds (8.7.2.2) and the C edge kernels (8.7.2.3, 8.7.2.4).
 */
#include <stdlib.h>
#include <string.h>

#include "deblock.h"
#include "internal.h"
#if HWENC_ARCH_X86
#include "x86/deblock.h"
#endif

/* Table 8-16, indexed by indexA and indexB. */
static const uint8_t alpha_table[52] = {
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      4,   4,   5,   6,   7,   8,   9,  10,  12,  13,  15,  17,  20,  22,  25,  28,
     32,  36,  40,  45,  50,  56,  63,  71,  80,  90, 101, 113, 127, 144, 162, 182,
    203, 226, 255, 255,
};

static const uint8_t beta_table[52] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     2,  2,  2,  3,  3,  3,  3,  4,  4,  4,  6,  6,  7,  7,  8,  8,
     9,  9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16,
    17, 17, 18, 18,
};

/* Table 8-17: tC0 by indexA for bS = 1, 2, 3, after a -1 for bS 0, so
 * that a segment's bS indexes its kernel tc0 directly. */
static const int8_t tc0_table[52][4] = {
    { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 },
    { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 },
    { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 },
    { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 },
    { -1, 0, 0, 0 }, { -1, 0, 0, 1 }, { -1, 0, 0, 1 }, { -1, 0, 0, 1 },
    { -1, 0, 0, 1 }, { -1, 0, 1, 1 }, { -1, 0, 1, 1 }, { -1, 1, 1, 1 },
    { -1, 1, 1, 1 }, { -1, 1, 1, 1 }, { -1, 1, 1, 1 }, { -1, 1, 1, 2 },
    { -1, 1, 1, 2 }, { -1, 1, 1, 2 }, { -1, 1, 1, 2 }, { -1, 1, 2, 3 },
    { -1, 1, 2, 3 }, { -1, 2, 2, 3 }, { -1, 2, 2, 4 }, { -1, 2, 3, 4 },
    { -1, 2, 3, 4 }, { -1, 3, 3, 5 }, { -1, 3, 4, 6 }, { -1, 3, 4, 6 },
    { -1, 4, 5, 7 }, { -1, 4, 5, 8 }, { -1, 4, 6, 9 }, { -1, 5, 7, 10 },
    { -1, 6, 8, 11 }, { -1, 6, 8, 13 }, { -1, 7, 10, 14 }, { -1, 8, 11, 16 },
    { -1, 9, 12, 18 }, { -1, 10, 13, 20 }, { -1, 11, 15, 23 }, { -1, 13, 17, 25 },
};

static inline int clip3(int lo, int hi, int v)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static inline uint8_t clip_pixel(int v)
{
    return (uint8_t)clip3(0, 255, v);
}

/* ---- kernels ----
 * xs steps across the edge (p0 = pix[-xs]), ys along it. Constant strides
 * let the compiler specialise each direction. */

/* 8.7.2.3 for one line; luma also touches p1/q1 where ap/aq < beta. */
static inline void filter_line_normal(uint8_t *pix, ptrdiff_t xs, int alpha, int beta, int tc0, int luma)
{
    int p0 = pix[-xs], p1 = pix[-2 * xs];
    int q0 = pix[0], q1 = pix[xs];
    if (abs(p0 - q0) >= alpha || abs(p1 - p0) >= beta || abs(q1 - q0) >= beta)
        return;
    int tc = tc0 + 1;
    if (luma) {
        int p2 = pix[-3 * xs], q2 = pix[2 * xs];
        int ap = abs(p2 - p0) < beta, aq = abs(q2 - q0) < beta;
        tc = tc0 + ap + aq;
        if (ap)
            pix[-2 * xs] = (uint8_t)(p1 + clip3(-tc0, tc0, (p2 + ((p0 + q0 + 1) >> 1) - (p1 << 1)) >> 1));
        if (aq)
            pix[xs] = (uint8_t)(q1 + clip3(-tc0, tc0, (q2 + ((p0 + q0 + 1) >> 1) - (q1 << 1)) >> 1));
    }
    int delta = clip3(-tc, tc, (((q0 - p0) * 4) + (p1 - q1) + 4) >> 3);
    pix[-xs] = clip_pixel(p0 + delta);
    pix[0] = clip_pixel(q0 - delta);
}

/* 8.7.2.4 for one line. */
static inline void filter_line_strong(uint8_t *pix, ptrdiff_t xs, int alpha, int beta, int luma)
{
    int p0 = pix[-xs], p1 = pix[-2 * xs];
    int q0 = pix[0], q1 = pix[xs];
    if (abs(p0 - q0) >= alpha || abs(p1 - p0) >= beta || abs(q1 - q0) >= beta)
        return;
    if (luma) {
        int p2 = pix[-3 * xs], p3 = pix[-4 * xs];
        int q2 = pix[2 * xs], q3 = pix[3 * xs];
        /* The 5-tap smoothing only where the step is small enough to be
         * an artefact rather than a real edge. */
        int small_gap = abs(p0 - q0) < ((alpha >> 2) + 2);
        if (small_gap && abs(p2 - p0) < beta) {
            pix[-xs] = (uint8_t)((p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3);
            pix[-2 * xs] = (uint8_t)((p2 + p1 + p0 + q0 + 2) >> 2);
            pix[-3 * xs] = (uint8_t)((2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3);
        } else {
            pix[-xs] = (uint8_t)((2 * p1 + p0 + q1 + 2) >> 2);
        }
        if (small_gap && abs(q2 - q0) < beta) {
            pix[0] = (uint8_t)((p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3);
            pix[xs] = (uint8_t)((p0 + q0 + q1 + q2 + 2) >> 2);
            pix[2 * xs] = (uint8_t)((2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3);
        } else {
            pix[0] = (uint8_t)((2 * q1 + q0 + p1 + 2) >> 2);
        }
    } else {
        pix[-xs] = (uint8_t)((2 * p1 + p0 + q1 + 2) >> 2);
        pix[0] = (uint8_t)((2 * q1 + q0 + p1 + 2) >> 2);
    }
}

/* lines_per_tc: 4 for luma (16 lines), 2 for chroma (8 lines). */
static inline void filter_edge_normal(uint8_t *pix, ptrdiff_t xs, ptrdiff_t ys, int alpha, int beta,
                                      const int8_t tc0[4], int luma)
{
    int lines = luma ? 4 : 2;
    for (int i = 0; i < 4; i++, pix += lines * ys) {
        if (tc0[i] < 0)
            continue;
        for (int k = 0; k < lines; k++)
            filter_line_normal(pix + k * ys, xs, alpha, beta, tc0[i], luma);
    }
}

static inline void filter_edge_strong(uint8_t *pix, ptrdiff_t xs, ptrdiff_t ys, int alpha, int beta, int luma)
{
    int lines = luma ? 16 : 8;
    for (int k = 0; k < lines; k++)
        filter_line_strong(pix + k * ys, xs, alpha, beta, luma);
}

static decl_deblock_edge_fn(luma_v_c)
{
    filter_edge_normal(pix, 1, stride, alpha, beta, tc0, 1);
}

static decl_deblock_edge_fn(luma_h_c)
{
    filter_edge_normal(pix, stride, 1, alpha, beta, tc0, 1);
}

static decl_deblock_edge_intra_fn(luma_intra_v_c)
{
    filter_edge_strong(pix, 1, stride, alpha, beta, 1);
}

static decl_deblock_edge_intra_fn(luma_intra_h_c)
{
    filter_edge_strong(pix, stride, 1, alpha, beta, 1);
}

static decl_deblock_chroma_fn(chroma_v_c)
{
    filter_edge_normal(cb, 1, cb_stride, alpha, beta, tc0, 0);
    filter_edge_normal(cr, 1, cr_stride, alpha, beta, tc0, 0);
}

static decl_deblock_chroma_fn(chroma_h_c)
{
    filter_edge_normal(cb, cb_stride, 1, alpha, beta, tc0, 0);
    filter_edge_normal(cr, cr_stride, 1, alpha, beta, tc0, 0);
}

static decl_deblock_chroma_intra_fn(chroma_intra_v_c)
{
    filter_edge_strong(cb, 1, cb_stride, alpha, beta, 0);
    filter_edge_strong(cr, 1, cr_stride, alpha, beta, 0);
}

static decl_deblock_chroma_intra_fn(chroma_intra_h_c)
{
    filter_edge_strong(cb, cb_stride, 1, alpha, beta, 0);
    filter_edge_strong(cr, cr_stride, 1, alpha, beta, 0);
}

void deblock_dsp_init(deblock_dsp *dsp, uint32_t cpu_flags)
{
    dsp->luma_v = luma_v_c;
    dsp->luma_h = luma_h_c;
    dsp->luma_intra_v = luma_intra_v_c;
    dsp->luma_intra_h = luma_intra_h_c;
    dsp->chroma_v = chroma_v_c;
    dsp->chroma_h = chroma_h_c;
    dsp->chroma_intra_v = chroma_intra_v_c;
    dsp->chroma_intra_h = chroma_intra_h_c;
#if HWENC_ARCH_X86
    deblock_dsp_init_x86(dsp, cpu_flags);
#else
    (void)cpu_flags;
#endif
}

/* ---- boundary strength (8.7.2.1) ---- */

/* Raster 4x4 block to raster 8x8 block, for ref[]. */
static inline int quadrant_of(int blk)
{
    return ((blk >> 3) << 1) | ((blk & 3) >> 1);
}

/* The picture a block predicts from in list, -1 if it does not use it. */
static inline int ref_picture(const deblock_params *prm, const mb_state *m, int list, int blk)
{
    int ref = m->ref[list][quadrant_of(blk)];
    return ref < 0 || !prm->ref_pic[list] ? ref : prm->ref_pic[list][ref];
}

static inline int mvs_differ(const int16_t a[2], const int16_t b[2])
{
    return abs(a[0] - b[0]) >= 4 || abs(a[1] - b[1]) >= 4;
}

/*
 * bS 1 or 0 from motion: the pictures two blocks predict from (whichever
 * list names them), how many vectors each has, and the vectors that go
 * with the same picture.
 */
static int motion_strength(const deblock_params *prm, const mb_state *p, int bp, const mb_state *q, int bq)
{
    int p0 = ref_picture(prm, p, 0, bp), p1 = ref_picture(prm, p, 1, bp);
    int q0 = ref_picture(prm, q, 0, bq), q1 = ref_picture(prm, q, 1, bq);
    const int16_t *mp0 = p->mv[0][bp], *mp1 = p->mv[1][bp], *mq0 = q->mv[0][bq], *mq1 = q->mv[1][bq];
    if ((p0 >= 0) + (p1 >= 0) != (q0 >= 0) + (q1 >= 0))
        return 1;
    if (p0 < 0 || p1 < 0) {
        /* One vector each. */
        const int16_t *mp = p0 >= 0 ? mp0 : mp1, *mq = q0 >= 0 ? mq0 : mq1;
        return (p0 >= 0 ? p0 : p1) != (q0 >= 0 ? q0 : q1) || mvs_differ(mp, mq);
    }
    if (!((p0 == q0 && p1 == q1) || (p0 == q1 && p1 == q0)))
        return 1;
    if (p0 != p1) {
        /* Two different pictures: compare the vectors of each. */
        if (p0 == q0)
            return mvs_differ(mp0, mq0) || mvs_differ(mp1, mq1);
        return mvs_differ(mp0, mq1) || mvs_differ(mp1, mq0);
    }
    /* Both vectors of both blocks name one picture: strong unless they
     * match in one of the two pairings. */
    return (mvs_differ(mp0, mq0) || mvs_differ(mp1, mq1)) && (mvs_differ(mp0, mq1) || mvs_differ(mp1, mq0));
}

/* A vector's two components as one word, to compare them at once. */
static inline uint32_t mv_bits(const int16_t mv[2])
{
    uint32_t w;
    memcpy(&w, mv, sizeof(w));
    return w;
}

/* 1 if two blocks have the same reference indices and vectors in both
 * lists, which makes the motion bS 0 whatever pictures the indices name.
 * Neighbours that continue each other's motion, the common case, skip
 * motion_strength() this way. */
static inline int same_motion(const mb_state *p, int bp, const mb_state *q, int bq)
{
    int qp = quadrant_of(bp), qq = quadrant_of(bq);
    return p->ref[0][qp] == q->ref[0][qq] && p->ref[1][qp] == q->ref[1][qq] &&
           mv_bits(p->mv[0][bp]) == mv_bits(q->mv[0][bq]) && mv_bits(p->mv[1][bp]) == mv_bits(q->mv[1][bq]);
}

/* bS between block bp of p and block bq of q, both inter macroblocks. */
static inline int inter_strength(const deblock_params *prm, const mb_state *p, int bp, const mb_state *q, int bq)
{
    if (p->nnz[bp] | q->nnz[bq])
        return 2;
    return !same_motion(p, bp, q, bq) && motion_strength(prm, p, bp, q, bq);
}

/* 1 if every 4x4 block of m has the same vectors and references. */
static int uniform_motion(const mb_state *m)
{
    int same = 1;
    for (int list = 0; list < 2; list++) {
        const int8_t *ref = m->ref[list];
        same &= ref[1] == ref[0] && ref[2] == ref[0] && ref[3] == ref[0];
        if (ref[0] < 0)
            continue; /* unused list: its vectors are all zero */
        const uint32_t mv0 = mv_bits(m->mv[list][0]);
        for (int i = 1; i < 16; i++)
            same &= mv_bits(m->mv[list][i]) == mv0;
    }
    return same;
}

/* bS of one macroblock's edges: v[e] for the vertical edge at x = 4e, h[e]
 * for the horizontal edge at y = 4e (0 is the macroblock edge), byte i for
 * the segment of lines 4i..4i+3, i.e. tc0[i] of the kernels. */
typedef struct mb_strengths {
    uint8_t v[4][4], h[4][4];
} mb_strengths;

/* The internal edges of an inter macroblock. */
static void inner_strengths(const deblock_params *prm, const mb_state *m, mb_strengths *s)
{
    for (int e = 1; e < 4; e++)
        for (int i = 0; i < 4; i++) {
            int blk_v = 4 * i + e, blk_h = 4 * e + i;
            s->v[e][i] = (uint8_t)((m->nnz[blk_v - 1] | m->nnz[blk_v]) ? 2 : 0);
            s->h[e][i] = (uint8_t)((m->nnz[blk_h - 4] | m->nnz[blk_h]) ? 2 : 0);
        }
    /* One vector and reference for the whole macroblock, as in most
     * macroblocks of P and B pictures: inside it only coefficients make an
     * edge filtered. */
    if (uniform_motion(m))
        return;
    for (int e = 1; e < 4; e++)
        for (int i = 0; i < 4; i++) {
            int blk_v = 4 * i + e, blk_h = 4 * e + i;
            if (!s->v[e][i])
                s->v[e][i] = (uint8_t)(!same_motion(m, blk_v - 1, m, blk_v) &&
                                       motion_strength(prm, m, blk_v - 1, m, blk_v));
            if (!s->h[e][i])
                s->h[e][i] = (uint8_t)(!same_motion(m, blk_h - 4, m, blk_h) &&
                                       motion_strength(prm, m, blk_h - 4, m, blk_h));
        }
}

/* A macroblock edge between p and q: block bp + k * step of p meets block
 * bq + k * step of q in segment k. */
static void mb_edge_strengths(const deblock_params *prm, const mb_state *p, int bp, const mb_state *q, int bq,
                              int step, uint8_t bs[4])
{
    if (mb_type_is_intra(p->type) || mb_type_is_intra(q->type)) {
        memset(bs, 4, 4);
        return;
    }
    for (int k = 0; k < 4; k++, bp += step, bq += step)
        bs[k] = (uint8_t)inter_strength(prm, p, bp, q, bq);
}

/* ---- thresholds (8.7.2.2) and edge dispatch ---- */

/* alpha, beta and tC0 by bS (tc0_table) for one qPav. */
typedef struct edge_thresholds {
    int alpha, beta;
    const int8_t *tc0;
} edge_thresholds;

static inline edge_thresholds thresholds_for(int qp_avg, const deblock_params *p)
{
    int index_a = clip3(0, QP_MAX, qp_avg + p->alpha_c0_offset);
    int index_b = clip3(0, QP_MAX, qp_avg + p->beta_offset);
    return (edge_thresholds){ alpha_table[index_a], beta_table[index_b], tc0_table[index_a] };
}

/* 0 if the thresholds filter nothing (|p0 - q0| < 0 never holds) or no
 * segment has a nonzero bS. */
static inline int edge_active(const edge_thresholds *t, const uint8_t bs[4])
{
    uint32_t w;
    memcpy(&w, bs, sizeof(w));
    return w && t->alpha && t->beta;
}

/* bS is 4 on a whole edge or nowhere on it (4 needs an intra side, which
 * makes all of a macroblock edge 4). */
static inline void filter_edge(deblock_edge_fn normal, deblock_edge_intra_fn strong, uint8_t *pix,
                               ptrdiff_t stride, const edge_thresholds *t, const uint8_t bs[4])
{
    if (!edge_active(t, bs))
        return;
    if (bs[0] == 4) {
        strong(pix, stride, t->alpha, t->beta);
        return;
    }
    const int8_t tc0[4] = { t->tc0[bs[0]], t->tc0[bs[1]], t->tc0[bs[2]], t->tc0[bs[3]] };
    normal(pix, stride, t->alpha, t->beta, tc0);
}

/* filter_edge() for the edge at the same place in Cb and Cr. */
static inline void filter_chroma_edge(deblock_chroma_fn normal, deblock_chroma_intra_fn strong, uint8_t *cb,
                                      ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride,
                                      const edge_thresholds *t, const uint8_t bs[4])
{
    if (!edge_active(t, bs))
        return;
    if (bs[0] == 4) {
        strong(cb, cb_stride, cr, cr_stride, t->alpha, t->beta);
        return;
    }
    const int8_t tc0[4] = { t->tc0[bs[0]], t->tc0[bs[1]], t->tc0[bs[2]], t->tc0[bs[3]] };
    normal(cb, cb_stride, cr, cr_stride, t->alpha, t->beta, tc0);
}

/* qP of a macroblock for the filter: I_PCM counts as 0 (8.7.2.2). */
static inline int filter_qp(const mb_state *m)
{
    return m->type == MB_PCM ? 0 : m->qp;
}

/* Thresholds for the edge between a neighbour of qP qp_n and the current
 * macroblock (thresholds t_in at qP qp); the same ones when the qPs match,
 * as they do across most edges. */
static inline edge_thresholds neighbour_thresholds(int qp_n, int qp, const edge_thresholds *t_in,
                                                   const deblock_params *p)
{
    return qp_n == qp ? *t_in : thresholds_for((qp_n + qp + 1) >> 1, p);
}

static void deblock_mb(const deblock_dsp *dsp, const deblock_params *p, uint8_t *const plane[3],
                       const ptrdiff_t stride[3], const mb_state *cur, const mb_state *left,
                       const mb_state *top, int mb_x, int mb_y)
{
    mb_strengths s;
    if (mb_type_is_intra(cur->type)) {
        memset(&s, 3, sizeof(s));
        memset(s.v[0], 4, 4);
        memset(s.h[0], 4, 4);
    } else {
        inner_strengths(p, cur, &s);
        if (left)
            mb_edge_strengths(p, left, 3, cur, 0, 4, s.v[0]);
        if (top)
            mb_edge_strengths(p, top, 12, cur, 0, 1, s.h[0]);
    }
    /* Without a neighbour its edge is not filtered. */
    if (!left)
        memset(s.v[0], 0, 4);
    if (!top)
        memset(s.h[0], 0, 4);

    int qp = filter_qp(cur);
    int qp_left = left ? filter_qp(left) : qp;
    int qp_top = top ? filter_qp(top) : qp;
    ptrdiff_t ls = stride[0];
    uint8_t *y = plane[0] + 16 * mb_y * ls + 16 * mb_x;

    const edge_thresholds t_in = thresholds_for(qp, p);
    const edge_thresholds t_left = neighbour_thresholds(qp_left, qp, &t_in, p);
    const edge_thresholds t_top = neighbour_thresholds(qp_top, qp, &t_in, p);
    filter_edge(dsp->luma_v, dsp->luma_intra_v, y, ls, &t_left, s.v[0]);
    for (int e = 1; e < 4; e++)
        filter_edge(dsp->luma_v, dsp->luma_intra_v, y + 4 * e, ls, &t_in, s.v[e]);
    filter_edge(dsp->luma_h, dsp->luma_intra_h, y, ls, &t_top, s.h[0]);
    for (int e = 1; e < 4; e++)
        filter_edge(dsp->luma_h, dsp->luma_intra_h, y + 4 * e * ls, ls, &t_in, s.h[e]);

    /* Chroma takes the strengths of the luma edges at 0 and 8; chroma line
     * j lies against luma line 2j, so tc0 segment i covers lines 2i, 2i+1.
     * Each side's QPc comes from its own QPy before averaging. */
    uint32_t chroma_bs[4];
    memcpy(&chroma_bs[0], s.v[0], 4);
    memcpy(&chroma_bs[1], s.v[2], 4);
    memcpy(&chroma_bs[2], s.h[0], 4);
    memcpy(&chroma_bs[3], s.h[2], 4);
    if (!(chroma_bs[0] | chroma_bs[1] | chroma_bs[2] | chroma_bs[3]))
        return;
    int off = p->chroma_qp_index_offset;
    int qpc = chroma_qp_for(qp, off);
    const edge_thresholds tc_in = thresholds_for(qpc, p);
    const edge_thresholds tc_left = qp_left == qp ? tc_in
                                                  : thresholds_for((chroma_qp_for(qp_left, off) + qpc + 1) >> 1, p);
    const edge_thresholds tc_top = qp_top == qp ? tc_in
                                                : thresholds_for((chroma_qp_for(qp_top, off) + qpc + 1) >> 1, p);
    /* The planes do not interact: filtering Cb and Cr edge by edge gives
     * what Cb and then Cr would. */
    ptrdiff_t us = stride[1], vs = stride[2];
    uint8_t *u = plane[1] + 8 * mb_y * us + 8 * mb_x, *v = plane[2] + 8 * mb_y * vs + 8 * mb_x;
    filter_chroma_edge(dsp->chroma_v, dsp->chroma_intra_v, u, us, v, vs, &tc_left, s.v[0]);
    filter_chroma_edge(dsp->chroma_v, dsp->chroma_intra_v, u + 4, us, v + 4, vs, &tc_in, s.v[2]);
    filter_chroma_edge(dsp->chroma_h, dsp->chroma_intra_h, u, us, v, vs, &tc_top, s.h[0]);
    filter_chroma_edge(dsp->chroma_h, dsp->chroma_intra_h, u + 4 * us, us, v + 4 * vs, vs, &tc_in, s.h[2]);
}

void deblock_mb_row(const deblock_dsp *dsp, const deblock_params *p, uint8_t *const plane[3],
                    const ptrdiff_t stride[3], const mb_state *mbs, int mb_width, int mb_height, int mb_y)
{
    if (p->disable_idc == 1 || mb_y < 0 || mb_y >= mb_height)
        return;
    const mb_state *row = mbs + (ptrdiff_t)mb_y * mb_width;
    for (int mb_x = 0; mb_x < mb_width; mb_x++) {
        const mb_state *left = mb_x > 0 ? &row[mb_x - 1] : NULL;
        const mb_state *top = mb_y > 0 ? &row[mb_x - mb_width] : NULL;
        deblock_mb(dsp, p, plane, stride, &row[mb_x], left, top, mb_x, mb_y);
    }
}
