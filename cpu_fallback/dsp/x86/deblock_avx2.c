/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AVX2 deblocking (8.7.2.3, 8.7.2.4): the filters of deblock_template.h on
 * 16 lanes of 16 bits, so the 16 lines of a luma edge, or 8 lines of Cb and 8
 * of Cr, run once instead of as two halves. As there, every intermediate
 * fits 16 bits and the results are exact by construction.
 *
 * Transposes keep rows 0-7 in the low 128-bit lane and rows 8-15 in the
 * high one: the byte and word unpacks then work on both halves at once, and
 * widening a column's bytes with unpacklo/hi_epi8 puts its lines in order.
 * The vertical luma edges of a macroblock share one transpose (see
 * load_mb_columns()); the other kernels go edge by edge.
 */
#include <immintrin.h>
#include <string.h>

#include "cpu_fallback/dsp/x86/deblock.h"

/* The helpers pass rows in small arrays for brevity; inlined, with their
 * loops unrolled, the arrays become registers. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define VEC __m256i
#define V(op) _mm256_##op
#define VSI(op) _mm256_##op##_si256

ALWAYS_INLINE VEC absdiff16(VEC a, VEC b)
{
    return _mm256_abs_epi16(_mm256_sub_epi16(a, b));
}

ALWAYS_INLINE VEC select16(VEC mask, VEC a, VEC b)
{
    return _mm256_blendv_epi8(b, a, mask);
}

#include "cpu_fallback/dsp/x86/deblock_template.h"

/* ---- thresholds ---- */

/* tc0[i] for lanes 4i..4i+3, sign-extended to 16 bits. */
ALWAYS_INLINE __m256i luma_tc0(const int8_t tc0[4])
{
    const __m128i rep4 = _mm_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    return _mm256_cvtepi8_epi16(_mm_shuffle_epi8(_mm_loadu_si32(tc0), rep4));
}

/* tc0[i] for lanes 2i, 2i+1 (Cb) and 8 + 2i, 9 + 2i (the same lines of Cr). */
ALWAYS_INLINE __m256i chroma_tc0(const int8_t tc0[4])
{
    const __m128i rep2 = _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2, 3, 3);
    return _mm256_cvtepi8_epi16(_mm_shuffle_epi8(_mm_loadu_si32(tc0), rep2));
}

/* ---- loads and stores ---- */

/* Bytes of 16 lines to 16-bit lanes. */
ALWAYS_INLINE __m256i load_row16(const uint8_t *pix)
{
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)pix));
}

/* Stores two rows of 16 lanes as bytes, clipped to 0..255: packus
 * interleaves the 8-lane halves of a and b, the permute restores a | b. */
ALWAYS_INLINE void store_rows16(uint8_t *pa, uint8_t *pb, __m256i a, __m256i b)
{
    const __m256i ab = _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128((__m128i *)pa, _mm256_castsi256_si128(ab));
    _mm_storeu_si128((__m128i *)pb, _mm256_extracti128_si256(ab, 1));
}

/* Row k (0..15) of a block: four base pointers 4 rows apart, and within a
 * group base + stride, base + 2 * stride and base + 3 * stride, all of
 * which x86 addressing reaches with stride and 3 * stride in registers.
 * (Written as pix + k * stride, gcc spends an lea or two per row.) */
typedef struct rows16 {
    uint8_t *base[4];
    ptrdiff_t stride, stride3;
} rows16;

ALWAYS_INLINE rows16 rows16_at(uint8_t *pix, ptrdiff_t stride)
{
    return (rows16){ { pix, pix + 4 * stride, pix + 8 * stride, pix + 12 * stride }, stride, 3 * stride };
}

ALWAYS_INLINE uint8_t *row_of(const rows16 *r, int k)
{
    uint8_t *b = r->base[k >> 2];
    return (k & 3) == 3 ? b + r->stride3 : b + (k & 3) * r->stride;
}

ALWAYS_INLINE void store4(uint8_t *pix, int v)
{
    memcpy(pix, &v, 4);
}

