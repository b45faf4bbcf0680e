/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 Intra 8x8 predictors on the filtered edge (predict8x8.h's layout:
 * edge[-8..-1] the left column bottom to top, edge[0] the corner,
 * edge[1..16] the row above).
 */
#include <emmintrin.h>

#include "cpu_fallback/dsp/x86/predict8x8.h"

static inline void store_rows(uint8_t *dst, ptrdiff_t stride, __m128i row)
{
    for (int y = 0; y < 8; y++)
        _mm_storel_epi64((__m128i *)(dst + y * stride), row);
}

static inline __m128i splat(int v)
{
    return _mm_set1_epi8((char)v);
}

/* Sum of the eight bytes at p. */
static inline int sum8(const uint8_t *p)
{
    return _mm_cvtsi128_si32(_mm_sad_epu8(_mm_loadl_epi64((const __m128i *)p), _mm_setzero_si128()));
}

void pred8x8l_h_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    for (int y = 0; y < 8; y++)
        _mm_storel_epi64((__m128i *)(dst + y * stride), splat(edge[-1 - y]));
}

void pred8x8l_dc_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    store_rows(dst, stride, splat((sum8(edge + 1) + sum8(edge - 8) + 8) >> 4));
}

void pred8x8l_dc_left_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    store_rows(dst, stride, splat((sum8(edge - 8) + 4) >> 3));
}

void pred8x8l_dc_top_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    store_rows(dst, stride, splat((sum8(edge + 1) + 4) >> 3));
}

void pred8x8l_dc_128_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    (void)edge;
    store_rows(dst, stride, splat(128));
}

/* (a + 2b + c + 2) >> 2 per byte, exactly: the floor average of a and c
 * is pavgb's rounded one less the odd bit, and pavgb with b then rounds
 * as the sum does. */
static inline __m128i lowpass(__m128i a, __m128i b, __m128i c)
{
    const __m128i ac = _mm_sub_epi8(_mm_avg_epu8(a, c), _mm_and_si128(_mm_xor_si128(a, c), splat(1)));
    return _mm_avg_epu8(ac, b);
}

/* The row above, t[0..15], and t shifted by one with t[16] = t[15]. */
static inline void load_top(const uint8_t *edge, __m128i *t, __m128i *next)
{
    *t = _mm_loadu_si128((const __m128i *)(edge + 1));
    *next = _mm_or_si128(_mm_srli_si128(*t, 1), _mm_slli_si128(_mm_cvtsi32_si128(edge[16]), 15));
}

void pred8x8l_ddl_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    __m128i t, next;
    load_top(edge, &t, &next);
    /* l[i] = (t[i-1] + 2 t[i] + t[i+1] + 2) >> 2 for i = 1..15, t[16]
     * standing in for the corner case (T14 + 3 T15 + 2) >> 2; row y is
     * l[y+1 .. y+8]. */
    const __m128i l = lowpass(_mm_slli_si128(t, 1), t, next);
    _mm_storel_epi64((__m128i *)(dst + 0 * stride), _mm_srli_si128(l, 1));
    _mm_storel_epi64((__m128i *)(dst + 1 * stride), _mm_srli_si128(l, 2));
    _mm_storel_epi64((__m128i *)(dst + 2 * stride), _mm_srli_si128(l, 3));
    _mm_storel_epi64((__m128i *)(dst + 3 * stride), _mm_srli_si128(l, 4));
    _mm_storel_epi64((__m128i *)(dst + 4 * stride), _mm_srli_si128(l, 5));
    _mm_storel_epi64((__m128i *)(dst + 5 * stride), _mm_srli_si128(l, 6));
    _mm_storel_epi64((__m128i *)(dst + 6 * stride), _mm_srli_si128(l, 7));
    _mm_storel_epi64((__m128i *)(dst + 7 * stride), _mm_srli_si128(l, 8));
}

void pred8x8l_ddr_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    /* e = edge[-8..8]: the left column bottom up, the corner, the row
     * above. Row y, column x is the lowpass around e[8 + x - y]. */
    const __m128i e = _mm_loadu_si128((const __m128i *)(edge - 8));
    const __m128i next = _mm_loadu_si128((const __m128i *)(edge - 7));
    const __m128i l = lowpass(_mm_slli_si128(e, 1), e, next);
    _mm_storel_epi64((__m128i *)(dst + 0 * stride), _mm_srli_si128(l, 8));
    _mm_storel_epi64((__m128i *)(dst + 1 * stride), _mm_srli_si128(l, 7));
    _mm_storel_epi64((__m128i *)(dst + 2 * stride), _mm_srli_si128(l, 6));
    _mm_storel_epi64((__m128i *)(dst + 3 * stride), _mm_srli_si128(l, 5));
    _mm_storel_epi64((__m128i *)(dst + 4 * stride), _mm_srli_si128(l, 4));
    _mm_storel_epi64((__m128i *)(dst + 5 * stride), _mm_srli_si128(l, 3));
    _mm_storel_epi64((__m128i *)(dst + 6 * stride), _mm_srli_si128(l, 2));
    _mm_storel_epi64((__m128i *)(dst + 7 * stride), _mm_srli_si128(l, 1));
}

void pred8x8l_vl_sse2(uint8_t *dst, ptrdiff_t stride, const uint8_t *edge)
{
    __m128i t, next;
    load_top(edge, &t, &next);
    /* Even rows 2k: the average of t[x + k] and t[x + k + 1]; odd rows
     * 2k + 1: the lowpass around t[x + k + 1] (x + k + 2 <= 12, so the
     * stand-in t[16] is never read). */
    const __m128i avg = _mm_avg_epu8(t, next);
    const __m128i l = lowpass(t, next, _mm_srli_si128(next, 1));
    _mm_storel_epi64((__m128i *)(dst + 0 * stride), avg);
    _mm_storel_epi64((__m128i *)(dst + 1 * stride), l);
    _mm_storel_epi64((__m128i *)(dst + 2 * stride), _mm_srli_si128(avg, 1));
    _mm_storel_epi64((__m128i *)(dst + 3 * stride), _mm_srli_si128(l, 1));
    _mm_storel_epi64((__m128i *)(dst + 4 * stride), _mm_srli_si128(avg, 2));
    _mm_storel_epi64((__m128i *)(dst + 5 * stride), _mm_srli_si128(l, 2));
    _mm_storel_epi64((__m128i *)(dst + 6 * stride), _mm_srli_si128(avg, 3));
    _mm_storel_epi64((__m128i *)(dst + 7 * stride), _mm_srli_si128(l, 3));
}
