/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 16x16 and chroma intra prediction: DC and plane (V, H and DC 128
 * are plain stores, which the C versions already compile to), and the
 * fused V/H/DC SADs of the fast mode decision. Edge sums
 * use psadbw against zero; plane prediction runs in 16-bit lanes, where
 * every intermediate
 * of 8-3 (16x16) and 8-138 (chroma) fits: |b|, |c| <= 717 (1355 for
 * chroma) keep a + b * (x - 7) + c * (y - 7) + 16 within -11456 .. 19648.
 */
#include <emmintrin.h>

#include "cpu_fallback/dsp/x86/predict.h"

#define TOP(x) edge[1 + (x)]
#define LEFT(y) edge[-1 - (y)]

static inline void fill16(uint8_t *dst, ptrdiff_t stride, __m128i v)
{
    for (int y = 0; y < 16; y++, dst += stride)
        _mm_storeu_si128((__m128i *)dst, v);
}

static inline void fill8(uint8_t *dst, ptrdiff_t stride, int rows, __m128i v)
{
    for (int y = 0; y < rows; y++, dst += stride)
        _mm_storel_epi64((__m128i *)dst, v);
}

/* Sum of 16 bytes. */
static inline int sum16(const uint8_t *p)
{
    const __m128i s = _mm_sad_epu8(_mm_loadu_si128((const __m128i *)p), _mm_setzero_si128());
    return _mm_cvtsi128_si32(_mm_add_epi32(s, _mm_srli_si128(s, 8)));
}

decl_predict_fn(pred16x16_dc_sse2)
{
    const int dc = (sum16(&TOP(0)) + sum16(&LEFT(15)) + 16) >> 5;
    fill16(dst, dst_stride, _mm_set1_epi8((char)dc));
}

decl_predict_fn(pred16x16_dc_left_sse2)
{
    fill16(dst, dst_stride, _mm_set1_epi8((char)((sum16(&LEFT(15)) + 8) >> 4)));
}

decl_predict_fn(pred16x16_dc_top_sse2)
{
    fill16(dst, dst_stride, _mm_set1_epi8((char)((sum16(&TOP(0)) + 8) >> 4)));
}

/* V, H and DC in one pass over the source: each row meets the top row,
 * its left sample broadcast, and the DC value. */
void pred16x16_sad_x3_sse2(const uint8_t *src, ptrdiff_t src_stride, const uint8_t *edge, int dc_mode,
                           int scores[3])
{
    int dc = 128;
    if (dc_mode == I16_DC)
        dc = (sum16(&TOP(0)) + sum16(&LEFT(15)) + 16) >> 5;
    else if (dc_mode == I16_DC_LEFT)
        dc = (sum16(&LEFT(15)) + 8) >> 4;
    else if (dc_mode == I16_DC_TOP)
        dc = (sum16(&TOP(0)) + 8) >> 4;
    const __m128i top = _mm_loadu_si128((const __m128i *)&TOP(0));
    const __m128i dcv = _mm_set1_epi8((char)dc);
    __m128i v = _mm_setzero_si128(), h = v, d = v;
    for (int y = 0; y < 16; y++, src += src_stride) {
        const __m128i s = _mm_loadu_si128((const __m128i *)src);
        v = _mm_add_epi32(v, _mm_sad_epu8(s, top));
        h = _mm_add_epi32(h, _mm_sad_epu8(s, _mm_set1_epi8((char)LEFT(y))));
        d = _mm_add_epi32(d, _mm_sad_epu8(s, dcv));
    }
    scores[0] = _mm_cvtsi128_si32(_mm_add_epi32(v, _mm_srli_si128(v, 8)));
    scores[1] = _mm_cvtsi128_si32(_mm_add_epi32(h, _mm_srli_si128(h, 8)));
    scores[2] = _mm_cvtsi128_si32(_mm_add_epi32(d, _mm_srli_si128(d, 8)));
}

/* Sum over 8 bytes at p of p[k] * w[k] (16-bit weights), as int. */
static inline int weighted8(const uint8_t *p, __m128i w)
{
    const __m128i v = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)p), _mm_setzero_si128());
    __m128i s = _mm_madd_epi16(v, w);
    s = _mm_add_epi32(s, _mm_srli_si128(s, 8));
    s = _mm_add_epi32(s, _mm_srli_si128(s, 4));
    return _mm_cvtsi128_si32(s);
}

/* Writes rows of clip((acc + b * x) >> 5), acc starting at base and growing
 * by c per row; w is 8 or 16. */
static inline void plane_rows(uint8_t *dst, ptrdiff_t stride, int w, int base, int b, int c)
{
    const __m128i vb = _mm_set1_epi16((int16_t)b);
    const __m128i x_lo = _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7);
    __m128i lo = _mm_add_epi16(_mm_set1_epi16((int16_t)base), _mm_mullo_epi16(vb, x_lo));
    __m128i hi = _mm_add_epi16(lo, _mm_slli_epi16(vb, 3));
    const __m128i vc = _mm_set1_epi16((int16_t)c);
    for (int y = 0; y < w; y++, dst += stride) {
        const __m128i px = _mm_packus_epi16(_mm_srai_epi16(lo, 5), _mm_srai_epi16(hi, 5));
        if (w == 16)
            _mm_storeu_si128((__m128i *)dst, px);
        else
            _mm_storel_epi64((__m128i *)dst, px);
        lo = _mm_add_epi16(lo, vc);
        hi = _mm_add_epi16(hi, vc);
    }
}

