/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The in-loop deblocking filter (8.7): boundary strengths (8.7.2.1),
 * thresholds (8.7.2.2) and the C edge kernels (8.7.2.3, 8.7.2.4).
 */
#include <stdlib.h>

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

/* Table 8-17: tC0 by indexA, for bS = 1, 2, 3. */
static const uint8_t tc0_table[52][3] = {
    { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 },
    { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 },
    { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 1 },
    { 0, 0, 1 }, { 0, 0, 1 }, { 0, 0, 1 }, { 0, 1, 1 }, { 0, 1, 1 }, { 1, 1, 1 },
    { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 2 }, { 1, 1, 2 }, { 1, 1, 2 },
    { 1, 1, 2 }, { 1, 2, 3 }, { 1, 2, 3 }, { 2, 2, 3 }, { 2, 2, 4 }, { 2, 3, 4 },
    { 2, 3, 4 }, { 3, 3, 5 }, { 3, 4, 6 }, { 3, 4, 6 }, { 4, 5, 7 }, { 4, 5, 8 },
    { 4, 6, 9 }, { 5, 7, 10 }, { 6, 8, 11 }, { 6, 8, 13 }, { 7, 10, 14 }, { 8, 11, 16 },
    { 9, 12, 18 }, { 10, 13, 20 }, { 11, 15, 23 }, { 13, 17, 25 },
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

static decl_deblock_edge_fn(chroma_v_c)
{
    filter_edge_normal(pix, 1, stride, alpha, beta, tc0, 0);
}

static decl_deblock_edge_fn(chroma_h_c)
{
    filter_edge_normal(pix, stride, 1, alpha, beta, tc0, 0);
}

static decl_deblock_edge_intra_fn(chroma_intra_v_c)
{
    filter_edge_strong(pix, 1, stride, alpha, beta, 0);
}

static decl_deblock_edge_intra_fn(chroma_intra_h_c)
{
    filter_edge_strong(pix, stride, 1, alpha, beta, 0);
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

/* bS between 4x4 block bp of p and bq of q; mb_edge when p and q differ.
 * Frame macroblocks only, no 8x8 transform. */
static int boundary_strength(const deblock_params *prm, const mb_state *p, int bp, const mb_state *q, int bq,
                             int mb_edge)
{
    if (mb_type_is_intra(p->type) || mb_type_is_intra(q->type))
        return mb_edge ? 4 : 3;
    if (p->nnz[bp] || q->nnz[bq])
        return 2;
    return motion_strength(prm, p, bp, q, bq);
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
        for (int i = 1; i < 16; i++)
            same &= m->mv[list][i][0] == m->mv[list][0][0] && m->mv[list][i][1] == m->mv[list][0][1];
    }
    return same;
}

/* bs[e][i]: edge e (at 4e samples) of the given direction, segment i along
 * it. bs[0] is only filled when the neighbour exists. */
static void mb_boundary_strengths(const deblock_params *prm, const mb_state *cur, const mb_state *left,
                                  const mb_state *top, uint8_t bs_v[4][4], uint8_t bs_h[4][4])
{
    if (!mb_type_is_intra(cur->type) && uniform_motion(cur)) {
        /* One vector and reference for the whole macroblock: inside it only
         * coefficients can make an edge strong (bS 2) and nothing else can
         * make it 1. Most macroblocks of P and B pictures take this path. */
        for (int e = 1; e < 4; e++)
            for (int i = 0; i < 4; i++) {
                int blk_v = 4 * i + e, blk_h = 4 * e + i;
                bs_v[e][i] = (uint8_t)((cur->nnz[blk_v - 1] | cur->nnz[blk_v]) ? 2 : 0);
                bs_h[e][i] = (uint8_t)((cur->nnz[blk_h - 4] | cur->nnz[blk_h]) ? 2 : 0);
            }
        for (int i = 0; i < 4; i++) {
            if (left)
                bs_v[0][i] = (uint8_t)boundary_strength(prm, left, 4 * i + 3, cur, 4 * i, 1);
            if (top)
                bs_h[0][i] = (uint8_t)boundary_strength(prm, top, 12 + i, cur, i, 1);
        }
        return;
    }
    for (int e = 0; e < 4; e++) {
        for (int i = 0; i < 4; i++) {
            int blk_v = 4 * i + e, blk_h = 4 * e + i;
            if (e) {
                bs_v[e][i] = (uint8_t)boundary_strength(prm, cur, blk_v - 1, cur, blk_v, 0);
                bs_h[e][i] = (uint8_t)boundary_strength(prm, cur, blk_h - 4, cur, blk_h, 0);
            } else {
                if (left)
                    bs_v[0][i] = (uint8_t)boundary_strength(prm, left, blk_v + 3, cur, blk_v, 1);
                if (top)
                    bs_h[0][i] = (uint8_t)boundary_strength(prm, top, blk_h + 12, cur, blk_h, 1);
            }
        }
    }
}

/* ---- thresholds (8.7.2.2) and edge dispatch ---- */

typedef struct edge_kernels {
    deblock_edge_fn normal;
    deblock_edge_intra_fn strong;
} edge_kernels;

/* alpha, beta and the tC0 row of Table 8-17 for one qPav (8.7.2.2), worked
 * out once per macroblock for each qPav its edges use. */
typedef struct edge_thresholds {
    int alpha, beta;
    const uint8_t *tc0;
} edge_thresholds;

static edge_thresholds thresholds_for(int qp_avg, const deblock_params *p)
{
    int index_a = clip3(0, QP_MAX, qp_avg + p->alpha_c0_offset);
    int index_b = clip3(0, QP_MAX, qp_avg + p->beta_offset);
    return (edge_thresholds){ alpha_table[index_a], beta_table[index_b], tc0_table[index_a] };
}

/* bs holds one strength per tc0 segment. bS is 4 on a whole edge or
 * nowhere on it (4 needs an intra side, which makes all of a macroblock
 * edge 4). */
static void filter_edge(const edge_kernels *k, uint8_t *pix, ptrdiff_t stride, const edge_thresholds *t,
                        const uint8_t bs[4])
{
    if (!(bs[0] | bs[1] | bs[2] | bs[3]))
        return;
    /* |p0 - q0| < 0 never holds: nothing on this edge changes. */
    if (!t->alpha || !t->beta)
        return;
    if (bs[0] == 4) {
        k->strong(pix, stride, t->alpha, t->beta);
        return;
    }
    int8_t tc0[4];
    for (int i = 0; i < 4; i++)
        tc0[i] = bs[i] ? (int8_t)t->tc0[bs[i] - 1] : -1;
    k->normal(pix, stride, t->alpha, t->beta, tc0);
}

/* qP of a macroblock for the filter: I_PCM counts as 0 (8.7.2.2). */
static inline int filter_qp(const mb_state *m)
{
    return m->type == MB_PCM ? 0 : m->qp;
}

static void deblock_mb(const deblock_dsp *dsp, const deblock_params *p, uint8_t *const plane[3],
                       const ptrdiff_t stride[3], const mb_state *cur, const mb_state *left,
                       const mb_state *top, int mb_x, int mb_y)
{
    uint8_t bs_v[4][4], bs_h[4][4];
    mb_boundary_strengths(p, cur, left, top, bs_v, bs_h);

    const edge_kernels luma_v = { dsp->luma_v, dsp->luma_intra_v };
    const edge_kernels luma_h = { dsp->luma_h, dsp->luma_intra_h };
    const edge_kernels chroma_v = { dsp->chroma_v, dsp->chroma_intra_v };
    const edge_kernels chroma_h = { dsp->chroma_h, dsp->chroma_intra_h };

    int qp = filter_qp(cur);
    int qp_left = left ? filter_qp(left) : 0;
    int qp_top = top ? filter_qp(top) : 0;
    ptrdiff_t ls = stride[0];
    uint8_t *y = plane[0] + 16 * mb_y * ls + 16 * mb_x;

    const edge_thresholds t_in = thresholds_for(qp, p);
    edge_thresholds t_left = t_in, t_top = t_in;
    if (left) {
        t_left = thresholds_for((qp_left + qp + 1) >> 1, p);
        filter_edge(&luma_v, y, ls, &t_left, bs_v[0]);
    }
    for (int e = 1; e < 4; e++)
        filter_edge(&luma_v, y + 4 * e, ls, &t_in, bs_v[e]);
    if (top) {
        t_top = thresholds_for((qp_top + qp + 1) >> 1, p);
        filter_edge(&luma_h, y, ls, &t_top, bs_h[0]);
    }
    for (int e = 1; e < 4; e++)
        filter_edge(&luma_h, y + 4 * e * ls, ls, &t_in, bs_h[e]);

    /* Chroma takes the strengths of the luma edges at 0 and 8; chroma line
     * j lies against luma line 2j, so tc0 segment i covers lines 2i, 2i+1.
     * Each side's QPc comes from its own QPy before averaging. */
    int off = p->chroma_qp_index_offset;
    int qpc = chroma_qp_for(qp, off);
    const edge_thresholds tc_in = thresholds_for(qpc, p);
    edge_thresholds tc_left = tc_in, tc_top = tc_in;
    if (left)
        tc_left = thresholds_for((chroma_qp_for(qp_left, off) + qpc + 1) >> 1, p);
    if (top)
        tc_top = thresholds_for((chroma_qp_for(qp_top, off) + qpc + 1) >> 1, p);
    for (int c = 1; c < 3; c++) {
        ptrdiff_t cs = stride[c];
        uint8_t *u = plane[c] + 8 * mb_y * cs + 8 * mb_x;
        if (left)
            filter_edge(&chroma_v, u, cs, &tc_left, bs_v[0]);
        filter_edge(&chroma_v, u + 4, cs, &tc_in, bs_v[2]);
        if (top)
            filter_edge(&chroma_h, u, cs, &tc_top, bs_h[0]);
        filter_edge(&chroma_h, u + 4 * cs, cs, &tc_in, bs_h[2]);
    }
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
