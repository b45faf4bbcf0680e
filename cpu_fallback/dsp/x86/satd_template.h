/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * 128-bit SATD shared by the SSE2 and SSSE3 files: two 4x4 Hadamard
 * transforms side by side in one register of eight 16-bit lanes. Include
 * after defining load4(), load8(), hsum_epi32() and abs_epi16() for the ISA.
 */
#ifndef HWENC_CPU_X86_SATD_TEMPLATE_H
#define HWENC_CPU_X86_SATD_TEMPLATE_H

/*
 * Half the sum of |Hadamard| over the 4x4 blocks held in d0..d3: lanes 0-3
 * and 4-7 of row register k are row k of two independent blocks. Values
 * stay within 16 * 255, so 16 bits suffice. The last butterfly is folded
 * into the magnitudes: |a + b| + |a - b| = 2 max(|a|, |b|), which also
 * absorbs the final halving exactly.
 */
static inline __m128i satd_8x4_rows(__m128i d0, __m128i d1, __m128i d2, __m128i d3)
{
    /* Vertical pass across the rows. */
    __m128i s01 = _mm_add_epi16(d0, d1), m01 = _mm_sub_epi16(d0, d1);
    __m128i s23 = _mm_add_epi16(d2, d3), m23 = _mm_sub_epi16(d2, d3);
    const __m128i v0 = _mm_add_epi16(s01, s23), v1 = _mm_sub_epi16(s01, s23);
    const __m128i v2 = _mm_sub_epi16(m01, m23), v3 = _mm_add_epi16(m01, m23);
    /* Transpose each 4x4 half so columns become registers. */
    const __m128i t0 = _mm_unpacklo_epi16(v0, v1), t1 = _mm_unpackhi_epi16(v0, v1);
    const __m128i t2 = _mm_unpacklo_epi16(v2, v3), t3 = _mm_unpackhi_epi16(v2, v3);
    const __m128i u0 = _mm_unpacklo_epi32(t0, t2), u1 = _mm_unpackhi_epi32(t0, t2);
    const __m128i u2 = _mm_unpacklo_epi32(t1, t3), u3 = _mm_unpackhi_epi32(t1, t3);
    const __m128i c0 = _mm_unpacklo_epi64(u0, u2), c1 = _mm_unpackhi_epi64(u0, u2);
    const __m128i c2 = _mm_unpacklo_epi64(u1, u3), c3 = _mm_unpackhi_epi64(u1, u3);
    /* Horizontal pass, first stage, then the folded second stage. */
    s01 = _mm_add_epi16(c0, c1);
    m01 = _mm_sub_epi16(c0, c1);
    s23 = _mm_add_epi16(c2, c3);
    m23 = _mm_sub_epi16(c2, c3);
    const __m128i ma = _mm_max_epi16(abs_epi16(s01), abs_epi16(s23));
    const __m128i mb = _mm_max_epi16(abs_epi16(m01), abs_epi16(m23));
    return _mm_madd_epi16(_mm_add_epi16(ma, mb), _mm_set1_epi16(1));
}

static inline __m128i diff8(const uint8_t *a, const uint8_t *b)
{
    const __m128i zero = _mm_setzero_si128();
    return _mm_sub_epi16(_mm_unpacklo_epi8(load8(a), zero), _mm_unpacklo_epi8(load8(b), zero));
}

/* Row k of a 4-wide block in lanes 0-3 and row k + 4 in lanes 4-7. */
static inline __m128i diff4x2(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride)
{
    const __m128i zero = _mm_setzero_si128();
    const __m128i va = _mm_unpacklo_epi32(load4(a), load4(a + 4 * a_stride));
    const __m128i vb = _mm_unpacklo_epi32(load4(b), load4(b + 4 * b_stride));
    return _mm_sub_epi16(_mm_unpacklo_epi8(va, zero), _mm_unpacklo_epi8(vb, zero));
}

static inline int satd_wxh(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                           int w, int h)
{
    __m128i sum = _mm_setzero_si128();
    if (w == 4) {
        /* 4x8 pairs its two blocks side by side; 4x4 pairs one with zeros. */
        const __m128i zero = _mm_setzero_si128();
        __m128i d[4];
        for (int k = 0; k < 4; k++) {
            const uint8_t *pa = a + k * a_stride, *pb = b + k * b_stride;
            d[k] = h == 8 ? diff4x2(pa, a_stride, pb, b_stride)
                          : _mm_sub_epi16(_mm_unpacklo_epi8(load4(pa), zero), _mm_unpacklo_epi8(load4(pb), zero));
        }
        return hsum_epi32(satd_8x4_rows(d[0], d[1], d[2], d[3]));
    }
    for (int y = 0; y < h; y += 4)
        for (int x = 0; x < w; x += 8) {
            const uint8_t *pa = a + y * a_stride + x, *pb = b + y * b_stride + x;
            sum = _mm_add_epi32(sum, satd_8x4_rows(diff8(pa, pb), diff8(pa + a_stride, pb + b_stride),
                                                   diff8(pa + 2 * a_stride, pb + 2 * b_stride),
                                                   diff8(pa + 3 * a_stride, pb + 3 * b_stride)));
        }
    return hsum_epi32(sum);
}

#define DEF_SATD(w, h, isa) \
decl_pixel_cmp_fn(satd_##w##x##h##_##isa) \
{ \
    return satd_wxh(a, a_stride, b, b_stride, w, h); \
}

#define DEF_SATD_ALL(isa) \
    DEF_SATD(16, 16, isa) \
    DEF_SATD(16, 8, isa) \
    DEF_SATD(8, 16, isa) \
    DEF_SATD(8, 8, isa) \
    DEF_SATD(8, 4, isa) \
    DEF_SATD(4, 8, isa) \
    DEF_SATD(4, 4, isa)

#endif
