/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 8x8 transforms, SA8D and 8x8 quantisation. A block is eight
 * registers, one row each; a 1-D transform across the registers works on
 * the columns, and a transpose turns rows into columns.
 */
#include <emmintrin.h>

#include "cpu_fallback/dsp/x86/dct8x8.h"

static inline void transpose8x8(__m128i r[8])
{
    const __m128i a0 = _mm_unpacklo_epi16(r[0], r[1]), a1 = _mm_unpackhi_epi16(r[0], r[1]);
    const __m128i a2 = _mm_unpacklo_epi16(r[2], r[3]), a3 = _mm_unpackhi_epi16(r[2], r[3]);
    const __m128i a4 = _mm_unpacklo_epi16(r[4], r[5]), a5 = _mm_unpackhi_epi16(r[4], r[5]);
    const __m128i a6 = _mm_unpacklo_epi16(r[6], r[7]), a7 = _mm_unpackhi_epi16(r[6], r[7]);
    const __m128i b0 = _mm_unpacklo_epi32(a0, a2), b1 = _mm_unpackhi_epi32(a0, a2);
    const __m128i b2 = _mm_unpacklo_epi32(a1, a3), b3 = _mm_unpackhi_epi32(a1, a3);
    const __m128i b4 = _mm_unpacklo_epi32(a4, a6), b5 = _mm_unpackhi_epi32(a4, a6);
    const __m128i b6 = _mm_unpacklo_epi32(a5, a7), b7 = _mm_unpackhi_epi32(a5, a7);
    r[0] = _mm_unpacklo_epi64(b0, b4);
    r[1] = _mm_unpackhi_epi64(b0, b4);
    r[2] = _mm_unpacklo_epi64(b1, b5);
    r[3] = _mm_unpackhi_epi64(b1, b5);
    r[4] = _mm_unpacklo_epi64(b2, b6);
    r[5] = _mm_unpackhi_epi64(b2, b6);
    r[6] = _mm_unpacklo_epi64(b3, b7);
    r[7] = _mm_unpackhi_epi64(b3, b7);
}

/* Rows of src - pred as 16-bit lanes. */
static inline void load_diff(__m128i r[8], const uint8_t *src, ptrdiff_t ss, const uint8_t *pred, ptrdiff_t ps)
{
    const __m128i zero = _mm_setzero_si128();
    for (int y = 0; y < 8; y++)
        r[y] = _mm_sub_epi16(_mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(src + y * ss)), zero),
                             _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(pred + y * ps)), zero));
}

#define ADD(a, b) _mm_add_epi16(a, b)
#define SUB(a, b) _mm_sub_epi16(a, b)
#define SRA(a, n) _mm_srai_epi16(a, n)

/* dct8x8.c's fdct8_1d on eight columns at once. */
static inline void fdct8(__m128i v[8])
{
    const __m128i s07 = ADD(v[0], v[7]), s16 = ADD(v[1], v[6]), s25 = ADD(v[2], v[5]), s34 = ADD(v[3], v[4]);
    const __m128i a0 = ADD(s07, s34), a1 = ADD(s16, s25), a2 = SUB(s07, s34), a3 = SUB(s16, s25);
    const __m128i d07 = SUB(v[0], v[7]), d16 = SUB(v[1], v[6]), d25 = SUB(v[2], v[5]), d34 = SUB(v[3], v[4]);
    const __m128i a4 = ADD(ADD(d16, d25), ADD(d07, SRA(d07, 1)));
    const __m128i a5 = SUB(SUB(d07, d34), ADD(d25, SRA(d25, 1)));
    const __m128i a6 = SUB(ADD(d07, d34), ADD(d16, SRA(d16, 1)));
    const __m128i a7 = ADD(SUB(d16, d25), ADD(d34, SRA(d34, 1)));
    v[0] = ADD(a0, a1);
    v[1] = ADD(a4, SRA(a7, 2));
    v[2] = ADD(a2, SRA(a3, 1));
    v[3] = ADD(a5, SRA(a6, 2));
    v[4] = SUB(a0, a1);
    v[5] = SUB(a6, SRA(a5, 2));
    v[6] = SUB(SRA(a2, 1), a3);
    v[7] = SUB(SRA(a4, 2), a7);
}

