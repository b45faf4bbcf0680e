/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 deblocking (8.7.2.3, 8.7.2.4). One vector lane is one line across
 * the edge. Horizontal edges (_h) load their rows directly; vertical edges
 * (_v) transpose the columns p3 .. q3 of 16 (luma) or 8 (chroma) rows into
 * lanes and back. The filters themselves (deblock_template.h, shared with
 * the AVX2 file) run on 8 lanes of 16 bits, where every intermediate of the
 * standard's formulas fits without rounding shortcuts, so the results are
 * exact by construction.
 */
#include <emmintrin.h>
#include <string.h>

#include "cpu_fallback/dsp/x86/deblock.h"

/* The helpers pass rows in small arrays for brevity; inlined, with their
 * loops unrolled, the arrays become registers. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define VEC __m128i
#define V(op) _mm_##op
#define VSI(op) _mm_##op##_si128

ALWAYS_INLINE VEC absdiff16(VEC a, VEC b)
{
    /* SSE2 has no pabsw. */
    return _mm_max_epi16(_mm_sub_epi16(a, b), _mm_sub_epi16(b, a));
}

ALWAYS_INLINE VEC select16(VEC mask, VEC a, VEC b)
{
    return _mm_or_si128(_mm_and_si128(mask, a), _mm_andnot_si128(mask, b));
}

#include "cpu_fallback/dsp/x86/deblock_template.h"

/* ---- loads and stores ---- */

/* 16 lanes of bytes as two halves of 16-bit lanes. */
ALWAYS_INLINE void split16(const __m128i v[8], edge16 *lo, edge16 *hi)
{
    const __m128i z = _mm_setzero_si128();
    #pragma GCC unroll 8
    for (int k = 0; k < 4; k++) {
        lo->p[k] = _mm_unpacklo_epi8(v[3 - k], z);
        hi->p[k] = _mm_unpackhi_epi8(v[3 - k], z);
        lo->q[k] = _mm_unpacklo_epi8(v[4 + k], z);
        hi->q[k] = _mm_unpackhi_epi8(v[4 + k], z);
    }
}

ALWAYS_INLINE void join16(__m128i v[8], const edge16 *lo, const edge16 *hi)
{
    #pragma GCC unroll 8
    for (int k = 0; k < 4; k++) {
        v[3 - k] = _mm_packus_epi16(lo->p[k], hi->p[k]);
        v[4 + k] = _mm_packus_epi16(lo->q[k], hi->q[k]);
    }
}

/* Columns 0..7 of 16 rows of 8 bytes into 8 vectors of 16 lanes. */
ALWAYS_INLINE void transpose_16x8(__m128i c[8], const uint8_t *pix, ptrdiff_t stride)
{
    __m128i t[8], u[8], v[4], w[4];
    #pragma GCC unroll 8
    for (int k = 0; k < 8; k++)
        t[k] = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(pix + 2 * k * stride)),
                                 _mm_loadl_epi64((const __m128i *)(pix + (2 * k + 1) * stride)));
    #pragma GCC unroll 8
    for (int k = 0; k < 4; k++) {
        u[2 * k] = _mm_unpacklo_epi16(t[2 * k], t[2 * k + 1]);     /* rows 4k..4k+3, cols 0..3 */
        u[2 * k + 1] = _mm_unpackhi_epi16(t[2 * k], t[2 * k + 1]); /* cols 4..7 */
    }
    v[0] = _mm_unpacklo_epi32(u[0], u[2]); /* rows 0..7: cols 0, 1 */
    v[1] = _mm_unpackhi_epi32(u[0], u[2]); /* cols 2, 3 */
    v[2] = _mm_unpacklo_epi32(u[1], u[3]); /* cols 4, 5 */
    v[3] = _mm_unpackhi_epi32(u[1], u[3]); /* cols 6, 7 */
    w[0] = _mm_unpacklo_epi32(u[4], u[6]); /* rows 8..15 */
    w[1] = _mm_unpackhi_epi32(u[4], u[6]);
    w[2] = _mm_unpacklo_epi32(u[5], u[7]);
    w[3] = _mm_unpackhi_epi32(u[5], u[7]);
    #pragma GCC unroll 8
    for (int k = 0; k < 4; k++) {
        c[2 * k] = _mm_unpacklo_epi64(v[k], w[k]);
        c[2 * k + 1] = _mm_unpackhi_epi64(v[k], w[k]);
    }
}

/* Stores n consecutive columns c[0..n-1] (n = 4 or 8) of 16 lanes as the
 * first n bytes of 16 rows. */
