/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * The 128-bit quantiser shared by the SSE2 and SSSE3 files, which differ
 * only in abs_epi16(). Include after defining abs_epi16() for the ISA.
 *
 * level = (|c| * mf + bias) >> qbits in 32 unsigned bits, then the sign of
 * c by (level ^ m) - m with m = c >> 31; psign would zero the level of a
 * zero coefficient, but C keeps bias >> qbits there.
 */
#ifndef HWENC_CPU_X86_QUANT_TEMPLATE_H
#define HWENC_CPU_X86_QUANT_TEMPLATE_H

#define QUANT_TEMPLATE(isa) \
static inline __m128i quant8_##isa(__m128i c, __m128i mf, __m128i bias, __m128i shift) \
{ \
    const __m128i mag = abs_epi16(c); \
    const __m128i lo = _mm_mullo_epi16(mag, mf), hi = _mm_mulhi_epu16(mag, mf); \
    __m128i l0 = _mm_srl_epi32(_mm_add_epi32(_mm_unpacklo_epi16(lo, hi), bias), shift); \
    __m128i l1 = _mm_srl_epi32(_mm_add_epi32(_mm_unpackhi_epi16(lo, hi), bias), shift); \
    const __m128i s0 = _mm_srai_epi32(_mm_unpacklo_epi16(c, c), 31); \
    const __m128i s1 = _mm_srai_epi32(_mm_unpackhi_epi16(c, c), 31); \
    l0 = _mm_sub_epi32(_mm_xor_si128(l0, s0), s0); \
    l1 = _mm_sub_epi32(_mm_xor_si128(l1, s1), s1); \
    return _mm_packs_epi32(l0, l1); \
} \
\
static inline int quant16_##isa(int16_t c[16], __m128i mf0, __m128i mf1, uint32_t bias, int qbits) \
{ \
    const __m128i b = _mm_set1_epi32((int32_t)bias), shift = _mm_cvtsi32_si128(qbits); \
    const __m128i q0 = quant8_##isa(_mm_loadu_si128((const __m128i *)c), mf0, b, shift); \
    const __m128i q1 = quant8_##isa(_mm_loadu_si128((const __m128i *)(c + 8)), mf1, b, shift); \
    _mm_storeu_si128((__m128i *)c, q0); \
    _mm_storeu_si128((__m128i *)(c + 8), q1); \
    const __m128i zero = _mm_cmpeq_epi16(_mm_or_si128(q0, q1), _mm_setzero_si128()); \
    return _mm_movemask_epi8(zero) != 0xffff; \
} \
\
int quant_4x4_##isa(int16_t dct[16], const uint16_t mf[16], uint32_t bias, int qbits) \
{ \
    return quant16_##isa(dct, _mm_loadu_si128((const __m128i *)mf), \
                         _mm_loadu_si128((const __m128i *)(mf + 8)), bias, qbits); \
} \
\
int quant_4x4x4_##isa(int16_t dct[4][16], const uint16_t mf[16], uint32_t bias, int qbits) \
{ \
    const __m128i mf0 = _mm_loadu_si128((const __m128i *)mf), mf1 = _mm_loadu_si128((const __m128i *)(mf + 8)); \
    int mask = 0; \
    for (int b = 0; b < 4; b++) \
        mask |= quant16_##isa(dct[b], mf0, mf1, bias, qbits) << b; \
    return mask; \
} \
\
/* The four DCs [a b c d] go to the low half, each loaded from its block \
 * (which the transform just stored whole, so the loads forward); two \
 * butterflies, each of a shuffle and a negation of alternate lanes, give \
 * [a+b+c+d, a-b+c-d, a+b-c-d, a-b-c+d], and the quantisation is \
 * branch-free, unlike the C loop, whose sign tests mispredict on the \
 * chroma DC's random signs. */ \
int quant_chroma_dc_##isa(int16_t dc[4], const int16_t dct[4][16], uint16_t mf, uint32_t bias, int qbits) \
{ \
    __m128i v = _mm_cvtsi32_si128((uint16_t)dct[0][0]); \
    v = _mm_insert_epi16(v, dct[1][0], 1); \
    v = _mm_insert_epi16(v, dct[2][0], 2); \
    v = _mm_insert_epi16(v, dct[3][0], 3); \
    /* [a+b, a-b, c+d, c-d], then [s0+s1, d0+d1, s0-s1, d0-d1]. */ \
    const __m128i odd = _mm_set_epi16(0, 0, 0, 0, -1, 0, -1, 0), high = _mm_set_epi16(0, 0, 0, 0, -1, -1, 0, 0); \
    __m128i y = _mm_shufflelo_epi16(v, _MM_SHUFFLE(3, 3, 1, 1)); \
    v = _mm_add_epi16(_mm_shufflelo_epi16(v, _MM_SHUFFLE(2, 2, 0, 0)), _mm_sub_epi16(_mm_xor_si128(y, odd), odd)); \
    y = _mm_shufflelo_epi16(v, _MM_SHUFFLE(3, 2, 3, 2)); \
    v = _mm_add_epi16(_mm_shufflelo_epi16(v, _MM_SHUFFLE(1, 0, 1, 0)), _mm_sub_epi16(_mm_xor_si128(y, high), high)); \
    const __m128i q = quant8_##isa(v, _mm_set1_epi16((int16_t)mf), \
                                   _mm_set1_epi32((int32_t)bias), _mm_cvtsi32_si128(qbits)); \
    _mm_storel_epi64((__m128i *)dc, q); \
    return (_mm_movemask_epi8(_mm_cmpeq_epi16(q, _mm_setzero_si128())) & 0xff) != 0xff; \
} \
\
int quant_4x4_dc_##isa(int16_t dc[16], uint16_t mf, uint32_t bias, int qbits) \
{ \
    const __m128i m = _mm_set1_epi16((int16_t)mf); \
    return quant16_##isa(dc, m, m, bias, qbits); \
}

#endif
