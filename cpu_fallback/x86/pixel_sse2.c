/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 block comparison: SAD with psadbw, SSD with pmaddwd on 16-bit
 * differences, SATD as two 4x4 Hadamard transforms side by side in one
 * register of eight 16-bit lanes.
 */
#include <emmintrin.h>
#include <string.h>

#include "pixel.h"

static inline __m128i load4(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return _mm_cvtsi32_si128(v);
}

static inline __m128i load8(const uint8_t *p)
{
    return _mm_loadl_epi64((const __m128i *)p);
}

static inline __m128i load16(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}

/* The rows of a w x h block packed into whole registers: one 16-wide row,
 * two 8-wide rows or four 4-wide rows per register. */
static inline __m128i load_rows(const uint8_t *p, ptrdiff_t stride, int w)
{
    if (w == 16)
        return load16(p);
    if (w == 8)
        return _mm_unpacklo_epi64(load8(p), load8(p + stride));
    return _mm_unpacklo_epi64(_mm_unpacklo_epi32(load4(p), load4(p + stride)),
                              _mm_unpacklo_epi32(load4(p + 2 * stride), load4(p + 3 * stride)));
}

static inline int hsum_sad(__m128i v)
{
    return _mm_cvtsi128_si32(_mm_add_epi32(v, _mm_unpackhi_epi64(v, v)));
}

static inline int hsum_epi32(__m128i v)
{
    v = _mm_add_epi32(v, _mm_unpackhi_epi64(v, v));
    v = _mm_add_epi32(v, _mm_shufflelo_epi16(v, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtsi128_si32(v);
}

static inline int sad_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                          int w, int h)
{
    const int rows = 16 / w;
    __m128i sum = _mm_setzero_si128();
    for (int y = 0; y < h; y += rows, a += rows * a_stride, b += rows * b_stride)
        sum = _mm_add_epi32(sum, _mm_sad_epu8(load_rows(a, a_stride, w), load_rows(b, b_stride, w)));
    return hsum_sad(sum);
}

static inline void sad_xn_wxh(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *const ref[4],
                              ptrdiff_t ref_stride, int scores[4], int n, int w, int h)
{
    const int rows = 16 / w;
    __m128i sum[4] = { _mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128(),
                       _mm_setzero_si128() };
    for (int y = 0; y < h; y += rows) {
        const __m128i s = load_rows(src + y * src_stride, src_stride, w);
        for (int i = 0; i < n; i++)
            sum[i] = _mm_add_epi32(sum[i], _mm_sad_epu8(s, load_rows(ref[i] + y * ref_stride, ref_stride, w)));
    }
    for (int i = 0; i < n; i++)
        scores[i] = hsum_sad(sum[i]);
}

/* Squares of 16-bit differences, summed in pairs to 32 bits: at most
 * 2 * 255^2 per lane per step, 16x16 blocks stay far below 2^31. */
static inline int ssd_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                          int w, int h)
{
    const int rows = 16 / w;
    const __m128i zero = _mm_setzero_si128();
    __m128i sum = zero;
    for (int y = 0; y < h; y += rows, a += rows * a_stride, b += rows * b_stride) {
        const __m128i va = load_rows(a, a_stride, w), vb = load_rows(b, b_stride, w);
        const __m128i dlo = _mm_sub_epi16(_mm_unpacklo_epi8(va, zero), _mm_unpacklo_epi8(vb, zero));
        const __m128i dhi = _mm_sub_epi16(_mm_unpackhi_epi8(va, zero), _mm_unpackhi_epi8(vb, zero));
        sum = _mm_add_epi32(sum, _mm_madd_epi16(dlo, dlo));
        sum = _mm_add_epi32(sum, _mm_madd_epi16(dhi, dhi));
    }
    return hsum_epi32(sum);
}

static inline __m128i abs_epi16(__m128i v)
{
    return _mm_max_epi16(v, _mm_sub_epi16(_mm_setzero_si128(), v));
}

/*
 * Half the sum of |Hadamard| over the 4x4 blocks held in d0..d3: lanes 0-3
 * and 4-7 of row register k are row k of two independent blocks. Values
 * stay within 16 * 255, so 16 bits suffice. The last butterfly is folded
 * into the magnitudes: |a + b| + |a - b| = 2 max(|a|, |b|), which also
 * absorbs the final halving exactly.
 */
