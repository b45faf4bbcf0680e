/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The in-loop deblocking filter (8.7): boundary strengths (8.7.2.1),
 * and thresholds (8.7.2.2); the edge kernels are in dsp/deblock.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_fallback/deblock.h"
#include "cpu_fallback/internal.h"

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
    const int qp = quadrant_of(bp), qq = quadrant_of(bq);
    /* Both from list 0 alone, as throughout P pictures: one picture and
     * one vector each. */
    if ((p->ref[1][qp] & q->ref[1][qq]) < 0 && (p->ref[0][qp] | q->ref[0][qq]) >= 0)
        return ref_picture(prm, p, 0, bp) != ref_picture(prm, q, 0, bq) || mvs_differ(p->mv[0][bp], q->mv[0][bq]);
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

/* bS 1 (rather than 0) between two inter blocks without coefficients. */
static inline int motion_differs(const deblock_params *prm, const mb_state *p, int bp, const mb_state *q, int bq)
{
    return !same_motion(p, bp, q, bq) && motion_strength(prm, p, bp, q, bq);
}

/* 1 if every 4x4 block of m has the same vectors and references. The
 * vectors of an unused list (reference -1 throughout) do not matter. */
static int uniform_motion(const mb_state *m)
{
    /* Both lists' four references in one word: each byte equals its
     * neighbour within each half, whatever the byte order. */
    uint64_t refs;
    memcpy(&refs, m->ref, sizeof(refs));
    uint64_t diff = (refs ^ (refs >> 8)) & 0x00ffffff00ffffffull;
    for (int list = 0; list < 2; list++) {
        if (m->ref[list][0] < 0)
            continue;
        /* Two vectors per word. */
        uint64_t mv[8];
        memcpy(mv, m->mv[list], sizeof(mv));
        for (int i = 1; i < 8; i++)
            diff |= mv[i] ^ mv[0];
        diff |= (mv[0] >> 32) ^ (mv[0] & 0xffffffffu);
    }
    return !diff;
}

/* 1 if the bottom row of blocks of m (12..15) has one vector and reference
 * per list, the part of the macroblock above that its bottom edge sees. */
static int bottom_row_uniform(const mb_state *m)
{
    uint32_t diff = 0;
    for (int list = 0; list < 2; list++) {
        const uint32_t mv = mv_bits(m->mv[list][12]);
        diff |= (uint32_t)(m->ref[list][2] ^ m->ref[list][3]);
        diff |= (mv_bits(m->mv[list][13]) ^ mv) | (mv_bits(m->mv[list][14]) ^ mv) | (mv_bits(m->mv[list][15]) ^ mv);
    }
    return !diff;
}

/*
 * The glue holds which segments of an edge have which strength as 4-bit
 * masks, bit i for segment i (luma lines 4i..4i+3, chroma lines 2i, 2i+1),
 * the four edges of a direction side by side in 16 bits: nibble e for the
 * edge at 4e samples. Coefficients come as a 16-bit mask with bit 4y + x
 * for the 4x4 block at (x, y): its rows are the segment masks of the
 * horizontal edges, and its transpose's rows those of the vertical ones.
 */

/* Bit b set where 4x4 block b of m has coefficients. A count is at most
 * 16, so adding 0x7f to its byte sets the top bit exactly when it is
 * nonzero and never carries into the next byte. The multiplication moves
 * the top bit of byte k (bit 8k + 7) to bit 56 + k; every other product
 * term lands either above bit 63 or below bit 56, each on a bit of its own,
 * so nothing carries into the result. */
