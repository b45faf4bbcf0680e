/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 4x4 transforms. The forward transform of pixel differences fits 16
 * bits (at most 36 * 255). The inverse transform and the DC Hadamards work
 * in 32-bit lanes, one row per register, so that they equal the C versions
 * on every int16 input, not only on the ones a conforming stream carries.
 */
#include <emmintrin.h>
#include <string.h>

#include "cpu_fallback/dsp/x86/dct.h"

static inline __m128i load4(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return _mm_cvtsi32_si128(v);
}

/* Transposes four rows of four int16 held in the low halves. */
static inline void transpose4x4_epi16(__m128i *r0, __m128i *r1, __m128i *r2, __m128i *r3)
{
    const __m128i t0 = _mm_unpacklo_epi16(*r0, *r1), t1 = _mm_unpacklo_epi16(*r2, *r3);
    const __m128i c01 = _mm_unpacklo_epi32(t0, t1), c23 = _mm_unpackhi_epi32(t0, t1);
    *r0 = c01;
    *r1 = _mm_unpackhi_epi64(c01, c01);
    *r2 = c23;
    *r3 = _mm_unpackhi_epi64(c23, c23);
}

static inline void transpose4x4_epi32(__m128i *r0, __m128i *r1, __m128i *r2, __m128i *r3)
{
    const __m128i t0 = _mm_unpacklo_epi32(*r0, *r1), t1 = _mm_unpackhi_epi32(*r0, *r1);
    const __m128i t2 = _mm_unpacklo_epi32(*r2, *r3), t3 = _mm_unpackhi_epi32(*r2, *r3);
    *r0 = _mm_unpacklo_epi64(t0, t2);
    *r1 = _mm_unpackhi_epi64(t0, t2);
    *r2 = _mm_unpacklo_epi64(t1, t3);
    *r3 = _mm_unpackhi_epi64(t1, t3);
}

/* The forward core transform applied across four registers. */
static inline void fdct4_epi16(__m128i *x0, __m128i *x1, __m128i *x2, __m128i *x3)
{
    const __m128i a0 = _mm_add_epi16(*x0, *x3), a3 = _mm_sub_epi16(*x0, *x3);
    const __m128i a1 = _mm_add_epi16(*x1, *x2), a2 = _mm_sub_epi16(*x1, *x2);
    *x0 = _mm_add_epi16(a0, a1);
    *x1 = _mm_add_epi16(_mm_add_epi16(a3, a3), a2);
    *x2 = _mm_sub_epi16(a0, a1);
    *x3 = _mm_sub_epi16(a3, _mm_add_epi16(a2, a2));
}

/* The forward transform has no rounding, so the order of the two passes
 * does not change the result: columns, transpose, columns, transpose. */
void sub4x4_dct_sse2(int16_t dct[16], const uint8_t *src, ptrdiff_t src_stride,
                     const uint8_t *pred, ptrdiff_t pred_stride)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i r[4];
    for (int y = 0; y < 4; y++)
        r[y] = _mm_sub_epi16(_mm_unpacklo_epi8(load4(src + y * src_stride), zero),
                             _mm_unpacklo_epi8(load4(pred + y * pred_stride), zero));
    fdct4_epi16(&r[0], &r[1], &r[2], &r[3]);
    transpose4x4_epi16(&r[0], &r[1], &r[2], &r[3]);
    fdct4_epi16(&r[0], &r[1], &r[2], &r[3]);
    transpose4x4_epi16(&r[0], &r[1], &r[2], &r[3]);
    _mm_storeu_si128((__m128i *)dct, _mm_unpacklo_epi64(r[0], r[1]));
    _mm_storeu_si128((__m128i *)(dct + 8), _mm_unpacklo_epi64(r[2], r[3]));
}

/* Sign-extends the low four int16 lanes to int32. */
static inline __m128i widen_lo(__m128i v)
{
    return _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 16);
}

static inline __m128i widen_hi(__m128i v)
{
    return _mm_srai_epi32(_mm_unpackhi_epi16(v, v), 16);
}

/* Loads a 4x4 int16 block as four int32 rows. */
static inline void load_block_epi32(const int16_t c[16], __m128i r[4])
{
    const __m128i lo = _mm_loadu_si128((const __m128i *)c);
    const __m128i hi = _mm_loadu_si128((const __m128i *)(c + 8));
    r[0] = widen_lo(lo);
    r[1] = widen_hi(lo);
    r[2] = widen_lo(hi);
    r[3] = widen_hi(hi);
}

/* One inverse pass (8-338..8-345) across four registers. */
static inline void idct4_epi32(__m128i r[4])
{
    const __m128i e0 = _mm_add_epi32(r[0], r[2]), e1 = _mm_sub_epi32(r[0], r[2]);
    const __m128i e2 = _mm_sub_epi32(_mm_srai_epi32(r[1], 1), r[3]);
    const __m128i e3 = _mm_add_epi32(r[1], _mm_srai_epi32(r[3], 1));
    r[0] = _mm_add_epi32(e0, e3);
    r[1] = _mm_add_epi32(e1, e2);
    r[2] = _mm_sub_epi32(e1, e2);
    r[3] = _mm_sub_epi32(e0, e3);
}