/* Stores the 4 dwords of x as rows 4g..4g+3. */
ALWAYS_INLINE void store_4x4(const rows16 *r, int g, __m128i x)
{
    store4(row_of(r, 4 * g), _mm_cvtsi128_si32(x));
    store4(row_of(r, 4 * g + 1), _mm_extract_epi32(x, 1));
    store4(row_of(r, 4 * g + 2), _mm_extract_epi32(x, 2));
    store4(row_of(r, 4 * g + 3), _mm_extract_epi32(x, 3));
}

/* Stores two 8-byte rows from x: the low and the high half. */
ALWAYS_INLINE void store_8x2(uint8_t *lo, uint8_t *hi, __m128i x)
{
    _mm_storel_epi64((__m128i *)lo, x);
    _mm_storeh_pi((__m64 *)hi, _mm_castsi128_ps(x));
}

/*
 * The vertical luma edges of a macroblock work on its columns -4..15 (4 of
 * the left neighbour's), transposed once for all four edges and back: a
 * store that is still in flight cannot forward to a later load that only
 * partly overlaps it, and edge by edge every load of 16 rows overlapped the
 * stores of the edge before. Row stores of 16 bytes also forward to the
 * horizontal edges' row loads, which the 4-byte column stores did not.
 *
 * Between the transposes the columns stay bytes, in pairs: col[j] holds
 * columns 2j - 4 and 2j - 3, lane 0 [first rows 0-7 | second rows 0-7],
 * lane 1 the same for rows 8-15. Widening a pair with unpacklo/hi_epi8
 * gives each column's 16 lines in order, and packus_epi16 of two filtered
 * columns gives the pair back.
 */

/* Pair-of-column bytes to byte pairs per row: word r of each lane is
 * (first, second) of row r (r + 8). */
ALWAYS_INLINE __m256i interleave_pair(__m256i pair)
{
    return _mm256_shuffle_epi8(pair, _mm256_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15,
                                                      0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
}

/* col[2..9] from the 16 rows of 16 bytes at r. */
ALWAYS_INLINE void load_mb_columns(__m256i col[10], const rows16 *r)
{
    __m256i row[8], lo[4], hi[4], a[4], b[4];
    /* row[k]: rows k and k + 8. */
    #pragma GCC unroll 8
    for (int k = 0; k < 8; k++)
        row[k] = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)row_of(r, k))),
                                         _mm_loadu_si128((const __m128i *)row_of(r, k + 8)), 1);
    #pragma GCC unroll 4
    for (int k = 0; k < 4; k++) {
        lo[k] = _mm256_unpacklo_epi8(row[2 * k], row[2 * k + 1]); /* rows 2k, 2k+1: cols 0..7 */
        hi[k] = _mm256_unpackhi_epi8(row[2 * k], row[2 * k + 1]); /* cols 8..15 */
    }
    #pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
        a[2 * k] = _mm256_unpacklo_epi16(lo[2 * k], lo[2 * k + 1]);     /* rows 4k..4k+3: cols 0..3 */
        a[2 * k + 1] = _mm256_unpackhi_epi16(lo[2 * k], lo[2 * k + 1]); /* cols 4..7 */
        b[2 * k] = _mm256_unpacklo_epi16(hi[2 * k], hi[2 * k + 1]);     /* cols 8..11 */
        b[2 * k + 1] = _mm256_unpackhi_epi16(hi[2 * k], hi[2 * k + 1]); /* cols 12..15 */
    }
    #pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
        col[2 + 2 * k] = _mm256_unpacklo_epi32(a[k], a[k + 2]); /* cols 4k, 4k+1: rows 0..7 */
        col[3 + 2 * k] = _mm256_unpackhi_epi32(a[k], a[k + 2]); /* cols 4k+2, 4k+3 */
        col[6 + 2 * k] = _mm256_unpacklo_epi32(b[k], b[k + 2]); /* cols 8 + 4k, ... */
        col[7 + 2 * k] = _mm256_unpackhi_epi32(b[k], b[k + 2]);
    }
}

