/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The edge filters of 8.7.2.3 and 8.7.2.4 on 16-bit lanes, one line across
 * the edge per lane, shared by deblock_sse2.c (8 lanes) and deblock_avx2.c
 * (16 lanes). Every intermediate of the standard's formulas fits 16 bits,
 * so the results are exact by construction; values out of 0..255 are
 * clipped by the caller's final pack.
 *
 * Include after defining VEC (the vector type), V(op) (the intrinsic for
 * op, e.g. _mm_add_epi16 or _mm256_add_epi16), VSI(op) (the whole-register
 * logic ops, _mm_and_si128 or _mm256_and_si256), ALWAYS_INLINE, and the two
 * helpers whose best form differs between the ISAs:
 *   absdiff16(a, b)        |a - b|
 *   select16(mask, a, b)   a where mask is set, else b
 */
#ifndef HWENC_CPU_X86_DEBLOCK_TEMPLATE_H
#define HWENC_CPU_X86_DEBLOCK_TEMPLATE_H

/* p[k] is pk, q[k] is qk, one line per 16-bit lane. */
typedef struct edge16 {
    VEC p[4], q[4];
} edge16;

ALWAYS_INLINE VEC lt16(VEC a, VEC b)
{
    return V(cmpgt_epi16)(b, a);
}

ALWAYS_INLINE VEC clip16(VEC v, VEC lo, VEC hi)
{
    return V(min_epi16)(V(max_epi16)(v, lo), hi);
}

/* |p0 - q0| < alpha && |p1 - p0| < beta && |q1 - q0| < beta. */
ALWAYS_INLINE VEC filter_mask(const edge16 *e, VEC alpha, VEC beta)
{
    return VSI(and)(lt16(absdiff16(e->p[0], e->q[0]), alpha),
                    VSI(and)(lt16(absdiff16(e->p[1], e->p[0]), beta), lt16(absdiff16(e->q[1], e->q[0]), beta)));
}

/* The p0/q0 update shared by luma and chroma: delta clipped to +-tc. */
ALWAYS_INLINE void filter_p0q0(edge16 *e, VEC tc, VEC mask)
{
    VEC d = V(add_epi16)(V(slli_epi16)(V(sub_epi16)(e->q[0], e->p[0]), 2), V(sub_epi16)(e->p[1], e->q[1]));
    d = V(srai_epi16)(V(add_epi16)(d, V(set1_epi16)(4)), 3);
    d = VSI(and)(clip16(d, V(sub_epi16)(VSI(setzero)(), tc), tc), mask);
    e->p[0] = V(add_epi16)(e->p[0], d);
    e->q[0] = V(sub_epi16)(e->q[0], d);
}

/* bS < 4, luma. tc0 is -1 in lanes left alone. */
ALWAYS_INLINE void luma_normal(edge16 *e, VEC alpha, VEC beta, VEC tc0)
{
    const VEC mask = VSI(and)(filter_mask(e, alpha, beta), V(cmpgt_epi16)(tc0, V(set1_epi16)(-1)));
    const VEC ap = VSI(and)(lt16(absdiff16(e->p[2], e->p[0]), beta), mask);
    const VEC aq = VSI(and)(lt16(absdiff16(e->q[2], e->q[0]), beta), mask);
    const VEC neg_tc0 = V(sub_epi16)(VSI(setzero)(), tc0);
    const VEC avg = V(avg_epu16)(e->p[0], e->q[0]); /* (p0 + q0 + 1) >> 1 */
    VEC dp = V(srai_epi16)(V(sub_epi16)(V(add_epi16)(e->p[2], avg), V(slli_epi16)(e->p[1], 1)), 1);
    VEC dq = V(srai_epi16)(V(sub_epi16)(V(add_epi16)(e->q[2], avg), V(slli_epi16)(e->q[1], 1)), 1);
    dp = VSI(and)(clip16(dp, neg_tc0, tc0), ap);
    dq = VSI(and)(clip16(dq, neg_tc0, tc0), aq);
    /* tC = tC0 + ap + aq; the masks are -1 where true. */
    const VEC tc = V(sub_epi16)(V(sub_epi16)(tc0, ap), aq);
    filter_p0q0(e, tc, mask);
    e->p[1] = V(add_epi16)(e->p[1], dp);
    e->q[1] = V(add_epi16)(e->q[1], dq);
}

ALWAYS_INLINE void chroma_normal(edge16 *e, VEC alpha, VEC beta, VEC tc0)
{
    const VEC mask = VSI(and)(filter_mask(e, alpha, beta), V(cmpgt_epi16)(tc0, V(set1_epi16)(-1)));
    filter_p0q0(e, V(add_epi16)(tc0, V(set1_epi16)(1)), mask);
}

/* (2 * x1 + x0 + y1 + 2) >> 2, the weak bS == 4 update of x0. */
ALWAYS_INLINE VEC strong_weak0(VEC x0, VEC x1, VEC y1)
{
    return V(srli_epi16)(V(add_epi16)(V(add_epi16)(V(slli_epi16)(x1, 1), x0), V(add_epi16)(y1, V(set1_epi16)(2))),
                         2);
}

/* One side of the luma bS == 4 filter: x are the samples on that side
 * (x[0] next to the edge), y the other side's. */
