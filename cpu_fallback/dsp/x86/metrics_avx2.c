/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * AVX2 quality-metric kernels: 32 samples of squared error per step, and
 * the SSIM sums of four 4x4 blocks per register. Both hand their narrow
 * remainders to the SSE2 versions.
 */
#include <immintrin.h>

#include "cpu_fallback/dsp/x86/metrics.h"

decl_plane_ssd_fn(plane_ssd_avx2)
{
    const int w32 = w & ~31;
    if (!w32)
        return plane_ssd_sse2(a, a_stride, b, b_stride, w, h);
    const __m256i zero = _mm256_setzero_si256();
    __m256i total = zero; /* four 64-bit lanes */
    const uint8_t *pa = a, *pb = b;
    for (int y = 0; y < h; y++, pa += a_stride, pb += b_stride) {
        __m256i acc = zero;
        for (int x = 0; x < w32; x += 32) {
            const __m256i va = _mm256_loadu_si256((const __m256i *)(pa + x));
            const __m256i vb = _mm256_loadu_si256((const __m256i *)(pb + x));
            const __m256i dlo = _mm256_sub_epi16(_mm256_unpacklo_epi8(va, zero), _mm256_unpacklo_epi8(vb, zero));
            const __m256i dhi = _mm256_sub_epi16(_mm256_unpackhi_epi8(va, zero), _mm256_unpackhi_epi8(vb, zero));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(dlo, dlo));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(dhi, dhi));
        }
        /* Each lane is below 2^31: widen to 64 bits once per row. */
        total = _mm256_add_epi64(total, _mm256_unpacklo_epi32(acc, zero));
        total = _mm256_add_epi64(total, _mm256_unpackhi_epi32(acc, zero));
    }
    const __m128i t = _mm_add_epi64(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
    uint64_t lo, hi;
    _mm_storel_epi64((__m128i *)&lo, t);
    _mm_storel_epi64((__m128i *)&hi, _mm_unpackhi_epi64(t, t));
    uint64_t sum = lo + hi;
    if (w32 < w)
        sum += plane_ssd_sse2(a + w32, a_stride, b + w32, b_stride, w - w32, h);
    return sum;
}

decl_ssim_4x4xn_fn(ssim_4x4xn_avx2)
{
    const __m256i ones = _mm256_set1_epi16(1);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256i sa = _mm256_setzero_si256(), sb = sa, ss = sa, sab = sa;
        for (int y = 0; y < 4; y++) {
            /* Lane 0 holds blocks i, i + 1; lane 1 blocks i + 2, i + 3. */
            const __m256i va = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(a + y * a_stride + 4 * i)));
            const __m256i vb = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(b + y * b_stride + 4 * i)));
            sa = _mm256_add_epi16(sa, va);
            sb = _mm256_add_epi16(sb, vb);
            ss = _mm256_add_epi32(ss, _mm256_add_epi32(_mm256_madd_epi16(va, va), _mm256_madd_epi16(vb, vb)));
            sab = _mm256_add_epi32(sab, _mm256_madd_epi16(va, vb));
        }
        sa = _mm256_madd_epi16(sa, ones);
        sb = _mm256_madd_epi16(sb, ones);
        const __m256i t0 = _mm256_unpacklo_epi32(sa, sb), t1 = _mm256_unpackhi_epi32(sa, sb);
        const __m256i t2 = _mm256_unpacklo_epi32(ss, sab), t3 = _mm256_unpackhi_epi32(ss, sab);
        const __m256i even = _mm256_add_epi32(_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2));
        const __m256i odd = _mm256_add_epi32(_mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3));
        _mm256_storeu_si256((__m256i *)sums[i], _mm256_permute2x128_si256(even, odd, 0x20));
        _mm256_storeu_si256((__m256i *)sums[i + 2], _mm256_permute2x128_si256(even, odd, 0x31));
    }
    if (i < n)
        ssim_4x4xn_sse2(a + 4 * i, a_stride, b + 4 * i, b_stride, sums + i, n - i);
}