/* col[0..1] from the 16 rows of 4 bytes at l. */
ALWAYS_INLINE void load_left_columns(__m256i col[10], const rows16 *l)
{
    __m128i t[8];
    __m256i y[4];
    #pragma GCC unroll 8
    for (int k = 0; k < 8; k++) /* rows 2k, 2k+1 */
        t[k] = _mm_unpacklo_epi8(_mm_loadu_si32(row_of(l, 2 * k)), _mm_loadu_si32(row_of(l, 2 * k + 1)));
    #pragma GCC unroll 4
    for (int k = 0; k < 4; k++)
        y[k] = _mm256_inserti128_si256(_mm256_castsi128_si256(t[k]), t[k + 4], 1);
    const __m256i u0 = _mm256_unpacklo_epi16(y[0], y[1]); /* rows 0..3 (8..11): cols 0..3 */
    const __m256i u1 = _mm256_unpacklo_epi16(y[2], y[3]); /* rows 4..7 (12..15) */
    col[0] = _mm256_unpacklo_epi32(u0, u1);
    col[1] = _mm256_unpackhi_epi32(u0, u1);
}

/* The inverse of load_mb_columns(). */
ALWAYS_INLINE void store_mb_columns(const rows16 *r, const __m256i col[10])
{
    __m256i x[8], y[4][2], z[2][2][2];
    #pragma GCC unroll 8
    for (int j = 0; j < 8; j++)
        x[j] = interleave_pair(col[2 + j]); /* word r: row r, cols 2j, 2j+1 */
    #pragma GCC unroll 4
    for (int g = 0; g < 4; g++) {
        y[g][0] = _mm256_unpacklo_epi16(x[2 * g], x[2 * g + 1]); /* rows 0..3: cols 4g..4g+3 */
        y[g][1] = _mm256_unpackhi_epi16(x[2 * g], x[2 * g + 1]); /* rows 4..7 */
    }
    #pragma GCC unroll 2
    for (int h = 0; h < 2; h++)
        #pragma GCC unroll 2
        for (int b = 0; b < 2; b++) {
            z[h][b][0] = _mm256_unpacklo_epi32(y[2 * h][b], y[2 * h + 1][b]); /* rows 4b, 4b+1: cols 8h.. */
            z[h][b][1] = _mm256_unpackhi_epi32(y[2 * h][b], y[2 * h + 1][b]); /* rows 4b+2, 4b+3 */
        }
    #pragma GCC unroll 2
    for (int b = 0; b < 2; b++)
        #pragma GCC unroll 2
        for (int k = 0; k < 2; k++) {
            const int y0 = 4 * b + 2 * k;
            const __m256i r0 = _mm256_unpacklo_epi64(z[0][b][k], z[1][b][k]); /* row y0 (y0 + 8) */
            const __m256i r1 = _mm256_unpackhi_epi64(z[0][b][k], z[1][b][k]); /* row y0 + 1 */
            _mm_storeu_si128((__m128i *)row_of(r, y0), _mm256_castsi256_si128(r0));
            _mm_storeu_si128((__m128i *)row_of(r, y0 + 8), _mm256_extracti128_si256(r0, 1));
            _mm_storeu_si128((__m128i *)row_of(r, y0 + 1), _mm256_castsi256_si128(r1));
            _mm_storeu_si128((__m128i *)row_of(r, y0 + 9), _mm256_extracti128_si256(r1, 1));
        }
}

/* The inverse of load_left_columns(). */
ALWAYS_INLINE void store_left_columns(const rows16 *l, const __m256i col[10])
{
    const __m256i x0 = interleave_pair(col[0]), x1 = interleave_pair(col[1]);
    const __m256i r0 = _mm256_unpacklo_epi16(x0, x1); /* rows 0..3 (8..11) */
    const __m256i r4 = _mm256_unpackhi_epi16(x0, x1); /* rows 4..7 (12..15) */
    store_4x4(l, 0, _mm256_castsi256_si128(r0));
    store_4x4(l, 1, _mm256_castsi256_si128(r4));
    store_4x4(l, 2, _mm256_extracti128_si256(r0, 1));
    store_4x4(l, 3, _mm256_extracti128_si256(r4, 1));
}

/* ---- entry points ---- */

