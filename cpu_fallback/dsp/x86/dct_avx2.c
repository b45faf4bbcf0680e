/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AVX2 8x8 transforms: the four 4x4 blocks of an 8x8 block at once.
 *
 * Forward: register y holds row y of the top two blocks in its low lane
 * and row y + 4 of the bottom two in its high lane, so one pass across the
 * four registers transforms the columns of all four blocks. The in-lane
 * 4x4 transposes (unpack instructions never cross lanes) then serve two
 * blocks per lane. Differences of pixels and the forward transform fit 16
 * bits, as in dct_sse2.c.
 *
 * Inverse: 32-bit lanes, like add4x4_idct_sse2, so the result equals C on
 * any int16 input; one register holds a row of two side-by-side blocks.
 */
#include <immintrin.h>
#include <string.h>

#include "cpu_fallback/dsp/x86/dct.h"

/* Rows y and y + 4 of 8 pixels as 16 int16: low lane row y, high lane y + 4. */
static inline __m256i load_rows(const uint8_t *p, ptrdiff_t stride, int y)
{
    const __m128i a = _mm_loadl_epi64((const __m128i *)(p + y * stride));
    const __m128i b = _mm_loadl_epi64((const __m128i *)(p + (y + 4) * stride));
    return _mm256_cvtepu8_epi16(_mm_unpacklo_epi64(a, b));
}

static inline void fdct4_epi16(__m256i x[4])
{
    const __m256i a0 = _mm256_add_epi16(x[0], x[3]), a3 = _mm256_sub_epi16(x[0], x[3]);
    const __m256i a1 = _mm256_add_epi16(x[1], x[2]), a2 = _mm256_sub_epi16(x[1], x[2]);
    x[0] = _mm256_add_epi16(a0, a1);
    x[1] = _mm256_add_epi16(_mm256_add_epi16(a3, a3), a2);
    x[2] = _mm256_sub_epi16(a0, a1);
    x[3] = _mm256_sub_epi16(a3, _mm256_add_epi16(a2, a2));
}

/* Per 128-bit lane, x[k] = [block A: 4 values k, block B: 4 values k];
 * afterwards x[j] = [A: element j of x[0..3], B: the same]. */
static inline void transpose_pairs_epi16(__m256i x[4])
{
    const __m256i a = _mm256_unpacklo_epi16(x[0], x[1]), b = _mm256_unpackhi_epi16(x[0], x[1]);
    const __m256i c = _mm256_unpacklo_epi16(x[2], x[3]), d = _mm256_unpackhi_epi16(x[2], x[3]);
    const __m256i e = _mm256_unpacklo_epi32(a, c), f = _mm256_unpackhi_epi32(a, c);
    const __m256i g = _mm256_unpacklo_epi32(b, d), h = _mm256_unpackhi_epi32(b, d);
    x[0] = _mm256_unpacklo_epi64(e, g);
    x[1] = _mm256_unpackhi_epi64(e, g);
    x[2] = _mm256_unpacklo_epi64(f, h);
    x[3] = _mm256_unpackhi_epi64(f, h);
}

void sub8x8_dct_avx2(int16_t dct[4][16], const uint8_t *src, ptrdiff_t src_stride,
                     const uint8_t *pred, ptrdiff_t pred_stride)
{
    __m256i r[4];
    for (int y = 0; y < 4; y++)
        r[y] = _mm256_sub_epi16(load_rows(src, src_stride, y), load_rows(pred, pred_stride, y));
    fdct4_epi16(r);           /* columns */
    transpose_pairs_epi16(r); /* r[x]: column x of each block */
    fdct4_epi16(r);           /* rows: r[j] holds output column j */
    transpose_pairs_epi16(r); /* r[k]: output row k of each block */
    /* Low lanes: blocks 0 (first half) and 1; high lanes: blocks 2 and 3. */
    const __m256i a01 = _mm256_unpacklo_epi64(r[0], r[1]), a23 = _mm256_unpacklo_epi64(r[2], r[3]);
    const __m256i b01 = _mm256_unpackhi_epi64(r[0], r[1]), b23 = _mm256_unpackhi_epi64(r[2], r[3]);
    _mm256_storeu_si256((__m256i *)dct[0], _mm256_permute2x128_si256(a01, a23, 0x20));
    _mm256_storeu_si256((__m256i *)dct[1], _mm256_permute2x128_si256(b01, b23, 0x20));
    _mm256_storeu_si256((__m256i *)dct[2], _mm256_permute2x128_si256(a01, a23, 0x31));
    _mm256_storeu_si256((__m256i *)dct[3], _mm256_permute2x128_si256(b01, b23, 0x31));
}