static inline __m128i satd_8x4_rows(__m128i d0, __m128i d1, __m128i d2, __m128i d3)
{
    /* Vertical pass across the rows. */
    __m128i s01 = _mm_add_epi16(d0, d1), m01 = _mm_sub_epi16(d0, d1);
    __m128i s23 = _mm_add_epi16(d2, d3), m23 = _mm_sub_epi16(d2, d3);
    const __m128i v0 = _mm_add_epi16(s01, s23), v1 = _mm_sub_epi16(s01, s23);
    const __m128i v2 = _mm_sub_epi16(m01, m23), v3 = _mm_add_epi16(m01, m23);
    /* Transpose each 4x4 half so columns become registers. */
    const __m128i t0 = _mm_unpacklo_epi16(v0, v1), t1 = _mm_unpackhi_epi16(v0, v1);
    const __m128i t2 = _mm_unpacklo_epi16(v2, v3), t3 = _mm_unpackhi_epi16(v2, v3);
    const __m128i u0 = _mm_unpacklo_epi32(t0, t2), u1 = _mm_unpackhi_epi32(t0, t2);
    const __m128i u2 = _mm_unpacklo_epi32(t1, t3), u3 = _mm_unpackhi_epi32(t1, t3);
    const __m128i c0 = _mm_unpacklo_epi64(u0, u2), c1 = _mm_unpackhi_epi64(u0, u2);
    const __m128i c2 = _mm_unpacklo_epi64(u1, u3), c3 = _mm_unpackhi_epi64(u1, u3);
    /* Horizontal pass, first stage, then the folded second stage. */
    s01 = _mm_add_epi16(c0, c1);
    m01 = _mm_sub_epi16(c0, c1);
    s23 = _mm_add_epi16(c2, c3);
    m23 = _mm_sub_epi16(c2, c3);
    const __m128i ma = _mm_max_epi16(abs_epi16(s01), abs_epi16(s23));
    const __m128i mb = _mm_max_epi16(abs_epi16(m01), abs_epi16(m23));
    return _mm_madd_epi16(_mm_add_epi16(ma, mb), _mm_set1_epi16(1));
}

static inline __m128i diff8(const uint8_t *a, const uint8_t *b)
{
    const __m128i zero = _mm_setzero_si128();
    return _mm_sub_epi16(_mm_unpacklo_epi8(load8(a), zero), _mm_unpacklo_epi8(load8(b), zero));
}

/* Row k of a 4-wide block in lanes 0-3 and row k + 4 in lanes 4-7. */
static inline __m128i diff4x2(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride)
{
    const __m128i zero = _mm_setzero_si128();
    const __m128i va = _mm_unpacklo_epi32(load4(a), load4(a + 4 * a_stride));
    const __m128i vb = _mm_unpacklo_epi32(load4(b), load4(b + 4 * b_stride));
    return _mm_sub_epi16(_mm_unpacklo_epi8(va, zero), _mm_unpacklo_epi8(vb, zero));
}

static inline int satd_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                           int w, int h)
{
    __m128i sum = _mm_setzero_si128();
    if (w == 4) {
        /* 4x8 pairs its two blocks side by side; 4x4 pairs one with zeros. */
        const __m128i zero = _mm_setzero_si128();
        __m128i d[4];
        for (int k = 0; k < 4; k++) {
            const uint8_t *pa = a + k * a_stride, *pb = b + k * b_stride;
            d[k] = h == 8 ? diff4x2(pa, a_stride, pb, b_stride)
                          : _mm_sub_epi16(_mm_unpacklo_epi8(load4(pa), zero), _mm_unpacklo_epi8(load4(pb), zero));
        }
        return hsum_epi32(satd_8x4_rows(d[0], d[1], d[2], d[3]));
    }
    for (int y = 0; y < h; y += 4)
        for (int x = 0; x < w; x += 8) {
            const uint8_t *pa = a + y * a_stride + x, *pb = b + y * b_stride + x;
            sum = _mm_add_epi32(sum, satd_8x4_rows(diff8(pa, pb), diff8(pa + a_stride, pb + b_stride),
                                                   diff8(pa + 2 * a_stride, pb + 2 * b_stride),
                                                   diff8(pa + 3 * a_stride, pb + 3 * b_stride)));
        }
    return hsum_epi32(sum);
}

#define DEF_PIXEL_SSE2(w, h) \
decl_pixel_cmp_fn(sad_##w##x##h##_sse2) \
{ \
    return sad_wxh(a, a_stride, b, b_stride, w, h); \
} \
decl_pixel_cmp_fn(ssd_##w##x##h##_sse2) \
{ \
    return ssd_wxh(a, a_stride, b, b_stride, w, h); \
} \
decl_pixel_cmp_fn(satd_##w##x##h##_sse2) \
{ \
    return satd_wxh(a, a_stride, b, b_stride, w, h); \
} \
decl_pixel_sad_x3_fn(sad_x3_##w##x##h##_sse2) \
{ \
    const uint8_t *const ref[4] = { ref0, ref1, ref2, ref2 }; \
    int s[4]; \
    sad_xn_wxh(src, src_stride, ref, ref_stride, s, 3, w, h); \
    scores[0] = s[0]; \
    scores[1] = s[1]; \
    scores[2] = s[2]; \
} \
decl_pixel_sad_x4_fn(sad_x4_##w##x##h##_sse2) \
{ \
    const uint8_t *const ref[4] = { ref0, ref1, ref2, ref3 }; \
    sad_xn_wxh(src, src_stride, ref, ref_stride, scores, 4, w, h); \
}

DEF_PIXEL_SSE2(16, 16)
DEF_PIXEL_SSE2(16, 8)
DEF_PIXEL_SSE2(8, 16)
DEF_PIXEL_SSE2(8, 8)
DEF_PIXEL_SSE2(8, 4)
DEF_PIXEL_SSE2(4, 8)
DEF_PIXEL_SSE2(4, 4)