decl_deblock_luma_fn(deblock_luma_v_avx2)
{
    /* The left columns only when edge 0 is filtered. */
    const int left = e->mode[0] != DEBLOCK_SKIP;
    const rows16 r = rows16_at(pix, stride), l = rows16_at(pix - 4, stride);
    const __m256i z = _mm256_setzero_si256();
    __m256i col[10];
    load_mb_columns(col, &r);
    if (left)
        load_left_columns(col, &l);
    #pragma GCC unroll 4
    for (int k = 0; k < 4; k++) {
        if (e->mode[k] == DEBLOCK_SKIP)
            continue;
        /* p3 .. q3 are the columns 4k - 4 .. 4k + 3, col[2k .. 2k + 3]. */
        edge16 d;
        #pragma GCC unroll 2
        for (int j = 0; j < 2; j++) {
            d.p[3 - 2 * j] = _mm256_unpacklo_epi8(col[2 * k + j], z);
            d.p[2 - 2 * j] = _mm256_unpackhi_epi8(col[2 * k + j], z);
            d.q[2 * j] = _mm256_unpacklo_epi8(col[2 * k + 2 + j], z);
            d.q[2 * j + 1] = _mm256_unpackhi_epi8(col[2 * k + 2 + j], z);
        }
        const __m256i alpha = _mm256_set1_epi16((int16_t)e->alpha[k > 0]);
        const __m256i beta = _mm256_set1_epi16((int16_t)e->beta[k > 0]);
        if (!k && e->mode[0] == DEBLOCK_STRONG) {
            luma_strong(&d, alpha, beta);
            col[2 * k] = _mm256_packus_epi16(d.p[3], d.p[2]);
            col[2 * k + 3] = _mm256_packus_epi16(d.q[2], d.q[3]);
        } else {
            luma_normal(&d, alpha, beta, luma_tc0(e->tc0[k]));
        }
        col[2 * k + 1] = _mm256_packus_epi16(d.p[1], d.p[0]);
        col[2 * k + 2] = _mm256_packus_epi16(d.q[0], d.q[1]);
    }
    store_mb_columns(&r, col);
    if (left)
        store_left_columns(&l, col);
}

/* One horizontal luma edge; strong: the bS 4 filter, which also reads p3
 * and q3 and writes p2 and q2. */
ALWAYS_INLINE void luma_edge_h(uint8_t *pix, ptrdiff_t stride, int alpha, int beta, const int8_t tc0[4],
                               int strong)
{
    edge16 e;
    const int n = strong ? 4 : 3;
    #pragma GCC unroll 4
    for (int k = 0; k < n; k++) {
        e.p[k] = load_row16(pix - (k + 1) * stride);
        e.q[k] = load_row16(pix + k * stride);
    }
    if (strong) {
        luma_strong(&e, _mm256_set1_epi16((int16_t)alpha), _mm256_set1_epi16((int16_t)beta));
        /* Every result is an average of samples: packus clips nothing. */
        store_rows16(pix - 3 * stride, pix - 2 * stride, e.p[2], e.p[1]);
        store_rows16(pix - stride, pix, e.p[0], e.q[0]);
        store_rows16(pix + stride, pix + 2 * stride, e.q[1], e.q[2]);
    } else {
        luma_normal(&e, _mm256_set1_epi16((int16_t)alpha), _mm256_set1_epi16((int16_t)beta), luma_tc0(tc0));
        store_rows16(pix - 2 * stride, pix - stride, e.p[1], e.p[0]);
        store_rows16(pix, pix + stride, e.q[0], e.q[1]);
    }
}

DEBLOCK_LUMA_H_ENTRY_POINT(avx2)

/* Chroma: lanes 0..7 are the 8 lines of Cb, lanes 8..15 those of Cr. The
 * filters read p1 .. q1 and write p0 and q0. */

/* Row k of both planes. */
ALWAYS_INLINE __m256i load_chroma_row(const uint8_t *cb, const uint8_t *cr)
{
    return _mm256_cvtepu8_epi16(_mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)cb),
                                                   _mm_loadl_epi64((const __m128i *)cr)));
}

ALWAYS_INLINE void chroma_load_h(edge16 *e, const uint8_t *cb, ptrdiff_t cb_stride, const uint8_t *cr,
                                 ptrdiff_t cr_stride)
{
    #pragma GCC unroll 2
    for (int k = 0; k < 2; k++) {
        e->p[k] = load_chroma_row(cb - (k + 1) * cb_stride, cr - (k + 1) * cr_stride);
        e->q[k] = load_chroma_row(cb + k * cb_stride, cr + k * cr_stride);
    }
}

