/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AVX2 8x8 quantisation: sixteen coefficients per register.
 */
#include <immintrin.h>

#include "cpu_fallback/dsp/x86/dct8x8.h"

int quant_8x8_avx2(int16_t dct[64], const uint16_t mf[64], uint32_t bias, int qbits)
{
    const __m256i b = _mm256_set1_epi32((int32_t)bias);
    const __m128i shift = _mm_cvtsi32_si128(qbits);
    __m256i any = _mm256_setzero_si256();
    for (int i = 0; i < 64; i += 16) {
        const __m256i c = _mm256_loadu_si256((const __m256i *)(dct + i));
        const __m256i m = _mm256_loadu_si256((const __m256i *)(mf + i));
        const __m256i mag = _mm256_abs_epi16(c);
        const __m256i lo = _mm256_mullo_epi16(mag, m), hi = _mm256_mulhi_epu16(mag, m);
        /* Lane-wise unpacks keep each 128-bit half's order; the pack
         * below restores it. */
        __m256i l0 = _mm256_srl_epi32(_mm256_add_epi32(_mm256_unpacklo_epi16(lo, hi), b), shift);
        __m256i l1 = _mm256_srl_epi32(_mm256_add_epi32(_mm256_unpackhi_epi16(lo, hi), b), shift);
        const __m256i s0 = _mm256_srai_epi32(_mm256_unpacklo_epi16(c, c), 31);
        const __m256i s1 = _mm256_srai_epi32(_mm256_unpackhi_epi16(c, c), 31);
        l0 = _mm256_sub_epi32(_mm256_xor_si256(l0, s0), s0);
        l1 = _mm256_sub_epi32(_mm256_xor_si256(l1, s1), s1);
        const __m256i q = _mm256_packs_epi32(l0, l1);
        _mm256_storeu_si256((__m256i *)(dct + i), q);
        any = _mm256_or_si256(any, q);
    }
    return !_mm256_testz_si256(any, any);
}