ALWAYS_INLINE void luma_strong_side(VEC x[4], const VEC y[4], VEC strong, VEC mask)
{
    const VEC c2 = V(set1_epi16)(2), c4 = V(set1_epi16)(4);
    const VEC sum = V(add_epi16)(V(add_epi16)(x[1], x[0]), y[0]); /* x1 + x0 + y0 */
    const VEC n0 = V(srli_epi16)(V(add_epi16)(V(add_epi16)(x[2], V(slli_epi16)(sum, 1)), V(add_epi16)(y[1], c4)), 3);
    const VEC n1 = V(srli_epi16)(V(add_epi16)(V(add_epi16)(x[2], sum), c2), 2);
    const VEC n2 = V(srli_epi16)(V(add_epi16)(V(add_epi16)(V(slli_epi16)(x[3], 1), x[2]),
                                              V(add_epi16)(V(add_epi16)(V(slli_epi16)(x[2], 1), sum), c4)),
                                 3);
    const VEC weak = strong_weak0(x[0], x[1], y[1]);
    const VEC s = VSI(and)(strong, mask);
    x[0] = select16(mask, select16(strong, n0, weak), x[0]);
    x[1] = select16(s, n1, x[1]);
    x[2] = select16(s, n2, x[2]);
}

ALWAYS_INLINE void luma_strong(edge16 *e, VEC alpha, VEC beta)
{
    const VEC mask = filter_mask(e, alpha, beta);
    const VEC small_gap = lt16(absdiff16(e->p[0], e->q[0]), V(add_epi16)(V(srai_epi16)(alpha, 2), V(set1_epi16)(2)));
    const VEC sp = VSI(and)(small_gap, lt16(absdiff16(e->p[2], e->p[0]), beta));
    const VEC sq = VSI(and)(small_gap, lt16(absdiff16(e->q[2], e->q[0]), beta));
    /* Each side reads the other's unfiltered samples. */
    VEC p[4], q[4];
    memcpy(p, e->p, sizeof(p));
    memcpy(q, e->q, sizeof(q));
    luma_strong_side(e->p, q, sp, mask);
    luma_strong_side(e->q, p, sq, mask);
}

ALWAYS_INLINE void chroma_strong(edge16 *e, VEC alpha, VEC beta)
{
    const VEC mask = filter_mask(e, alpha, beta);
    const VEC p0 = strong_weak0(e->p[0], e->p[1], e->q[1]);
    const VEC q0 = strong_weak0(e->q[0], e->q[1], e->p[1]);
    e->p[0] = select16(mask, p0, e->p[0]);
    e->q[0] = select16(mask, q0, e->q[0]);
}

/* Chroma vertical edges: t[k] holds rows 2k and 2k + 1 of columns p1, p0,
 * q0, q1 as interleaved bytes (in each 128-bit lane); the columns become
 * the edge's p1, p0, q0 and q1, one row per 16-bit lane. */
ALWAYS_INLINE void edge16_from_columns(edge16 *e, const VEC t[4])
{
    const VEC z = VSI(setzero)();
    const VEC u0 = V(unpacklo_epi16)(t[0], t[1]); /* rows 0..3, cols 0..3 */
    const VEC u1 = V(unpacklo_epi16)(t[2], t[3]); /* rows 4..7 */
    const VEC c01 = V(unpacklo_epi32)(u0, u1);    /* col 0 | col 1 */
    const VEC c23 = V(unpackhi_epi32)(u0, u1);    /* col 2 | col 3 */
    e->p[1] = V(unpacklo_epi8)(c01, z);
    e->p[0] = V(unpackhi_epi8)(c01, z);
    e->q[0] = V(unpacklo_epi8)(c23, z);
    e->q[1] = V(unpackhi_epi8)(c23, z);
}

/* The luma horizontal-edge entry point: the strong filter only ever
 * applies to edge 0, which comes first, then the normal edges, through the
 * including file's luma_edge_h(pix, stride, alpha, beta, tc0, strong). */
#define DEBLOCK_LUMA_H_ENTRY_POINT(isa) \
decl_deblock_luma_fn(deblock_luma_h_##isa) \
{ \
    if (e->mode[0] == DEBLOCK_STRONG) \
        luma_edge_h(pix, stride, e->alpha[0], e->beta[0], NULL, 1); \
    _Pragma("GCC unroll 4") \
    for (int k = 0; k < 4; k++) \
        if (e->mode[k] == DEBLOCK_NORMAL) \
            luma_edge_h(pix + 4 * k * stride, stride, e->alpha[k > 0], e->beta[k > 0], e->tc0[k], 0); \
}

/* The chroma entry points: the bS 4 edge 0, then the normal edges 0 and 4
 * of one direction, through the including file's chroma_edge(cb, cb_stride,
 * cr, cr_stride, alpha, beta, tc0, strong, vertical). */
#define DEBLOCK_CHROMA_ENTRY_POINTS(isa) \
decl_deblock_chroma_fn(deblock_chroma_h_##isa) \
{ \
    if (e->mode[0] == DEBLOCK_STRONG) \
        chroma_edge(cb, cb_stride, cr, cr_stride, e->alpha[0], e->beta[0], NULL, 1, 0); \
    _Pragma("GCC unroll 2") \
    for (int k = 0; k < 2; k++) \
        if (e->mode[k] == DEBLOCK_NORMAL) \
            chroma_edge(cb + 4 * k * cb_stride, cb_stride, cr + 4 * k * cr_stride, cr_stride, e->alpha[k > 0], \
                        e->beta[k > 0], e->tc0[k], 0, 0); \
} \
\
decl_deblock_chroma_fn(deblock_chroma_v_##isa) \
{ \
    if (e->mode[0] == DEBLOCK_STRONG) \
        chroma_edge(cb, cb_stride, cr, cr_stride, e->alpha[0], e->beta[0], NULL, 1, 1); \
    _Pragma("GCC unroll 2") \
    for (int k = 0; k < 2; k++) \
        if (e->mode[k] == DEBLOCK_NORMAL) \
            chroma_edge(cb + 4 * k, cb_stride, cr + 4 * k, cr_stride, e->alpha[k > 0], e->beta[k > 0], e->tc0[k], \
                        0, 1); \
}

#endif