/* The >> 1 makes the inverse passes order-dependent; as in the standard,
 * rows go first. Transposing first turns the row pass into a pass across
 * registers; the second transpose brings the rows back for the columns. */
void add4x4_idct_sse2(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[16])
{
    __m128i r[4];
    load_block_epi32(dct, r);
    transpose4x4_epi32(&r[0], &r[1], &r[2], &r[3]);
    idct4_epi32(r);
    transpose4x4_epi32(&r[0], &r[1], &r[2], &r[3]);
    idct4_epi32(r);
    /* (h + 32) >> 6 is within +-6300 for any int16 input, so packing to
     * int16 is exact; packus then clips the sum to 0..255. */
    const __m128i round = _mm_set1_epi32(32), zero = _mm_setzero_si128();
    for (int y = 0; y < 4; y += 2) {
        const __m128i res = _mm_packs_epi32(_mm_srai_epi32(_mm_add_epi32(r[y], round), 6),
                                            _mm_srai_epi32(_mm_add_epi32(r[y + 1], round), 6));
        uint8_t *d0 = dst + y * dst_stride, *d1 = d0 + dst_stride;
        const __m128i pix = _mm_unpacklo_epi8(_mm_unpacklo_epi32(load4(d0), load4(d1)), zero);
        const __m128i out = _mm_packus_epi16(_mm_add_epi16(pix, res), zero);
        const int32_t v0 = _mm_cvtsi128_si32(out), v1 = _mm_cvtsi128_si32(_mm_srli_si128(out, 4));
        memcpy(d0, &v0, 4);
        memcpy(d1, &v1, 4);
    }
}

/* The 8x8 versions are the 4x4 ones four times: they save the callers
 * their loops where AVX2 is missing. */
void sub8x8_dct_sse2(int16_t dct[4][16], const uint8_t *src, ptrdiff_t src_stride,
                     const uint8_t *pred, ptrdiff_t pred_stride)
{
    for (int b = 0; b < 4; b++)
        sub4x4_dct_sse2(dct[b], src + 4 * (b >> 1) * src_stride + 4 * (b & 1), src_stride,
                        pred + 4 * (b >> 1) * pred_stride + 4 * (b & 1), pred_stride);
}

void add8x8_idct_sse2(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[4][16])
{
    for (int b = 0; b < 4; b++)
        add4x4_idct_sse2(dst + 4 * (b >> 1) * dst_stride + 4 * (b & 1), dst_stride, dct[b]);
}

static inline void hadamard4_epi32(__m128i r[4])
{
    const __m128i s01 = _mm_add_epi32(r[0], r[1]), m01 = _mm_sub_epi32(r[0], r[1]);
    const __m128i s23 = _mm_add_epi32(r[2], r[3]), m23 = _mm_sub_epi32(r[2], r[3]);
    r[0] = _mm_add_epi32(s01, s23);
    r[1] = _mm_sub_epi32(s01, s23);
    r[2] = _mm_sub_epi32(m01, m23);
    r[3] = _mm_add_epi32(m01, m23);
}

/* H X H with a symmetric H and no rounding inside: pass, transpose, pass,
 * transpose (the second transpose happens on the packed int16 result). */
static inline void hadamard4x4_dc(int16_t dc[16], int halve)
{
    __m128i r[4];
    load_block_epi32(dc, r);
    hadamard4_epi32(r);
    transpose4x4_epi32(&r[0], &r[1], &r[2], &r[3]);
    hadamard4_epi32(r);
    if (halve) {
        const __m128i one = _mm_set1_epi32(1);
        for (int i = 0; i < 4; i++)
            r[i] = _mm_srai_epi32(_mm_add_epi32(r[i], one), 1);
    }
    /* packssdw saturates exactly like the C clip to int16. */
    __m128i p0 = _mm_packs_epi32(r[0], r[0]), p1 = _mm_packs_epi32(r[1], r[1]);
    __m128i p2 = _mm_packs_epi32(r[2], r[2]), p3 = _mm_packs_epi32(r[3], r[3]);
    transpose4x4_epi16(&p0, &p1, &p2, &p3);
    _mm_storeu_si128((__m128i *)dc, _mm_unpacklo_epi64(p0, p1));
    _mm_storeu_si128((__m128i *)(dc + 8), _mm_unpacklo_epi64(p2, p3));
}

void dct4x4dc_sse2(int16_t dc[16])
{
    hadamard4x4_dc(dc, 1);
}

void idct4x4dc_sse2(int16_t dc[16])
{
    hadamard4x4_dc(dc, 0);
}