static inline unsigned coded_blocks(const mb_state *m)
{
    unsigned blocks = 0;
    for (int half = 0; half < 2; half++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w |= (uint64_t)m->nnz[8 * half + k] << (8 * k);
        w = (w + 0x7f7f7f7f7f7f7f7full) & 0x8080808080808080ull;
        blocks |= (unsigned)((w * 0x0002040810204081ull) >> 56) << (8 * half);
    }
    /* With the 8x8 transform a block counts as coded when its 8x8 block
     * has coefficients (8.7.2.1); CAVLC counts them per 4x4 part. */
    if (m->transform_8x8) {
        const unsigned any = (blocks | blocks >> 1 | blocks >> 4 | blocks >> 5) & 0x0505u;
        blocks = any * 0x33u;
    }
    return blocks;
}

/* Luma edges 1 and 3 (nibbles) lie inside 8x8 transform blocks and are
 * not filtered (8.7: transform_size_8x8_flag); chroma reads only 0 and 2. */
#define EDGES_OF_8x8_TRANSFORM 0x0f0fu

/* The 4x4 bit matrix of a block mask transposed (bit 4y + x to 4x + y):
 * two rounds of swapping the off-diagonal bits of 2x2 tiles, first within
 * the 2x2 blocks of bits, then the 2x2 blocks themselves. */
static inline unsigned transpose_blocks(unsigned b)
{
    unsigned t = (b ^ (b >> 3)) & 0x0a0au;
    b ^= t ^ (t << 3);
    t = (b ^ (b >> 6)) & 0x00ccu;
    return b ^ t ^ (t << 6);
}

/* The segments of the internal edges (nibbles 1..3) where a block on
 * either side has coefficients, from the rows of a block mask: nibble e
 * from rows e - 1 and e. */
static inline unsigned internal_coef(unsigned rows)
{
    return ((rows << 4) | rows) & 0xfff0u;
}

/* The strengths of one macroblock's edges, in direction d (0: vertical
 * edges, 1: horizontal) as nibbles per edge: coef[d] has the segments of
 * bS 2 (coefficients on a side), or of bS 3 inside an intra macroblock,
 * motion[d] those of bS 1. strong[d] says the macroblock edge of that
 * direction is bS 4 throughout. Edges without a neighbour are empty. */
typedef struct mb_edges {
    unsigned coef[2], motion[2];
    int strong[2];
    int coef_bs;
} mb_edges;

/* The motion segments of a macroblock edge between p and q: block
 * bp + k * step of p meets block bq + k * step of q in segment k. uniform:
 * each side's four blocks share their motion, so one comparison does. */
static unsigned edge_motion(const deblock_params *prm, const mb_state *p, int bp, const mb_state *q, int bq,
                            int step, unsigned coef, int uniform)
{
    if (coef == 0xf)
        return 0;
    if (uniform)
        return motion_differs(prm, p, bp, q, bq) ? ~coef & 0xf : 0;
    unsigned motion = 0;
    for (int k = 0; k < 4; k++, bp += step, bq += step)
        if (!(coef >> k & 1) && motion_differs(prm, p, bp, q, bq))
            motion |= 1u << k;
    return motion;
}

/* An inter macroblock: blocks and uniform are its coded_blocks() and
 * uniform_motion(), left_blocks and left_uniform those of its left
 * neighbour. */
