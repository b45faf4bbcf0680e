/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSE2 quality-metric kernels: squared error with pmaddwd, and the SSIM
 * sums of two 4x4 blocks per register (one per 64-bit half).
 */
#include <emmintrin.h>
#include <string.h>

#include "cpu_fallback/dsp/x86/metrics.h"

static inline __m128i load4(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return _mm_cvtsi32_si128(v);
}

static inline __m128i sq_diff_sum(__m128i a16, __m128i b16)
{
    const __m128i d = _mm_sub_epi16(a16, b16);
    return _mm_madd_epi16(d, d);
}

/* A row of up to 16384 samples sums to below 2^31 in each lane, so rows
 * are summed in 32 bits and only the row totals in 64. */
decl_plane_ssd_fn(plane_ssd_sse2)
{
    const __m128i zero = _mm_setzero_si128();
    uint64_t total = 0;
    for (int y = 0; y < h; y++, a += a_stride, b += b_stride) {
        __m128i acc = zero;
        int x = 0;
        for (; x + 16 <= w; x += 16) {
            const __m128i va = _mm_loadu_si128((const __m128i *)(a + x));
            const __m128i vb = _mm_loadu_si128((const __m128i *)(b + x));
            acc = _mm_add_epi32(acc, sq_diff_sum(_mm_unpacklo_epi8(va, zero), _mm_unpacklo_epi8(vb, zero)));
            acc = _mm_add_epi32(acc, sq_diff_sum(_mm_unpackhi_epi8(va, zero), _mm_unpackhi_epi8(vb, zero)));
        }
        if (x + 8 <= w) {
            const __m128i va = _mm_loadl_epi64((const __m128i *)(a + x));
            const __m128i vb = _mm_loadl_epi64((const __m128i *)(b + x));
            acc = _mm_add_epi32(acc, sq_diff_sum(_mm_unpacklo_epi8(va, zero), _mm_unpacklo_epi8(vb, zero)));
            x += 8;
        }
        acc = _mm_add_epi32(acc, _mm_unpackhi_epi64(acc, acc));
        acc = _mm_add_epi32(acc, _mm_shufflelo_epi16(acc, _MM_SHUFFLE(1, 0, 3, 2)));
        uint32_t row = (uint32_t)_mm_cvtsi128_si32(acc);
        for (; x < w; x++) {
            const int d = a[x] - b[x];
            row += (uint32_t)(d * d);
        }
        total += row;
    }
    return total;
}

/*
 * Sums over four rows of eight 16-bit samples (two 4x4 blocks); returns
 * the sums of the left block in *out0 and of the right one in *out1.
 * pmaddwd leaves column pairs in 32-bit lanes: lanes 0-1 are the left
 * block, 2-3 the right one.
 */
static inline void ssim_pair(const __m128i a16[4], const __m128i b16[4], __m128i *out0, __m128i *out1)
{
    const __m128i ones = _mm_set1_epi16(1);
    __m128i sa = a16[0], sb = b16[0];
    __m128i ss = _mm_add_epi32(_mm_madd_epi16(a16[0], a16[0]), _mm_madd_epi16(b16[0], b16[0]));
    __m128i sab = _mm_madd_epi16(a16[0], b16[0]);
    for (int y = 1; y < 4; y++) {
        sa = _mm_add_epi16(sa, a16[y]);
        sb = _mm_add_epi16(sb, b16[y]);
        ss = _mm_add_epi32(ss, _mm_add_epi32(_mm_madd_epi16(a16[y], a16[y]), _mm_madd_epi16(b16[y], b16[y])));
        sab = _mm_add_epi32(sab, _mm_madd_epi16(a16[y], b16[y]));
    }
    sa = _mm_madd_epi16(sa, ones);
    sb = _mm_madd_epi16(sb, ones);
    const __m128i t0 = _mm_unpacklo_epi32(sa, sb), t1 = _mm_unpackhi_epi32(sa, sb);
    const __m128i t2 = _mm_unpacklo_epi32(ss, sab), t3 = _mm_unpackhi_epi32(ss, sab);
    *out0 = _mm_add_epi32(_mm_unpacklo_epi64(t0, t2), _mm_unpackhi_epi64(t0, t2));
    *out1 = _mm_add_epi32(_mm_unpacklo_epi64(t1, t3), _mm_unpackhi_epi64(t1, t3));
}

decl_ssim_4x4xn_fn(ssim_4x4xn_sse2)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i a16[4], b16[4], out0, out1;
    int i = 0;
    for (; i + 2 <= n; i += 2) {
        for (int y = 0; y < 4; y++) {
            a16[y] = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(a + y * a_stride + 4 * i)), zero);
            b16[y] = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(b + y * b_stride + 4 * i)), zero);
        }
        ssim_pair(a16, b16, &out0, &out1);
        _mm_storeu_si128((__m128i *)sums[i], out0);
        _mm_storeu_si128((__m128i *)sums[i + 1], out1);
    }
    if (i < n) { /* the last block alone, with zeros on its right */
        for (int y = 0; y < 4; y++) {
            a16[y] = _mm_unpacklo_epi8(load4(a + y * a_stride + 4 * i), zero);
            b16[y] = _mm_unpacklo_epi8(load4(b + y * b_stride + 4 * i), zero);
        }
        ssim_pair(a16, b16, &out0, &out1);
        _mm_storeu_si128((__m128i *)sums[i], out0);
    }
}