ALWAYS_INLINE void store_cols_16(uint8_t *pix, ptrdiff_t stride, const __m128i *c, int n)
{
    __m128i a[8], b[8];
    #pragma GCC unroll 8
    for (int k = 0; k < n / 2; k++) {
        a[2 * k] = _mm_unpacklo_epi8(c[2 * k], c[2 * k + 1]);     /* rows 0..7 */
        a[2 * k + 1] = _mm_unpackhi_epi8(c[2 * k], c[2 * k + 1]); /* rows 8..15 */
    }
    #pragma GCC unroll 8
    for (int h = 0; h < 2; h++) {
        b[4 * h] = _mm_unpacklo_epi16(a[h], a[2 + h]);     /* rows 8h+0..3, cols 0..3 */
        b[4 * h + 1] = _mm_unpackhi_epi16(a[h], a[2 + h]); /* rows 8h+4..7 */
        if (n == 8) {
            b[4 * h + 2] = _mm_unpacklo_epi16(a[4 + h], a[6 + h]); /* cols 4..7 */
            b[4 * h + 3] = _mm_unpackhi_epi16(a[4 + h], a[6 + h]);
        }
    }
    #pragma GCC unroll 8
    for (int h = 0; h < 2; h++)
        #pragma GCC unroll 8
        for (int g = 0; g < 2; g++) {
            uint8_t *row = pix + (8 * h + 4 * g) * stride;
            const __m128i lo4 = b[4 * h + g];
            if (n == 4) {
                _mm_storeu_si32(row, lo4);
                _mm_storeu_si32(row + stride, _mm_srli_si128(lo4, 4));
                _mm_storeu_si32(row + 2 * stride, _mm_srli_si128(lo4, 8));
                _mm_storeu_si32(row + 3 * stride, _mm_srli_si128(lo4, 12));
            } else {
                const __m128i hi4 = b[4 * h + 2 + g];
                const __m128i r01 = _mm_unpacklo_epi32(lo4, hi4), r23 = _mm_unpackhi_epi32(lo4, hi4);
                _mm_storel_epi64((__m128i *)row, r01);
                _mm_storel_epi64((__m128i *)(row + stride), _mm_unpackhi_epi64(r01, r01));
                _mm_storel_epi64((__m128i *)(row + 2 * stride), r23);
                _mm_storel_epi64((__m128i *)(row + 3 * stride), _mm_unpackhi_epi64(r23, r23));
            }
        }
}

/* ---- edges and entry points ----
 * v[] holds p3 .. q3 as bytes: v[3 - k] is pk, v[4 + k] is qk. The entry
 * points run the edges of a macroblock in order: the strong filter only
 * ever applies to edge 0, which comes first either way. */

/* tc0[0..3] as bytes, each repeated (twice for chroma, four times for luma
 * where .._rep4 is applied on top). Building the lanes in registers avoids
 * _mm_set_epi16, which gcc assembles through the stack. */
ALWAYS_INLINE __m128i tc0_rep2(const int8_t tc0[4])
{
    return _mm_unpacklo_epi8(_mm_loadu_si32(tc0), _mm_loadu_si32(tc0));
}

/* Bytes to 16-bit lanes with sign extension, low or high half. */
ALWAYS_INLINE __m128i widen_s8(__m128i v, int hi)
{
    const __m128i sign = _mm_cmpgt_epi8(_mm_setzero_si128(), v);
    return hi ? _mm_unpackhi_epi8(v, sign) : _mm_unpacklo_epi8(v, sign);
}

ALWAYS_INLINE void luma_normal16(__m128i v[8], int alpha, int beta, const int8_t tc0[4])
{
    edge16 lo, hi;
    const __m128i va = _mm_set1_epi16((int16_t)alpha), vb = _mm_set1_epi16((int16_t)beta);
    const __m128i tc4 = _mm_unpacklo_epi16(tc0_rep2(tc0), tc0_rep2(tc0));
    split16(v, &lo, &hi);
    luma_normal(&lo, va, vb, widen_s8(tc4, 0));
    luma_normal(&hi, va, vb, widen_s8(tc4, 1));
    join16(v, &lo, &hi);
}

ALWAYS_INLINE void luma_strong16(__m128i v[8], int alpha, int beta)
{
    edge16 lo, hi;
    const __m128i va = _mm_set1_epi16((int16_t)alpha), vb = _mm_set1_epi16((int16_t)beta);
    split16(v, &lo, &hi);
    luma_strong(&lo, va, vb);
    luma_strong(&hi, va, vb);
    join16(v, &lo, &hi);
}

/* One luma edge; strong: the bS 4 filter, which also reads p3 and q3 and
 * writes p2 and q2. */
ALWAYS_INLINE void luma_edge_h(uint8_t *pix, ptrdiff_t stride, int alpha, int beta, const int8_t tc0[4],
                               int strong)
{
    __m128i v[8];
    const int n = strong ? 4 : 3;
    v[0] = v[7] = _mm_setzero_si128();
    #pragma GCC unroll 8
    for (int k = 4 - n; k < 4 + n; k++)
        v[k] = _mm_loadu_si128((const __m128i *)(pix + (k - 4) * stride));
    if (strong)
        luma_strong16(v, alpha, beta);
    else
        luma_normal16(v, alpha, beta, tc0);
    #pragma GCC unroll 8
    for (int k = 5 - n; k < 3 + n; k++)
        _mm_storeu_si128((__m128i *)(pix + (k - 4) * stride), v[k]);
}

