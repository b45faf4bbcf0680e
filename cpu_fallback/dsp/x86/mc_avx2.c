/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AVX2 half-pel planes: the SSSE3 algorithm (see mc_ssse3.c) on 32 columns
 * at a time. The byte/word unpacks and packs work within 128-bit lanes;
 * the intermediates are stored in column order, so they are permuted once
 * on the way into the buffer and the packed h and j rows once on the way
 * out.
 */
#include <immintrin.h>

#include "cpu_fallback/dsp/x86/mc.h"

/* The helpers pass rows in small arrays for brevity; inlined, with their
 * loops unrolled, the arrays become registers. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define CHUNK 256

/* As in mc_ssse3.c: the 6-tap sum for the byte columns an unpack of half
 * hi selects, one multiply-add per tap pair. */
ALWAYS_INLINE __m256i tap6_u8(const __m256i r[6], int hi)
{
    const __m256i k_1_m5 = _mm256_set1_epi16((int16_t)(((uint16_t)(uint8_t)-5 << 8) | 1));
    const __m256i k_20_20 = _mm256_set1_epi16((20 << 8) | 20);
    const __m256i k_m5_1 = _mm256_set1_epi16((int16_t)((1 << 8) | (uint8_t)-5));
    __m256i p[3];
    #pragma GCC unroll 4
    for (int k = 0; k < 3; k++)
        p[k] = hi ? _mm256_unpackhi_epi8(r[2 * k], r[2 * k + 1]) : _mm256_unpacklo_epi8(r[2 * k], r[2 * k + 1]);
    return _mm256_add_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(p[0], k_1_m5), _mm256_maddubs_epi16(p[1], k_20_20)),
                            _mm256_maddubs_epi16(p[2], k_m5_1));
}

/* 16 j samples in column order from m[-2 .. 18], before the clip: the
 * 16-bit split of the shifts explained at tap6_mid in mc_ssse3.c. */
ALWAYS_INLINE __m256i tap6_mid(const int16_t *m)
{
    const __m256i a = _mm256_add_epi16(_mm256_loadu_si256((const __m256i *)(m - 2)),
                                       _mm256_loadu_si256((const __m256i *)(m + 3)));
    const __m256i b = _mm256_add_epi16(_mm256_loadu_si256((const __m256i *)(m - 1)),
                                       _mm256_loadu_si256((const __m256i *)(m + 2)));
    const __m256i c = _mm256_add_epi16(_mm256_loadu_si256((const __m256i *)m),
                                       _mm256_loadu_si256((const __m256i *)(m + 1)));
    const __m256i u = _mm256_adds_epi16(_mm256_srai_epi16(_mm256_sub_epi16(a, b), 2), _mm256_sub_epi16(c, b));
    const __m256i v = _mm256_add_epi16(_mm256_srai_epi16(u, 2), c);
    return _mm256_srai_epi16(_mm256_add_epi16(v, _mm256_set1_epi16(32)), 6);
}

/* packus of two column-ordered 16-sample vectors, back into column order. */
ALWAYS_INLINE __m256i pack_cols(__m256i a, __m256i b)
{
    return _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xd8);
}

static void hpel_chunk(uint8_t *dh, uint8_t *dv, uint8_t *dc, const uint8_t *s, ptrdiff_t stride, int n,
                       int16_t *m)
{
    const __m256i r16 = _mm256_set1_epi16(16);
    const int last_m = n + MC_HPEL_READ_AFTER - 32, last = n - 32;
    for (int x = -MC_HPEL_READ_BEFORE;; x += 32) {
        x = x < last_m ? x : last_m;
        __m256i r[6];
        #pragma GCC unroll 8
        for (int k = 0; k < 6; k++)
            r[k] = _mm256_loadu_si256((const __m256i *)(s + x + (k - 2) * stride));
        const __m256i lo = tap6_u8(r, 0), hi = tap6_u8(r, 1);
        _mm256_storeu_si256((__m256i *)(m + x), _mm256_permute2x128_si256(lo, hi, 0x20));
        _mm256_storeu_si256((__m256i *)(m + x + 16), _mm256_permute2x128_si256(lo, hi, 0x31));
        if (x == last_m)
            break;
    }
    for (int x = 0;; x += 32) {
        x = x < last ? x : last;
        __m256i r[6];
        #pragma GCC unroll 8
        for (int k = 0; k < 6; k++)
            r[k] = _mm256_loadu_si256((const __m256i *)(s + x + k - 2));
        /* Lane-wise unpack then lane-wise pack: already in column order. */
        __m256i b_lo = _mm256_srai_epi16(_mm256_add_epi16(tap6_u8(r, 0), r16), 5);
        __m256i b_hi = _mm256_srai_epi16(_mm256_add_epi16(tap6_u8(r, 1), r16), 5);
        _mm256_storeu_si256((__m256i *)(dh + x), _mm256_packus_epi16(b_lo, b_hi));

        __m256i h0 = _mm256_srai_epi16(_mm256_add_epi16(_mm256_loadu_si256((const __m256i *)(m + x)), r16), 5);
        __m256i h1 = _mm256_srai_epi16(_mm256_add_epi16(_mm256_loadu_si256((const __m256i *)(m + x + 16)), r16), 5);
        _mm256_storeu_si256((__m256i *)(dv + x), pack_cols(h0, h1));

        _mm256_storeu_si256((__m256i *)(dc + x), pack_cols(tap6_mid(m + x), tap6_mid(m + x + 16)));
        if (x == last)
            break;
    }
}

decl_hpel_filter_fn(hpel_filter_avx2)
{
    if (width < 32) {
        hpel_filter_ssse3(dst_h, dst_v, dst_c, src, stride, width, height);
        return;
    }
    int16_t mid[MC_HPEL_READ_BEFORE + CHUNK + MC_HPEL_READ_AFTER];
    int16_t *const m = mid + MC_HPEL_READ_BEFORE;
    for (int y = 0; y < height; y++) {
        const ptrdiff_t o = y * stride;
        for (int x0 = 0; x0 < width; x0 += CHUNK) {
            const int x = width - x0 < 32 ? width - 32 : x0;
            const int n = width - x < CHUNK ? width - x : CHUNK;
            hpel_chunk(dst_h + o + x, dst_v + o + x, dst_c + o + x, src + o + x, stride, n, m);
        }
    }
}
