/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AVX2 block comparison for the 16- and 8-wide partitions. A register holds
 * two 16-wide rows or four 8-wide rows for SAD and SSD; for SATD, the
 * 128-bit lanes hold the left and right halves of a 16-wide block, or rows
 * 0-3 and 4-7 of an 8-wide one, and run the SSE2 transform side by side.
 */
#include <immintrin.h>

#include "cpu_fallback/dsp/x86/pixel.h"

static inline __m256i load_2x16(const uint8_t *p, ptrdiff_t stride)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)p)),
                                   _mm_loadu_si128((const __m128i *)(p + stride)), 1);
}

static inline __m128i load_2x8(const uint8_t *p, ptrdiff_t stride)
{
    return _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)p),
                              _mm_loadl_epi64((const __m128i *)(p + stride)));
}

static inline __m256i load_4x8(const uint8_t *p, ptrdiff_t stride)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(load_2x8(p, stride)),
                                   load_2x8(p + 2 * stride, stride), 1);
}

/* Rows y.. of a w-wide block: two rows if w is 16, four if 8. */
static inline __m256i load_rows(const uint8_t *p, ptrdiff_t stride, int w)
{
    return w == 16 ? load_2x16(p, stride) : load_4x8(p, stride);
}

static inline int hsum_epi32(__m256i v)
{
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_add_epi32(x, _mm_unpackhi_epi64(x, x));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(x);
}

/* psadbw leaves four 64-bit partial sums. */
static inline int hsum_sad(__m256i v)
{
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return _mm_cvtsi128_si32(_mm_add_epi32(x, _mm_unpackhi_epi64(x, x)));
}

static inline __attribute__((always_inline)) int sad_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                          int w, int h)
{
    const int rows = 32 / w;
    __m256i sum = _mm256_setzero_si256();
    for (int y = 0; y < h; y += rows, a += rows * a_stride, b += rows * b_stride)
        sum = _mm256_add_epi32(sum, _mm256_sad_epu8(load_rows(a, a_stride, w), load_rows(b, b_stride, w)));
    return hsum_sad(sum);
}

/* n is 3 or 4, a constant after inlining; the four sums stay in registers. */
static inline __attribute__((always_inline)) void
sad_xn_wxh(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *r0, const uint8_t *r1,
           const uint8_t *r2, const uint8_t *r3, ptrdiff_t ref_stride, int *scores, int n, int w, int h)
{
    const int rows = 32 / w;
    __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
    for (int y = 0; y < h; y += rows) {
        const ptrdiff_t off = y * ref_stride;
        const __m256i s = load_rows(src + y * src_stride, src_stride, w);
        s0 = _mm256_add_epi32(s0, _mm256_sad_epu8(s, load_rows(r0 + off, ref_stride, w)));
        s1 = _mm256_add_epi32(s1, _mm256_sad_epu8(s, load_rows(r1 + off, ref_stride, w)));
        s2 = _mm256_add_epi32(s2, _mm256_sad_epu8(s, load_rows(r2 + off, ref_stride, w)));
        if (n == 4)
            s3 = _mm256_add_epi32(s3, _mm256_sad_epu8(s, load_rows(r3 + off, ref_stride, w)));
    }
    scores[0] = hsum_sad(s0);
    scores[1] = hsum_sad(s1);
    scores[2] = hsum_sad(s2);
    if (n == 4)
        scores[3] = hsum_sad(s3);
}

static inline __attribute__((always_inline)) int ssd_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                          int w, int h)
{
    const int rows = 32 / w;
    const __m256i zero = _mm256_setzero_si256();
    __m256i sum = zero;
    for (int y = 0; y < h; y += rows, a += rows * a_stride, b += rows * b_stride) {
        const __m256i va = load_rows(a, a_stride, w), vb = load_rows(b, b_stride, w);
        const __m256i dlo = _mm256_sub_epi16(_mm256_unpacklo_epi8(va, zero), _mm256_unpacklo_epi8(vb, zero));
        const __m256i dhi = _mm256_sub_epi16(_mm256_unpackhi_epi8(va, zero), _mm256_unpackhi_epi8(vb, zero));
        sum = _mm256_add_epi32(sum, _mm256_madd_epi16(dlo, dlo));
        sum = _mm256_add_epi32(sum, _mm256_madd_epi16(dhi, dhi));
    }
    return hsum_epi32(sum);
}