static void inter_mb_edges(const deblock_params *prm, const mb_state *cur, unsigned blocks, int uniform,
                           const mb_state *left, unsigned left_blocks, int left_uniform, const mb_state *top,
                           mb_edges *ed)
{
    const unsigned columns = transpose_blocks(blocks);
    *ed = (mb_edges){ .coef = { internal_coef(columns), internal_coef(blocks) }, .coef_bs = 2 };
    /* One vector and reference for the whole macroblock, as in most
     * macroblocks of P and B pictures: inside it only coefficients make an
     * edge filtered. */
    if (!uniform) {
        for (int e = 1; e < 4; e++)
            for (int i = 0; i < 4; i++) {
                const unsigned bit = 1u << (4 * e + i);
                int blk_v = 4 * i + e, blk_h = 4 * e + i;
                if (!(ed->coef[0] & bit) && motion_differs(prm, cur, blk_v - 1, cur, blk_v))
                    ed->motion[0] |= bit;
                if (!(ed->coef[1] & bit) && motion_differs(prm, cur, blk_h - 4, cur, blk_h))
                    ed->motion[1] |= bit;
            }
    }
    if (left) {
        if (mb_type_is_intra(left->type)) {
            ed->strong[0] = 1;
        } else {
            /* Column 3 of the neighbour and column 0 of this one. */
            unsigned coef = (transpose_blocks(left_blocks) >> 12) | (columns & 0xf);
            ed->coef[0] |= coef;
            ed->motion[0] |= edge_motion(prm, left, 3, cur, 0, 4, coef, left_uniform && uniform);
        }
    }
    if (top) {
        if (mb_type_is_intra(top->type)) {
            ed->strong[1] = 1;
        } else {
            unsigned coef = (coded_blocks(top) >> 12) | (blocks & 0xf);
            ed->coef[1] |= coef;
            ed->motion[1] |= edge_motion(prm, top, 12, cur, 0, 1, coef, uniform && bottom_row_uniform(top));
        }
    }
}

/* An intra macroblock: bS 3 inside, 4 on the macroblock edges. */
static void intra_mb_edges(const mb_state *left, const mb_state *top, mb_edges *ed)
{
    *ed = (mb_edges){ .coef = { 0xfff0, 0xfff0 }, .strong = { left != NULL, top != NULL }, .coef_bs = 3 };
}

/* ---- thresholds (8.7.2.2) and edge dispatch ---- */

/* 0xff in byte i where bit i of a segment mask is set. */
static const uint32_t segment_bytes[16] = {
    0x00000000, 0x000000ff, 0x0000ff00, 0x0000ffff, 0x00ff0000, 0x00ff00ff, 0x00ffff00, 0x00ffffff,
    0xff000000, 0xff0000ff, 0xff00ff00, 0xff00ffff, 0xffff0000, 0xffff00ff, 0xffffff00, 0xffffffff,
};

/* alpha, beta and tC0 of Table 8-17 for one qPav; tc0_bytes[bS - 1] holds
 * tC0 in each byte. */
typedef struct edge_thresholds {
    int alpha, beta;
    uint32_t tc0_bytes[3];
} edge_thresholds;

static inline edge_thresholds thresholds_for(int qp_avg, const deblock_params *p)
{
    int index_a = clip3(0, QP_MAX, qp_avg + p->alpha_c0_offset);
    int index_b = clip3(0, QP_MAX, qp_avg + p->beta_offset);
    const uint8_t *tc0 = tc0_table[index_a];
    return (edge_thresholds){ alpha_table[index_a], beta_table[index_b],
                              { 0x01010101u * tc0[0], 0x01010101u * tc0[1], 0x01010101u * tc0[2] } };
}

/* 0 if the thresholds filter nothing: |p0 - q0| < 0 never holds. */
static inline int thresholds_pass(const edge_thresholds *t)
{
    return t->alpha && t->beta;
}

/* The kernel arguments for direction d (0 vertical, 1 horizontal) of a
 * macroblock: its luma edges, or with step 2 its chroma edges, which lie on
 * the luma edges 0 and 8 and take their strengths (chroma line j lies
 * against luma line 2j, so segment i covers lines 2i, 2i+1). t_mb are the
 * thresholds of the macroblock edge, t_in those inside. Returns 0 if no
 * edge is filtered. */