decl_predict_fn(pred16x16_plane_sse2)
{
    /* H' = sum (i + 1) * (p[8 + i, -1] - p[6 - i, -1]), p[-1, -1] included
     * as the last left term; the same down the left column. */
    const __m128i up = _mm_setr_epi16(1, 2, 3, 4, 5, 6, 7, 8);
    const __m128i down = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
    const int gh = weighted8(&TOP(8), up) - weighted8(&TOP(-1), down);
    /* In memory the left column runs bottom to top: LEFT(15) .. LEFT(8)
     * then LEFT(6) .. LEFT(-1). */
    const int gv = weighted8(&LEFT(15), down) - weighted8(&LEFT(6), up);
    const int a = 16 * (LEFT(15) + TOP(15));
    const int b = (5 * gh + 32) >> 6, c = (5 * gv + 32) >> 6;
    plane_rows(dst, dst_stride, 16, a - 7 * b - 7 * c + 16, b, c);
}

/* ---- chroma 8x8 ---- */

/* The sums of the two 4-sample halves of 8 bytes at p: { p[0..3], p[4..7] }. */
static inline void sum4x2(const uint8_t *p, int s[2])
{
    const __m128i v = _mm_unpacklo_epi32(_mm_loadl_epi64((const __m128i *)p), _mm_setzero_si128());
    const __m128i sad = _mm_sad_epu8(v, _mm_setzero_si128());
    s[0] = _mm_cvtsi128_si32(sad);
    s[1] = _mm_cvtsi128_si32(_mm_srli_si128(sad, 8));
}

/* Rows 0..3 get dc0 | dc1, rows 4..7 dc2 | dc3. */
static inline void fill_quadrants(uint8_t *dst, ptrdiff_t stride, int dc0, int dc1, int dc2, int dc3)
{
    const __m128i top = _mm_unpacklo_epi32(_mm_set1_epi8((char)dc0), _mm_set1_epi8((char)dc1));
    const __m128i bot = _mm_unpacklo_epi32(_mm_set1_epi8((char)dc2), _mm_set1_epi8((char)dc3));
    fill8(dst, stride, 4, top);
    fill8(dst + 4 * stride, stride, 4, bot);
}

decl_predict_fn(predc_dc_sse2)
{
    int t[2], l[2];
    sum4x2(&TOP(0), t);
    sum4x2(&LEFT(7), l); /* l[0] is LEFT(7..4), l[1] LEFT(3..0) */
    fill_quadrants(dst, dst_stride, (t[0] + l[1] + 4) >> 3, (t[1] + 2) >> 2, (l[0] + 2) >> 2,
                   (t[1] + l[0] + 4) >> 3);
}

decl_predict_fn(predc_dc_left_sse2)
{
    int l[2];
    sum4x2(&LEFT(7), l);
    const int d0 = (l[1] + 2) >> 2, d1 = (l[0] + 2) >> 2;
    fill_quadrants(dst, dst_stride, d0, d0, d1, d1);
}

decl_predict_fn(predc_dc_top_sse2)
{
    int t[2];
    sum4x2(&TOP(0), t);
    const int d0 = (t[0] + 2) >> 2, d1 = (t[1] + 2) >> 2;
    fill_quadrants(dst, dst_stride, d0, d1, d0, d1);
}

/* weighted8() on 4 bytes, for the top row, which ends at TOP(7). */
static inline int weighted4(const uint8_t *p, __m128i w)
{
    const __m128i v = _mm_unpacklo_epi8(_mm_loadu_si32(p), _mm_setzero_si128());
    const __m128i s = _mm_madd_epi16(v, w);
    return _mm_cvtsi128_si32(_mm_add_epi32(s, _mm_srli_si128(s, 4)));
}

decl_predict_fn(predc_plane_sse2)
{
    /* 4:2:0: 34 * H' and 34 * V' over 4 terms each. */
    const __m128i up = _mm_setr_epi16(1, 2, 3, 4, 0, 0, 0, 0);
    const __m128i down = _mm_setr_epi16(4, 3, 2, 1, 0, 0, 0, 0);
    const int gh = weighted4(&TOP(4), up) - weighted4(&TOP(-1), down);
    const int gv = weighted8(&LEFT(7), down) - weighted8(&LEFT(2), up);
    const int a = 16 * (LEFT(7) + TOP(7));
    const int b = (34 * gh + 32) >> 6, c = (34 * gv + 32) >> 6;
    plane_rows(dst, dst_stride, 8, a - 3 * b - 3 * c + 16, b, c);
}