ALWAYS_INLINE void luma_edge_v(uint8_t *pix, ptrdiff_t stride, int alpha, int beta, const int8_t tc0[4],
                               int strong)
{
    __m128i v[8];
    transpose_16x8(v, pix - 4, stride);
    if (strong) {
        luma_strong16(v, alpha, beta);
        /* p3 and q3 go back unchanged. */
        store_cols_16(pix - 4, stride, v, 8);
    } else {
        luma_normal16(v, alpha, beta, tc0);
        store_cols_16(pix - 2, stride, v + 2, 4);
    }
}

DEBLOCK_LUMA_H_ENTRY_POINT(sse2)

decl_deblock_luma_fn(deblock_luma_v_sse2)
{
    if (e->mode[0] == DEBLOCK_STRONG)
        luma_edge_v(pix, stride, e->alpha[0], e->beta[0], NULL, 1);
    #pragma GCC unroll 4
    for (int k = 0; k < 4; k++)
        if (e->mode[k] == DEBLOCK_NORMAL)
            luma_edge_v(pix + 4 * k, stride, e->alpha[k > 0], e->beta[k > 0], e->tc0[k], 0);
}

/* Chroma: 8 lines, p1 .. q1 only, as one edge16. */
ALWAYS_INLINE void chroma_load_h(edge16 *e, const uint8_t *pix, ptrdiff_t stride)
{
    const __m128i z = _mm_setzero_si128();
    #pragma GCC unroll 8
    for (int k = 0; k < 2; k++) {
        e->p[k] = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(pix - (k + 1) * stride)), z);
        e->q[k] = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(pix + k * stride)), z);
    }
}

ALWAYS_INLINE void chroma_store_h(uint8_t *pix, ptrdiff_t stride, const edge16 *e)
{
    _mm_storel_epi64((__m128i *)(pix - stride), _mm_packus_epi16(e->p[0], e->p[0]));
    _mm_storel_epi64((__m128i *)pix, _mm_packus_epi16(e->q[0], e->q[0]));
}

/* Columns p1, p0, q0, q1 of 8 rows into lanes. */
ALWAYS_INLINE void chroma_load_v(edge16 *e, const uint8_t *pix, ptrdiff_t stride)
{
    __m128i t[4];
    #pragma GCC unroll 8
    for (int k = 0; k < 4; k++)
        t[k] = _mm_unpacklo_epi8(_mm_loadu_si32(pix - 2 + 2 * k * stride),
                                 _mm_loadu_si32(pix - 2 + (2 * k + 1) * stride));
    edge16_from_columns(e, t);
}

/* Writes back only p0 and q0, two bytes per row. */
ALWAYS_INLINE void chroma_store_v(uint8_t *pix, ptrdiff_t stride, const edge16 *e)
{
    const __m128i pq = _mm_packus_epi16(e->p[0], e->q[0]);
    const __m128i pairs = _mm_unpacklo_epi8(pq, _mm_srli_si128(pq, 8));
    uint16_t px[8];
    _mm_storeu_si128((__m128i *)px, pairs);
    #pragma GCC unroll 8
    for (int k = 0; k < 8; k++)
        memcpy(pix - 1 + k * stride, &px[k], 2);
}

/* One chroma edge of Cb and Cr, filtered one after the other: 16-bit
 * lanes hold one plane's 8 lines. strong: the bS 4 filter. */
ALWAYS_INLINE void chroma_edge(uint8_t *cb, ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride, int alpha,
                               int beta, const int8_t tc0[4], int strong, int vertical)
{
    const __m128i va = _mm_set1_epi16((int16_t)alpha), vb = _mm_set1_epi16((int16_t)beta);
    edge16 u, v;
    if (vertical) {
        chroma_load_v(&u, cb, cb_stride);
        chroma_load_v(&v, cr, cr_stride);
    } else {
        chroma_load_h(&u, cb, cb_stride);
        chroma_load_h(&v, cr, cr_stride);
    }
    if (strong) {
        chroma_strong(&u, va, vb);
        chroma_strong(&v, va, vb);
    } else {
        const __m128i tc = widen_s8(tc0_rep2(tc0), 0);
        chroma_normal(&u, va, vb, tc);
        chroma_normal(&v, va, vb, tc);
    }
    if (vertical) {
        chroma_store_v(cb, cb_stride, &u);
        chroma_store_v(cr, cr_stride, &v);
    } else {
        chroma_store_h(cb, cb_stride, &u);
        chroma_store_h(cr, cr_stride, &v);
    }
}

DEBLOCK_CHROMA_ENTRY_POINTS(sse2)
