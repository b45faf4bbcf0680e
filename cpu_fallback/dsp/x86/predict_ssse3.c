/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * SSSE3 4x4 diagonal intra prediction. The 3-tap filter
 * (a + 2b + c + 2) >> 2 equals pavgb(b, (a + c) >> 1) exactly, and
 * (a + c) >> 1 is pavgb(a, c) minus the rounding bit (a ^ c) & 1, so a
 * whole diagonal is filtered in bytes; each output row is then a shifted
 * window of it.
 */
#include <tmmintrin.h>

#include "cpu_fallback/dsp/x86/predict.h"

static inline __m128i avg3(__m128i a, __m128i b, __m128i c)
{
    const __m128i half = _mm_sub_epi8(_mm_avg_epu8(a, c), _mm_and_si128(_mm_xor_si128(a, c), _mm_set1_epi8(1)));
    return _mm_avg_epu8(b, half);
}

/* Rows y = 0..3 are bytes first + y * step .. + 3 of v (step +-1). */
static inline void store_diagonal(uint8_t *dst, ptrdiff_t stride, __m128i v, int down)
{
    if (down) { /* row y starts at byte 3 - y */
        _mm_storeu_si32(dst, _mm_srli_si128(v, 3));
        _mm_storeu_si32(dst + stride, _mm_srli_si128(v, 2));
        _mm_storeu_si32(dst + 2 * stride, _mm_srli_si128(v, 1));
        _mm_storeu_si32(dst + 3 * stride, v);
    } else { /* row y starts at byte y */
        _mm_storeu_si32(dst, v);
        _mm_storeu_si32(dst + stride, _mm_srli_si128(v, 1));
        _mm_storeu_si32(dst + 2 * stride, _mm_srli_si128(v, 2));
        _mm_storeu_si32(dst + 3 * stride, _mm_srli_si128(v, 3));
    }
}

decl_predict_fn(pred4x4_ddl_ssse3)
{
    /* t[0..7] = p[0..7, -1]; the filter's last tap repeats t[7]. */
    const __m128i t = _mm_loadl_epi64((const __m128i *)(edge + 1));
    const __m128i a = _mm_shuffle_epi8(t, _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7));
    const __m128i b = _mm_shuffle_epi8(t, _mm_setr_epi8(1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7));
    const __m128i c = _mm_shuffle_epi8(t, _mm_setr_epi8(2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7));
    store_diagonal(dst, dst_stride, avg3(a, b, c), 0);
}

decl_predict_fn(pred4x4_ddr_ssse3)
{
    /* s[0..8] = p[-1, 3..0], p[-1, -1], p[0..3, -1] = edge[-4 .. 4]; the
     * filtered q[k] = avg3(s[k], s[k + 1], s[k + 2]) holds row y from
     * q[3 - y]. */
    const __m128i lo = _mm_loadl_epi64((const __m128i *)(edge - 4));
    const __m128i s = _mm_or_si128(lo, _mm_slli_si128(_mm_cvtsi32_si128(edge[4]), 8));
    const __m128i q = avg3(s, _mm_srli_si128(s, 1), _mm_srli_si128(s, 2));
    store_diagonal(dst, dst_stride, q, 1);
}