static inline int edge_args(deblock_edges *args, const mb_edges *ed, int d, int step,
                            const edge_thresholds *t_mb, const edge_thresholds *t_in)
{
    const unsigned coef = ed->coef[d], motion = ed->motion[d];
    const edge_thresholds *t[2] = { t_mb, t_in };
    /* tC0 in every byte for the coefficient and the motion segments. */
    uint32_t tc_coef[2], tc_motion[2];
    int pass[2];
    for (int i = 0; i < 2; i++) {
        args->alpha[i] = t[i]->alpha;
        args->beta[i] = t[i]->beta;
        pass[i] = thresholds_pass(t[i]);
        tc_coef[i] = t[i]->tc0_bytes[ed->coef_bs - 1];
        tc_motion[i] = t[i]->tc0_bytes[0];
    }
    int any = 0;
    for (int k = 0; k < 4 / step; k++) {
        const unsigned e = (unsigned)(k * step), c = (coef >> (4 * e)) & 0xf, m = (motion >> (4 * e)) & 0xf;
        int mode = DEBLOCK_SKIP;
        if (pass[k > 0]) {
            if (!k && ed->strong[d]) {
                mode = DEBLOCK_STRONG;
            } else if (c | m) {
                /* tC0 for bS coef_bs or 1, -1 elsewhere: built in a
                 * register, byte i for segment i, and written as bytes in
                 * order, which the compiler merges to one store (so the
                 * kernel's 4-byte load forwards from it). */
                const uint32_t cb = segment_bytes[c], mb = segment_bytes[m];
                const uint32_t w = (cb & tc_coef[k > 0]) | (mb & tc_motion[k > 0]) | ~(cb | mb);
                for (int i = 0; i < 4; i++)
                    args->tc0[k][i] = (int8_t)(uint8_t)(w >> (8 * i));
                mode = DEBLOCK_NORMAL;
            }
        }
        args->mode[k] = (uint8_t)mode;
        any |= mode;
    }
    return any;
}

/* 1 if direction d of the macroblock has an edge to filter; chroma: only
 * edges 0 and 2 count. */
static inline int edges_in(const mb_edges *ed, int d, int chroma)
{
    return ed->strong[d] || ((ed->coef[d] | ed->motion[d]) & (chroma ? 0x0f0fu : 0xffffu));
}

/* qP of a macroblock for the filter: I_PCM counts as 0 (8.7.2.2). */
static inline int filter_qp(const mb_state *m)
{
    return m->type == MB_PCM ? 0 : m->qp;
}

/* Thresholds for the edge between a neighbour of qP qp_n and the current
 * macroblock (thresholds t_in at qP qp): t_in itself when the qPs match, as
 * they do across most edges, else new ones in *storage. Pointers rather
 * than copies: gcc copies these structs through the stack in pieces too
 * small to forward to its wide reloads. */
static inline const edge_thresholds *neighbour_thresholds(edge_thresholds *storage, int qp_n, int qp,
                                                          const edge_thresholds *t_in, const deblock_params *p)
{
    if (qp_n == qp)
        return t_in;
    *storage = thresholds_for((qp_n + qp + 1) >> 1, p);
    return storage;
}

/* The thresholds inside a macroblock, luma and chroma, for its qP. The
 * row keeps them from one macroblock to the next and works them out again
 * only when the qP changes, which it seldom does. */
typedef struct mb_thresholds {
    int qp, qpc; /* qp -1: none yet */
    edge_thresholds luma, chroma;
} mb_thresholds;

static void update_thresholds(mb_thresholds *t, int qp, const deblock_params *p)
{
    if (qp == t->qp)
        return;
    t->qp = qp;
    t->qpc = chroma_qp_for(qp, p->chroma_qp_index_offset);
    t->luma = thresholds_for(qp, p);
    t->chroma = thresholds_for(t->qpc, p);
}

/* Filters the edges of one macroblock (8.7), whose strengths are ed and
 * internal thresholds in. */
