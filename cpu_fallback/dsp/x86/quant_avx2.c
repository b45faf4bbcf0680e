/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AVX2 quantisation and dequantisation: the whole 4x4 block in one
 * register. The 16-to-32-bit unpacks and the packs both work within
 * 128-bit lanes, so they undo each other's reordering and the
 * coefficients come back in place.
 */
#include <immintrin.h>

#include "cpu_fallback/dsp/x86/quant.h"

/* The levels of one block, not yet stored. */
static inline __m256i quant16(const int16_t c[16], __m256i mf, __m256i bias, __m128i shift)
{
    /* Two 128-bit loads: the block often was just written by 128-bit
     * stores (sub4x4_dct_sse2), which cannot forward to one 256-bit load;
     * halves of a 256-bit store forward either way. */
    const __m256i coef = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)c)),
                                                 _mm_loadu_si128((const __m128i *)(c + 8)), 1);
    const __m256i mag = _mm256_abs_epi16(coef);
    const __m256i lo = _mm256_mullo_epi16(mag, mf), hi = _mm256_mulhi_epu16(mag, mf);
    __m256i l0 = _mm256_srl_epi32(_mm256_add_epi32(_mm256_unpacklo_epi16(lo, hi), bias), shift);
    __m256i l1 = _mm256_srl_epi32(_mm256_add_epi32(_mm256_unpackhi_epi16(lo, hi), bias), shift);
    /* Conditional negation; see quant_template.h for why not psign. */
    const __m256i s0 = _mm256_srai_epi32(_mm256_unpacklo_epi16(coef, coef), 31);
    const __m256i s1 = _mm256_srai_epi32(_mm256_unpackhi_epi16(coef, coef), 31);
    l0 = _mm256_sub_epi32(_mm256_xor_si256(l0, s0), s0);
    l1 = _mm256_sub_epi32(_mm256_xor_si256(l1, s1), s1);
    return _mm256_packs_epi32(l0, l1);
}

static inline int quant16_store(int16_t c[16], __m256i mf, uint32_t bias, int qbits)
{
    const __m256i q = quant16(c, mf, _mm256_set1_epi32((int32_t)bias), _mm_cvtsi32_si128(qbits));
    _mm256_storeu_si256((__m256i *)c, q);
    return !_mm256_testz_si256(q, q);
}

int quant_4x4_avx2(int16_t dct[16], const uint16_t mf[16], uint32_t bias, int qbits)
{
    return quant16_store(dct, _mm256_loadu_si256((const __m256i *)mf), bias, qbits);
}

/* Four independent blocks keep the multipliers busy where one block's
 * chain of dependent steps would leave them waiting. The nonzero flags
 * come from one movemask: a word of the packed levels is zero only if the
 * block's 16 levels OR to zero. */
int quant_4x4x4_avx2(int16_t dct[4][16], const uint16_t mf[16], uint32_t bias, int qbits)
{
    const __m256i m = _mm256_loadu_si256((const __m256i *)mf);
    const __m256i b = _mm256_set1_epi32((int32_t)bias);
    const __m128i shift = _mm_cvtsi32_si128(qbits);
    int mask = 0;
    for (int k = 0; k < 4; k++) {
        const __m256i q = quant16(dct[k], m, b, shift);
        _mm256_storeu_si256((__m256i *)dct[k], q);
        mask |= !_mm256_testz_si256(q, q) << k;
    }
    return mask;
}

int quant_4x4_dc_avx2(int16_t dc[16], uint16_t mf, uint32_t bias, int qbits)
{
    return quant16_store(dc, _mm256_set1_epi16((int16_t)mf), bias, qbits);
}

void dequant_4x4_avx2(int16_t dct[16], const uint8_t dequant[16], int qp)
{
    const __m256i v = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)dequant));
    const __m256i scale = _mm256_sll_epi16(v, _mm_cvtsi32_si128(qp / 6));
    const __m256i c = _mm256_loadu_si256((const __m256i *)dct);
    const __m256i lo = _mm256_mullo_epi16(c, scale), hi = _mm256_mulhi_epi16(c, scale);
    _mm256_storeu_si256((__m256i *)dct,
                        _mm256_packs_epi32(_mm256_unpacklo_epi16(lo, hi), _mm256_unpackhi_epi16(lo, hi)));
}

void dequant_4x4_dc_avx2(int16_t dc[16], int dequant0, int qp)
{
    const __m256i scale = _mm256_set1_epi16((int16_t)(dequant0 << (qp / 6)));
    const __m256i two = _mm256_set1_epi32(2);
    const __m256i c = _mm256_loadu_si256((const __m256i *)dc);
    const __m256i lo = _mm256_mullo_epi16(c, scale), hi = _mm256_mulhi_epi16(c, scale);
    const __m256i p0 = _mm256_srai_epi32(_mm256_add_epi32(_mm256_unpacklo_epi16(lo, hi), two), 2);
    const __m256i p1 = _mm256_srai_epi32(_mm256_add_epi32(_mm256_unpackhi_epi16(lo, hi), two), 2);
    _mm256_storeu_si256((__m256i *)dc, _mm256_packs_epi32(p0, p1));
}
