/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 quantisation, dequantisation and the last-coefficient search. The exact
 * input ranges are in x86/quant.h. Products of 16-bit values are formed
 * from pmullw/pmulhw halves interleaved into 32-bit lanes, which avoids
 * pmulld (SSE4.1 and slow) and handles eight coefficients per register.
 */
#include <emmintrin.h>

#include "cpu_fallback/dsp/x86/quant.h"
#include "cpu_fallback/dsp/x86/quant_template.h"

static inline __m128i abs_epi16(__m128i v)
{
    /* -(-32768) wraps to 0x8000, which is 32768 read as unsigned: right. */
    return _mm_max_epi16(v, _mm_sub_epi16(_mm_setzero_si128(), v));
}

QUANT_TEMPLATE(sse2)

static inline __m128i dequant_scale(const uint8_t dequant[16], int half, int shift)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)dequant);
    const __m128i zero = _mm_setzero_si128();
    const __m128i v16 = half ? _mm_unpackhi_epi8(v, zero) : _mm_unpacklo_epi8(v, zero);
    return _mm_sll_epi16(v16, _mm_cvtsi32_si128(shift));
}

/* c * scale as 32-bit products, saturated back to int16. */
static inline __m128i mul_sat(__m128i c, __m128i scale)
{
    const __m128i lo = _mm_mullo_epi16(c, scale), hi = _mm_mulhi_epi16(c, scale);
    return _mm_packs_epi32(_mm_unpacklo_epi16(lo, hi), _mm_unpackhi_epi16(lo, hi));
}

void dequant_4x4_sse2(int16_t dct[16], const uint8_t dequant[16], int qp)
{
    const int shift = qp / 6;
    for (int half = 0; half < 2; half++) {
        __m128i *p = (__m128i *)(dct + 8 * half);
        _mm_storeu_si128(p, mul_sat(_mm_loadu_si128(p), dequant_scale(dequant, half, shift)));
    }
}

void dequant_4x4_dc_sse2(int16_t dc[16], int dequant0, int qp)
{
    const __m128i scale = _mm_set1_epi16((int16_t)(dequant0 << (qp / 6)));
    const __m128i two = _mm_set1_epi32(2);
    for (int half = 0; half < 2; half++) {
        __m128i *p = (__m128i *)(dc + 8 * half);
        const __m128i c = _mm_loadu_si128(p);
        const __m128i lo = _mm_mullo_epi16(c, scale), hi = _mm_mulhi_epi16(c, scale);
        const __m128i p0 = _mm_srai_epi32(_mm_add_epi32(_mm_unpacklo_epi16(lo, hi), two), 2);
        const __m128i p1 = _mm_srai_epi32(_mm_add_epi32(_mm_unpackhi_epi16(lo, hi), two), 2);
        _mm_storeu_si128(p, _mm_packs_epi32(p0, p1));
    }
}

/* Byte i is 0xff when coefficient i is zero. Saturating to bytes keeps
 * every nonzero value nonzero. */
static inline __m128i zero_bytes(const int16_t coeffs[16])
{
    const __m128i c0 = _mm_loadu_si128((const __m128i *)coeffs);
    const __m128i c1 = _mm_loadu_si128((const __m128i *)(coeffs + 8));
    return _mm_cmpeq_epi8(_mm_packs_epi16(c0, c1), _mm_setzero_si128());
}

int coeff_last_16_sse2(const int16_t coeffs[16])
{
    const unsigned mask = ~(unsigned)_mm_movemask_epi8(zero_bytes(coeffs)) & 0xffffu;
    return mask ? 31 - __builtin_clz(mask) : -1;
}