ALWAYS_INLINE void chroma_store_h(uint8_t *cb, ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride,
                                  const edge16 *e)
{
    const __m256i pq = _mm256_packus_epi16(e->p[0], e->q[0]); /* per plane: p0 | q0 */
    store_8x2(cb - cb_stride, cb, _mm256_castsi256_si128(pq));
    store_8x2(cr - cr_stride, cr, _mm256_extracti128_si256(pq, 1));
}

ALWAYS_INLINE __m128i load4(const uint8_t *pix)
{
    return _mm_loadu_si32(pix);
}

/* Rows 2k, 2k+1 of columns p1 .. q1 interleaved, for k = 0..3. */
ALWAYS_INLINE void chroma_rows_v(__m128i t[4], const uint8_t *pix, ptrdiff_t stride)
{
    #pragma GCC unroll 4
    for (int k = 0; k < 4; k++)
        t[k] = _mm_unpacklo_epi8(load4(pix - 2 + 2 * k * stride), load4(pix - 2 + (2 * k + 1) * stride));
}

/* Columns p1, p0, q0, q1 of 8 rows of each plane into lanes. */
ALWAYS_INLINE void chroma_load_v(edge16 *e, const uint8_t *cb, ptrdiff_t cb_stride, const uint8_t *cr,
                                 ptrdiff_t cr_stride)
{
    __m128i tu[4], tv[4];
    __m256i t[4];
    chroma_rows_v(tu, cb, cb_stride);
    chroma_rows_v(tv, cr, cr_stride);
    #pragma GCC unroll 4
    for (int k = 0; k < 4; k++)
        t[k] = _mm256_inserti128_si256(_mm256_castsi128_si256(tu[k]), tv[k], 1);
    edge16_from_columns(e, t);
}

ALWAYS_INLINE void store2(uint8_t *pix, int v)
{
    const uint16_t w = (uint16_t)v;
    memcpy(pix, &w, 2);
}

/* Stores the byte pairs p0, q0 of 8 rows from x. */
ALWAYS_INLINE void store_2x8(uint8_t *pix, ptrdiff_t stride, __m128i x)
{
    store2(pix, _mm_extract_epi16(x, 0));
    store2(pix + stride, _mm_extract_epi16(x, 1));
    store2(pix + 2 * stride, _mm_extract_epi16(x, 2));
    store2(pix + 3 * stride, _mm_extract_epi16(x, 3));
    store2(pix + 4 * stride, _mm_extract_epi16(x, 4));
    store2(pix + 5 * stride, _mm_extract_epi16(x, 5));
    store2(pix + 6 * stride, _mm_extract_epi16(x, 6));
    store2(pix + 7 * stride, _mm_extract_epi16(x, 7));
}

/* Writes back only p0 and q0, two bytes per row. */
ALWAYS_INLINE void chroma_store_v(uint8_t *cb, ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride,
                                  const edge16 *e)
{
    /* Per plane: p0 | q0 as bytes, then one pair per row. */
    const __m256i pairs = interleave_pair(_mm256_packus_epi16(e->p[0], e->q[0]));
    store_2x8(cb - 1, cb_stride, _mm256_castsi256_si128(pairs));
    store_2x8(cr - 1, cr_stride, _mm256_extracti128_si256(pairs, 1));
}

/* One chroma edge of Cb and Cr; strong: the bS 4 filter. */
ALWAYS_INLINE void chroma_edge(uint8_t *cb, ptrdiff_t cb_stride, uint8_t *cr, ptrdiff_t cr_stride, int alpha,
                               int beta, const int8_t tc0[4], int strong, int vertical)
{
    const __m256i va = _mm256_set1_epi16((int16_t)alpha), vb = _mm256_set1_epi16((int16_t)beta);
    edge16 e;
    if (vertical)
        chroma_load_v(&e, cb, cb_stride, cr, cr_stride);
    else
        chroma_load_h(&e, cb, cb_stride, cr, cr_stride);
    if (strong)
        chroma_strong(&e, va, vb);
    else
        chroma_normal(&e, va, vb, chroma_tc0(tc0));
    if (vertical)
        chroma_store_v(cb, cb_stride, cr, cr_stride, &e);
    else
        chroma_store_h(cb, cb_stride, cr, cr_stride, &e);
}

DEBLOCK_CHROMA_ENTRY_POINTS(avx2)