static void filter_mb(const deblock_dsp *dsp, const deblock_params *p, uint8_t *const plane[3],
                      const ptrdiff_t stride[3], const mb_edges *ed, const mb_thresholds *in, const mb_state *left,
                      const mb_state *top, int mb_x, int mb_y)
{
    int qp = in->qp;
    int qp_left = left ? filter_qp(left) : qp;
    int qp_top = top ? filter_qp(top) : qp;
    ptrdiff_t ls = stride[0];
    uint8_t *y = plane[0] + 16 * mb_y * ls + 16 * mb_x;

    edge_thresholds t[2];
    const edge_thresholds *t_left = neighbour_thresholds(&t[0], qp_left, qp, &in->luma, p);
    const edge_thresholds *t_top = neighbour_thresholds(&t[1], qp_top, qp, &in->luma, p);
    deblock_edges args;
    if (edges_in(ed, 0, 0) && edge_args(&args, ed, 0, 1, t_left, &in->luma))
        dsp->luma_v(y, ls, &args);
    if (edges_in(ed, 1, 0) && edge_args(&args, ed, 1, 1, t_top, &in->luma))
        dsp->luma_h(y, ls, &args);

    const int chroma_v = edges_in(ed, 0, 1), chroma_h = edges_in(ed, 1, 1);
    if (!(chroma_v | chroma_h))
        return;
    /* Each side's QPc comes from its own QPy before averaging. The planes
     * do not interact: filtering Cb and Cr direction by direction gives
     * what Cb and then Cr would. */
    int off = p->chroma_qp_index_offset;
    int qpc = in->qpc;
    int qpc_left = qp_left == qp ? qpc : chroma_qp_for(qp_left, off);
    int qpc_top = qp_top == qp ? qpc : chroma_qp_for(qp_top, off);
    t_left = neighbour_thresholds(&t[0], qpc_left, qpc, &in->chroma, p);
    t_top = neighbour_thresholds(&t[1], qpc_top, qpc, &in->chroma, p);
    ptrdiff_t us = stride[1], vs = stride[2];
    uint8_t *u = plane[1] + 8 * mb_y * us + 8 * mb_x, *v = plane[2] + 8 * mb_y * vs + 8 * mb_x;
    if (chroma_v && edge_args(&args, ed, 0, 2, t_left, &in->chroma))
        dsp->chroma_v(u, us, v, vs, &args);
    if (chroma_h && edge_args(&args, ed, 1, 2, t_top, &in->chroma))
        dsp->chroma_h(u, us, v, vs, &args);
}

void deblock_mb_row(const deblock_dsp *dsp, const deblock_params *p, uint8_t *const plane[3],
                    const ptrdiff_t stride[3], const mb_state *mbs, int mb_width, int mb_height, int mb_y)
{
    if (p->disable_idc == 1 || mb_y < 0 || mb_y >= mb_height)
        return;
    const mb_state *row = mbs + (ptrdiff_t)mb_y * mb_width;
    mb_thresholds in = { .qp = -1 };
    /* What the left neighbour's edge needs of it, from its own turn. */
    unsigned left_blocks = 0;
    int left_uniform = 0;
    for (int mb_x = 0; mb_x < mb_width; mb_x++) {
        const mb_state *cur = &row[mb_x];
        const mb_state *left = mb_x > 0 ? &row[mb_x - 1] : NULL;
        const mb_state *top = mb_y > 0 ? &row[mb_x - mb_width] : NULL;
        mb_edges ed;
        unsigned blocks = coded_blocks(cur);
        int uniform = 0;
        if (mb_type_is_intra(cur->type)) {
            intra_mb_edges(left, top, &ed);
        } else {
            uniform = uniform_motion(cur);
            inter_mb_edges(p, cur, blocks, uniform, left, left_blocks, left_uniform, top, &ed);
        }
        if (cur->transform_8x8) {
            for (int d = 0; d < 2; d++) {
                ed.coef[d] &= EDGES_OF_8x8_TRANSFORM;
                ed.motion[d] &= EDGES_OF_8x8_TRANSFORM;
            }
        }
        update_thresholds(&in, filter_qp(cur), p);
        filter_mb(dsp, p, plane, stride, &ed, &in, left, top, mb_x, mb_y);
        left_blocks = blocks;
        left_uniform = uniform;
    }
}