/* dct8x8.c's idct8_1d (8.5.13.2) on eight columns at once. */
static inline void idct8(__m128i d[8])
{
    const __m128i e0 = ADD(d[0], d[4]);
    const __m128i e1 = SUB(SUB(d[5], d[3]), ADD(d[7], SRA(d[7], 1)));
    const __m128i e2 = SUB(d[0], d[4]);
    const __m128i e3 = SUB(ADD(d[1], d[7]), ADD(d[3], SRA(d[3], 1)));
    const __m128i e4 = SUB(SRA(d[2], 1), d[6]);
    const __m128i e5 = ADD(SUB(d[7], d[1]), ADD(d[5], SRA(d[5], 1)));
    const __m128i e6 = ADD(d[2], SRA(d[6], 1));
    const __m128i e7 = ADD(ADD(d[3], d[5]), ADD(d[1], SRA(d[1], 1)));
    const __m128i f0 = ADD(e0, e6), f1 = ADD(e1, SRA(e7, 2)), f2 = ADD(e2, e4), f3 = ADD(e3, SRA(e5, 2));
    const __m128i f4 = SUB(e2, e4), f5 = SUB(SRA(e3, 2), e5), f6 = SUB(e0, e6), f7 = SUB(e7, SRA(e1, 2));
    d[0] = ADD(f0, f7);
    d[1] = ADD(f2, f5);
    d[2] = ADD(f4, f3);
    d[3] = ADD(f6, f1);
    d[4] = SUB(f6, f1);
    d[5] = SUB(f4, f3);
    d[6] = SUB(f2, f5);
    d[7] = SUB(f0, f7);
}

void sub8x8_dct8_sse2(int16_t dct[64], const uint8_t *src, ptrdiff_t src_stride, const uint8_t *pred,
                      ptrdiff_t pred_stride)
{
    __m128i r[8];
    load_diff(r, src, src_stride, pred, pred_stride);
    /* Rows first: transposed, the rows are columns. */
    transpose8x8(r);
    fdct8(r);
    transpose8x8(r);
    fdct8(r);
    for (int y = 0; y < 8; y++)
        _mm_storeu_si128((__m128i *)(dct + 8 * y), r[y]);
}

void add8x8_idct8_sse2(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[64])
{
    __m128i r[8];
    for (int y = 0; y < 8; y++)
        r[y] = _mm_loadu_si128((const __m128i *)(dct + 8 * y));
    /* Horizontal first, as 8.5.13.2 orders the passes. */
    transpose8x8(r);
    idct8(r);
    transpose8x8(r);
    idct8(r);
    const __m128i zero = _mm_setzero_si128(), round = _mm_set1_epi16(32);
    for (int y = 0; y < 8; y++) {
        uint8_t *p = dst + y * dst_stride;
        const __m128i res = _mm_srai_epi16(_mm_adds_epi16(r[y], round), 6);
        const __m128i pix = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)p), zero);
        _mm_storel_epi64((__m128i *)p, _mm_packus_epi16(_mm_adds_epi16(pix, res), zero));
    }
}

/* Three butterfly stages across the registers: an 8-point Hadamard of each
 * column (its output order differs from sa8d_8x8_c's, which the sum of
 * magnitudes does not see). */
static inline void hadamard8(__m128i v[8])
{
    for (int step = 1; step < 8; step <<= 1)
        for (int i = 0; i < 8; i += 2 * step)
            for (int k = i; k < i + step; k++) {
                const __m128i a = v[k], b = v[k + step];
                v[k] = ADD(a, b);
                v[k + step] = SUB(a, b);
            }
}

static inline __m128i abs16(__m128i v)
{
    return _mm_max_epi16(v, _mm_sub_epi16(_mm_setzero_si128(), v));
}

