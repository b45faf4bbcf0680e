/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 block comparison: SAD with psadbw, SSD with pmaddwd on 16-bit
 * differences, SATD from satd_template.h.
 */
#include <emmintrin.h>
#include <string.h>

#include "cpu_fallback/dsp/x86/pixel.h"

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

static inline __attribute__((always_inline)) int sad_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                          int w, int h)
{
    const int rows = 16 / w;
    __m128i sum = _mm_setzero_si128();
    for (int y = 0; y < h; y += rows, a += rows * a_stride, b += rows * b_stride)
        sum = _mm_add_epi32(sum, _mm_sad_epu8(load_rows(a, a_stride, w), load_rows(b, b_stride, w)));
    return hsum_sad(sum);
}

/* n is 3 or 4, a constant after inlining; the four sums stay in registers. */
static inline __attribute__((always_inline)) void
sad_xn_wxh(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *r0, const uint8_t *r1,
           const uint8_t *r2, const uint8_t *r3, ptrdiff_t ref_stride, int *scores, int n, int w, int h)
{
    const int rows = 16 / w;
    __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
    for (int y = 0; y < h; y += rows) {
        const ptrdiff_t off = y * ref_stride;
        const __m128i s = load_rows(src + y * src_stride, src_stride, w);
        s0 = _mm_add_epi32(s0, _mm_sad_epu8(s, load_rows(r0 + off, ref_stride, w)));
        s1 = _mm_add_epi32(s1, _mm_sad_epu8(s, load_rows(r1 + off, ref_stride, w)));
        s2 = _mm_add_epi32(s2, _mm_sad_epu8(s, load_rows(r2 + off, ref_stride, w)));
        if (n == 4)
            s3 = _mm_add_epi32(s3, _mm_sad_epu8(s, load_rows(r3 + off, ref_stride, w)));
    }
    scores[0] = hsum_sad(s0);
    scores[1] = hsum_sad(s1);
    scores[2] = hsum_sad(s2);
    if (n == 4)
        scores[3] = hsum_sad(s3);
}

/* The four averages are formed in registers with pavgb, which rounds up
 * exactly as the quarter-pel average does. */
static inline __attribute__((always_inline)) void
sad_avg_x4_wxh(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *const a[4], const uint8_t *const b[4],
               ptrdiff_t ref_stride, int *scores, int w, int h)
{
    const int rows = 16 / w;
    __m128i sum[4] = { _mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128() };
    for (int y = 0; y < h; y += rows) {
        const ptrdiff_t off = y * ref_stride;
        const __m128i s = load_rows(src + y * src_stride, src_stride, w);
        #pragma GCC unroll 4
        for (int k = 0; k < 4; k++) {
            const __m128i avg = _mm_avg_epu8(load_rows(a[k] + off, ref_stride, w), load_rows(b[k] + off, ref_stride, w));
            sum[k] = _mm_add_epi32(sum[k], _mm_sad_epu8(s, avg));
        }
    }
    for (int k = 0; k < 4; k++)
        scores[k] = hsum_sad(sum[k]);
}

/* Squares of 16-bit differences, summed in pairs to 32 bits: at most
 * 2 * 255^2 per lane per step, 16x16 blocks stay far below 2^31. */
static inline __attribute__((always_inline)) int ssd_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
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

#include "cpu_fallback/dsp/x86/satd_template.h"

#define DEF_PIXEL_SSE2(w, h) \
decl_pixel_cmp_fn(sad_##w##x##h##_sse2) \
{ \
    return sad_wxh(a, a_stride, b, b_stride, w, h); \
} \
decl_pixel_cmp_fn(ssd_##w##x##h##_sse2) \
{ \
    return ssd_wxh(a, a_stride, b, b_stride, w, h); \
} \
decl_pixel_sad_x3_fn(sad_x3_##w##x##h##_sse2) \
{ \
    sad_xn_wxh(src, src_stride, ref0, ref1, ref2, ref2, ref_stride, scores, 3, w, h); \
} \
decl_pixel_sad_x4_fn(sad_x4_##w##x##h##_sse2) \
{ \
    sad_xn_wxh(src, src_stride, ref0, ref1, ref2, ref3, ref_stride, scores, 4, w, h); \
} \
decl_pixel_sad_avg_x4_fn(sad_avg_x4_##w##x##h##_sse2) \
{ \
    sad_avg_x4_wxh(src, src_stride, a, b, ref_stride, scores, w, h); \
}

DEF_PIXEL_SSE2(16, 16)
DEF_PIXEL_SSE2(16, 8)
DEF_PIXEL_SSE2(8, 16)
DEF_PIXEL_SSE2(8, 8)
DEF_PIXEL_SSE2(8, 4)
DEF_PIXEL_SSE2(4, 8)
DEF_PIXEL_SSE2(4, 4)

DEF_SATD_ALL(sse2)