/* See satd_template.h: the same steps, per 128-bit lane. */
static inline __m256i satd_rows(__m256i d0, __m256i d1, __m256i d2, __m256i d3)
{
    __m256i s01 = _mm256_add_epi16(d0, d1), m01 = _mm256_sub_epi16(d0, d1);
    __m256i s23 = _mm256_add_epi16(d2, d3), m23 = _mm256_sub_epi16(d2, d3);
    const __m256i v0 = _mm256_add_epi16(s01, s23), v1 = _mm256_sub_epi16(s01, s23);
    const __m256i v2 = _mm256_sub_epi16(m01, m23), v3 = _mm256_add_epi16(m01, m23);
    const __m256i t0 = _mm256_unpacklo_epi16(v0, v1), t1 = _mm256_unpackhi_epi16(v0, v1);
    const __m256i t2 = _mm256_unpacklo_epi16(v2, v3), t3 = _mm256_unpackhi_epi16(v2, v3);
    const __m256i u0 = _mm256_unpacklo_epi32(t0, t2), u1 = _mm256_unpackhi_epi32(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi32(t1, t3), u3 = _mm256_unpackhi_epi32(t1, t3);
    const __m256i c0 = _mm256_unpacklo_epi64(u0, u2), c1 = _mm256_unpackhi_epi64(u0, u2);
    const __m256i c2 = _mm256_unpacklo_epi64(u1, u3), c3 = _mm256_unpackhi_epi64(u1, u3);
    s01 = _mm256_add_epi16(c0, c1);
    m01 = _mm256_sub_epi16(c0, c1);
    s23 = _mm256_add_epi16(c2, c3);
    m23 = _mm256_sub_epi16(c2, c3);
    const __m256i ma = _mm256_max_epi16(_mm256_abs_epi16(s01), _mm256_abs_epi16(s23));
    const __m256i mb = _mm256_max_epi16(_mm256_abs_epi16(m01), _mm256_abs_epi16(m23));
    return _mm256_madd_epi16(_mm256_add_epi16(ma, mb), _mm256_set1_epi16(1));
}

/* Differences of row k of a 16-wide block: columns 0-7 in lane 0, 8-15 in lane 1. */
static inline __m256i diff16(const uint8_t *a, const uint8_t *b)
{
    return _mm256_sub_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)a)),
                            _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)b)));
}

/* Differences of rows k (lane 0) and k + 4 (lane 1) of an 8-wide block. */
static inline __m256i diff8x2(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride)
{
    return _mm256_sub_epi16(_mm256_cvtepu8_epi16(load_2x8(a, 4 * a_stride)),
                            _mm256_cvtepu8_epi16(load_2x8(b, 4 * b_stride)));
}

static inline int satd_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                           int w, int h)
{
    __m256i sum = _mm256_setzero_si256();
    const int step = w == 16 ? 4 : 8;
    for (int y = 0; y < h; y += step, a += step * a_stride, b += step * b_stride) {
        __m256i d[4];
        for (int k = 0; k < 4; k++)
            d[k] = w == 16 ? diff16(a + k * a_stride, b + k * b_stride)
                           : diff8x2(a + k * a_stride, a_stride, b + k * b_stride, b_stride);
        sum = _mm256_add_epi32(sum, satd_rows(d[0], d[1], d[2], d[3]));
    }
    return hsum_epi32(sum);
}

/* SAD gains over SSE2 only with two 16-wide rows per register; with four
 * 8-wide rows the extra inserts eat the gain, so those stay SSE2. */
#define DEF_SAD_AVX2(w, h) \
decl_pixel_cmp_fn(sad_##w##x##h##_avx2) \
{ \
    return sad_wxh(a, a_stride, b, b_stride, w, h); \
} \
decl_pixel_sad_x3_fn(sad_x3_##w##x##h##_avx2) \
{ \
    sad_xn_wxh(src, src_stride, ref0, ref1, ref2, ref2, ref_stride, scores, 3, w, h); \
} \
decl_pixel_sad_x4_fn(sad_x4_##w##x##h##_avx2) \
{ \
    sad_xn_wxh(src, src_stride, ref0, ref1, ref2, ref3, ref_stride, scores, 4, w, h); \
}

#define DEF_CMP_AVX2(w, h) \
decl_pixel_cmp_fn(ssd_##w##x##h##_avx2) \
{ \
    return ssd_wxh(a, a_stride, b, b_stride, w, h); \
} \
decl_pixel_cmp_fn(satd_##w##x##h##_avx2) \
{ \
    return satd_wxh(a, a_stride, b, b_stride, w, h); \
}

DEF_SAD_AVX2(16, 16)
DEF_SAD_AVX2(16, 8)
DEF_CMP_AVX2(16, 16)
DEF_CMP_AVX2(16, 8)
DEF_CMP_AVX2(8, 16)
DEF_CMP_AVX2(8, 8)