int sa8d_8x8_sse2(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride)
{
    __m128i r[8];
    load_diff(r, a, a_stride, b, b_stride);
    hadamard8(r);
    transpose8x8(r);
    hadamard8(r);
    /* |x| <= 64 * 255 fits 16 bits; pairs are summed into 32 bits. */
    const __m128i one = _mm_set1_epi16(1);
    __m128i sum = _mm_setzero_si128();
    for (int i = 0; i < 8; i++)
        sum = _mm_add_epi32(sum, _mm_madd_epi16(abs16(r[i]), one));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
    return (_mm_cvtsi128_si32(sum) + 2) >> 2;
}

/* (|c| * mf + bias) >> qbits in 32 unsigned bits with the sign of c, as
 * quant_template.h does it. */
int quant_8x8_sse2(int16_t dct[64], const uint16_t mf[64], uint32_t bias, int qbits)
{
    const __m128i b = _mm_set1_epi32((int32_t)bias), shift = _mm_cvtsi32_si128(qbits);
    __m128i any = _mm_setzero_si128();
    for (int i = 0; i < 64; i += 8) {
        const __m128i c = _mm_loadu_si128((const __m128i *)(dct + i));
        const __m128i m = _mm_loadu_si128((const __m128i *)(mf + i));
        const __m128i mag = abs16(c);
        const __m128i lo = _mm_mullo_epi16(mag, m), hi = _mm_mulhi_epu16(mag, m);
        __m128i l0 = _mm_srl_epi32(_mm_add_epi32(_mm_unpacklo_epi16(lo, hi), b), shift);
        __m128i l1 = _mm_srl_epi32(_mm_add_epi32(_mm_unpackhi_epi16(lo, hi), b), shift);
        const __m128i s0 = _mm_srai_epi32(_mm_unpacklo_epi16(c, c), 31);
        const __m128i s1 = _mm_srai_epi32(_mm_unpackhi_epi16(c, c), 31);
        l0 = _mm_sub_epi32(_mm_xor_si128(l0, s0), s0);
        l1 = _mm_sub_epi32(_mm_xor_si128(l1, s1), s1);
        const __m128i q = _mm_packs_epi32(l0, l1);
        _mm_storeu_si128((__m128i *)(dct + i), q);
        any = _mm_or_si128(any, q);
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi16(any, _mm_setzero_si128())) != 0xffff;
}

/* 8.5.13.1 as dequant_8x8_c: c * 16v in 32 bits (|c| * 928 < 2^25), then
 * shifted left from QP 36 or rounded right below, saturated to 16 bits. */
void dequant_8x8_sse2(int16_t dct[64], const uint8_t dequant[64], int qp)
{
    const int shift = qp / 6;
    const __m128i left = _mm_cvtsi32_si128(shift >= 6 ? shift - 6 : 0);
    const __m128i right = _mm_cvtsi32_si128(shift >= 6 ? 0 : 6 - shift);
    const __m128i round = _mm_set1_epi32(shift >= 6 ? 0 : 1 << (5 - shift));
    const __m128i zero = _mm_setzero_si128();
    for (int i = 0; i < 64; i += 8) {
        const __m128i c = _mm_loadu_si128((const __m128i *)(dct + i));
        const __m128i v = _mm_slli_epi16(_mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(dequant + i)), zero), 4);
        const __m128i lo = _mm_mullo_epi16(c, v), hi = _mm_mulhi_epi16(c, v);
        __m128i p0 = _mm_unpacklo_epi16(lo, hi), p1 = _mm_unpackhi_epi16(lo, hi);
        p0 = _mm_sra_epi32(_mm_add_epi32(_mm_sll_epi32(p0, left), round), right);
        p1 = _mm_sra_epi32(_mm_add_epi32(_mm_sll_epi32(p1, left), round), right);
        _mm_storeu_si128((__m128i *)(dct + i), _mm_packs_epi32(p0, p1));
    }
}