static inline void transpose4x4_epi32(__m256i r[4])
{
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    r[0] = _mm256_unpacklo_epi64(t0, t2);
    r[1] = _mm256_unpackhi_epi64(t0, t2);
    r[2] = _mm256_unpacklo_epi64(t1, t3);
    r[3] = _mm256_unpackhi_epi64(t1, t3);
}

/* One inverse pass (8-338..8-345) across four registers. */
static inline void idct4_epi32(__m256i r[4])
{
    const __m256i e0 = _mm256_add_epi32(r[0], r[2]), e1 = _mm256_sub_epi32(r[0], r[2]);
    const __m256i e2 = _mm256_sub_epi32(_mm256_srai_epi32(r[1], 1), r[3]);
    const __m256i e3 = _mm256_add_epi32(r[1], _mm256_srai_epi32(r[3], 1));
    r[0] = _mm256_add_epi32(e0, e3);
    r[1] = _mm256_add_epi32(e1, e2);
    r[2] = _mm256_sub_epi32(e1, e2);
    r[3] = _mm256_sub_epi32(e0, e3);
}

/* Blocks a (left) and b (right) of one 4x8 strip at dst. */
static inline void add_pair(uint8_t *dst, ptrdiff_t stride, const int16_t a[16], const int16_t b[16])
{
    __m256i r[4];
    for (int half = 0; half < 2; half++) {
        /* [rows 2h, 2h + 1] of each block as int32, then one row of both
         * blocks per register. */
        const __m256i la = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(a + 8 * half)));
        const __m256i lb = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(b + 8 * half)));
        r[2 * half] = _mm256_permute2x128_si256(la, lb, 0x20);
        r[2 * half + 1] = _mm256_permute2x128_si256(la, lb, 0x31);
    }
    /* Rows first, as the standard orders the passes (see dct_sse2.c). */
    transpose4x4_epi32(r);
    idct4_epi32(r);
    transpose4x4_epi32(r);
    idct4_epi32(r);
    const __m256i round = _mm256_set1_epi32(32);
    for (int y = 0; y < 4; y += 2) {
        /* (h + 32) >> 6 fits int16 for any int16 input (dct_sse2.c). */
        const __m256i res = _mm256_packs_epi32(_mm256_srai_epi32(_mm256_add_epi32(r[y], round), 6),
                                               _mm256_srai_epi32(_mm256_add_epi32(r[y + 1], round), 6));
        /* [a row y, a row y+1 | b row y, b row y+1] -> [row y | row y+1]. */
        const __m256i rows = _mm256_permute4x64_epi64(res, 0xd8);
        uint8_t *d0 = dst + y * stride, *d1 = d0 + stride;
        const __m128i pix = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)d0),
                                               _mm_loadl_epi64((const __m128i *)d1));
        const __m256i sum = _mm256_add_epi16(_mm256_cvtepu8_epi16(pix), rows);
        const __m256i out = _mm256_packus_epi16(sum, sum);
        _mm_storel_epi64((__m128i *)d0, _mm256_castsi256_si128(out));
        _mm_storel_epi64((__m128i *)d1, _mm256_extracti128_si256(out, 1));
    }
}

void add8x8_idct_avx2(uint8_t *dst, ptrdiff_t dst_stride, const int16_t dct[4][16])
{
    add_pair(dst, dst_stride, dct[0], dct[1]);
    add_pair(dst + 4 * dst_stride, dst_stride, dct[2], dct[3]);
}
